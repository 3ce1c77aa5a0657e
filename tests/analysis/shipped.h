// Test support for analysis/: the rule pack and secret detectors the
// project ships, loaded once (a load failure fails the test that asked),
// a finding lookup, and the fixture files under tests/analysis/fixtures/.
#pragma once

#include <string>
#include <vector>

#include "analysis/rule_pack.h"
#include "analysis/secrets.h"

namespace heimdall::analysis::test {

const rule_pack& shipped_rule_pack();
const secret_detector& shipped_secret_detectors();

// Whether a finding of `rule_id` is among `findings`.
bool fired(const std::vector<finding>& findings, const std::string& rule_id);

// The bytes of tests/analysis/fixtures/`rel` (a missing file fails the test).
std::string fixture_text(const std::string& rel);

}  // namespace heimdall::analysis::test
