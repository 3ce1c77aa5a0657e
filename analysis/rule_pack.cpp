// Compiling a rule pack and matching it.
//
// Why RE2::Sets: all of a language's rules run together in one DFA pass
// instead of one pass per rule. Each language has two Sets over the rules'
// first patterns: one in multi-line mode that runs once over a whole file
// and names the few rules that can match anywhere in it, and one that runs
// per line for files where the whole-file pass cannot stand in for the
// line-by-line semantics (a line longer than the scan cap) or gave up.
// Either way every candidate (line, rule) is then confirmed with the rule's
// own RE2 objects on that single line, so both paths give the same result.
#include "analysis/line_matching.h"
#include "analysis/snippet.h"
#include "analysis/text_lines.h"
#include "analysis/rule_pack.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace heimdall::analysis {

struct rule_pack::compiled_rule {
  std::vector<std::unique_ptr<RE2>> patterns;  // all must match a line
  std::unique_ptr<RE2> first_in_file;          // "(?m)" + patterns[0], searched over a whole file
  std::unique_ptr<RE2> not_pattern;            // null: none
  std::unique_ptr<RE2> not_in_block;           // null: none
  std::unique_ptr<RE2> in_block;               // null: none
  std::unique_ptr<RE2> not_earlier_in_block;   // null: none
  std::unique_ptr<RE2> assigned;               // null: none
  std::unique_ptr<RE2> not_assigned;           // null: none
  std::vector<std::unique_ptr<RE2>> paths;     // empty: every path
};

struct rule_pack::language_index {
  explicit language_index(const RE2::Options& options)
      : line_set(options, RE2::UNANCHORED), file_set(options, RE2::UNANCHORED) {}
  RE2::Set line_set;  // patterns[0] of each rule of the language
  RE2::Set file_set;  // the same patterns in multi-line mode
  std::vector<std::size_t> rule_of;  // Set entry -> index in rules_; ascending
};

rule_pack::rule_pack() = default;
rule_pack::rule_pack(rule_pack&&) noexcept = default;
rule_pack& rule_pack::operator=(rule_pack&&) noexcept = default;
rule_pack::~rule_pack() = default;

namespace {

status rule_error(const rule& r, const std::string& what) {
  std::string at = r.file.empty() ? "rule '" + r.id + "'" : r.file + ": rule '" + r.id + "'";
  return status(errc::invalid_argument, at + ": " + what);
}

// Ids appear in SARIF and in suppressions: keep them plain.
bool is_valid_id(std::string_view id) {
  if (id.empty() || id.front() == '.' || id.back() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  });
}

status compile(const rule& r, std::string_view field, const std::string& pattern,
               std::unique_ptr<RE2>& out) {
  // Under Latin-1 a non-ASCII pattern byte would stand for a different
  // character than its author wrote in UTF-8.
  for (unsigned char c : pattern) {
    if (c >= 0x80) {
      return rule_error(r, "field '" + std::string(field) +
                               "': pattern must be ASCII (lines are matched as Latin-1 bytes)");
    }
  }
  auto re = std::make_unique<RE2>(pattern, latin1_options());
  if (!re->ok()) {
    return rule_error(r, "field '" + std::string(field) + "': bad regex /" + pattern + "/: " + re->error());
  }
  out = std::move(re);
  return status::ok();
}

bool is_config_language(language lang) {
  switch (lang) {
    case language::dockerfile:
    case language::yaml:
    case language::terraform:
    case language::json:
    case language::xml:
    case language::properties:
    case language::dotenv:
      return true;
    default:
      return false;
  }
}





finding make_finding(const rule& r, const char* source, std::string_view path, int line,
                     std::string_view text) {
  finding f;
  f.rule_id = r.id;
  f.source = source;
  f.severity = r.severity;
  f.confidence = r.confidence;
  f.title = r.title;
  f.description = r.message;
  f.cwe_id = r.cwe;
  f.file_path.assign(path);
  f.line_start = f.line_end = line;
  f.code_snippet = make_snippet(text, kMaxSnippetBytes);
  f.remediation = r.remediation;
  return f;
}

// The per-line view drops one CR before each LF (and at the very end);
// doing the same to the whole text keeps both views of a line identical.
std::string drop_cr_before_lf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] == '\n')) continue;
    out += s[i];
  }
  return out;
}

// A file's lines as the rules see them.
class file_lines {
 public:
  explicit file_lines(std::string_view text) : lines_(text) {
    for (std::size_t i = 0; i < lines_.size(); ++i) longest_ = std::max(longest_, lines_.line(i).size());
  }

