// The C flow engine: the tokens of tree-sitter's tree (c_flow_tokens.h:
// comments dropped, literals decoded, simple #defines substituted), a
// finder of function bodies
// at any namespace/class nesting, and an abstract interpreter per body:
// statements are walked in order with an environment (variables -> value,
// block id -> memory block), forked at if/else and joined after; a loop
// body is walked twice, a silent pass and then a reporting pass from the
// join of the entry with that pass's end (taken as run when the first
// iteration is certain), so every check sees the facts that hold on all
// paths to it. Expressions go through
// a small precedence parser whose values carry the block a pointer holds,
// a known integer, outside-data taint and the bounds checks seen on it.
//
// Why this shape: without a compiler front end, a statement interpreter
// over tokens is robust on any input (macros left unexpanded, half-written
// code, what the grammar parsed as ERROR nodes) while following exactly the flows that decide these weaknesses:
// where a pointer came from, what happened to it, and what was checked.
//
// This file: the entry points (c_flow.h) and the analyzer's run over a
// file, token helpers, reporting, and a function's entry and end; the
// other parts of the analyzer are listed in c_flow_analyzer.h.
#include "analysis/c_flow.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/c_flow_analyzer.h"
#include "analysis/c_flow_tokens.h"
#include "analysis/c_flow_vocabulary.h"
#include "analysis/snippet.h"

