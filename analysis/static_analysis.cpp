#include "analysis/static_analysis.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <string>

#include "analysis/c_flow.h"
#include "analysis/config_checks.h"
#include "analysis/dependency_scan.h"
#include "analysis/grammars.h"
#include "analysis/ordered_work.h"
#include "analysis/snippet.h"
#include "analysis/source_read.h"
#include "analysis/syntax.h"
#include "analysis/text_lines.h"

namespace heimdall::analysis {
namespace {

// What one file gave, kept until its turn to be reported.
struct file_result {
  int read_error = 0;
  std::uint64_t bytes = 0;
  std::vector<finding> found;  // line and config rules, then secrets, then dependencies
  bool manifest = false;       // checked against the advisories
  std::optional<parse_outcome> parsed;  // set when drop_matches_in_documentation parsed the file
  std::uint64_t in_comments = 0;  // rule matches and generic secrets dropped: their line lies in a comment or docstring
  std::vector<inventory_note> notes;  // config parse errors, what the dependency check left out
  std::vector<taint_clearance> cleared;  // sink lines c_flow proved safe
};

void append(std::vector<finding>& to, std::vector<finding> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

// The line (1-based) of the first block-comment opener in `content`, or 0
// when there is none.
int first_block_comment_line(language lang, std::string_view content) {
  std::size_t at = std::string_view::npos;
  for (const comment_delimiter& d : comment_delimiters(lang)) {
    if (!d.close.empty()) at = std::min(at, content.find(d.open));
  }
  if (at == std::string_view::npos) return 0;
  return 1 + static_cast<int>(std::count(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// Python's triple-quoted strings (docstrings among them) as line ranges,
// from a plain scan pairing each """ or ''' with the next of its kind. A
// prefilter only (a quote in a comment or another string can mislead it):
// the syntax tree decides.
std::vector<std::pair<int, int>> triple_quoted_lines(std::string_view content) {
  std::vector<std::pair<int, int>> out;
  int line = 1;
  std::size_t at = 0;
  auto move_to = [&](std::size_t to) {
    line += static_cast<int>(std::count(content.begin() + static_cast<std::ptrdiff_t>(at),
                                        content.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
    at = to;
  };
  for (;;) {
    std::size_t open = std::min(content.find("\"\"\"", at), content.find("'''", at));
    if (open == std::string_view::npos) return out;
    move_to(open);
    const int first = line;
    std::size_t close = content.find(content.substr(open, 3), open + 3);
    if (close == std::string_view::npos) {
      out.emplace_back(first, std::numeric_limits<int>::max());
      return out;
    }
    move_to(close);
    out.emplace_back(first, line);
    at += 3;
  }
}

// Drops the rule matches whose code lies inside a comment or a docstring
// (syntax_tree::in_documentation), and the secrets of the generic detectors
// there (`generic`: their rule ids): a generic credential assignment in
// documentation is an example of a call or a protocol (`oauth_token=...` in
// an RFC's sample response), not a leak. A provider's token stays wherever
// it is: leaked in a comment is leaked. The rules skip lines that start a
// comment (is_comment_line), so what is left to find is a line inside a
// block comment opened on an earlier line, or inside a Python docstring,
// and only the syntax tree knows those. Parsing costs far more than
// matching (tree-sitter reads ~5 MB/s a core), so a file is parsed, once,
// only when a match lies below a block-comment opener or within triple
// quotes. Where there is no tree (no grammar, or unparsable) the matches
// stand. `parsed`: the file's parse when the caller has one (C and C++
// files, parsed for the flow analysis anyway), else null.
void drop_matches_in_documentation(const source_file& file, std::string_view content, file_result& r,
                                   std::vector<finding>& secrets, const std::set<std::string>& generic,
                                   const parse_result* parsed) {
  if (grammar_name(file.lang, file.path).empty()) return;
  auto example = [&](const finding& f) { return generic.count(f.rule_id) > 0; };
  const int opener = first_block_comment_line(file.lang, content);
  const auto strings = file.lang == language::python ? triple_quoted_lines(content) : std::vector<std::pair<int, int>>{};
  auto may_be_documentation = [&](const finding& f) {
    if (opener != 0 && f.line_start > opener) return true;
    return std::any_of(strings.begin(), strings.end(),
                       [&](const auto& s) { return s.first <= f.line_start && f.line_start <= s.second; });
  };
  if (std::none_of(r.found.begin(), r.found.end(), may_be_documentation) &&
      std::none_of(secrets.begin(), secrets.end(), [&](const finding& f) { return example(f) && may_be_documentation(f); }))
    return;
  parse_result own;
  if (!parsed) {
    own = parse_source(file.lang, file.path, content);
    parsed = &own;
  }
  r.parsed = parsed->outcome;
  // A tree kept despite its ERROR nodes is no guide to where comments are.
  if (parsed->outcome != parse_outcome::parsed) return;
  const text_lines lines(content);
  auto in_documentation = [&](const finding& f) {
    if (f.line_start < 1) return false;
    std::string_view code = trim(lines.line(static_cast<std::size_t>(f.line_start) - 1));
    if (code.empty()) return false;
    auto begin = static_cast<std::uint32_t>(code.data() - content.data());
    bool drop = parsed->tree->in_documentation(begin, begin + static_cast<std::uint32_t>(code.size()));
    r.in_comments += drop;
    return drop;
  };
  std::erase_if(r.found, in_documentation);
  std::erase_if(secrets, [&](const finding& f) { return example(f) && in_documentation(f); });
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
    summary.cleared.insert(summary.cleared.end(), std::make_move_iterator(r.cleared.begin()),
                           std::make_move_iterator(r.cleared.end()));
    summary.notes.insert(summary.notes.end(), std::make_move_iterator(r.notes.begin()),
                         std::make_move_iterator(r.notes.end()));
    for (finding& f : r.found) {
      ++summary.findings;
      on_finding(std::move(f));
    }
  };

  std::set<std::string> generic_secrets;  // rule ids of the generic detectors
  for (const secret_rule& s : secrets.rules())
    if (s.generic) generic_secrets.insert("secrets." + s.id);
  std::set<std::string> missing_grammars;  // languages of the files that met no grammar
  const unsigned workers = threads ? threads : default_analysis_threads();
  // The project's C/C++ headers first: their macros are expanded in every
  // C file (c_flow.h), as an include path would make them visible. Read and
  // parsed in parallel, merged in inventory order (merge_c_macros). A header
  // that cannot be read or parsed gives nothing here; its own turn below
  // says why.
  c_macros macros;
  {
    std::vector<const source_file*> headers;
    for (const source_file& file : files.files) {
      if (file.lang != language::c && file.lang != language::cpp) continue;
      std::string_view p = file.path;
      if (p.ends_with(".h") || p.ends_with(".hpp")) headers.push_back(&file);
    }
    std::vector<c_macros> declared(headers.size());
    auto read_header = [&](std::size_t k, unsigned) {
      std::string content;
      if (read_source_file(root / headers[k]->path, content) != 0) return;
      parse_result parsed = parse_source_keeping_errors(headers[k]->lang, headers[k]->path, content);
      if (parsed.tree) collect_c_macros(content, *parsed.tree, declared[k]);
    };
    auto merge = [&](std::size_t k) { merge_c_macros(std::move(declared[k]), macros); };
    if (!run_in_order(headers.size(), workers, read_header, merge, cancelled)) {
      return status(errc::closed, "static analysis cancelled");
    }
  }

  std::vector<file_result> results(files.files.size());
  auto work = [&](std::size_t i, unsigned) {
    const source_file& file = files.files[i];
    file_result& r = results[i];
    std::string content;
    if ((r.read_error = read_source_file(root / file.path, content)) != 0) return;
    r.bytes = content.size();
    if (!is_type_declarations(file.path)) r.found = match_with_config(rules, file.path, file.lang, content, r.notes);
    // C and C++ are parsed once, for the flow analysis and the comments.
    const bool c_family = file.lang == language::c || file.lang == language::cpp;
    parse_result parsed;
    if (c_family) parsed = parse_source_keeping_errors(file.lang, file.path, content);
    std::vector<finding> secrets_found = find_secrets(secrets, file.path, content);
    drop_matches_in_documentation(file, content, r, secrets_found, generic_secrets, c_family ? &parsed : nullptr);
    // c_flow reads the code itself, comments aside: its findings are not filtered.
    if (c_family && parsed.tree) {
      append(r.found, analyze_c_flow(file.path, file.lang, content, std::move(parsed.tree), &macros, &r.cleared));
    } else if (c_family) {
      r.notes.push_back({file.path, parsed.outcome == parse_outcome::no_grammar
                                        ? "not flow-analysed: no " + std::string(grammar_name(file.lang, file.path)) +
                                              " grammar in this build"
                                        : std::string("not flow-analysed: tree-sitter gave up on it (time limit)")});
    }
    append(r.found, std::move(secrets_found));
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
    summary.matches_in_comments += r.in_comments;
    if (r.parsed == parse_outcome::parsed) {
      ++summary.files_parsed;
    } else if (r.parsed == parse_outcome::unparsable) {
      ++summary.files_unparsable;
      summary.notes.push_back({files.files[i].path, "pattern rules only: tree-sitter could not parse it"});
    } else if (auto name = grammar_name(files.files[i].lang, files.files[i].path);
               !name.empty() && !compiled_grammar(name)) {
      missing_grammars.insert(std::string(name));
    }
    hand_on(r);
  };
  if (!run_in_order(files.files.size(), workers, work, done, cancelled)) {
    return status(errc::closed, "static analysis cancelled");
  }
  summary.languages_without_grammar.assign(missing_grammars.begin(), missing_grammars.end());

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
