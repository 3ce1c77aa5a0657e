// taint_constants: the functions of a whole project that always return a
// literal, so a call into another file of the project (a helper's
// `get_safe_value()`, a wrapper's `getTheValue()`) is known to give a
// constant although the taint engine analyses one file at a time.
//
// A name counts only when the project defines it exactly once (any other
// definition, in any file or class, could be the one called) and every
// `return` of that one definition returns a string, number, boolean or
// null literal (and there is at least one). Internal to the taint engine:
// taint.cpp fills one literal_functions per run from every file it
// analyses, then each file's analysis asks it. Not thread-safe while being
// filled; immutable (and shareable) after.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/taint_statements.h"

namespace heimdall::analysis::taint_detail {

// The functions and methods (at any depth) defined in one file's
// statements, each with whether it always returns a literal.
std::vector<std::pair<std::string, bool>> literal_returns(const std::vector<stmt>& top);

class literal_functions {
 public:
  void add(const std::vector<std::pair<std::string, bool>>& defs);
  // Defined exactly once in the project, and always returns a literal.
  bool returns_literal(std::string_view name) const;

 private:
  struct entry {
    int definitions = 0;
    bool literal = true;
  };
  std::unordered_map<std::string, entry> names_;
};

}  // namespace heimdall::analysis::taint_detail
