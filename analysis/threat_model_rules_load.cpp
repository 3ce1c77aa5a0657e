// Reading the threat-model data files: JSON (simdjson DOM) into a
// threat_model_rule_set. Every field is checked for presence and type and
// unknown or repeated fields are rejected, so a typo ("not_patern",
// "once_per_fle") fails loudly instead of silently changing what a rule
// matches. Regexes, ids and examples are checked by build_threat_model_rules.
#include <simdjson.h>

#include <array>
#include <memory>
#include <mutex>
#include <set>

#include "analysis/json_fields.h"
#include "analysis/threat_model_rules.h"

namespace heimdall::analysis {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

status read_languages(const json_place& at, element value, std::vector<language>& out) {
  std::vector<std::string> names;
  if (status s = read_strings(at, "languages", value, names); !s.is_ok()) return s;
  for (const std::string& name : names) {
    language lang = language_from_name(name);
    if (lang == language::unknown) return at.error("unknown language '" + name + "'");
    out.push_back(lang);
  }
  return status::ok();
}

// Items of an array of objects, each read by `read` with its position and
// (once known) its id in messages.
template <class T, class Read>
status read_items(const json_place& at, std::string_view field, element value, std::vector<T>& out, Read read) {
  array items;
  if (value.get_array().get(items) != simdjson::SUCCESS) {
    return at.error("'" + std::string(field) + "' must be an array");
  }
  std::size_t index = 0;
  for (element item : items) {
    json_place item_at = at.at(std::string(field) + " #" + std::to_string(++index));
    T parsed;
    if (status s = read(item_at, item, parsed); !s.is_ok()) return s;
    out.push_back(std::move(parsed));
  }
  if (out.empty()) return at.error("'" + std::string(field) + "' is empty");
  return status::ok();
}

// The "id" member first, so every later message can name the item.
status read_id(json_place& at, element value, std::string& out) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) return at.error("must be an object");
  element id;
  if (fields["id"].get(id) != simdjson::SUCCESS) return at.error("missing field 'id'");
  if (status s = read_string(at, "id", id, out); !s.is_ok()) return s;
  at.item += " '" + out + "'";
  return status::ok();
}

