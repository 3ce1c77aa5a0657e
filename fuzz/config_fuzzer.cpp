// config_fuzzer: the configuration parsers (HCL, YAML, JSON, Dockerfile)
// and the config rules over what they parse, on any bytes. The first byte
// picks the file name, so each kind's detection and checks run.
#include <array>
#include <string_view>
#include <vector>

#include "analysis/config_checks.h"
#include "analysis/config_parsers.h"
#include "analysis/language.h"
#include "fuzz/fuzz_target.h"
#include "fuzz/shipped_rules.h"

using namespace heimdall::analysis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "main.tf", "Dockerfile", "docker-compose.yml", "k8s/deploy.yaml", ".github/workflows/ci.yml",
      ".gitlab-ci.yml", "chart/values.yaml", "stack.template.json", "cfn.yaml"};
  if (size == 0) return 0;
  std::string_view name = kNames[data[0] % kNames.size()];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  config_node root;
  std::vector<config_node> documents;
  (void)parse_hcl(text, root);
  (void)parse_yaml(text, documents);
  (void)parse_json_config(text, root);
  (void)parse_dockerfile(text, root);
  std::vector<inventory_note> notes;
  (void)match_with_config(heimdall::fuzz::shipped_rules().rules, name, detect_language(name, text), text, notes);
  return 0;
}
