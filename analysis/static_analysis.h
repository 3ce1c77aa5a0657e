// static_analysis: runs the pattern rules and the secret detectors over the
// files of an inventory - the work of the static_analysis stage.
//
// Each file is read from disk (opened without following symlinks, so a
// link swapped in after the inventory cannot lead outside the tree) and
// matched with the rule pack and the secret detectors; every finding is handed to `on_finding` as
// soon as its file is done, so a caller can record findings while the
// stage is still running. A file that cannot be read is a note, not an
// error.
//
// C and C++ files also go through the flow analysis (c_flow.h), on their
// tree-sitter tree (parsed once per file; the comment check above uses the
// same tree); the project's C/C++ headers are read first, in parallel, for
// the macros and prototypes it uses in every file. A C or C++ file the
// build has no grammar for, or that tree-sitter gives up on, is not
// flow-analysed, and gets a note saying so.
//
// With an advisory database, dependency manifests among the files (and ones
// the inventory left out for their size, read up to kMaxManifestBytes) are
// also checked for vulnerable packages (dependency_scan.h); without one
// (nullptr) they are not, and the pipeline records kNoAdvisoryDatabase.
//
// Blocking (file I/O): run it on a worker thread. Files are read and
// matched on `threads` threads (0: default_analysis_threads(), see
// ordered_work.h); findings and notes still come in inventory order, as
// with one. Thread-safety: the rule pack, detectors and advisory database
// may be shared; on_finding and `cancelled` are called on the calling
// thread only.
// Errors: errc::closed when `cancelled` returns true (checked per file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analysis/advisories.h"
#include "analysis/finding.h"
#include "analysis/inventory.h"
#include "analysis/rule_pack.h"
#include "analysis/secrets.h"
#include "analysis/taint.h"
#include "base/result.h"

namespace heimdall::analysis {

struct static_analysis_summary {
  std::uint64_t files_scanned = 0;
  std::uint64_t bytes_scanned = 0;
  std::uint64_t findings = 0;
  std::uint64_t manifests = 0;  // dependency manifests checked against the advisories
  // Files with a rule match below a block-comment opener or within Python
  // triple quotes are parsed (syntax.h) to drop matches inside comments and
  // docstrings; those the parser could not read keep every match and get a
  // note.
  std::uint64_t files_parsed = 0;
  std::uint64_t files_unparsable = 0;
  std::uint64_t matches_in_comments = 0;  // rule matches dropped (comments and docstrings)
  // Languages of files that met no grammar (grammar_name), the build having
  // none for them: their matches all stand. Sorted.
  std::vector<std::string> languages_without_grammar;
  std::vector<inventory_note> notes;  // files that could not be read or parsed, and why
  // Sink lines the C flow analysis proved safe (c_flow.h), in inventory
  // order: the pattern findings of that weakness there are withdrawn after
  // the stages (validation.h, redundant_findings).
  std::vector<taint_clearance> cleared;
};

result<static_analysis_summary> run_static_analysis(const std::filesystem::path& root, const inventory& files,
                                                    const rule_pack& rules, const secret_detector& secrets,
                                                    const std::function<void(finding)>& on_finding,
                                                    const std::function<bool()>& cancelled = {},
                                                    const advisory_db* advisories = nullptr,
                                                    unsigned threads = 0);

}  // namespace heimdall::analysis