status read_entry_rule(json_place at, element value, entry_rule& out) {
  if (status s = read_id(at, value, out.id); !s.is_ok()) return s;
  std::vector<std::pair<std::string_view, element>> fields;
  if (status s = object_members(at, value, "a rule", fields); !s.is_ok()) return s;
  for (auto [key, item] : fields) {
    status s;
    if (key == "id") {
      continue;
    } else if (key == "kind") {
      s = read_string(at, key, item, out.kind);
    } else if (key == "framework") {
      s = read_string(at, key, item, out.framework);
    } else if (key == "languages") {
      s = read_languages(at, item, out.languages);
    } else if (key == "paths") {
      s = read_strings(at, key, item, out.paths);
    } else if (key == "requires") {
      s = read_string(at, key, item, out.requires_pattern);
    } else if (key == "pattern") {
      s = read_string(at, key, item, out.pattern);
    } else if (key == "not_pattern") {
      s = read_string(at, key, item, out.not_pattern);
    } else if (key == "not_next") {
      s = read_string(at, key, item, out.not_next);
    } else if (key == "method") {
      s = read_string(at, key, item, out.method);
    } else if (key == "method_map") {
      std::vector<std::pair<std::string_view, element>> map;
      s = object_members(at, item, "'method_map'", map);
      for (std::size_t i = 0; s.is_ok() && i < map.size(); ++i) {
        s = read_string(at, "method_map." + std::string(map[i].first), map[i].second,
                        out.method_map[std::string(map[i].first)]);
      }
    } else if (key == "route") {
      s = read_string(at, key, item, out.route);
    } else if (key == "route_in_file") {
      s = read_string(at, key, item, out.route_in_file);
    } else if (key == "route_from_path") {
      s = read_string(at, key, item, out.route_from_path);
    } else if (key == "function") {
      s = read_string(at, key, item, out.function);
    } else if (key == "handler") {
      s = read_string(at, key, item, out.handler);
    } else if (key == "once_per_file") {
      s = read_bool(at, key, item, out.once_per_file);
    } else if (key == "in_comments") {
      s = read_bool(at, key, item, out.in_comments);
    } else if (key == "public_methods") {
      s = read_bool(at, key, item, out.public_methods);
    } else if (key == "examples") {
      s = read_examples(at, item, out.examples.positive, out.examples.negative);
    } else {
      s = at.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (out.kind.empty()) return at.error("missing field 'kind'");
  if (out.pattern.empty()) return at.error("missing field 'pattern'");
  if (out.examples.positive.empty()) return at.error("missing field 'examples'");
  return status::ok();
}

status read_kinds(const json_place& at, element value, std::map<std::string, entry_kind_info>& out) {
  std::vector<std::pair<std::string_view, element>> kinds;
  if (status s = object_members(at, value, "'kinds'", kinds); !s.is_ok()) return s;
  for (auto [name, item] : kinds) {
    json_place kind_at = at.at("kinds." + std::string(name));
    entry_kind_info info;
    std::vector<std::pair<std::string_view, element>> fields;
    if (status s = object_members(kind_at, item, "a kind", fields); !s.is_ok()) return s;
    for (auto [key, field] : fields) {
      status s;
      if (key == "surface") {
        s = read_string(kind_at, key, field, info.surface);
      } else if (key == "boundary") {
        s = read_string(kind_at, key, field, info.boundary);
      } else if (key == "boundary_description") {
        s = read_string(kind_at, key, field, info.boundary_description);
      } else {
        s = kind_at.error("unknown field '" + std::string(key) + "'");
      }
      if (!s.is_ok()) return s;
    }
    if (info.surface.empty() || info.boundary.empty() || info.boundary_description.empty()) {
      return kind_at.error("needs 'surface', 'boundary' and 'boundary_description'");
    }
    out.emplace(std::string(name), std::move(info));
  }
  return status::ok();
}

status read_markers(const json_place& at, element value, entry_markers& out) {
  std::vector<std::pair<std::string_view, element>> fields;
  if (status s = object_members(at, value, "'markers'", fields); !s.is_ok()) return s;
  for (auto [key, item] : fields) {
    std::string* target = key == "admin_route" ? &out.admin_route
                          : key == "auth"      ? &out.auth
                          : key == "file_auth" ? &out.file_auth
                          : key == "upload"    ? &out.upload
                                               : nullptr;
    if (target == nullptr) return at.error("unknown field 'markers." + std::string(key) + "'");
    if (status s = read_string(at, "markers." + std::string(key), item, *target); !s.is_ok()) return s;
  }
  if (out.admin_route.empty() || out.auth.empty() || out.file_auth.empty() || out.upload.empty()) {
    return at.error("'markers' needs 'admin_route', 'auth', 'file_auth' and 'upload'");
  }
  return status::ok();
}

status read_entry_points(std::string_view name, std::string_view json, threat_model_rule_set& out) {
  json_place at{std::string(name), {}};
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto code = parser.parse(padded).get(root); code != simdjson::SUCCESS) {
    return at.error(std::string("invalid JSON: ") + simdjson::error_message(code));
  }
  std::vector<std::pair<std::string_view, element>> fields;
  if (status s = object_members(at, root, "the top level", fields); !s.is_ok()) return s;
  for (auto [key, item] : fields) {
    status s;
    if (key == "description") {
      std::string ignored;
      s = read_string(at, key, item, ignored);
    } else if (key == "definitions") {
      std::vector<std::pair<std::string_view, element>> defs;
      s = object_members(at, item, "'definitions'", defs);
      for (std::size_t i = 0; s.is_ok() && i < defs.size(); ++i) {
        s = read_string(at, "definitions." + std::string(defs[i].first), defs[i].second,
                        out.definitions[std::string(defs[i].first)]);
      }
    } else if (key == "kinds") {
      s = read_kinds(at, item, out.kinds);
    } else if (key == "markers") {
      s = read_markers(at, item, out.markers);
    } else if (key == "rules") {
      s = read_items(at, "rules", item, out.entries, read_entry_rule);
    } else {
      s = at.error("unknown top-level field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (out.kinds.empty()) return at.error("missing 'kinds'");
  if (out.markers.auth.empty()) return at.error("missing 'markers'");
  if (out.entries.empty()) return at.error("missing 'rules'");
  return status::ok();
}

status read_data_kind(json_place at, element value, sensitive_data_kind& out) {
  std::vector<std::pair<std::string_view, element>> fields;
  if (status s = object_members(at, value, "a data kind", fields); !s.is_ok()) return s;
  for (auto [key, item] : fields) {
    status s;
    if (key == "kind") {
      s = read_string(at, key, item, out.kind);
      at.item += " '" + out.kind + "'";
    } else if (key == "pattern") {
      s = read_string(at, key, item, out.pattern);
    } else if (key == "examples") {
      s = read_examples(at, item, out.examples.positive, out.examples.negative);
    } else {
      s = at.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (out.kind.empty() || out.pattern.empty() || out.examples.positive.empty()) {
    return at.error("needs 'kind', 'pattern' and 'examples'");
  }
  return status::ok();
}

status read_sink_kinds(const json_place& at, element value, std::map<std::string, sink_kind_info>& out) {
  std::vector<std::pair<std::string_view, element>> kinds;
  if (status s = object_members(at, value, "'sink_kinds'", kinds); !s.is_ok()) return s;
  for (auto [name, item] : kinds) {
    json_place kind_at = at.at("sink_kinds." + std::string(name));
    sink_kind_info info;
    bool has_flows = false, has_dangerous = false;
    std::vector<std::pair<std::string_view, element>> fields;
    if (status s = object_members(kind_at, item, "a sink kind", fields); !s.is_ok()) return s;
    for (auto [key, field] : fields) {
      status s;
      if (key == "label") {
        s = read_string(kind_at, key, field, info.label);
      } else if (key == "boundary") {
        s = read_string(kind_at, key, field, info.boundary);
      } else if (key == "boundary_description") {
        s = read_string(kind_at, key, field, info.boundary_description);
      } else if (key == "flows") {
        s = read_bool(kind_at, key, field, info.flows);
        has_flows = true;
      } else if (key == "dangerous") {
        s = read_bool(kind_at, key, field, info.dangerous);
        has_dangerous = true;
      } else {
        s = kind_at.error("unknown field '" + std::string(key) + "'");
      }
      if (!s.is_ok()) return s;
    }
    if (info.label.empty() || !has_flows || !has_dangerous) {
      return kind_at.error("needs 'label', 'flows' and 'dangerous'");
    }
    if (info.boundary.empty() != info.boundary_description.empty()) {
      return kind_at.error("'boundary' and 'boundary_description' go together");
    }
    out.emplace(std::string(name), std::move(info));
  }
  return status::ok();
}

status read_source(json_place at, element value, data_source_rule& out) {
  if (status s = read_id(at, value, out.id); !s.is_ok()) return s;
  std::vector<std::pair<std::string_view, element>> fields;
  if (status s = object_members(at, value, "a source", fields); !s.is_ok()) return s;
  for (auto [key, item] : fields) {
    status s;
    if (key == "id") {
      continue;
    } else if (key == "origin") {
      s = read_string(at, key, item, out.origin);
    } else if (key == "languages") {
      s = read_languages(at, item, out.languages);
    } else if (key == "paths") {
      s = read_strings(at, key, item, out.paths);
    } else if (key == "pattern") {
      s = read_string(at, key, item, out.pattern);
    } else if (key == "binds_key") {
      s = read_bool(at, key, item, out.binds_key);
    } else if (key == "examples") {
      s = read_examples(at, item, out.examples.positive, out.examples.negative);
    } else {
      s = at.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (out.origin.empty() || out.pattern.empty() || out.examples.positive.empty()) {
    return at.error("needs 'origin', 'pattern' and 'examples'");
  }
  return status::ok();
}

status read_sink(json_place at, element value, data_sink_rule& out) {
  if (status s = read_id(at, value, out.id); !s.is_ok()) return s;
  std::vector<std::pair<std::string_view, element>> fields;
  if (status s = object_members(at, value, "a sink", fields); !s.is_ok()) return s;
  for (auto [key, item] : fields) {
    status s;
    if (key == "id") {
      continue;
    } else if (key == "sink") {
      s = read_string(at, key, item, out.sink);
    } else if (key == "languages") {
      s = read_languages(at, item, out.languages);
    } else if (key == "paths") {
      s = read_strings(at, key, item, out.paths);
    } else if (key == "pattern") {
      s = read_string(at, key, item, out.pattern);
    } else if (key == "not_pattern") {
      s = read_string(at, key, item, out.not_pattern);
    } else if (key == "examples") {
      s = read_examples(at, item, out.examples.positive, out.examples.negative);
    } else {
      s = at.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (out.sink.empty() || out.pattern.empty() || out.examples.positive.empty()) {
    return at.error("needs 'sink', 'pattern' and 'examples'");
  }
  return status::ok();
}

status read_data_flows(std::string_view name, std::string_view json, threat_model_rule_set& out) {
  json_place at{std::string(name), {}};
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto code = parser.parse(padded).get(root); code != simdjson::SUCCESS) {
    return at.error(std::string("invalid JSON: ") + simdjson::error_message(code));
  }
  std::vector<std::pair<std::string_view, element>> fields;
  if (status s = object_members(at, root, "the top level", fields); !s.is_ok()) return s;
  for (auto [key, item] : fields) {
    status s;
    if (key == "description") {
      std::string ignored;
      s = read_string(at, key, item, ignored);
    } else if (key == "data_kinds") {
      s = read_items(at, "data_kinds", item, out.data_kinds, read_data_kind);
    } else if (key == "sink_kinds") {
      s = read_sink_kinds(at, item, out.sink_kinds);
    } else if (key == "sanitizer") {
      s = read_string(at, key, item, out.sanitizer);
    } else if (key == "sources") {
      s = read_items(at, "sources", item, out.sources, read_source);
    } else if (key == "sinks") {
      s = read_items(at, "sinks", item, out.sinks, read_sink);
    } else {
      s = at.error("unknown top-level field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (out.data_kinds.empty()) return at.error("missing 'data_kinds'");
  if (out.sink_kinds.empty()) return at.error("missing 'sink_kinds'");
  if (out.sanitizer.empty()) return at.error("missing 'sanitizer'");
  if (out.sources.empty()) return at.error("missing 'sources'");
  if (out.sinks.empty()) return at.error("missing 'sinks'");
  return status::ok();
}

}  // namespace

result<threat_model_rules> load_threat_model_rules(std::string_view entry_points_json,
                                                   std::string_view data_flows_json,
                                                   std::string_view entry_points_name,
                                                   std::string_view data_flows_name) {
  threat_model_rule_set set;
  if (status s = read_entry_points(entry_points_name, entry_points_json, set); !s.is_ok()) return s;
  if (status s = read_data_flows(data_flows_name, data_flows_json, set); !s.is_ok()) return s;
  return build_threat_model_rules(std::move(set));
}

const result<threat_model_rules>& shipped_threat_model_rules(unsigned copy) {
  // Each copy is built once, under the lock, and immutable afterwards; the
  // returned reference stays valid for the life of the process.
  static std::mutex mutex;
  static std::array<std::unique_ptr<const result<threat_model_rules>>, kShippedRuleCopies> copies;
  std::lock_guard<std::mutex> lock(mutex);
  auto& rules = copies[copy % kShippedRuleCopies];
  if (!rules) {
    rules = std::make_unique<const result<threat_model_rules>>(
        load_threat_model_rules(shipped_entry_points_json(), shipped_data_flows_json()));
  }
  return *rules;
}

}  // namespace heimdall::analysis
