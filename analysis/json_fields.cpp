#include "analysis/json_fields.h"

#include <set>

namespace heimdall::analysis {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

status json_place::error(const std::string& what) const {
  return status(errc::invalid_argument, file + (item.empty() ? "" : ": " + item) + ": " + what);
}

json_place json_place::at(const std::string& sub) const { return {file, item.empty() ? sub : item + ": " + sub}; }

status object_members(const json_place& at, element value, std::string_view what,
                      std::vector<std::pair<std::string_view, element>>& out) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) return at.error(std::string(what) + " must be an object");
  std::set<std::string_view> seen;
  for (auto [key, item] : fields) {
    if (!seen.insert(key).second) return at.error("field '" + std::string(key) + "' appears twice");
    out.emplace_back(key, item);
  }
  return status::ok();
}

status read_string(const json_place& at, std::string_view field, element value, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return at.error("field '" + std::string(field) + "' must be a string");
  }
  if (text.empty()) return at.error("field '" + std::string(field) + "' is empty");
  out.assign(text);
  return status::ok();
}

status read_strings(const json_place& at, std::string_view field, element value, std::vector<std::string>& out) {
  array items;
  if (value.get_array().get(items) != simdjson::SUCCESS) {
    return at.error("field '" + std::string(field) + "' must be an array of strings");
  }
  for (element item : items) {
    std::string text;
    if (status s = read_string(at, field, item, text); !s.is_ok()) return s;
    out.push_back(std::move(text));
  }
  if (out.empty()) return at.error("field '" + std::string(field) + "' is an empty array");
  return status::ok();
}

status read_bool(const json_place& at, std::string_view field, element value, bool& out) {
  if (value.get_bool().get(out) != simdjson::SUCCESS) {
    return at.error("field '" + std::string(field) + "' must be true or false");
  }
  return status::ok();
}

status check_single_lines(const json_place& at, const std::vector<std::string>& positive,
                          const std::vector<std::string>& negative) {
  for (const auto* list : {&positive, &negative}) {
    for (const std::string& line : *list) {
      if (line.find_first_of("\r\n") != std::string::npos) {
        return at.error("an example contains a line break; examples are single lines");
      }
    }
  }
  return status::ok();
}

status read_examples(const json_place& at, element value, std::vector<std::string>& positive,
                     std::vector<std::string>& negative, std::string* path, bool single_lines) {
  std::vector<std::pair<std::string_view, element>> fields;
  if (status s = object_members(at, value, "field 'examples'", fields); !s.is_ok()) return s;
  for (auto [key, item] : fields) {
    status s;
    if (key == "positive") {
      s = read_strings(at, "examples.positive", item, positive);
    } else if (key == "negative") {
      s = read_strings(at, "examples.negative", item, negative);
    } else if (key == "path" && path != nullptr) {
      s = read_string(at, "examples.path", item, *path);
    } else {
      s = at.error("unknown field 'examples." + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (positive.empty()) return at.error("missing field 'examples.positive'");
  if (negative.empty()) return at.error("missing field 'examples.negative'");
  return single_lines ? check_single_lines(at, positive, negative) : status::ok();
}

}  // namespace heimdall::analysis
