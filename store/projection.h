// Projections: read models derived from the log.
//
// A projection turns a sequence of events into key/value state kept in its
// own column family ("proj.<name>"). The log applies every projection to
// each group of appended events and writes the changed keys in the same
// WriteBatch as the events, so state and log never diverge; `verify` and
// `rebuild` replay the log through the same code.
//
// Contract: apply() must be a pure function of the stored state and the
// event (envelope time included) - never of the wall clock or randomness -
// so replaying the log reproduces the state byte for byte. Projections never
// fail: data missing a field takes that field's default.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/event.h"

namespace heimdall {

// The stored value of a key, nullopt when absent.
using projection_reader = std::function<std::optional<std::string>(std::string_view key)>;
// Receives each key a batch changed: its new value, or nullopt to delete it.
using projection_sink =
    std::function<void(const std::string& key, const std::optional<std::string>& value)>;

// One pass of events over a projection. Not thread-safe; short-lived.
class projection_batch {
 public:
  virtual ~projection_batch() = default;
  // `e.data` is at its type's current schema.
  virtual void apply(const event& e) = 0;
  // Emits every key changed since begin(), each exactly once.
  virtual void finish(const projection_sink& sink) = 0;
};

// Stateless description of a projection. Thread-safe.
class projection {
 public:
  virtual ~projection() = default;
  virtual std::string_view name() const = 0;
  virtual std::unique_ptr<projection_batch> begin(projection_reader reader) const = 0;
};

// The built-in projections, in the order they are applied.
const std::vector<const projection*>& all_projections();

}  // namespace heimdall
