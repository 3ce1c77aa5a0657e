#include "analysis/c_flow_proofs.h"

#include <string>

namespace heimdall::analysis::c_flow_detail {

void proof_ledger::sink(int cwe, int line, bool safe) {
  auto [it, fresh] = safe_.emplace(std::make_pair(cwe, line), safe);
  if (!fresh) it->second = it->second && safe;
}

void proof_ledger::end_function(std::string_view path, std::vector<taint_clearance>& out) {
  if (!gave_up_) {
    for (const auto& [key, safe] : safe_) {
      if (!safe || doubted_.count(key.second)) continue;
      out.push_back({std::string(path), key.second, key.second, key.first});
    }
  }
  safe_.clear();
  doubted_.clear();
  gave_up_ = false;
}

}  // namespace heimdall::analysis::c_flow_detail
