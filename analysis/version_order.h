// version_order: how each package ecosystem orders its versions, so an
// advisory's "introduced 1.2, fixed 1.4.1" can be compared with the version
// a lockfile pins. One ordering per OSV ecosystem:
//  - npm, Rust crates, Go: SemVer 2.0 precedence (build metadata ignored, so
//    Go's "+incompatible" does not matter; a leading "v" - required by Go,
//    tolerated elsewhere - and npm's "=" are dropped);
//  - PyPI: PEP 440 (epochs, pre/post/dev releases, local versions,
//    normalised spellings such as "1.0-alpha1" = "1.0a1");
//  - RubyGems: Gem::Version (numeric and letter segments; a letter segment
//    makes a prerelease, trailing zeros do not count);
//  - Maven: ComparableVersion (qualifiers alpha < beta < milestone < rc = cr
//    < snapshot < "" = ga = final = release < sp < anything else);
//  - Packagist: Composer's normalisation, then PHP's version_compare.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace heimdall::analysis {

enum class ecosystem { npm, pypi, go, crates_io, rubygems, packagist, maven };

// The OSV spelling: "npm", "PyPI", "Go", "crates" + "." + "io" (Rust), "RubyGems",
// "Packagist", "Maven".
std::string_view ecosystem_name(ecosystem e);
// Exact OSV spelling only; nullopt for any other ecosystem (e.g. "Debian:12").
std::optional<ecosystem> parse_ecosystem(std::string_view name);

// Whether `version` is a version in `e` (Maven accepts any non-empty text).
bool valid_version(ecosystem e, std::string_view version);
// <0, 0 or >0 as a sorts before, equal to or after b; nullopt when either is
// not a valid version in `e`.
std::optional<int> compare_versions(ecosystem e, std::string_view a, std::string_view b);

// SemVer 2.0 precedence alone (OSV "SEMVER" ranges, whatever the
// ecosystem); a leading "v" is tolerated.
bool valid_semver(std::string_view version);
std::optional<int> compare_semver(std::string_view a, std::string_view b);

// How names compare in `e`: PyPI's PEP 503 normalisation (lower case, runs
// of "-", "_" and "." as one "-"), lower case for Packagist; others as is.
std::string normalize_package_name(ecosystem e, std::string_view name);

}  // namespace heimdall::analysis
