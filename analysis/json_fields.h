// json_fields: strict field readers shared by the loaders of analysis/'s
// data files (the rule pack, the threat-model patterns). Every message
// names the file, the item and the field ("python.json: rule 'python.x'
// (#3): field 'cwe' must be ..."), so a typo in a data file fails loudly
// and says where. Pure functions; thread-safe.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace heimdall::analysis {

// Where a value sits in a data file.
struct json_place {
  std::string file;
  std::string item;  // e.g. "rule 'python.x' (#3)"; "" at the top level

  status error(const std::string& what) const;  // invalid_argument
  json_place at(const std::string& sub) const;  // a place inside this one
};

// The members of an object, each at most once. `what` names the object in
// the message ("'examples' must be an object").
status object_members(const json_place& at, simdjson::dom::element value, std::string_view what,
                      std::vector<std::pair<std::string_view, simdjson::dom::element>>& out);
// A non-empty string.
status read_string(const json_place& at, std::string_view field, simdjson::dom::element value, std::string& out);
// A non-empty array of non-empty strings, appended to `out`.
status read_strings(const json_place& at, std::string_view field, simdjson::dom::element value,
                    std::vector<std::string>& out);
status read_bool(const json_place& at, std::string_view field, simdjson::dom::element value, bool& out);

// An "examples" object: "positive" and "negative", each a non-empty list of
// single lines (a matcher never sees a line break inside one) unless
// `single_lines` is false, and, only when `path` is given, an optional
// "path".
status read_examples(const json_place& at, simdjson::dom::element value, std::vector<std::string>& positive,
                     std::vector<std::string>& negative, std::string* path = nullptr, bool single_lines = true);
// The error read_examples gives when an example holds a line break, for a
// loader that can only tell after the whole item whether they may.
status check_single_lines(const json_place& at, const std::vector<std::string>& positive,
                          const std::vector<std::string>& negative);

}  // namespace heimdall::analysis
