// The catalogue of event types the log accepts, with the current schema
// version of each, and the upcasters that bring older data shapes forward.
//
// Every type listed here has one JSON Schema per version under
// schemas/events/<type>.v<N>.json (a test checks both directions). To change
// a type's data shape: add the new schema file, bump `current_schema`, and
// add an upcaster from the previous version. Thread-safe (immutable tables).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/event.h"
#include "base/result.h"

namespace heimdall {

struct event_type_info {
  std::string_view name;
  int current_schema;
};

const std::vector<event_type_info>& event_types();

// 0 when the type is not registered.
int current_schema(std::string_view type);

// Checks that (type, schema) may be appended: the type is registered and the
// schema is between 1 and its current version.
status validate_event_type(std::string_view type, int schema);

// Rewrites e.data (and e.schema) to the type's current schema. Events
// already current are left untouched.
status upcast(event& e);

}  // namespace heimdall
