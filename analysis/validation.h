// validation: what the vidarr stage does to findings before and after they
// are recorded.
//
// Every finding a stage produces (static_analysis, hunt) goes through one
// finding_validator per scan before it is recorded, so what is recorded is
// already fingerprinted, de-duplicated, unsuppressed and confidence-adjusted:
//  - fingerprint: stable identity across commits (see fingerprint_of);
//  - suppressed: the finding's line, or the line just above, has a comment
//    (in the file's language) holding `nosec` (also `#nosec`) or
//    `heimdall:ignore`, optionally followed by rule ids or dot-prefixes
//    (`heimdall:ignore python.sqli, secrets.github-pat`), one of which must
//    then match the finding's rule;
//  - duplicate: a finding with the same fingerprint was already kept (or
//    remembered from before a resume): the same rule on the same line of
//    code found again (by a second pass, or by a stage run again after a
//    resume). Identical code on two lines of one file is two findings: the
//    second and later get their occurrence in their fingerprint;
//  - otherwise kept, with confidence lowered in test, example, fixture,
//    mock and documentation code (is_non_production_path).
// Secrets need nothing more here: their detectors already reject a GitHub
// or npm token whose CRC32 fails and raise the confidence of one that
// passes (secrets.h), and their snippets arrive masked.
//
// After the stages, redundant_findings is the scan-wide pass: a pattern
// finding that a taint finding explains is withdrawn in favour of it, and
// so is one on lines where the taint analysis proved that weakness absent
// (taint_clearance: a handler whose sinks of that kind get no request
// data, a branch that never runs) or the C flow analysis did (c_flow.h: a
// copy that fits, a constant format).
//
// Source lines are read from the checkout without following symlinks (no
// component of the path may be one), only the current file's lines are
// cached, and only its first kMaxValidatedFileBytes are looked at. A file
// that cannot be read suppresses nothing.
//
// Threads: a finding_validator is not thread-safe (one per scan, used by the
// thread that records findings); the free functions are pure and
// thread-safe. Nothing here fails: check() always returns a verdict.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analysis/finding.h"
#include "analysis/taint.h"

namespace heimdall::analysis {

// How much of a file is read to look for suppression comments: suppressions
// past it are not seen. Above the inventory's default file cap (2 MiB), and
// small enough that the one cached file stays cheap.
inline constexpr std::size_t kMaxValidatedFileBytes = 8u << 20;

// Confidence of a kept finding in non-production code is multiplied by
// this: insecure code in tests and docs rarely runs in production, yet a
// real key in a fixture still leaks, so it is lowered rather than dropped.
inline constexpr double kNonProductionConfidenceFactor = 0.6;

// 32 lower-case hex digits: the start of the SHA-256 of rule_id, file_path
// and the code snippet with white space collapsed (a secret's snippet is its
// masked line), and `occurrence` past the first. Never the line number, so
// moving code keeps it. `occurrence` tells apart the findings of one rule
// on identical code in one file: the nth such line, in the order the scan
// reports them.
std::string fingerprint_of(const finding& f, int occurrence = 1);

// Whether `path` (relative, '/'-separated) is test, example, fixture, mock
// or documentation code: a directory such as test/, tests/, __tests__/,
// spec/, examples/, fixtures/, testdata/, mocks/, docs/ (any case), or a
// file such as test_x.py, x_test.go, x.spec.ts, XTest.java, conftest.py.
bool is_non_production_path(std::string_view path);

enum class verdict { keep, suppressed, duplicate };

struct validation_counts {
  std::uint64_t kept = 0;
  std::uint64_t suppressed = 0;
  std::uint64_t duplicates = 0;
};

class finding_validator {
 public:
  // `root` is the checkout the findings' paths are relative to.
  explicit finding_validator(std::filesystem::path root);

  // Fills f.fingerprint, then decides (in this order) suppressed,
  // duplicate or keep; lowers f.confidence only when kept.
  verdict check(finding& f);

  // For a resumed scan: a fingerprint already recorded counts as kept.
  void remember(const std::string& fingerprint);

  const validation_counts& counts() const { return counts_; }

 private:
  bool is_suppressed(const finding& f);
  void load(const std::string& path);

  std::filesystem::path root_;
  std::unordered_set<std::string> seen_;
  // By first-occurrence fingerprint: the lines reported with it, in order.
  std::unordered_map<std::string, std::vector<int>> occurrence_lines_;
  validation_counts counts_;
  // The cached file: its path, text (at most kMaxValidatedFileBytes) and
  // the offset where each line starts; empty text when unreadable.
  std::string cached_path_;
  bool cached_ = false;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

// Indices (ascending) of findings made redundant by another: a pattern
// finding (source "static" or "config") in the same file as a "taint"
// finding, with the same non-zero CWE and overlapping lines, is withdrawn
// in favour of the taint one, which carries the flow. A pattern finding
// inside a clearance of the same weakness (same_weakness) is withdrawn
// too, unless its rule is one of `any_data_rules` (rule::any_data).
// Deterministic.
std::vector<std::size_t> redundant_findings(const std::vector<finding>& findings,
                                            const std::vector<taint_clearance>& cleared = {},
                                            const std::set<std::string, std::less<>>& any_data_rules = {});

// Whether two CWEs name the same weakness for redundant_findings: equal,
// or in one of a few close pairs (code injection 94/95, path traversal
// 22/23/36/73, command injection 77/78).
bool same_weakness(int a, int b);

}  // namespace heimdall::analysis
