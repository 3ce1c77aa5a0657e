// Reading the remediation table: every field is checked for presence and
// type, and unknown fields are rejected, as for rule packs, so a misspelt
// key fails loudly instead of leaving a CWE with the generic advice.
#include "analysis/remediation.h"

#include <simdjson.h>

#include <system_error>

namespace heimdall::analysis {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

status read_text(element value, std::string_view what, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS || text.empty()) {
    return status(errc::invalid_argument, std::string(what) + " must be a non-empty string");
  }
  out.assign(text);
  return status::ok();
}

// One entry of "cwes" (the 1-based `index` names it until its CWE is known).
status read_entry(element value, std::size_t index, std::map<int, std::string>& by_cwe) {
  std::string at = "cwes entry #" + std::to_string(index);
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) {
    return status(errc::invalid_argument, at + " must be an object");
  }
  std::int64_t cwe = 0;
  std::string name, text;
  for (auto [key, item] : fields) {
    status s;
    if (key == "cwe") {
      if (item.get_int64().get(cwe) != simdjson::SUCCESS || cwe <= 0 || cwe > 100000) {
        s = status(errc::invalid_argument, at + ": 'cwe' must be a positive CWE number");
      }
    } else if (key == "name") {
      s = read_text(item, at + ": 'name'", name);
    } else if (key == "remediation") {
      s = read_text(item, at + ": 'remediation'", text);
    } else {
      s = status(errc::invalid_argument, at + ": unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (cwe == 0 || name.empty() || text.empty()) {
    return status(errc::invalid_argument, at + ": 'cwe', 'name' and 'remediation' are required");
  }
  if (!by_cwe.emplace(static_cast<int>(cwe), std::move(text)).second) {
    return status(errc::invalid_argument, at + ": CWE-" + std::to_string(cwe) + " appears twice");
  }
  return status::ok();
}

}  // namespace

const std::string& remediation_table::for_cwe(int cwe) const {
  auto it = by_cwe_.find(cwe);
  return it == by_cwe_.end() ? generic_ : it->second;
}

result<remediation_table> load_remediation_table(const std::filesystem::path& file) {
  std::string name = file.filename().string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return status(errc::not_found, "remediation file " + file.string() + " does not exist");
  }
  simdjson::padded_string text;
  if (simdjson::padded_string::load(file.string()).get(text) != simdjson::SUCCESS) {
    return status(errc::io_error, "cannot read remediation file " + file.string());
  }
  simdjson::dom::parser parser;
  element root;
  if (auto code = parser.parse(text).get(root); code != simdjson::SUCCESS) {
    return status(errc::invalid_argument, name + ": invalid JSON: " + simdjson::error_message(code));
  }
  object fields;
  if (root.get_object().get(fields) != simdjson::SUCCESS) {
    return status(errc::invalid_argument, name + ": the top level must be an object");
  }
  remediation_table table;
  bool has_cwes = false;
  for (auto [key, item] : fields) {
    status s;
    if (key == "description") {
      continue;
    } else if (key == "generic") {
      s = read_text(item, "'generic'", table.generic_);
    } else if (key == "cwes") {
      simdjson::dom::array entries;
      if (item.get_array().get(entries) != simdjson::SUCCESS) {
        s = status(errc::invalid_argument, "'cwes' must be an array");
      } else {
        has_cwes = true;
        std::size_t index = 0;
        for (element entry : entries) {
          s = read_entry(entry, ++index, table.by_cwe_);
          if (!s.is_ok()) break;
        }
      }
    } else {
      s = status(errc::invalid_argument, "unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return status(s.code(), name + ": " + s.message());
  }
  if (table.generic_.empty() || !has_cwes) {
    return status(errc::invalid_argument, name + ": 'generic' and 'cwes' are required");
  }
  return table;
}

void fill_remediation(std::vector<finding>& findings, const remediation_table& table) {
  for (finding& f : findings) {
    if (f.remediation.empty()) f.remediation = table.for_cwe(f.cwe_id);
  }
}

}  // namespace heimdall::analysis
