// Test support for analysis/: the rule pack, secret detectors and taint
// spec the project ships, loaded once (a load failure fails the test that
// asked), a finding lookup, a taint run over a scratch tree, and the
// fixture files under tests/analysis/fixtures/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/rule_pack.h"
#include "analysis/secrets.h"
#include "analysis/taint.h"

namespace heimdall::analysis::test {

const rule_pack& shipped_rule_pack();
const secret_detector& shipped_secret_detectors();
const taint_spec& shipped_taint_spec();

// Whether a finding of `rule_id` is among `findings`.
bool fired(const std::vector<finding>& findings, const std::string& rule_id);

// The taint analysis (shipped spec, no threat model) of a scratch tree
// holding `files` (path, code): its findings in report order and its
// summary. A tree that cannot be inventoried or analysed fails the test.
struct taint_outcome {
  std::vector<finding> found;
  taint_summary summary;
};
taint_outcome taint_scan(const std::vector<std::pair<std::string, std::string>>& files);

// The bytes of tests/analysis/fixtures/`rel` (a missing file fails the test).
std::string fixture_text(const std::string& rel);

}  // namespace heimdall::analysis::test