namespace heimdall::analysis {
namespace c_flow_detail {

std::uint32_t declarations::readonly_params(const std::string& f) const {
  std::uint32_t bits = 0;
  for (const c_macros* d : {&file, project}) {
    if (!d) continue;
    if (auto it = d->readonly_params.find(f); it != d->readonly_params.end()) bits |= it->second;
  }
  return bits;
}

std::optional<long long> declarations::type_size(const std::string& type) const {
  for (const c_macros* d : {&file, project}) {
    if (!d) continue;
    if (auto it = d->type_sizes.find(type); it != d->type_sizes.end()) return it->second;
  }
  return std::nullopt;
}

bool declarations::declared_function(const std::string& f) const {
  return file.declared_functions.count(f) > 0 || (project && project->declared_functions.count(f) > 0);
}

bool declarations::opaque_macro(const std::string& f) const {
  return file.opaque_macros.count(f) > 0 || (project && project->opaque_macros.count(f) > 0);
}

bool declarations::plain_type(const std::string& type) const {
  return file.plain_types.count(type) > 0 || (project && project->plain_types.count(type) > 0);
}

analyzer::analyzer(std::string_view path, language lang, std::string_view content, const std::vector<token>& toks,
                   declarations decls)
    : path_(path), lang_(lang), t_(toks), decls_(decls), lines_(content) {
  pair_brackets();
}

namespace {

bool cpp_only_word(std::string_view w) {
  static const word_set words = {"class", "new", "delete", "try", "catch", "throw", "using", "namespace"};
  return words.count(w) > 0;
}

}  // namespace

bool analyzer::keyword(std::string_view w) const {
  return keywords().count(w) && !(lang_ == language::c && cpp_only_word(w));
}

bool analyzer::type_word(std::string_view w) const {
  return type_words().count(w) && !(lang_ == language::c && cpp_only_word(w));
}

void analyzer::run() {
  std::size_t i = 0;
  while (i < t_.size()) {
    if (is("{", i) && i > 0 && looks_like_function(i)) {
      std::size_t close = match(i);
      analyze_function(i, close);
      i = close + 1;
      continue;
    }
    ++i;
  }
}

std::vector<finding> analyzer::take() {
  std::sort(out_.begin(), out_.end(), [](const finding& a, const finding& b) {
    return a.line_start != b.line_start ? a.line_start < b.line_start : a.rule_id < b.rule_id;
  });
  return std::move(out_);
}

// ---- token helpers

void analyzer::pair_brackets() {
  partner_.assign(t_.size(), t_.size());
  std::vector<std::size_t> open;
  for (std::size_t j = 0; j < t_.size(); ++j) {
    if (t_[j].kind != tk::punct) continue;
    const std::string& x = t_[j].text;
    if (x == "(" || x == "[" || x == "{") open.push_back(j);
    if ((x == ")" || x == "]" || x == "}") && !open.empty()) {
      partner_[open.back()] = j;
      partner_[j] = open.back();
      open.pop_back();
    }
  }
}

std::size_t analyzer::match_back(std::size_t i) const {
  return i < partner_.size() && partner_[i] < i ? partner_[i] : 0;
}

bool analyzer::looks_like_function(std::size_t brace) {
  std::size_t j = brace - 1;
  while (j > 0 && t_[j].kind == tk::ident && (t_[j].text == "const" || t_[j].text == "noexcept" ||
                                               t_[j].text == "override" || t_[j].text == "final"))
    --j;
  if (!is(")", j)) return false;
  std::size_t open = match_back(j);
  if (open == 0 || t_[open - 1].kind != tk::ident || keyword(t_[open - 1].text)) return false;
  fn_name_ = t_[open - 1].text;
  params_open_ = open;
  return true;
}

// ---- reporting

void analyzer::report(const check& c, int line, const std::string& detail) {
  if (summary_mode_) return;
  if (!reported_.insert({c.id, line}).second) return;
  finding f;
  f.rule_id = c.id;
  f.source = "static";
  f.severity = c.sev;
  f.confidence = c.confidence;
  f.title = c.title;
  f.description = detail;
  f.cwe_id = c.cwe;
  f.file_path = std::string(path_);
  f.line_start = f.line_end = line;
  if (line >= 1) f.code_snippet = make_snippet(trim(lines_.line(static_cast<std::size_t>(line) - 1)), kMaxSnippetBytes);
  f.remediation = c.remediation;
  out_.push_back(std::move(f));
}

void analyzer::sink(const check& c, const taint& t, int line, const std::string& detail, bool need_outside) {
  if (need_outside ? t.outside : t.range) report(c, line, detail + (t.what.empty() ? "" : " (from " + t.what + ")"));
  for (int p = 0; p < 32; ++p)
    if (t.params & (1u << p)) summary_.sinks.push_back({p, &c});
}

// ---- functions

void analyzer::analyze_function(std::size_t open, std::size_t close) {
  std::string name = fn_name_;
  std::size_t popen = params_open_;
  std::size_t pclose = match(popen);
  env e;
  summary_ = {};
  declared_at_.clear();
  if (close >= t_.size() || has_directive(open, close) ||
      std::any_of(t_.begin() + static_cast<std::ptrdiff_t>(open), t_.begin() + static_cast<std::ptrdiff_t>(close),
                  [](const token& t) { return t.guessed; }))
    proofs_.give_up();
  // Parameters: the last identifier of each comma-separated part.
  std::vector<std::string> params;
  std::size_t part = popen + 1;
  for (std::size_t j = popen + 1; j <= pclose; ++j) {
    if (is("(", j) || is("[", j)) {
      j = match(j);
      continue;
    }
    if (is(",", j) || j == pclose) {
      std::string pname;
      bool pointer = false;
      for (std::size_t k = part; k < j; ++k) {
        if (t_[k].kind == tk::ident && !type_word(t_[k].text)) pname = t_[k].text;
        if (is("*", k) || is("[", k)) pointer = true;
      }
      if (!pname.empty()) {
        var v;
        v.local = false;
        v.ptr = pointer ? 1 : 0;
        if (params.size() < 32) v.t.params = 1u << params.size();
        // argv is no source: a command line names what its user wants.
        if (pointer) {
          block b;
          b.contents = v.t;
          v.blk = new_block(e, b);
        }
        e.vars[pname] = v;
        declared_at_[pname] = popen;
        params.push_back(pname);
      }
      part = j + 1;
    }
  }
  steps_ = 0;
  env_ = std::move(e);
  block_stmts(open + 1, close);
  finish_function();
  summaries_[name] = summary_;
  proofs_.end_function(line_at(open), line_at(close));
}

bool analyzer::has_directive(std::size_t open, std::size_t close) const {
  int last = line_at(close);
  for (int l = line_at(open); l <= last && l >= 1 && static_cast<std::size_t>(l) <= lines_.size(); ++l) {
    std::string_view code = trim(lines_.line(static_cast<std::size_t>(l) - 1));
    if (!code.empty() && code.front() == '#') return true;
  }
  return false;
}

void analyzer::finish_function() {
  if (env_.dead) return;  // leaks are checked where the function falls off its end
  for (const auto& [id, b] : env_.blocks) {
    if (b.owned && b.held && !b.freed && !b.escaped && !b.failed && b.alloc_line > 0)
      report(kLeak, b.alloc_line, "Memory allocated here is neither freed, returned nor stored before the function ends.");
  }
}

void analyzer::assigned_unseen(var& x) {
  x.init = true;
  x.is_null = false;
  x.num.reset();
}

void analyzer::all_assigned_unseen() {
  for (auto& [name, x] : env_.vars) assigned_unseen(x);
}

void analyzer::havoc() {
  env_.dead = false;
  for (auto& [name, v] : env_.vars) {
    v.init = true;
    v.is_null = false;
    v.num.reset();
  }
  for (auto& [id, b] : env_.blocks) {
    b.freed = false;
    b.escaped = true;
    b.contents_init = true;
    b.unchecked = false;
    hold_string(b, -1, -1, false);
  }
}

int analyzer::new_block(env& e, block b) {
  int id = next_block_++;
  e.blocks[id] = std::move(b);
  return id;
}

block* analyzer::blk(int id) {
  if (id < 0) return nullptr;
  auto it = env_.blocks.find(id);
  return it == env_.blocks.end() ? nullptr : &it->second;
}

var* analyzer::variable(std::string_view name) {
  auto it = env_.vars.find(name);
  return it == env_.vars.end() ? nullptr : &it->second;
}

}  // namespace c_flow_detail

using namespace c_flow_detail;

void collect_c_macros(std::string_view content, const syntax_tree& tree, c_macros& into) {
  std::vector<token> toks = tokens_of(tree, content, &into);
  collect_prototypes(toks, into);
  collect_plain_types(toks, into);
}

void merge_c_macros(c_macros later, c_macros& into) {
  for (auto& [name, d] : later.defs) {
    // `later` holds the last of its definitions; when it has no other
    // (not redefined there), that one is also its first, which is what
    // reading the texts in turn compares with the earlier definition.
    if (auto old = into.defs.find(name); old != into.defs.end() && !same_body(old->second.body, d.body))
      into.redefined.insert(name);
    into.defs[name] = std::move(d);
  }
  into.redefined.merge(later.redefined);
  for (const auto& [f, bits] : later.readonly_params) into.readonly_params[f] |= bits;
  into.declared_functions.merge(later.declared_functions);
  into.opaque_macros.merge(later.opaque_macros);
  into.plain_types.merge(later.plain_types);
  for (const auto& [type, size] : later.type_sizes) into.type_sizes[type] = size;
}

std::vector<finding> analyze_c_flow(std::string_view path, language lang, std::string_view content,
                                    std::unique_ptr<syntax_tree> tree, const c_macros* project,
                                    std::vector<taint_clearance>* cleared) {
  if (lang != language::c && lang != language::cpp) return {};
  // The file's own declarations, over the project's (declarations).
  c_macros own;
  std::vector<token> toks = tokens_of(*tree, content, &own);
  tree.reset();
  bool complete = toks.size() < kMaxTokens;
  toks = expand(std::move(toks), own, project);
  collect_prototypes(toks, own);
  collect_plain_types(toks, own);
  analyzer a(path, lang, content, toks, declarations{own, project});
  a.run();
  // Past the token bound the last function read may be cut short.
  if (cleared && complete) {
    std::vector<taint_clearance> proved = a.clearances();
    cleared->insert(cleared->end(), std::make_move_iterator(proved.begin()), std::make_move_iterator(proved.end()));
  }
  return a.take();
}

}  // namespace heimdall::analysis
