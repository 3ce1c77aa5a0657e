// Reading rule pack files: JSON (simdjson DOM) into `rule` values. Every
// field is checked here for presence and type, and unknown fields are
// rejected, so a typo such as "not_patern" fails loudly instead of
// silently widening a rule. Regexes and ids are checked by build_rule_pack.
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <system_error>

#include "analysis/json_fields.h"
#include "analysis/rule_pack.h"

namespace heimdall::analysis {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// A rule's place in messages: "rule #3" until its id is read, then
// "rule 'python.x' (#3)".
std::string rule_item(std::size_t index, const std::string& id = "") {
  return id.empty() ? "rule #" + std::to_string(index) : "rule '" + id + "' (#" + std::to_string(index) + ")";
}

status read_rule(json_place& at, std::size_t index, element value, rule& out) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) return at.error("must be an object");
  // The id first, so every later message can name the rule.
  element id;
  if (fields["id"].get(id) != simdjson::SUCCESS) return at.error("missing field 'id'");
  if (status s = read_string(at, "id", id, out.id); !s.is_ok()) return s;
  at.item = rule_item(index, out.id);

  bool has_cwe = false, has_severity = false, has_confidence = false;
  for (auto [key, item] : fields) {
    status s;
    if (key == "id") {
      continue;
    } else if (key == "cwe") {
      std::int64_t cwe = 0;
      if (item.get_int64().get(cwe) != simdjson::SUCCESS || cwe <= 0 || cwe > 100000) {
        s = at.error("field 'cwe' must be a positive integer (the CWE number)");
      }
      out.cwe = static_cast<int>(cwe);
      has_cwe = true;
    } else if (key == "severity") {
      std::string name;
      s = read_string(at, "severity", item, name);
      if (s.is_ok() && !parse_severity(name, out.severity)) {
        s = at.error("unknown severity '" + name + "' (expected low, medium, high or critical)");
      }
      has_severity = true;
    } else if (key == "confidence") {
      if (item.get_double().get(out.confidence) != simdjson::SUCCESS || out.confidence < 0 ||
          out.confidence > 1) {
        s = at.error("field 'confidence' must be a number from 0 to 1");
      }
      has_confidence = true;
    } else if (key == "languages") {
      std::vector<std::string> names;
      s = read_strings(at, "languages", item, names);
      for (std::size_t i = 0; s.is_ok() && i < names.size(); ++i) {
        language lang = language_from_name(names[i]);
        if (lang == language::unknown) s = at.error("unknown language '" + names[i] + "'");
        out.languages.push_back(lang);
      }
    } else if (key == "paths") {
      s = read_strings(at, "paths", item, out.paths);
    } else if (key == "title") {
      s = read_string(at, "title", item, out.title);
    } else if (key == "message") {
      s = read_string(at, "message", item, out.message);
    } else if (key == "remediation") {
      s = read_string(at, "remediation", item, out.remediation);
    } else if (key == "pattern") {
      if (!out.patterns.empty()) {
        s = at.error("give either 'pattern' or 'patterns', not both");
      } else {
        out.patterns.emplace_back();
        s = read_string(at, "pattern", item, out.patterns.back());
      }
    } else if (key == "patterns") {
      if (!out.patterns.empty()) {
        s = at.error("give either 'pattern' or 'patterns', not both");
      } else {
        s = read_strings(at, "patterns", item, out.patterns);
      }
    } else if (key == "not_pattern") {
      s = read_string(at, "not_pattern", item, out.not_pattern);
    } else if (key == "not_in_block") {
      s = read_string(at, "not_in_block", item, out.not_in_block);
    } else if (key == "in_block") {
      s = read_string(at, "in_block", item, out.in_block);
    } else if (key == "not_earlier_in_block") {
      s = read_string(at, "not_earlier_in_block", item, out.not_earlier_in_block);
    } else if (key == "assigned") {
      s = read_string(at, "assigned", item, out.assigned);
    } else if (key == "not_assigned") {
      s = read_string(at, "not_assigned", item, out.not_assigned);
    } else if (key == "any_data") {
      if (item.get_bool().get(out.any_data) != simdjson::SUCCESS) s = at.error("field 'any_data' must be true or false");
    } else if (key == "examples") {
      s = read_examples(at, item, out.examples.positive, out.examples.negative, &out.examples.path, false);
    } else {
      s = at.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }

  if (!has_cwe) return at.error("missing field 'cwe'");
  if (!has_severity) return at.error("missing field 'severity'");
  if (!has_confidence) return at.error("missing field 'confidence'");
  if (out.languages.empty()) return at.error("missing field 'languages'");
  if (out.title.empty()) return at.error("missing field 'title'");
  if (out.message.empty()) return at.error("missing field 'message'");
  if (out.remediation.empty()) return at.error("missing field 'remediation'");
  if (out.patterns.empty()) return at.error("missing field 'pattern' (or 'patterns')");
  if (out.examples.positive.empty()) return at.error("missing field 'examples'");
  // A rule that looks back (for an assignment, an earlier setting) needs
  // those lines in its examples; every other rule sees one line at a time.
  if (out.assigned.empty() && out.not_assigned.empty() && out.not_earlier_in_block.empty()) {
    return check_single_lines(at, out.examples.positive, out.examples.negative);
  }
  return status::ok();
}

