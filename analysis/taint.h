// taint: the hunt stage's taint tracking. Within each Python,
// JavaScript/TypeScript, Java, Go, PHP and Ruby file it follows values from sources
// (request parameters, headers and cookies, argv, environment, browser
// URLs, and the parameters of the threat model's handler functions)
// through assignments, string building, containers (per constant key and
// list index) and the file's own functions to sinks (SQL, shell, eval,
// file paths, outgoing URLs, HTML responses, deserialisers, redirects,
// LDAP, XPath, session attributes), unless a sanitizer for that kind of
// sink is on the way.
//
// Sources, sinks and sanitizers are data (analysis/rules/taint/*.json,
// format in analysis/rules/taint/README.md), loaded into a taint_spec. The
// engine (taint.cpp) reads a small token stream per language (taint_tokens.h,
// the JavaScript/TypeScript lexer; for Python, Go, PHP and Ruby,
// taint_python.h, taint_go.h, taint_php.h and taint_ruby.h write
// tree-sitter's tree out as such tokens, Java's are its tree's leaves,
// taint_java.h, and an ERB template is the Ruby code it runs, taint_erb.h),
// groups it
// into statements (taint_statements.h, taint_go.h) and runs
// a flow-sensitive pass over each function, with per-function summaries
// (which parameters reach the return value or a sink) for calls inside the
// file and, through the project's call graph (taint_calls.h), for calls
// into another file's functions: a value passed into a function of another
// file that sinks it is a finding at the call, its path going on into that
// file. Precision comes first: unknown calls pass taint through, but
// comparisons, casts and the listed sanitizers stop it, reassignment from a
// clean value kills it, and branches (if, ternary, switch, match) whose
// condition folds to a constant (integers, strings, characters of constant
// strings) are not taken.
//
// Bounded work: a file's tokens, statements evaluated and summary depth
// are capped (see taint.cpp); a file past a cap is left out with a note,
// never an error, and so is a file that does not parse (every front end is
// a tree-sitter parse) and a minified JavaScript bundle (`*.min.js`: built
// from sources kept elsewhere; the pattern rules still read it). Cross-file
// summaries are computed in at most 8 rounds for at
// most 100,000 functions; past either cap the rest are unknown calls and a
// note says so. Any bytes are accepted.
//
// Blocking (file I/O): run it on a worker thread. Files are analysed on
// `threads` threads (0: default_analysis_threads(), see ordered_work.h);
// findings and notes still come in inventory order, as with one (the
// round-cap notes last). A file with a call into another file that the
// first pass did not see is reported once that summary is known, so the
// files after it wait with it.
// Thread-safety: a loaded taint_spec is immutable and may be shared by any
// number of runs at once; on_finding and `cancelled` are called on the
// calling thread only, on_finding once per (rule, sink line).
// Errors: load_taint_spec as described there; run_taint_analysis returns
// errc::closed when `cancelled()` returns true (checked per file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/finding.h"
#include "analysis/inventory.h"
#include "analysis/threat_model.h"
#include "base/result.h"

namespace heimdall::analysis {

// Lines where the analysis proved a kind of sink safe: a request handler
// whose every evaluated sink of one class (CWE `cwe`) received only values
// that do not come from a source (or were sanitized for that class), or a
// branch whose condition folds to a constant so it never runs (one
// clearance per class). The C flow analysis gives them too, per sink line
// (c_flow.h). Pattern findings of the same weakness on these lines are
// heuristics the flow analysis overrules (validation.h, redundant_findings).
// Never given for a file past a work bound, nor for a handler holding a
// nested function or class (its lines are another function's), nor for the
// handlers of a language whose spec says they read state the analysis does
// not follow (Rails actions, language_spec::handler_proofs).
struct taint_clearance {
  std::string file_path;
  int line_start = 0, line_end = 0;  // inclusive
  int cwe = 0;
};

struct taint_summary {
  std::uint64_t files_analyzed = 0;  // files of a supported language that were read and analysed
  std::uint64_t functions_analyzed = 0;
  std::uint64_t findings = 0;
  std::vector<inventory_note> notes;  // files left out (unreadable, unparsable, minified, over a work bound), and why
  std::vector<taint_clearance> cleared;  // in inventory order
};

// The vocabulary of the analysis, per language. Movable, not copyable;
// share it by reference.
class taint_spec {
 public:
  struct data;  // defined in taint_spec.h, for the engine

  taint_spec(taint_spec&&) noexcept;
  taint_spec& operator=(taint_spec&&) noexcept;
  ~taint_spec();

  const data& get() const { return *data_; }

 private:
  explicit taint_spec(std::unique_ptr<data> d);
  std::unique_ptr<data> data_;
  friend result<taint_spec> load_taint_spec(const std::filesystem::path& dir_or_file);
};

// Loads one spec file, or every *.json file directly inside a directory (in
// name order). Errors: not_found when the path is missing, io_error when a
// file cannot be read, invalid_argument for anything wrong in a file (the
// message names the file and the entry: invalid JSON, unknown or mistyped
// field, bad regex with RE2's message, unknown language, class or
// severity) and when no file defines a language.
result<taint_spec> load_taint_spec(const std::filesystem::path& dir_or_file);

// Runs over the inventory's Python, JavaScript, TypeScript, Java, Go, PHP and
// Ruby files and ERB templates (the rest are skipped silently). Handlers named by the model's entry points
// (matched by file_path and function name, or by line) get tainted
// parameters. Findings: source "taint", rule_id "<language>.taint.<class>",
// line_start = the sink's line (for a sink in another file: the line of this
// file whose call leads there), fingerprint empty, path from source to sink (a
// step in another file names it, finding.h).
result<taint_summary> run_taint_analysis(const std::filesystem::path& root, const inventory& files,
                                         const taint_spec& spec, const threat_model& model,
                                         const std::function<void(finding)>& on_finding,
                                         const std::function<bool()>& cancelled = {}, unsigned threads = 0);

}  // namespace heimdall::analysis
