#include "tests/analysis/shipped.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "analysis/inventory.h"
#include "tests/analysis/scratch_tree.h"

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

const taint_spec& shipped_taint_spec() {
  static const taint_spec spec = [] {
    auto loaded = load_taint_spec(HEIMDALL_SOURCE_DIR "/analysis/rules/taint");
    if (!loaded) FAIL("shipped taint spec does not load: " << loaded.error().to_string());
    return std::move(loaded).value();
  }();
  return spec;
}

taint_outcome taint_scan(const std::vector<std::pair<std::string, std::string>>& files) {
  scratch_tree t;
  for (const auto& [path, code] : files) t.write(path, code);
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  taint_outcome out;
  auto summary = run_taint_analysis(t.root(), *inv, shipped_taint_spec(), threat_model{},
                                    [&](finding f) { out.found.push_back(std::move(f)); });
  REQUIRE(summary);
  out.summary = std::move(*summary);
  return out;
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
