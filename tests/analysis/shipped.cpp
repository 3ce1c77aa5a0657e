#include "tests/analysis/shipped.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace heimdall::analysis::test {

const rule_pack& shipped_rule_pack() {
  static const rule_pack pack = [] {
    auto loaded = load_rule_pack(HEIMDALL_SOURCE_DIR "/analysis/rules");
    if (!loaded) FAIL("shipped rule pack does not load: " << loaded.error().to_string());
    return std::move(loaded).value();
  }();
  return pack;
}

const secret_detector& shipped_secret_detectors() {
  static const secret_detector detector = [] {
    auto loaded = load_secret_detectors(HEIMDALL_SOURCE_DIR "/analysis/rules/secrets/secrets.json");
    if (!loaded) FAIL("shipped secret detectors do not load: " << loaded.error().to_string());
    return std::move(loaded).value();
  }();
  return detector;
}

std::string fixture_text(const std::string& rel) {
  std::ifstream in(HEIMDALL_SOURCE_DIR "/tests/analysis/fixtures/" + rel, std::ios::binary);
  if (!in) FAIL("no fixture tests/analysis/fixtures/" << rel);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool fired(const std::vector<finding>& findings, const std::string& rule_id) {
  return std::any_of(findings.begin(), findings.end(), [&](const finding& f) { return f.rule_id == rule_id; });
}

}  // namespace heimdall::analysis::test
