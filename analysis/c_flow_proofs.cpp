#include "analysis/c_flow_proofs.h"

#include <algorithm>
#include <string>

namespace heimdall::analysis::c_flow_detail {

void proof_ledger::sink(int cwe, int line, bool safe) {
  auto [it, fresh] = safe_.emplace(std::make_pair(cwe, line), safe);
  if (!fresh) it->second = it->second && safe;
}

void proof_ledger::end_function(int first, int last) {
  // Kept as a span, not applied to this function's verdicts alone: a
  // function cut short may have left a sink unevaluated on a line it shares
  // with another function.
  if (gave_up_) incomplete_.emplace_back(first, last);
  gave_up_ = false;
}

std::vector<taint_clearance> proof_ledger::clearances(std::string_view path) const {
  std::vector<taint_clearance> out;
  for (const auto& [key, safe] : safe_) {
    int line = key.second;
    bool in_incomplete = std::any_of(incomplete_.begin(), incomplete_.end(),
                                     [&](const std::pair<int, int>& s) { return s.first <= line && line <= s.second; });
    if (safe && !doubted_.count(line) && !in_incomplete) out.push_back({std::string(path), line, line, key.first});
  }
  return out;
}

}  // namespace heimdall::analysis::c_flow_detail
