#include "analysis/finding.h"

namespace heimdall::analysis {

std::string_view severity_name(severity s) {
  switch (s) {
    case severity::low: return "low";
    case severity::medium: return "medium";
    case severity::high: return "high";
    case severity::critical: return "critical";
  }
  return "low";
}

bool parse_severity(std::string_view name, severity& out) {
  for (severity s : {severity::low, severity::medium, severity::high, severity::critical}) {
    if (severity_name(s) == name) {
      out = s;
      return true;
    }
  }
  return false;
}

}  // namespace heimdall::analysis
