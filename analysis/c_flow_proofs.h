// c_flow_proofs: the sink lines the C flow analysis (c_flow.h) proved safe,
// collected over a file and handed on as clearances (taint.h,
// taint_clearance) so that redundant_findings (validation.h) withdraws the
// pattern findings of the same weakness there.
//
// A line is cleared for a class only when every sink of that class the
// analysis evaluated on it (in any function of the file) was proved safe,
// at least one was, no call on it went to a function the analysis does not
// model (a pattern rule may have matched that one), and no function whose
// analysis was incomplete spans it.
// Plain value, not thread-safe (one per analysis).
#pragma once

#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/taint.h"

namespace heimdall::analysis::c_flow_detail {

class proof_ledger {
 public:
  // A sink of weakness `cwe` evaluated on `line`: proved safe or not.
  void sink(int cwe, int line, bool safe);
  // A call the analysis does not model sits on `line`: nothing there is proved.
  void doubt(int line) { doubted_.insert(line); }
  // The analysis of the current function is incomplete (a work bound, a
  // construct it does not follow): none of its lines is proved.
  void give_up() { gave_up_ = true; }
  // Ends the current function, which spans lines [first, last].
  void end_function(int first, int last);
  // The file's proved lines (file `path`), one clearance per line and class.
  std::vector<taint_clearance> clearances(std::string_view path) const;

 private:
  std::map<std::pair<int, int>, bool> safe_;  // (cwe, line) -> every sink there proved so far
  std::set<int> doubted_;
  std::vector<std::pair<int, int>> incomplete_;  // line spans of functions given up on
  bool gave_up_ = false;
};

}  // namespace heimdall::analysis::c_flow_detail
