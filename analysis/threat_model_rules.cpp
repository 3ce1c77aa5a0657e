// threat_model_rules: compiling the data, and checking it against its own
// examples before anything is scanned with it.
//
// Every line-level pattern (entry rules, sources, sinks) is a "slot"; per
// language, the slots that apply go into one RE2::Set, so a line costs one
// DFA pass however many frameworks are known (threat_model_scan.cpp runs
// the few patterns the Set names again to extract their groups).
#include "analysis/threat_model_rules.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "analysis/line_matching.h"
#include "analysis/threat_model_compiled.h"

namespace heimdall::analysis {

namespace {

const char* const kKinds[] = {"http_route", "message_handler", "cli", "main"};
const char* const kDataKinds[] = {"credentials", "payment", "personal_data", "secret", "token"};
const char* const kOrigins[] = {"request", "environment"};
const char* const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"};

template <class List>
bool is_one_of(std::string_view value, const List& list) {
  return std::any_of(std::begin(list), std::end(list), [&](std::string_view item) { return item == value; });
}

status rules_error(const std::string& item, const std::string& what) {
  return status(errc::invalid_argument, "threat model rules: " + item + ": " + what);
}

// Lines are matched as Latin-1 bytes, so a non-ASCII pattern would mean
// something other than what its author read.
status compile(const std::string& item, const std::string& field, const std::string& pattern,
               std::unique_ptr<RE2>& out) {
  if (std::any_of(pattern.begin(), pattern.end(), [](char c) { return static_cast<unsigned char>(c) > 0x7f; })) {
    return rules_error(item, "field '" + field + "' must be ASCII");
  }
  out = std::make_unique<RE2>(pattern, latin1_options());
  if (!out->ok()) return rules_error(item, "field '" + field + "': bad regex: " + out->error());
  return status::ok();
}

// The named groups of `re` must be among `allowed`; their indices out.
status named_groups(const std::string& item, const RE2& re, std::initializer_list<std::pair<const char*, int*>> allowed) {
  for (const auto& [name, index] : re.NamedCapturingGroups()) {
    auto found = std::find_if(allowed.begin(), allowed.end(), [&](const auto& a) { return name == a.first; });
    if (found == allowed.end()) return rules_error(item, "unknown named group '" + name + "' in 'pattern'");
    *found->second = index;
  }
  return status::ok();
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

std::string normalize_methods(std::string_view text, const std::map<std::string, std::string>& method_map) {
  std::vector<std::string> found;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_letter(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_letter(text[end])) ++end;
    std::string token = upper(text.substr(i, end - i));
    i = end;
    if (auto mapped = method_map.find(token); mapped != method_map.end()) token = mapped->second;
    if (token == "ALL") token = "ANY";
    if (token == "DEL") token = "DELETE";
    if (!is_one_of(token, kMethods)) continue;
    if (token == "ANY") return "ANY";
    if (std::find(found.begin(), found.end(), token) == found.end()) found.push_back(token);
  }
  std::string out;
  for (const std::string& m : found) out += (out.empty() ? "" : ",") + m;
  return out;
}

threat_model_rules::threat_model_rules() = default;
threat_model_rules::threat_model_rules(threat_model_rules&&) noexcept = default;
threat_model_rules& threat_model_rules::operator=(threat_model_rules&&) noexcept = default;
threat_model_rules::~threat_model_rules() = default;

namespace {

using compiled_rules = threat_model_rules::compiled;

status compile_paths(const std::string& item, const std::vector<std::string>& paths,
                     std::vector<std::unique_ptr<RE2>>& out) {
  for (const std::string& filter : paths) {
    out.emplace_back();
    if (status s = compile(item, "paths", filter, out.back()); !s.is_ok()) return s;
  }
  return status::ok();
}

// A pattern that matches an empty line would report every line.
status check_not_empty_match(const std::string& item, const RE2& re) {
  if (RE2::PartialMatch("", re)) return rules_error(item, "'pattern' matches an empty line");
  return status::ok();
}

// Positive examples must match (and pass not_pattern), negatives must not.
template <class Accepts>
status check_examples(const std::string& item, const pattern_examples& examples, Accepts accepts) {
  for (const std::string& line : examples.positive) {
    if (!accepts(line)) return rules_error(item, "positive example not matched: " + line);
  }
  for (const std::string& line : examples.negative) {
    if (accepts(line)) return rules_error(item, "negative example matched: " + line);
  }
  return status::ok();
}

status check_boundaries(const threat_model_rule_set& set) {
  std::map<std::string, std::string> described;
  auto check = [&](const std::string& name, const std::string& description, const std::string& item) {
    if (name.empty()) return status::ok();
    auto [it, added] = described.emplace(name, description);
    if (!added && it->second != description) {
      return rules_error(item, "boundary '" + name + "' is described differently elsewhere");
    }
    return status::ok();
  };
  for (const auto& [kind, info] : set.kinds) {
    if (status s = check(info.boundary, info.boundary_description, "kinds." + kind); !s.is_ok()) return s;
  }
  for (const auto& [kind, info] : set.sink_kinds) {
    if (status s = check(info.boundary, info.boundary_description, "sink_kinds." + kind); !s.is_ok()) return s;
  }
  return status::ok();
}

status compile_entry(const compiled_rules& c, const entry_rule& r, compiled_rules::entry& out) {
  const std::string item = "entry rule '" + r.id + "'";
  if (!is_one_of(r.kind, kKinds)) return rules_error(item, "unknown kind '" + r.kind + "'");
  if ((r.kind == "main") != r.framework.empty()) {
    return rules_error(item, r.kind == "main" ? "a main function has no 'framework'" : "missing field 'framework'");
  }
  if (r.languages.empty() && r.paths.empty()) return rules_error(item, "needs 'languages' or 'paths'");
  if (status s = compile(item, "pattern", r.pattern, out.pattern); !s.is_ok()) return s;
  if (status s = check_not_empty_match(item, *out.pattern); !s.is_ok()) return s;
  if (status s = named_groups(item, *out.pattern,
                              {{"method", &out.method_group},
                               {"route", &out.route_group},
                               {"function", &out.function_group}});
      !s.is_ok()) {
    return s;
  }
  struct optional_field {
    const char* name;
    const std::string& pattern;
    std::unique_ptr<RE2>& re;
    bool needs_group;
  };
  for (const optional_field& f : {optional_field{"not_pattern", r.not_pattern, out.not_pattern, false},
                                  optional_field{"not_next", r.not_next, out.not_next, false},
                                  optional_field{"requires", r.requires_pattern, out.requires_re, false},
                                  optional_field{"route_in_file", r.route_in_file, out.route_in_file, true},
                                  optional_field{"route_from_path", r.route_from_path, out.route_from_path, true}}) {
    if (f.pattern.empty()) continue;
    if (status s = compile(item, f.name, f.pattern, f.re); !s.is_ok()) return s;
    if (f.needs_group && f.re->NumberOfCapturingGroups() < 1) {
      return rules_error(item, "field '" + std::string(f.name) + "' needs a capture group");
    }
  }
  if (status s = compile_paths(item, r.paths, out.paths); !s.is_ok()) return s;
  if (!r.handler.empty()) {
    auto found = c.definitions.find(r.handler);
    if (found == c.definitions.end()) return rules_error(item, "unknown handler definition '" + r.handler + "'");
    out.handler = found->second.get();
  }
  if (!r.method.empty() && normalize_methods(r.method, {}) != r.method) {
    return rules_error(item, "'method' must be GET, POST, ... or ANY, comma-separated");
  }
  for (const auto& [token, method] : r.method_map) {
    if (token != upper(token) || !is_one_of(method, kMethods)) {
      return rules_error(item, "'method_map' maps upper-case tokens to GET, POST, ... or ANY");
    }
  }
  return check_examples(item, r.examples,
                        [&](const std::string& line) { return matches_line(*out.pattern, out.not_pattern.get(), line); });
}

}  // namespace

result<threat_model_rules> build_threat_model_rules(threat_model_rule_set set) {
  threat_model_rules rules;
  rules.compiled_ = std::make_unique<compiled_rules>();
  compiled_rules& c = *rules.compiled_;

  for (const char* kind : kKinds) {
    if (set.kinds.count(kind) == 0) return rules_error("kinds", "missing kind '" + std::string(kind) + "'");
  }
  for (const auto& [kind, info] : set.kinds) {
    if (!is_one_of(kind, kKinds)) return rules_error("kinds", "unknown kind '" + kind + "'");
  }
  if (status s = check_boundaries(set); !s.is_ok()) return s;
  for (const auto& [name, pattern] : set.definitions) {
    const std::string item = "definition '" + name + "'";
    if (status s = compile(item, "pattern", pattern, c.definitions[name]); !s.is_ok()) return s;
    if (c.definitions[name]->NumberOfCapturingGroups() != 1) return rules_error(item, "needs exactly one capture group");
  }
  for (auto [name, pattern, out] : {std::tuple{"admin_route", &set.markers.admin_route, &c.admin_route},
                                    std::tuple{"auth", &set.markers.auth, &c.auth},
                                    std::tuple{"file_auth", &set.markers.file_auth, &c.file_auth},
                                    std::tuple{"upload", &set.markers.upload, &c.upload},
                                    std::tuple{"sanitizer", &set.sanitizer, &c.sanitizer}}) {
    if (status s = compile(std::string("marker '") + name + "'", "pattern", *pattern, *out); !s.is_ok()) return s;
  }

  std::set<std::string> ids;
  auto unique_id = [&](const std::string& id, const std::string& item) {
    return ids.insert(id).second ? status::ok() : rules_error(item, "duplicate id");
  };
  for (const entry_rule& r : set.entries) {
    if (status s = unique_id(r.id, "entry rule '" + r.id + "'"); !s.is_ok()) return s;
    c.entries.emplace_back();
    if (status s = compile_entry(c, r, c.entries.back()); !s.is_ok()) return s;
  }

  for (const sensitive_data_kind& k : set.data_kinds) {
    const std::string item = "data kind '" + k.kind + "'";
    if (!is_one_of(k.kind, kDataKinds)) return rules_error(item, "unknown data kind");
    c.data_kinds.emplace_back();
    if (status s = compile(item, "pattern", k.pattern, c.data_kinds.back()); !s.is_ok()) return s;
    const RE2& re = *c.data_kinds.back();
    if (status s = check_examples(item, k.examples, [&](const std::string& name) { return RE2::PartialMatch(name, re); });
        !s.is_ok()) {
      return s;
    }
  }

  for (const data_source_rule& r : set.sources) {
    const std::string item = "source '" + r.id + "'";
    if (status s = unique_id(r.id, item); !s.is_ok()) return s;
    if (!is_one_of(r.origin, kOrigins)) return rules_error(item, "unknown origin '" + r.origin + "'");
    if (r.languages.empty() && r.paths.empty()) return rules_error(item, "needs 'languages' or 'paths'");
    compiled_rules::source& out = c.sources.emplace_back();
    if (status s = compile(item, "pattern", r.pattern, out.pattern); !s.is_ok()) return s;
    if (status s = check_not_empty_match(item, *out.pattern); !s.is_ok()) return s;
    if (status s = named_groups(item, *out.pattern, {{"key", &out.key_group}}); !s.is_ok()) return s;
    if (out.key_group == 0) return rules_error(item, "'pattern' needs a (?P<key>...) group");
    if (status s = compile_paths(item, r.paths, out.paths); !s.is_ok()) return s;
    const RE2& re = *out.pattern;
    const int key = out.key_group;
    auto accepts = [&](const std::string& line) {
      std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
      return re.Match(line, 0, line.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())) &&
             !groups[key].empty();
    };
    if (status s = check_examples(item, r.examples, accepts); !s.is_ok()) return s;
  }

