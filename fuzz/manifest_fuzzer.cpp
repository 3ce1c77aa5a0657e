// manifest_fuzzer: every dependency-manifest parser (package-lock.json to
// pom.xml) on any bytes, and the version orderings on what they read.
#include <string_view>

#include "analysis/dependency_manifests.h"
#include "analysis/version_order.h"
#include "fuzz/fuzz_target.h"

using namespace heimdall::analysis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (int k = 0; k <= static_cast<int>(manifest_kind::pom_xml); ++k) {
    manifest_contents got = parse_manifest(static_cast<manifest_kind>(k), "manifest", text);
    for (std::size_t i = 1; i < got.dependencies.size() && i < 64; ++i) {
      const dependency& a = got.dependencies[i - 1];
      (void)compare_versions(a.eco, a.version, got.dependencies[i].version);
      (void)normalize_package_name(a.eco, a.name);
    }
  }
  return 0;
}
