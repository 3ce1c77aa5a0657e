// The threat model's JSON form (the tyr stage's event and the API's
// threat-model response). Members are written in a fixed order and read
// strictly: every member is required, unknown or repeated members and
// values outside the closed sets (risk, kind, data_kind) are errors, so
// from_json(to_json(m)) gives back m exactly and anything else is named.
#include <simdjson.h>

#include <algorithm>
#include <climits>
#include <map>

#include "analysis/threat_model.h"
#include "base/json_writer.h"

namespace heimdall::analysis {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

void write_strings(json_writer& w, const std::vector<std::string>& items) {
  w.begin_array();
  for (const std::string& item : items) w.value(item);
  w.end_array();
}

void write_entry(json_writer& w, const entry_point& e) {
  w.begin_object();
  w.key("kind").value(e.kind);
  w.key("framework").value(e.framework);
  w.key("method").value(e.method);
  w.key("route").value(e.route);
  w.key("function").value(e.function);
  w.key("file_path").value(e.file_path);
  w.key("line").value(e.line);
  w.end_object();
}

// ---- reading ----

status malformed(const std::string& at, const std::string& what) {
  return status(errc::invalid_argument, "threat model: " + at + (at.empty() ? "" : ": ") + what);
}

// The members of the object at `at`, which must be exactly `names`.
status members(const std::string& at, element value, std::initializer_list<const char*> names,
               std::map<std::string_view, element>& out) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) return malformed(at, "must be an object");
  for (auto [key, item] : fields) {
    bool known = std::any_of(names.begin(), names.end(), [&](const char* n) { return key == n; });
    if (!known) return malformed(at, "unknown member '" + std::string(key) + "'");
    if (!out.emplace(key, item).second) return malformed(at, "member '" + std::string(key) + "' appears twice");
  }
  for (const char* name : names) {
    if (out.count(name) == 0) return malformed(at, "missing member '" + std::string(name) + "'");
  }
  return status::ok();
}

std::string member_at(const std::string& at, std::string_view name) {
  return at.empty() ? std::string(name) : at + "." + std::string(name);
}

status read_string(const std::string& at, const std::map<std::string_view, element>& m, std::string_view name,
                   std::string& out) {
  std::string_view text;
  if (m.at(name).get_string().get(text) != simdjson::SUCCESS) return malformed(member_at(at, name), "must be a string");
  out.assign(text);
  return status::ok();
}

status read_one_of(const std::string& at, const std::map<std::string_view, element>& m, std::string_view name,
                   std::initializer_list<const char*> allowed, std::string& out) {
  if (status s = read_string(at, m, name, out); !s.is_ok()) return s;
  if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return out == a; })) {
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return malformed(member_at(at, name), "'" + out + "' is not one of " + list);
  }
  return status::ok();
}

status read_line(const std::string& at, const std::map<std::string_view, element>& m, int& out) {
  std::int64_t line = 0;
  if (m.at("line").get_int64().get(line) != simdjson::SUCCESS || line < 1 || line > INT_MAX) {
    return malformed(member_at(at, "line"), "must be a positive integer");
  }
  out = static_cast<int>(line);
  return status::ok();
}

// Each element of the array member `name`, read by `read(at, element, T&)`.
template <class T, class Read>
status read_array(const std::string& at, const std::map<std::string_view, element>& m, std::string_view name,
                  std::vector<T>& out, Read read) {
  array items;
  const std::string here = member_at(at, name);
  if (m.at(name).get_array().get(items) != simdjson::SUCCESS) return malformed(here, "must be an array");
  std::size_t index = 0;
  for (element item : items) {
    T value;
    if (status s = read(here + "[" + std::to_string(index++) + "]", item, value); !s.is_ok()) return s;
    out.push_back(std::move(value));
  }
  return status::ok();
}

status read_text_item(const std::string& at, element value, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return malformed(at, "must be a string");
  out.assign(text);
  return status::ok();
}