  for (const data_sink_rule& r : set.sinks) {
    const std::string item = "sink '" + r.id + "'";
    if (status s = unique_id(r.id, item); !s.is_ok()) return s;
    if (set.sink_kinds.count(r.sink) == 0) return rules_error(item, "unknown sink kind '" + r.sink + "'");
    if (r.languages.empty() && r.paths.empty()) return rules_error(item, "needs 'languages' or 'paths'");
    compiled_rules::sink& out = c.sinks.emplace_back();
    if (status s = compile(item, "pattern", r.pattern, out.pattern); !s.is_ok()) return s;
    if (status s = check_not_empty_match(item, *out.pattern); !s.is_ok()) return s;
    if (!r.not_pattern.empty()) {
      if (status s = compile(item, "not_pattern", r.not_pattern, out.not_pattern); !s.is_ok()) return s;
    }
    if (status s = compile_paths(item, r.paths, out.paths); !s.is_ok()) return s;
    if (status s = check_examples(item, r.examples,
                                  [&](const std::string& line) {
                                    return matches_line(*out.pattern, out.not_pattern.get(), line);
                                  });
        !s.is_ok()) {
      return s;
    }
  }

  // The per-language Sets. A slot without languages (path-filtered rules
  // for files of languages the inventory does not name, such as Rust)
  // goes into every language's Set, unknown included.
  std::vector<language> all_languages;  // language::html is the enum's last value
  for (int l = static_cast<int>(language::unknown); l <= static_cast<int>(language::html); ++l) {
    all_languages.push_back(static_cast<language>(l));
  }
  auto add_slot = [&](std::size_t slot, const std::vector<language>& languages, const std::string& pattern,
                      const std::string& item) -> status {
    for (language lang : languages.empty() ? all_languages : languages) {
      auto& index = c.by_language[lang];
      if (!index) index = std::make_unique<compiled_rules::language_index>(set_options());
      if (!index->slot_of.empty() && index->slot_of.back() == slot) {
        return rules_error(item, "language '" + std::string(language_name(lang)) + "' is listed twice");
      }
      std::string error;
      if (index->set.Add(pattern, &error) < 0) return rules_error(item, "field 'pattern': bad regex: " + error);
      index->slot_of.push_back(slot);
    }
    return status::ok();
  };
  std::size_t slot = 0;
  for (const entry_rule& r : set.entries) {
    if (status s = add_slot(slot++, r.languages, r.pattern, "entry rule '" + r.id + "'"); !s.is_ok()) return s;
  }
  for (const data_source_rule& r : set.sources) {
    if (status s = add_slot(slot++, r.languages, r.pattern, "source '" + r.id + "'"); !s.is_ok()) return s;
  }
  for (const data_sink_rule& r : set.sinks) {
    if (status s = add_slot(slot++, r.languages, r.pattern, "sink '" + r.id + "'"); !s.is_ok()) return s;
  }
  for (auto& [lang, index] : c.by_language) {
    if (!index->set.Compile()) {
      return rules_error("language '" + std::string(language_name(lang)) + "'", "patterns exceed RE2's memory budget");
    }
  }
  rules.data_ = std::move(set);
  return result<threat_model_rules>(std::move(rules));
}

}  // namespace heimdall::analysis
