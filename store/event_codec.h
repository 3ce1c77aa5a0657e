// Envelope codec: event <-> the compact JSON value stored under its seq.
//
// decode_envelope returns the data exactly as stored (its original schema);
// event_types.h upcasts it. Thread-safe: parsing uses a thread-local parser.
#pragma once

#include <string>
#include <string_view>

#include "store/event.h"
#include "base/result.h"

namespace heimdall {

std::string encode_envelope(const event& e);

// Fails with errc::corruption when `json` is not a well-formed envelope.
result<event> decode_envelope(std::string_view json);

// Checks that `json` is one JSON object and returns it minified.
// Fails with errc::invalid_argument otherwise.
result<std::string> minify_json_object(std::string_view json);

}  // namespace heimdall