  std::size_t size() const { return lines_.size(); }
  std::size_t longest() const { return longest_; }
  std::size_t start(std::size_t line) const { return lines_.start(line); }
  std::size_t line_of(std::size_t offset) const { return lines_.index_of(offset); }
  // A line as rules see it: without its LF and a trailing CR, cut to the
  // scan cap.
  std::string_view scanned(std::size_t line) const { return scanned_line(lines_.line(line)); }

 private:
  text_lines lines_;
  std::size_t longest_ = 0;
};

// The trimmed code on a line, or empty for a blank or comment line.
std::string_view code_of(language lang, std::string_view line) {
  std::string_view text = trim(line);
  return text.empty() || is_comment_line(lang, text) ? std::string_view() : text;
}

// `line` without the comments that follow code on it (`x = f(); //
// system(cmd)`, `OS, /* ... system (gzip) */`), in the programming
// languages. Quotes (', ", `) are followed, so a marker inside a string
// stays; a marker counts only at the start or after a space, a tab or one
// of ";,(){}", so "http://" on a line of a string begun above is no
// comment. A heuristic on one line: a string or comment opened on an
// earlier line is not seen (those lines are the syntax tree's business:
// static_analysis.cpp).
std::string without_trailing_comments(language lang, std::string_view line) {
  std::string out(line);
  if (!is_programming_language(lang)) return out;
  const auto delimiters = comment_delimiters(lang);
  char quote = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      quote = c;
      continue;
    }
    if (i > 0 && std::string_view(" \t;,(){}").find(out[i - 1]) == std::string_view::npos) continue;
    for (const comment_delimiter& d : delimiters) {
      if (d.open.size() > 2 || std::string_view(out).substr(i, d.open.size()) != d.open) continue;
      // PHP's `#[` opens an attribute; Ruby's `#{` interpolates in a %-literal (`%x(ls #{dir})`).
      if (d.open == "#" && i + 1 < out.size() &&
          ((lang == language::php && out[i + 1] == '[') || (lang == language::ruby && out[i + 1] == '{')))
        continue;
      std::size_t end = d.close.empty() ? std::string::npos : out.find(d.close, i + d.open.size());
      if (end == std::string::npos) return out.substr(0, i);
      out.replace(i, end + d.close.size() - i, " ");
      break;
    }
  }
  return out;
}

// The rule's exact, per-line semantics.
bool confirm(const rule_pack::compiled_rule& compiled, std::string_view line) {
  return std::all_of(compiled.patterns.begin(), compiled.patterns.end(),
                     [&](const auto& re) { return RE2::PartialMatch(line, *re); }) &&
         !(compiled.not_pattern && RE2::PartialMatch(line, *compiled.not_pattern));
}

// Whether `re` matches the code of line `first` or of a following line of
// its block. Braces and parentheses are counted from the start of `first`:
// if that line leaves some open (a struct literal, a call spread over
// lines), the search ends where they close; otherwise it ends where the
// enclosing block closes (depth below zero). At most kMaxBlockLines lines
// follow. Brackets inside strings are counted too: a heuristic for
// hand-written code, not a parser.
bool found_in_block(const RE2& re, language lang, const file_lines& lines, std::size_t first) {
  int depth = 0;
  bool opened = false;  // `first` left brackets open
  std::size_t end = std::min(lines.size(), first + 1 + kMaxBlockLines);
  for (std::size_t i = first; i < end; ++i) {
    std::string_view code = code_of(lang, lines.scanned(i));
    if (code.empty()) continue;
    if (RE2::PartialMatch(code, re)) return true;
    for (char c : code) {
      if (c == '{' || c == '(') ++depth;
      if (c == '}' || c == ')') --depth;
    }
    if (i == first) opened = depth > 0;
    if (depth < 0 || (opened && depth == 0)) return false;
  }
  return false;
}

