// osv_fuzzer: an OSV advisory record, a CVSS vector and version strings of
// every ecosystem, from any bytes (advisories are imported from files a user
// names; versions come from the scanned repository's manifests).
#include <string_view>

#include "analysis/advisories.h"
#include "analysis/version_order.h"
#include "fuzz/fuzz_target.h"

using namespace heimdall::analysis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto record = parse_osv_record(text)) {
    for (const advisory_entry& e : record.value().entries) {
      (void)match_entry(e, "1.0.0");
      (void)match_entry(e, text.substr(0, 40));
    }
  }
  (void)cvss_base_score(text);
  // Two versions, split at the first newline, in every ecosystem.
  std::string_view a = text.substr(0, text.find('\n'));
  std::string_view b = a.size() < text.size() ? text.substr(a.size() + 1) : std::string_view();
  for (const char* name : {"npm", "PyPI", "Go", "crates.io", "RubyGems", "Packagist", "Maven"}) {
    if (auto eco = parse_ecosystem(name)) {
      (void)valid_version(*eco, a);
      (void)compare_versions(*eco, a, b);
    }
  }
  return 0;
}
