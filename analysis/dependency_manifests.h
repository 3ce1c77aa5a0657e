// dependency_manifests: the packages a lockfile or manifest pins, each with
// its ecosystem (OSV naming), name, version and the line that declares it.
//
// Formats, recognised by file name (manifest_kind_of):
//   package-lock.json (v1 "dependencies" tree, v2/v3 "packages"), yarn.lock
//   (v1 and berry), pnpm-lock.yaml (the "packages" keys, v5 to v9) -> npm;
//   requirements*.txt (pinned "==" specs only), Pipfile.lock, poetry.lock
//   -> PyPI; go.sum -> Go; Cargo.lock -> Rust crates; Gemfile.lock (the GEM
//   section's specs) -> RubyGems; composer.lock -> Packagist; pom.xml
//   (<dependency> blocks, ${property} versions resolved from <properties>)
//   -> Maven.
// What is left out is said in a note, never silently: unpinned requirements,
// local/git/workspace packages, unresolvable Maven properties, malformed
// input (then whatever was read before the damage is kept).
//
// Pure functions over the file's text: no I/O, nothing throws on any input
// (the tests fuzz every parser). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/inventory.h"
#include "analysis/version_order.h"

namespace heimdall::analysis {

enum class manifest_kind {
  package_lock,
  yarn_lock,
  pnpm_lock,
  requirements_txt,
  pipfile_lock,
  poetry_lock,
  go_sum,
  cargo_lock,
  gemfile_lock,
  composer_lock,
  pom_xml,
};

// By the file's name (the last component of a '/'-separated path):
// "requirements.txt", "requirements-dev.txt", "requirements/base.txt" count
// as requirements files; nullopt for anything else.
std::optional<manifest_kind> manifest_kind_of(std::string_view path);

struct dependency {
  ecosystem eco = ecosystem::npm;
  std::string name;     // as the ecosystem spells it ("@scope/pkg", "group:artifact")
  std::string version;  // as pinned ("4.17.20", "v1.2.3", "2.0.0.RELEASE")
  std::string manifest; // the path given to parse_manifest
  int line = 0;         // 1-based line of the declaration
};

struct manifest_contents {
  std::vector<dependency> dependencies;  // in file order
  std::vector<inventory_note> notes;     // path = the manifest
};

// At most this many notes per manifest; one more says how many were dropped.
inline constexpr std::size_t kMaxManifestNotes = 50;

manifest_contents parse_manifest(manifest_kind kind, std::string_view path, std::string_view text);

}  // namespace heimdall::analysis