std::size_t indentation(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

// Whether `re` matches an earlier line of the block holding line `last`, at
// that line's own level: walking back, brackets are counted (a closing one
// opens a nested block, in which lines do not count, as their code may not
// run) and the walk ends at the bracket that opens the block, or at a line
// indented less than `last` (the header of an indented block), or after
// kMaxBlockLines lines. A heuristic for hand-written code, not a parser.
bool found_earlier_in_block(const RE2& re, language lang, const file_lines& lines, std::size_t last) {
  const std::size_t level = indentation(lines.scanned(last));
  const std::size_t stop = last > kMaxBlockLines ? last - kMaxBlockLines : 0;
  int depth = 0;  // brackets closed below and not yet opened, walking up
  for (std::size_t i = last; i-- > stop;) {
    std::string_view line = lines.scanned(i);
    std::string_view code = code_of(lang, line);
    if (code.empty()) continue;
    if (indentation(line) < level && code.find_first_not_of("})]; \t") != std::string_view::npos) return false;
    if (depth == 0 && indentation(line) == level && RE2::PartialMatch(code, re)) return true;
    for (auto c = code.rbegin(); c != code.rend(); ++c) {
      if (*c == '}' || *c == ')') ++depth;
      if (*c == '{' || *c == '(') --depth;
    }
    if (depth < 0) return false;
  }
  return false;
}

// The expressions that find a binding of one variable, built per lookup
// since the name comes from the match. Written for the common syntax of the
// supported languages: `name = v`, `name: T = v`, `name := v`,
// `const name = v`, `String name = v`, `$name = v`; a parameter default
// `(name = v` or `, name: T = v` in a header, and in Go a parameter's type
// (`(w http.ResponseWriter`). `==` is a comparison.
struct binding_patterns {
  explicit binding_patterns(std::string_view name)
      : statement("^\\s*(?:[\\w.:<>\\[\\],]+\\s+)*" + RE2::QuoteMeta(name) + "\\s*(?::\\s*[^=]+?)?\\s*:?=\\s*([^=].*)",
                  latin1_options()),
        parameter("[(,]\\s*" + RE2::QuoteMeta(name) + "\\s*(?::\\s*[^=,()]+?)?\\s*=\\s*([^=].*)", latin1_options()),
        typed_parameter("[(,]\\s*" + RE2::QuoteMeta(name) + "(?:\\s*,\\s*\\w+)*\\s+([*\\w.\\[\\]]+)", latin1_options()),
        mention("(?:^|[^\\w$])" + RE2::QuoteMeta(name) + "(?:\\W|$)", latin1_options()) {}
  RE2 statement;
  RE2 parameter;
  // Go's `(w http.ResponseWriter` or `(a, w io.Writer`: the parameter's type.
  RE2 typed_parameter;
  RE2 mention;
};

// The value last bound to `name` before line `use`, walking back at most
// kMaxBindingLines lines: an assignment at the indentation of `use` or of a
// block enclosing it, or a parameter default in an enclosing header. Lines
// indented deeper than the current scope are skipped: they are a nested
// block (whose assignment may not run) or, once a header has been passed,
// another function's body. A header that names the variable without a
// default (a parameter, a loop variable) binds it to something unknown, so
// the walk stops there; so does a condition on it, which cannot be told
// from those without a parser and may be the check that makes it safe.
// Indentation stands in for scope: a heuristic for hand-formatted code, not
// a parser.
std::optional<std::string> bound_value(language lang, const file_lines& lines, std::size_t use,
                                       std::string_view name) {
  const binding_patterns patterns(name);
  std::size_t scope = indentation(lines.scanned(use));
  std::size_t stop = use > kMaxBindingLines ? use - kMaxBindingLines : 0;
  for (std::size_t i = use; i-- > stop;) {
    std::string_view line = lines.scanned(i);
    std::string_view code = code_of(lang, line);
    std::size_t indent = indentation(line);
    if (code.empty() || indent > scope) continue;
    std::string value;
    if (RE2::PartialMatch(code, patterns.statement, &value)) return value;
    if (indent == scope) continue;
    if (RE2::PartialMatch(code, patterns.parameter, &value)) return value;
    if (lang == language::go && RE2::PartialMatch(code, patterns.typed_parameter, &value)) return value;
    if (RE2::PartialMatch(code, patterns.mention)) return std::nullopt;
    scope = indent;
  }
  return std::nullopt;
}

// A rule's `assigned` and `not_assigned`, judged on the value bound to the
// variable its first pattern captures on the line: `assigned` must match it
// (no variable or no binding: no match); `not_assigned` must not (no
// variable or no binding: nothing to exclude).
bool binding_allows(const rule_pack::compiled_rule& compiled, language lang, const file_lines& lines,
                    std::size_t line_index) {
  std::string name;
  std::optional<std::string> value;
  if (RE2::PartialMatch(lines.scanned(line_index), *compiled.patterns.front(), &name) && !name.empty()) {
    value = bound_value(lang, lines, line_index, name);
  }
  if (compiled.assigned && !(value && RE2::PartialMatch(*value, *compiled.assigned))) return false;
  return !(compiled.not_assigned && value && RE2::PartialMatch(*value, *compiled.not_assigned));
}

using candidate_list = std::vector<std::pair<std::size_t, int>>;  // (line index, Set entry)

// One multi-line Set pass over the text names the rules that can match at
// all; each of those is searched for, and every line where a match starts
// becomes a candidate. Any line on which the rule matches by itself also
// holds the start of a whole-file match, so nothing is missed. False when
// the Set's DFA gave up on this text (its cache kept overflowing).
bool file_candidates(const std::vector<rule_pack::compiled_rule>& compiled, const rule_pack::language_index& index,
                     const std::vector<char>& active, std::string_view text, const file_lines& lines,
                     candidate_list& out) {
  std::vector<int> hits;
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  if (!index.file_set.Match(text, &hits, &error)) return error.kind == RE2::Set::kNoError;
  for (int hit : hits) {
    if (!active[hit]) continue;
    const RE2& re = *compiled[index.rule_of[hit]].first_in_file;
    re2::StringPiece found;
    // Resume at the next line after each hit: a match that runs across
    // lines must not hide one that starts on the following line.
    for (std::size_t from = 0; re.Match(text, from, text.size(), RE2::UNANCHORED, &found, 1);) {
      std::size_t line = lines.line_of(static_cast<std::size_t>(found.data() - text.data()));
      out.emplace_back(line, hit);
      if (line + 1 >= lines.size()) break;
      from = lines.start(line + 1);
    }
  }
  return true;
}

// The line-by-line pass, for texts the whole-file pass cannot handle.
void line_candidates(const rule_pack::language_index& index, const std::vector<char>& active, language lang,
                     const file_lines& lines, candidate_list& out) {
  std::vector<int> hits;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines.scanned(i);
    if (code_of(lang, line).empty()) continue;
    hits.clear();
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    if (!index.line_set.Match(line, &hits, &error) && error.kind != RE2::Set::kNoError) {
      // Even one line overflowed the DFA: let confirm(), which uses RE2's
      // other engines and cannot fail, decide for every rule.
      for (std::size_t entry = 0; entry < index.rule_of.size(); ++entry) hits.push_back(static_cast<int>(entry));
    }
    for (int hit : hits) {
      if (active[hit]) out.emplace_back(i, hit);
    }
  }
}

}  // namespace