// Fragments: named pieces of regex shared by the rules of one file, so a
// long alternation (SQL keywords, the sinks of a library) is written and
// reviewed once. A pattern refers to one as {{name}}.
using fragment_map = std::map<std::string, std::string, std::less<>>;

bool is_fragment_name(std::string_view name) {
  return !name.empty() && name.front() >= 'a' && name.front() <= 'z' &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

status read_fragments(const json_place& at, element value, fragment_map& out) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) {
    return at.error("'fragments' must be an object of strings");
  }
  for (auto [key, item] : fields) {
    if (!is_fragment_name(key)) {
      return at.error("fragment name '" + std::string(key) + "' must be lower-case letters, digits and '_'");
    }
    if (status s = read_string(at, "fragments." + std::string(key), item, out[std::string(key)]); !s.is_ok()) {
      return s;
    }
  }
  return status::ok();
}

// Replaces every {{name}} in `pattern`; a name no fragment has is an error.
// Braces around anything but a name stay as they are (RE2 syntax).
status expand(const json_place& at, std::string_view field, const fragment_map& fragments, std::string& pattern) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t open; (open = pattern.find("{{", pos)) != std::string::npos;) {
    std::size_t close = pattern.find("}}", open + 2);
    std::string_view name = close == std::string::npos
                                ? std::string_view()
                                : std::string_view(pattern).substr(open + 2, close - open - 2);
    if (!is_fragment_name(name)) {  // not a reference: keep the braces
      out.append(pattern, pos, open + 2 - pos);
      pos = open + 2;
      continue;
    }
    auto found = fragments.find(name);
    if (found == fragments.end()) {
      return at.error("field '" + std::string(field) + "': unknown fragment '{{" + std::string(name) + "}}'");
    }
    out.append(pattern, pos, open - pos);
    out += found->second;
    pos = close + 2;
  }
  out.append(pattern, pos);
  pattern = std::move(out);
  return status::ok();
}

status read_file(const fs::path& file, std::vector<rule>& out) {
  json_place at{file.filename().string(), {}};
  simdjson::padded_string text;
  if (simdjson::padded_string::load(file.string()).get(text) != simdjson::SUCCESS) {
    return status(errc::io_error, at.file + ": cannot read " + file.string());
  }
  simdjson::dom::parser parser;
  element root;
  if (auto code = parser.parse(text).get(root); code != simdjson::SUCCESS) {
    return at.error(std::string("invalid JSON: ") + simdjson::error_message(code));
  }
  object fields;
  if (root.get_object().get(fields) != simdjson::SUCCESS) {
    return at.error("the top level must be an object with a 'rules' array");
  }
  array rules;
  bool has_rules = false;
  fragment_map fragments;
  for (auto [key, item] : fields) {
    if (key == "rules") {
      if (item.get_array().get(rules) != simdjson::SUCCESS) return at.error("'rules' must be an array");
      has_rules = true;
    } else if (key == "fragments") {
      if (status s = read_fragments(at, item, fragments); !s.is_ok()) return s;
    } else if (key == "description") {
      std::string ignored;
      if (status s = read_string(at, "description", item, ignored); !s.is_ok()) return s;
    } else {
      return at.error("unknown top-level field '" + std::string(key) + "'");
    }
  }
  if (!has_rules) return at.error("missing the 'rules' array");
  std::size_t index = 0;
  for (element item : rules) {
    json_place rule_at{at.file, rule_item(++index)};
    rule parsed;
    parsed.file = at.file;
    if (status s = read_rule(rule_at, index, item, parsed); !s.is_ok()) return s;
    for (std::string& pattern : parsed.patterns) {
      if (status s = expand(rule_at, "pattern", fragments, pattern); !s.is_ok()) return s;
    }
    if (status s = expand(rule_at, "not_pattern", fragments, parsed.not_pattern); !s.is_ok()) return s;
    if (status s = expand(rule_at, "not_in_block", fragments, parsed.not_in_block); !s.is_ok()) return s;
    if (status s = expand(rule_at, "in_block", fragments, parsed.in_block); !s.is_ok()) return s;
    if (status s = expand(rule_at, "assigned", fragments, parsed.assigned); !s.is_ok()) return s;
    if (status s = expand(rule_at, "not_assigned", fragments, parsed.not_assigned); !s.is_ok()) return s;
    out.push_back(std::move(parsed));
  }
  return status::ok();
}

}  // namespace

result<rule_pack> load_rule_pack(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return status(errc::not_found, "rule pack directory " + dir.string() + " does not exist");
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return status(errc::io_error, "cannot list rule pack directory " + dir.string() + ": " + ec.message());
  if (files.empty()) {
    return status(errc::invalid_argument, "rule pack directory " + dir.string() + " holds no *.json rule file");
  }
  std::sort(files.begin(), files.end());

  std::vector<rule> rules;
  for (const fs::path& file : files) {
    if (status s = read_file(file, rules); !s.is_ok()) return s;
  }
  return build_rule_pack(std::move(rules));
}

}  // namespace heimdall::analysis