status read_entry(const std::string& at, element value, entry_point& out) {
  std::map<std::string_view, element> m;
  if (status s = members(at, value, {"kind", "framework", "method", "route", "function", "file_path", "line"}, m);
      !s.is_ok()) {
    return s;
  }
  status s = read_one_of(at, m, "kind", {"http_route", "main", "cli", "message_handler"}, out.kind);
  if (s.is_ok()) s = read_string(at, m, "framework", out.framework);
  if (s.is_ok()) s = read_string(at, m, "method", out.method);
  if (s.is_ok()) s = read_string(at, m, "route", out.route);
  if (s.is_ok()) s = read_string(at, m, "function", out.function);
  if (s.is_ok()) s = read_string(at, m, "file_path", out.file_path);
  if (s.is_ok()) s = read_line(at, m, out.line);
  return s;
}

status read_boundary(const std::string& at, element value, trust_boundary& out) {
  std::map<std::string_view, element> m;
  if (status s = members(at, value, {"name", "description", "files"}, m); !s.is_ok()) return s;
  status s = read_string(at, m, "name", out.name);
  if (s.is_ok()) s = read_string(at, m, "description", out.description);
  if (s.is_ok()) s = read_array(at, m, "files", out.files, read_text_item);
  return s;
}

status read_surface(const std::string& at, element value, attack_surface& out) {
  std::map<std::string_view, element> m;
  if (status s = members(at, value, {"name", "risk", "description", "entry_points"}, m); !s.is_ok()) return s;
  status s = read_string(at, m, "name", out.name);
  if (s.is_ok()) s = read_one_of(at, m, "risk", {"critical", "high", "medium", "low"}, out.risk);
  if (s.is_ok()) s = read_string(at, m, "description", out.description);
  if (s.is_ok()) s = read_array(at, m, "entry_points", out.entry_points, read_entry);
  return s;
}

status read_flow(const std::string& at, element value, data_flow& out) {
  std::map<std::string_view, element> m;
  if (status s = members(at, value, {"data_kind", "source", "sink", "file_path", "line", "description"}, m);
      !s.is_ok()) {
    return s;
  }
  status s = read_one_of(at, m, "data_kind", {"credentials", "personal_data", "payment", "token", "secret"},
                         out.data_kind);
  if (s.is_ok()) s = read_string(at, m, "source", out.source);
  if (s.is_ok()) s = read_string(at, m, "sink", out.sink);
  if (s.is_ok()) s = read_string(at, m, "file_path", out.file_path);
  if (s.is_ok()) s = read_line(at, m, out.line);
  if (s.is_ok()) s = read_string(at, m, "description", out.description);
  return s;
}

}  // namespace

std::string to_json(const threat_model& model) {
  json_writer w;
  w.begin_object();
  w.key("summary").value(model.summary);
  w.key("boundaries").begin_array();
  for (const trust_boundary& b : model.boundaries) {
    w.begin_object();
    w.key("name").value(b.name);
    w.key("description").value(b.description);
    w.key("files");
    write_strings(w, b.files);
    w.end_object();
  }
  w.end_array();
  w.key("surfaces").begin_array();
  for (const attack_surface& s : model.surfaces) {
    w.begin_object();
    w.key("name").value(s.name);
    w.key("risk").value(s.risk);
    w.key("description").value(s.description);
    w.key("entry_points").begin_array();
    for (const entry_point& e : s.entry_points) write_entry(w, e);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("data_flows").begin_array();
  for (const data_flow& f : model.data_flows) {
    w.begin_object();
    w.key("data_kind").value(f.data_kind);
    w.key("source").value(f.source);
    w.key("sink").value(f.sink);
    w.key("file_path").value(f.file_path);
    w.key("line").value(f.line);
    w.key("description").value(f.description);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

result<threat_model> threat_model_from_json(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto code = parser.parse(padded).get(root); code != simdjson::SUCCESS) {
    return malformed("", std::string("invalid JSON: ") + simdjson::error_message(code));
  }
  std::map<std::string_view, element> m;
  if (status s = members("", root, {"summary", "boundaries", "surfaces", "data_flows"}, m); !s.is_ok()) return s;
  threat_model model;
  status s = read_string("", m, "summary", model.summary);
  if (s.is_ok()) s = read_array("", m, "boundaries", model.boundaries, read_boundary);
  if (s.is_ok()) s = read_array("", m, "surfaces", model.surfaces, read_surface);
  if (s.is_ok()) s = read_array("", m, "data_flows", model.data_flows, read_flow);
  if (!s.is_ok()) return s;
  return model;
}

}  // namespace heimdall::analysis
