// taint_matches: which of a language_spec's path patterns match a path,
// remembered per path. Internal to the taint engine (taint.cpp).
//
// The engine asks after every step of every name chain whether the path so
// far is a source, at every call which sinks and sanitizers its callee
// names, and at every assignment whether its target is a sink. One file
// asks about the same few dozen paths (`json.dumps`, a loop variable)
// thousands of times, and running every pattern each time was a third of
// the hunt stage. The answers are those of the patterns
// themselves, in the spec's order, so remembering them changes nothing.
//
// One object per file_analyzer (so per thread); memory grows with the
// distinct paths of one file, which its token bound caps.
#pragma once

#include <re2/re2.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/taint_spec.h"

namespace heimdall::analysis::taint_detail {

class taint_matches {
 public:
  explicit taint_matches(const language_spec& ls) : ls_(ls) {}

  // Index into ls.sources of the first source whose pattern matches
  // (partially) `path`, or -1.
  int source(const std::string& path) {
    auto [it, fresh] = sources_.try_emplace(path, -1);
    if (fresh) {
      for (std::size_t k = 0; k < ls_.sources.size(); ++k) {
        if (RE2::PartialMatch(path, *ls_.sources[k].path)) {
          it->second = static_cast<int>(k);
          break;
        }
      }
    }
    return it->second;
  }

  // Indices into ls.sinks, in order, of the call sinks whose callee pattern
  // matches `callee` and whose not_callee pattern (if any) does not.
  const std::vector<int>& sinks(const std::string& callee) {
    return remembered(sinks_, callee, ls_.sinks, [&](const sink_rule& sink) {
      return RE2::PartialMatch(callee, *sink.callee) &&
             !(sink.not_callee && RE2::PartialMatch(callee, *sink.not_callee));
    });
  }

  // Indices into ls.assign_sinks, in order, of those whose target pattern
  // matches the assigned `path`.
  const std::vector<int>& assign_sinks(const std::string& path) {
    return remembered(assign_sinks_, path, ls_.assign_sinks,
                      [&](const sink_rule& sink) { return RE2::PartialMatch(path, *sink.target); });
  }

  // Indices into ls.sanitizers, in order, of those whose callee pattern
  // matches `callee` (their arg0 condition is the caller's to test).
  const std::vector<int>& sanitizers(const std::string& callee) {
    return remembered(sanitizers_, callee, ls_.sanitizers,
                      [&](const sanitizer_rule& san) { return RE2::PartialMatch(callee, *san.callee); });
  }

 private:
  using memo = std::unordered_map<std::string, std::vector<int>>;

  // memo[path]: the indices k, in order, for which accepts(rules[k]),
  // computed on first use.
  template <class Rule, class Accepts>
  static const std::vector<int>& remembered(memo& m, const std::string& path, const std::vector<Rule>& rules,
                                            Accepts accepts) {
    auto [it, fresh] = m.try_emplace(path);
    if (fresh) {
      for (std::size_t k = 0; k < rules.size(); ++k) {
        if (accepts(rules[k])) it->second.push_back(static_cast<int>(k));
      }
    }
    return it->second;
  }

  const language_spec& ls_;
  std::unordered_map<std::string, int> sources_;
  memo sinks_, assign_sinks_, sanitizers_;
};

}  // namespace heimdall::analysis::taint_detail
