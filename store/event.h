// The event vocabulary of the log: what producers append (new_event), what
// the log stores and returns (event), and the optimistic-concurrency check
// an append carries (expected_version). Plain values, thread-compatible.
//
// Envelope as stored (compact JSON, `data` always last):
//   {"seq":7,"stream":"scan-<uuid>","version":3,"id":"<uuid>",
//    "type":"scan.status_changed","schema":1,"time":"2026-03-12T10:00:05.123Z",
//    "data":{...}}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/uuid.h"

namespace heimdall {

// One event a producer wants appended. `id` makes the append idempotent:
// appending an id the stream already holds is a no-op that reports the
// original position.
struct new_event {
  uuid id;
  std::string type;  // registered in event_types.h, e.g. "scan.queued"
  int schema = 1;    // version of `data`'s shape for this type
  std::string data;  // a JSON object; stored minified
};

// One stored event, as every read returns it (data upcast to the type's
// current schema).
struct event {
  std::uint64_t seq = 0;      // global position, gap-free from 1
  std::string stream;         // aggregate id, e.g. "scan-<uuid>"
  std::uint64_t version = 0;  // position within the stream, from 1
  uuid id;
  std::string type;
  int schema = 1;
  std::string time;  // RFC 3339 UTC, millisecond precision, set by the log
  std::string data;  // compact JSON object
};

class expected_version {
 public:
  enum class kind { any, no_stream, exact };

  static expected_version any() { return expected_version(kind::any, 0); }
  static expected_version no_stream() { return expected_version(kind::no_stream, 0); }
  static expected_version exact(std::uint64_t version) {
    return expected_version(kind::exact, version);
  }

  kind type() const { return kind_; }
  std::uint64_t version() const { return version_; }
  // Does a stream currently at `current` (0 = no stream) satisfy this?
  bool accepts(std::uint64_t current) const;
  std::string to_string() const;

 private:
  expected_version(kind k, std::uint64_t v) : kind_(k), version_(v) {}
  kind kind_;
  std::uint64_t version_;
};

struct append_result {
  std::uint64_t first_seq = 0;  // positions of the appended (or, for a
  std::uint64_t last_seq = 0;   // duplicate, the original) events
  std::uint64_t stream_version = 0;  // the stream's version after the append
  bool duplicate = false;            // every event id was already in the stream
};

// Stream ids: 1-200 characters of [A-Za-z0-9._:-].
// ('|' separates stream and version in index keys, so it may never appear.)
status validate_stream_name(std::string_view stream);

}  // namespace heimdall