result<rule_pack> build_rule_pack(std::vector<rule> rules) {
  rule_pack pack;
  std::map<std::string_view, const rule*> by_id;
  for (const rule& r : rules) {
    if (!is_valid_id(r.id)) {
      return rule_error(r, "id must be lower-case letters, digits, '.', '-' and '_'");
    }
    if (auto [it, added] = by_id.emplace(r.id, &r); !added) {
      std::string first = it->second->file.empty() ? "" : " (first in " + it->second->file + ")";
      return rule_error(r, "duplicate id" + first);
    }
    if (r.patterns.empty()) return rule_error(r, "has no pattern");
    if (r.languages.empty()) return rule_error(r, "has no language");

    rule_pack::compiled_rule compiled;
    for (const std::string& pattern : r.patterns) {
      compiled.patterns.emplace_back();
      if (status s = compile(r, "pattern", pattern, compiled.patterns.back()); !s.is_ok()) return s;
    }
    // A first pattern that matches nothing at all would report every line.
    if (RE2::FullMatch("", *compiled.patterns.front())) {
      return rule_error(r, "field 'pattern': /" + r.patterns.front() + "/ matches an empty line");
    }
    if (!r.not_pattern.empty()) {
      if (status s = compile(r, "not_pattern", r.not_pattern, compiled.not_pattern); !s.is_ok()) return s;
    }
    if (!r.not_in_block.empty()) {
      if (status s = compile(r, "not_in_block", r.not_in_block, compiled.not_in_block); !s.is_ok()) return s;
    }
    if (!r.in_block.empty()) {
      if (status s = compile(r, "in_block", r.in_block, compiled.in_block); !s.is_ok()) return s;
    }
    if (!r.not_earlier_in_block.empty()) {
      if (status s = compile(r, "not_earlier_in_block", r.not_earlier_in_block, compiled.not_earlier_in_block);
          !s.is_ok()) {
        return s;
      }
    }
    if (!r.assigned.empty()) {
      if (status s = compile(r, "assigned", r.assigned, compiled.assigned); !s.is_ok()) return s;
    }
    if (!r.not_assigned.empty()) {
      if (status s = compile(r, "not_assigned", r.not_assigned, compiled.not_assigned); !s.is_ok()) return s;
    }
    if ((compiled.assigned || compiled.not_assigned) && compiled.patterns.front()->NumberOfCapturingGroups() < 1) {
      return rule_error(r, "fields 'assigned' and 'not_assigned': the first pattern needs a capture group naming the variable");
    }
    for (const std::string& filter : r.paths) {
      compiled.paths.emplace_back();
      if (status s = compile(r, "paths", filter, compiled.paths.back()); !s.is_ok()) return s;
    }
    // The examples must be runnable as they stand, or the example test
    // would silently skip a path-filtered rule.
    if (!r.paths.empty()) {
      if (r.examples.path.empty()) return rule_error(r, "'examples.path' is required with 'paths'");
      bool accepted = std::any_of(compiled.paths.begin(), compiled.paths.end(), [&](const auto& re) {
        return RE2::PartialMatch(r.examples.path, *re);
      });
      if (!accepted) return rule_error(r, "'examples.path' does not pass the rule's 'paths'");
    }
    // Multi-line mode makes ^ and $ match at every line's ends, so a line
    // that matches on its own also matches inside the whole file.
    compiled.first_in_file = std::make_unique<RE2>("(?m)" + r.patterns.front(), latin1_options());
    pack.compiled_.push_back(std::move(compiled));
  }

  for (std::size_t i = 0; i < rules.size(); ++i) {
    const rule& r = rules[i];
    for (language lang : r.languages) {
      auto& index = pack.by_language_[lang];
      if (!index) index = std::make_unique<rule_pack::language_index>(set_options());
      if (!index->rule_of.empty() && index->rule_of.back() == i) {
        return rule_error(r, "language '" + std::string(language_name(lang)) + "' is listed twice");
      }
      std::string error;
      if (index->line_set.Add(r.patterns.front(), &error) < 0 ||
          index->file_set.Add("(?m)" + r.patterns.front(), &error) < 0) {
        return rule_error(r, "field 'pattern': bad regex: " + error);
      }
      index->rule_of.push_back(i);
    }
  }
  for (auto& [lang, index] : pack.by_language_) {
    if (!index->line_set.Compile() || !index->file_set.Compile()) {
      return status(errc::invalid_argument, "the patterns for language '" + std::string(language_name(lang)) +
                                                "' exceed RE2's memory budget");
    }
  }
  pack.rules_ = std::move(rules);
  return result<rule_pack>(std::move(pack));
}

