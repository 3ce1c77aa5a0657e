// report: findings put in the order a reader should see them, and counted.
// (Remediation text comes from remediation.h, SARIF output from sarif.h.)
// Pure functions over values; thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "analysis/finding.h"

namespace heimdall::analysis {

// The ranking order: severity (critical first), then confidence (highest
// first), then file path, start line and rule id, ascending.
bool ranks_before(const finding& a, const finding& b);

// Sorts by ranks_before. Stable, so the order is fully determined by the
// findings and, for findings equal in all five keys, their order on input.
void rank_findings(std::vector<finding>& findings);

struct severity_counts {
  std::uint64_t critical = 0;
  std::uint64_t high = 0;
  std::uint64_t medium = 0;
  std::uint64_t low = 0;
  std::uint64_t total = 0;

  void add(severity s);  // one more finding of severity `s`
};

severity_counts count_by_severity(const std::vector<finding>& findings);

}  // namespace heimdall::analysis
