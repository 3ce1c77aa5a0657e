#include "analysis/report.h"

#include <algorithm>
#include <tuple>

namespace heimdall::analysis {

bool ranks_before(const finding& a, const finding& b) {
  // Descending keys are compared with the operands swapped.
  return std::tie(b.severity, b.confidence, a.file_path, a.line_start, a.rule_id) <
         std::tie(a.severity, a.confidence, b.file_path, b.line_start, b.rule_id);
}

void rank_findings(std::vector<finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), ranks_before);
}

void severity_counts::add(severity s) {
  switch (s) {
    case severity::critical: ++critical; break;
    case severity::high: ++high; break;
    case severity::medium: ++medium; break;
    case severity::low: ++low; break;
  }
  ++total;
}

severity_counts count_by_severity(const std::vector<finding>& findings) {
  severity_counts counts;
  for (const finding& f : findings) counts.add(f.severity);
  return counts;
}

}  // namespace heimdall::analysis
