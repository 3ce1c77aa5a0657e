#include "analysis/report.h"

#include <algorithm>
#include <tuple>

namespace heimdall::analysis {

void rank_findings(std::vector<finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const finding& a, const finding& b) {
    // Descending keys are compared with the operands swapped.
    return std::tie(b.severity, b.confidence, a.file_path, a.line_start, a.rule_id) <
           std::tie(a.severity, a.confidence, b.file_path, b.line_start, b.rule_id);
  });
}

severity_counts count_by_severity(const std::vector<finding>& findings) {
  severity_counts counts;
  for (const finding& f : findings) {
    switch (f.severity) {
      case severity::critical: ++counts.critical; break;
      case severity::high: ++counts.high; break;
      case severity::medium: ++counts.medium; break;
      case severity::low: ++counts.low; break;
    }
    ++counts.total;
  }
  return counts;
}

}  // namespace heimdall::analysis
