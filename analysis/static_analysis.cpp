#include "analysis/static_analysis.h"

#include <cstring>

#include "analysis/config_checks.h"
#include "analysis/dependency_scan.h"
#include "analysis/source_read.h"

namespace heimdall::analysis {
result<static_analysis_summary> run_static_analysis(const std::filesystem::path& root, const inventory& files,
                                                    const rule_pack& rules, const secret_detector& secrets,
                                                    const std::function<void(finding)>& on_finding,
                                                    const std::function<bool()>& cancelled,
                                                    const advisory_db* advisories) {
  static_analysis_summary summary;
  std::string content;
  auto report = [&](std::vector<finding> found) {
    for (finding& f : found) {
      ++summary.findings;
      on_finding(std::move(f));
    }
  };
  auto check_dependencies = [&](const std::string& path) {
    if (!advisories) return;
    if (auto kind = manifest_kind_of(path)) {
      ++summary.manifests;
      report(find_vulnerable_dependencies(*advisories, *kind, path, content, summary.notes));
    }
  };
  for (const source_file& file : files.files) {
    if (cancelled && cancelled()) return status(errc::closed, "static analysis cancelled");
    if (int err = read_source_file(root / file.path, content); err != 0) {
      summary.notes.push_back({file.path, std::string("skipped: cannot read: ") + std::strerror(err)});
      continue;
    }
    ++summary.files_scanned;
    summary.bytes_scanned += content.size();
    report(match_with_config(rules, file.path, file.lang, content, summary.notes));
    report(find_secrets(secrets, file.path, content));
    check_dependencies(file.path);
  }
  for (const inventory_note& note : files.notes) {
    if (!advisories || !is_oversized_manifest(note)) continue;
    if (cancelled && cancelled()) return status(errc::closed, "static analysis cancelled");
    if (int err = read_source_file(root / note.path, content, kMaxManifestBytes); err != 0) {
      summary.notes.push_back({note.path, std::string("dependencies not checked: cannot read: ") + std::strerror(err)});
      continue;
    }
    check_dependencies(note.path);
  }
  return summary;
}

}  // namespace heimdall::analysis
