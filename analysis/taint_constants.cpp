#include "analysis/taint_constants.h"

namespace heimdall::analysis::taint_detail {
namespace {

bool literal(span s) {
  if (s.e != s.b + 1) return false;
  const token& t = s[s.b];
  if (t.kind == tok::number) return true;
  if (t.kind == tok::string) return t.part_end == t.part_begin;  // no interpolation
  return is(t, "True") || is(t, "False") || is(t, "None") || is(t, "true") || is(t, "false") || is(t, "null");
}

// Every return in `block` (not in nested functions) returns a literal;
// `seen` counts them.
bool returns_literals(const std::vector<stmt>& block, int& seen, int depth) {
  if (depth > kMaxNesting) return false;
  for (const stmt& s : block) {
    if (s.kind == stmt_kind::func || s.kind == stmt_kind::class_) continue;
    if (s.kind == stmt_kind::ret) {
      ++seen;
      if (!literal(s.head)) return false;
    }
    if (!returns_literals(s.body, seen, depth + 1) || !returns_literals(s.orelse, seen, depth + 1) ||
        !returns_literals(s.final_body, seen, depth + 1)) {
      return false;
    }
    for (const auto& h : s.handlers) {
      if (!returns_literals(h, seen, depth + 1)) return false;
    }
  }
  return true;
}

void collect(const std::vector<stmt>& block, std::vector<std::pair<std::string, bool>>& out, int depth) {
  if (depth > kMaxNesting) return;
  for (const stmt& s : block) {
    if (s.kind == stmt_kind::func && !s.name.empty()) {
      int seen = 0;
      bool lit = !s.expression_body && returns_literals(s.body, seen, depth + 1) && seen > 0;
      out.emplace_back(std::string(s.name), lit);
    }
    collect(s.body, out, depth + 1);
    collect(s.orelse, out, depth + 1);
    collect(s.final_body, out, depth + 1);
    for (const auto& h : s.handlers) collect(h, out, depth + 1);
  }
}

}  // namespace

std::vector<std::pair<std::string, bool>> literal_returns(const std::vector<stmt>& top) {
  std::vector<std::pair<std::string, bool>> out;
  collect(top, out, 0);
  return out;
}

void literal_functions::add(const std::vector<std::pair<std::string, bool>>& defs) {
  for (const auto& [name, lit] : defs) {
    entry& e = names_[name];
    ++e.definitions;
    e.literal = e.literal && lit;
  }
}

bool literal_functions::returns_literal(std::string_view name) const {
  auto it = names_.find(std::string(name));
  return it != names_.end() && it->second.definitions == 1 && it->second.literal;
}

}  // namespace heimdall::analysis::taint_detail
