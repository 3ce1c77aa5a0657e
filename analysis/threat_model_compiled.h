// threat_model_compiled: the compiled form of threat_model_rules, shared
// by the builder (threat_model_rules.cpp) and the per-file scanner
// (threat_model_scan.cpp) and by nothing else. Immutable once built; RE2
// and RE2::Set match through const methods, so scanners on many threads
// may share it.
#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/threat_model_rules.h"

namespace heimdall::analysis {

struct threat_model_rules::compiled {
  struct entry {
    std::unique_ptr<RE2> pattern, not_pattern, not_next, requires_re, route_in_file, route_from_path;
    std::vector<std::unique_ptr<RE2>> paths;
    const RE2* handler = nullptr;  // into definitions
    int method_group = 0, route_group = 0, function_group = 0;
  };
  struct source {
    std::unique_ptr<RE2> pattern;
    std::vector<std::unique_ptr<RE2>> paths;
    int key_group = 0;
  };
  struct sink {
    std::unique_ptr<RE2> pattern, not_pattern;
    std::vector<std::unique_ptr<RE2>> paths;
  };
  // Slots number entries, then sources, then sinks.
  struct language_index {
    explicit language_index(const RE2::Options& options) : set(options, RE2::UNANCHORED) {}
    RE2::Set set;
    std::vector<std::size_t> slot_of;  // Set index -> slot
  };

  std::map<std::string, std::unique_ptr<RE2>> definitions;
  std::vector<entry> entries;
  std::vector<source> sources;
  std::vector<sink> sinks;
  std::vector<std::unique_ptr<RE2>> data_kinds;
  std::unique_ptr<RE2> admin_route, auth, file_auth, upload, sanitizer;
  std::map<language, std::unique_ptr<language_index>> by_language;

  const std::vector<std::unique_ptr<RE2>>& paths_of(std::size_t slot) const {
    if (slot < entries.size()) return entries[slot].paths;
    slot -= entries.size();
    if (slot < sources.size()) return sources[slot].paths;
    return sinks[slot - sources.size()].paths;
  }
};

// "['get', 'POST']", "RequestMethod.POST", "$_REQUEST": the HTTP methods
// named, upper-case, comma-separated, in order; tokens that name no method
// (after `method_map`) are dropped, and ANY (every method) absorbs the rest.
std::string normalize_methods(std::string_view text, const std::map<std::string, std::string>& method_map);

// A line pattern's exact meaning: `pattern` found, `not_pattern` (if any) not.
inline bool matches_line(const RE2& pattern, const RE2* not_pattern, std::string_view line) {
  return RE2::PartialMatch(line, pattern) && !(not_pattern && RE2::PartialMatch(line, *not_pattern));
}

}  // namespace heimdall::analysis
