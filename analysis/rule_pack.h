// rule_pack: the pattern rules of the static_analysis stage, loaded from
// data files (analysis/rules/*.json, format in analysis/rules/README.md),
// and the matcher that runs them over one file's content.
//
// A rule is one or more RE2 regular expressions that must all match the
// same line, and optionally one that must not. At load time the rules'
// first patterns are compiled per language into RE2::Sets, so one pass over
// a file finds the few rules worth checking; those are then confirmed on
// single lines (see rule_pack.cpp).
//
// Lines are matched as Latin-1 bytes, so any byte sequence (invalid UTF-8
// included) is matched and never an error; patterns must therefore be
// ASCII. Only the first kMaxScannedLineBytes of a line are scanned.
//
// Threads: a loaded rule_pack is immutable. match() may run on any number
// of threads over the same pack at once (RE2 and RE2::Set match through
// const methods that are thread-safe). Ownership: the pack owns its
// compiled expressions; it is movable, not copyable — share it by
// reference or through a shared_ptr<const rule_pack>.
//
// Errors: load_rule_pack returns a status naming the file and the rule
// (invalid JSON, missing, unknown or mistyped field, bad regex with RE2's
// message, unknown language, severity or fragment, duplicate id). match()
// cannot fail.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.h"
#include "analysis/language.h"
#include "analysis/line_matching.h"
#include "analysis/snippet.h"  // kMaxSnippetBytes
#include "base/result.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace heimdall::analysis {

// How many lines after a match a rule's not_in_block and in_block look (and
// before it, not_earlier_in_block): a
// struct literal, builder chain or method body of hand-written code fits,
// and the look-ahead per finding stays bounded on generated files.
inline constexpr std::size_t kMaxBlockLines = 40;

// How many lines before a match a rule's `assigned` looks for the binding of
// the variable the match names: the top of a long function body, and a
// bounded walk back per finding.
inline constexpr std::size_t kMaxBindingLines = 80;

struct rule_examples {
  // The path the examples are matched under; required (and must pass the
  // rule's path filters) when the rule has `paths`.
  std::string path;
  std::vector<std::string> positive;  // lines the rule must report
  std::vector<std::string> negative;  // similar lines it must not report
};

struct rule {
  std::string id;  // e.g. "python.sqli.format-string"; unique in the pack
  int cwe = 0;
  analysis::severity severity = severity::medium;
  double confidence = 0.5;  // 0..1
  std::vector<language> languages;
  std::vector<std::string> paths;  // RE2 filters on the relative path; empty: every path
  std::string title;
  std::string message;      // becomes the finding's description
  std::string remediation;
  std::vector<std::string> patterns;  // all must match the same line
  std::string not_pattern;            // must not match it; empty: none
  // Must not match the matched line nor the following lines of its block
  // (see kMaxBlockLines): the struct literal or call the line opens, else
  // the rest of the block it sits in. For a safe option that may be set on a
  // later line (Secure: true in a cookie literal, setSecure(true) after
  // new Cookie(...)). Empty: none.
  std::string not_in_block;
  // Must match the matched line or a following line of the same block (the
  // same look-ahead as not_in_block): what makes the match dangerous may
  // follow it, such as the {{ }} actions in a template text passed to
  // Sprintf. Empty: none.
  std::string in_block;
  // Must not match an earlier line of the matched line's block at its own
  // level (not inside a nested block, whose code may not run), back to the
  // block's start and at most kMaxBlockLines lines: for a safe setting made
  // before the call it protects (setFeature(...disallow-doctype-decl, true)
  // before newDocumentBuilder()). Empty: none.
  std::string not_earlier_in_block;
  // Must match the value last bound to the variable that the first
  // pattern's first capture group names (`execute(query)` after
  // `query = "SELECT ..." + x`): for a dangerous value assigned a few lines
  // before the call that uses it. The binding is the nearest earlier
  // assignment or declaration in the match's scope, or a parameter default
  // in the header of a block enclosing it (see rule_pack.cpp, bound_value).
  // Empty: none.
  std::string assigned;
  // Must not match that value (a local address, a constant): alone, the
  // match is reported unless the variable it names is bound to such a value
  // (`cmd = "ls"` before `os.system(cmd)`). Needs the same capture group.
  // Empty: none.
  std::string not_assigned;
  // A weakness whatever data reaches it, stored as well as requested (a
  // template rendered without escaping): a taint clearance proves only that
  // no request data does, so it does not withdraw these findings
  // (validation.h, redundant_findings).
  bool any_data = false;
  rule_examples examples;
  std::string file;  // name of the pack file it came from, for messages
};

class rule_pack {
 public:
  rule_pack(rule_pack&&) noexcept;
  rule_pack& operator=(rule_pack&&) noexcept;
  ~rule_pack();

  // In file-name order, then in order within each file.
  const std::vector<rule>& rules() const { return rules_; }

  // Compiled forms, defined (and only usable) in rule_pack.cpp.
  struct compiled_rule;
  struct language_index;

 private:
  rule_pack();

  std::vector<rule> rules_;
  std::vector<compiled_rule> compiled_;  // parallel to rules_
  std::map<language, std::unique_ptr<language_index>> by_language_;

  friend result<rule_pack> build_rule_pack(std::vector<rule> rules);
  friend std::vector<finding> match(const rule_pack& pack, std::string_view path,
                                    language lang, std::string_view content);
};

// Loads every *.json file directly inside `dir` (in name order) as one pack.
// Errors: not_found when `dir` is missing, io_error when a file cannot be
// read, invalid_argument for anything wrong in a file or rule (the message
// names the file and the rule) and when `dir` holds no rule file.
result<rule_pack> load_rule_pack(const std::filesystem::path& dir);

// Compiles rules already parsed: checks ids are unique, every regex
// compiles and example paths pass their rule's filters. load_rule_pack
// ends here; errors are invalid_argument.
result<rule_pack> build_rule_pack(std::vector<rule> rules);

// Runs the rules for `lang` whose path filters accept `path` over every
// line of `content` (LF or CRLF line ends). One finding per (line, rule),
// ordered by line then by rule order, with 1-based line numbers. Lines that
// are blank or are a comment in `lang` are skipped. `source` is "config"
// for configuration languages (Dockerfile, YAML, Terraform, JSON, XML,
// properties, dotenv) and "static" for code.
std::vector<finding> match(const rule_pack& pack, std::string_view path, language lang,
                           std::string_view content);

}  // namespace heimdall::analysis
