// json_body: a request's JSON object body, read member by member with the
// type checks a client's mistakes need ("'name' must be a string").
// Errors are invalid_argument statuses, which answer 400. Not thread-safe;
// one per request.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace heimdall::http {

class json_body {
 public:
  // `text` must be a JSON object; an empty text reads as {} when
  // `empty_ok` (for routes whose body is optional).
  status parse(std::string_view text, bool empty_ok = false);

  // nullopt when absent or null, or when parse() failed; an error (kept for error()) when present
  // with another type.
  std::optional<std::string> string(const char* key);
  // As string(), but absent is an error too.
  std::string required_string(const char* key);

  // The first problem any read found.
  const status& error() const { return error_; }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::object object_;
  bool parsed_ = false;  // object_ holds a parsed object
  status error_;
};

}  // namespace heimdall::http
