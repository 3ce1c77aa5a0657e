// sarif: findings as a SARIF 2.1.0 log (one run), the format code-scanning
// tools (GitHub code scanning, IDEs, DefectDojo) import.
//
// The run's tool.driver lists one reportingDescriptor per rule id (sorted
// by id; results point at it by ruleIndex), with its CWE as the tags
// "security" and "external/cwe/cwe-N", a "security-severity" score (9.5,
// 8.0, 5.5, 3.0 for critical ... low) and the remediation as help text.
// Each result has a level (critical/high: error, medium: warning, low:
// note), one location with its region and snippet, the finding's
// fingerprint as partialFingerprints["heimdall/v1"] (computed when empty)
// and severity, confidence and CWE as properties.
//
// Locations are relative URIs (percent-encoded) against the uriBaseId
// SRCROOT, defined in originalUriBaseIds when the checkout's absolute path
// is known; with absolute_uris they are file:// URIs under that path
// instead, for consumers that do not resolve uriBaseId.
//
// Pure function; thread-safe. Cannot fail: text that is not valid UTF-8 is
// repaired (U+FFFD) so the output is always valid JSON.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.h"

namespace heimdall::analysis {

struct sarif_run_info {
  std::string tool_version;     // tool.driver.version; "" leaves it out
  std::string information_uri;  // tool.driver.informationUri; "" leaves it out
  // Absolute path of the checkout the findings' paths are relative to
  // ("" when unknown: SRCROOT is then left for the consumer to define).
  std::string source_root;
  bool absolute_uris = false;   // file:// URIs under source_root (needs it)
  // versionControlProvenance, written when repository_uri is set.
  std::string repository_uri;
  std::string revision_id;      // the commit scanned
  std::string branch;
};

// "security-severity" of a severity, as SARIF consumers expect: a number in
// a string ("9.5" for critical, "8.0", "5.5", "3.0" for low).
const char* security_severity_score(severity s);

// A '/'-separated path as a URI path: bytes outside RFC 3986's unreserved
// set, '/' and a few safe sub-delimiters are percent-encoded.
std::string uri_path(std::string_view path);

std::string to_sarif(const std::vector<finding>& findings, const sarif_run_info& run);

}  // namespace heimdall::analysis