std::vector<finding> match(const rule_pack& pack, std::string_view path, language lang,
                           std::string_view content) {
  std::vector<finding> out;
  auto found = pack.by_language_.find(lang);
  if (found == pack.by_language_.end()) return out;
  const rule_pack::language_index& index = *found->second;

  // Path filters depend on the file only: decide them once.
  std::vector<char> active(index.rule_of.size());
  bool any_active = false;
  for (std::size_t i = 0; i < index.rule_of.size(); ++i) {
    const auto& paths = pack.compiled_[index.rule_of[i]].paths;
    active[i] = paths.empty() || std::any_of(paths.begin(), paths.end(), [&](const auto& re) {
                  return RE2::PartialMatch(path, *re);
                });
    any_active = any_active || active[i];
  }
  if (!any_active) return out;

  // CRLF becomes LF so that $ in the whole-file search ends a line where the
  // per-line view (which drops one trailing CR) ends it. Line numbers and
  // every line's content stay the same.
  std::string without_cr;
  std::string_view text = content;
  if (content.find('\r') != std::string_view::npos) {
    without_cr = drop_cr_before_lf(content);
    text = without_cr;
  }
  const file_lines lines(text);
  if (lines.size() == 0) return out;

  candidate_list candidates;
  if (lines.longest() > kMaxScannedLineBytes ||
      !file_candidates(pack.compiled_, index, active, text, lines, candidates)) {
    candidates.clear();
    line_candidates(index, active, lang, lines, candidates);
  }
  // Set entries were added in rule order, so this orders by line, then rule.
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  const char* source = is_config_language(lang) ? "config" : "static";
  for (const auto& [line_index, entry] : candidates) {
    std::string_view line = lines.scanned(line_index);
    std::string_view code = code_of(lang, line);
    std::size_t r = index.rule_of[entry];
    const rule_pack::compiled_rule& compiled = pack.compiled_[r];
    if (!code.empty() && confirm(compiled, without_trailing_comments(lang, line)) &&
        !(compiled.not_in_block && found_in_block(*compiled.not_in_block, lang, lines, line_index)) &&
        (!compiled.in_block || found_in_block(*compiled.in_block, lang, lines, line_index)) &&
        !(compiled.not_earlier_in_block &&
          found_earlier_in_block(*compiled.not_earlier_in_block, lang, lines, line_index)) &&
        (!(compiled.assigned || compiled.not_assigned) || binding_allows(compiled, lang, lines, line_index))) {
      out.push_back(make_finding(pack.rules_[r], source, path, static_cast<int>(line_index) + 1, code));
    }
  }
  return out;
}

}  // namespace heimdall::analysis
