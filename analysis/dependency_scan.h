// dependency_scan: the dependencies part of the static_analysis stage - the
// packages a manifest pins (dependency_manifests.h) matched against the
// imported advisories (advisories.h), one finding per vulnerable package
// and advisory.
//
// A finding: source "dependencies", rule "dependencies.<OSV id>", title
// "<name> <version> has a known vulnerability (<OSV id>)", the advisory's
// severity and CWE, the manifest's path and the declaring line, snippet
// "<name>@<version>" (so validation's fingerprint - rule, path, snippet -
// is stable when lines move and differs per package and version), the
// summary, affected version, fixed version and aliases in the description,
// and "upgrade to <fixed>" as remediation when a fix is known.
//
// Pure functions; thread-safe (the database is only read).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analysis/advisories.h"
#include "analysis/dependency_manifests.h"
#include "analysis/finding.h"
#include "analysis/inventory.h"

namespace heimdall::analysis {

// Lockfiles of large projects outgrow the inventory's per-file cap (2 MiB)
// yet parse in milliseconds: the stage reads one skipped for its size up to
// this many bytes.
inline constexpr std::uint64_t kMaxManifestBytes = 64ull << 20;

inline constexpr std::string_view kNoAdvisoryDatabase =
    "no advisory database imported: run heimdall advisories import";

// Findings for `text`, the manifest at `path`; what was left out of it goes
// to `notes`.
std::vector<finding> find_vulnerable_dependencies(const advisory_db& db, manifest_kind kind, std::string_view path,
                                                  std::string_view text, std::vector<inventory_note>& notes);

// Whether a manifest is in `inv`, listed or left out for its size (which
// the stage still reads, see kMaxManifestBytes).
bool has_dependency_manifest(const inventory& inv);
bool is_oversized_manifest(const inventory_note& note);

// The note a scan records when its tree has manifests but no advisory
// database was imported (`db` null): {".", kNoAdvisoryDatabase}.
std::optional<inventory_note> missing_advisories_note(const advisory_db* db, const inventory& inv);

}  // namespace heimdall::analysis
