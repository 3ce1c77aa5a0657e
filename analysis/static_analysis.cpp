#include "analysis/static_analysis.h"

#include <cstring>

#include "analysis/c_flow.h"
#include "analysis/config_checks.h"
#include "analysis/dependency_scan.h"
#include "analysis/ordered_work.h"
#include "analysis/source_read.h"

namespace heimdall::analysis {
namespace {

// What one file gave, kept until its turn to be reported.
struct file_result {
  int read_error = 0;
  std::uint64_t bytes = 0;
  std::vector<finding> found;  // line and config rules, then secrets, then dependencies
  bool manifest = false;       // checked against the advisories
  std::vector<inventory_note> notes;  // config parse errors, what the dependency check left out
};

void append(std::vector<finding>& to, std::vector<finding> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

}  // namespace

result<static_analysis_summary> run_static_analysis(const std::filesystem::path& root, const inventory& files,
                                                    const rule_pack& rules, const secret_detector& secrets,
                                                    const std::function<void(finding)>& on_finding,
                                                    const std::function<bool()>& cancelled,
                                                    const advisory_db* advisories, unsigned threads) {
  static_analysis_summary summary;
  // Any thread: the database is only read.
  auto check_dependencies = [&](const std::string& path, std::string_view content, file_result& r) {
    if (!advisories) return;
    if (auto kind = manifest_kind_of(path)) {
      r.manifest = true;
      append(r.found, find_vulnerable_dependencies(*advisories, *kind, path, content, r.notes));
    }
  };
  // The calling thread, in inventory order.
  auto hand_on = [&](file_result& r) {
    summary.manifests += r.manifest;
    summary.notes.insert(summary.notes.end(), std::make_move_iterator(r.notes.begin()),
                         std::make_move_iterator(r.notes.end()));
    for (finding& f : r.found) {
      ++summary.findings;
      on_finding(std::move(f));
    }
  };

  // The project's C/C++ headers first: their macros are expanded in every
  // C file (c_flow.h), as an include path would make them visible.
  c_macros macros;
  {
    std::string header;
    for (const source_file& file : files.files) {
      if (file.lang != language::c && file.lang != language::cpp) continue;
      std::string_view p = file.path;
      bool is_header = p.size() > 2 && (p.substr(p.size() - 2) == ".h" || (p.size() > 4 && p.substr(p.size() - 4) == ".hpp"));
      if (!is_header || read_source_file(root / file.path, header) != 0) continue;
      collect_c_macros(header, macros);
    }
  }

  std::vector<file_result> results(files.files.size());
  auto work = [&](std::size_t i, unsigned) {
    const source_file& file = files.files[i];
    file_result& r = results[i];
    std::string content;
    if ((r.read_error = read_source_file(root / file.path, content)) != 0) return;
    r.bytes = content.size();
    r.found = match_with_config(rules, file.path, file.lang, content, r.notes);
    append(r.found, analyze_c_flow(file.path, file.lang, content, &macros));
    append(r.found, find_secrets(secrets, file.path, content));
    check_dependencies(file.path, content, r);
  };
  auto done = [&](std::size_t i) {
    file_result r = std::move(results[i]);
    if (r.read_error != 0) {
      summary.notes.push_back(
          {files.files[i].path, std::string("skipped: cannot read: ") + std::strerror(r.read_error)});
      return;
    }
    ++summary.files_scanned;
    summary.bytes_scanned += r.bytes;
    hand_on(r);
  };
  if (!run_in_order(files.files.size(), threads ? threads : default_analysis_threads(), work, done, cancelled)) {
    return status(errc::closed, "static analysis cancelled");
  }

  // Manifests the inventory left out for their size: few, one after another.
  std::string content;
  for (const inventory_note& note : files.notes) {
    if (!advisories || !is_oversized_manifest(note)) continue;
    if (cancelled && cancelled()) return status(errc::closed, "static analysis cancelled");
    if (int err = read_source_file(root / note.path, content, kMaxManifestBytes); err != 0) {
      summary.notes.push_back({note.path, std::string("dependencies not checked: cannot read: ") + std::strerror(err)});
      continue;
    }
    file_result r;
    check_dependencies(note.path, content, r);
    hand_on(r);
  }
  return summary;
}

}  // namespace heimdall::analysis
