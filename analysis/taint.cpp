// The taint engine: one file_analyzer per file walks the statements
// (taint_statements.h) of each function with an environment from names to
// taint, forking it at branches and joining after, running loop bodies
// twice. Expressions are evaluated over token spans: a value is tainted
// when any operand is, except through comparisons, sanitizers and
// constant-folded dead branches. Calls to functions of the same file use
// summaries computed on demand with symbolic parameter taint (bit i =
// "depends on parameter i"): which parameters reach the return value and
// which reach a sink, so a handler passing request data to a helper that
// runs SQL is reported at the helper's sink.
//
// Across files: a call the call graph (taint_calls.h) resolves to a
// function of another file uses that function's summary
// (taint_summaries.h), computed in rounds by run_taint_analysis before
// the file's analysis (a first pass names every file's calls). Such a
// flow is reported at the call, in the caller's file, with the path going
// on into the callee's file to its sink: the source and the call are the
// caller's, a helper called from several places gives one finding per
// calling flow (each fingerprinted by the caller's file and call, however
// many other callers the helper has), and every finding of a file is still
// found in that file's own turn. What a call returns is an object of the
// class the callee's returns all give (a factory's, in its file or
// another), so the methods called on it resolve as on a constructed one.
//
// Why this shape: without a parser library, a statement-level pass over a
// forgiving token stream is what stays robust on any input (3.12 f-strings,
// TypeScript, half-written code) while following the flows that matter.
#include "analysis/taint.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "analysis/ordered_work.h"
#include "analysis/rule_pack.h"
#include "analysis/snippet.h"
#include "analysis/source_read.h"
#include "analysis/taint_calls.h"
#include "analysis/taint_constants.h"
#include "analysis/taint_erb.h"
#include "analysis/taint_front_end.h"
#include "analysis/taint_go.h"
#include "analysis/taint_php.h"
#include "analysis/taint_ruby.h"
#include "analysis/taint_tokens.h"
#include "analysis/taint_matches.h"
#include "analysis/taint_origin.h"
#include "analysis/taint_spec.h"
#include "analysis/taint_statements.h"
#include "analysis/taint_summaries.h"
#include "analysis/taint_survey_scope.h"
#include "analysis/text_lines.h"

namespace heimdall::analysis {
namespace {

using namespace taint_detail;

// Work bounds per file. Expression evaluations: a few per token on
// ordinary code, so 4M covers any hand-written file while stopping the
// loop-doubling of pathological nesting. Summaries nest at most this deep.
constexpr std::uint64_t kMaxStepsPerFile = 4'000'000;
constexpr int kMaxSummaryDepth = 6;
constexpr int kMaxEvalDepth = 150;
// Evaluations and blocks active at once, counted across the functions
// analysed inside expressions (callbacks nest without bound in the input,
// and each level costs stack): far past hand-written code, and within a
// worker thread's stack. A file that goes deeper is left partial.
constexpr int kMaxActiveLevels = 600;
constexpr std::size_t kMaxVia = 5;
constexpr std::size_t kMaxTextBytes = 80;
// A chain's path grows by each link (`a.b().c()`) and is kept and matched
// at every one, so a chain of thousands of links cost memory and time
// quadratic in it; past this length (far longer than any sink, source or
// project function a path names) it is an unknown call's.
constexpr std::size_t kMaxPathBytes = 512;
constexpr std::uint32_t kMaxTypeArgumentTokens = 64;  // Java generics: `Map<String, List<T>>` is far shorter
// Cross-file summaries: a chain of calls through d files settles in about
// 2d rounds (a callee found in one round is summarised in the next, its
// callers again after), so 8 rounds follow chains four files deep; a
// project calling into more functions than the cap keeps the rest unknown.
constexpr int kMaxSummaryRounds = 8;
constexpr std::size_t kMaxRemoteFunctions = 100'000;
// The lexed files of the tree-sitter front ends kept for a run's later
// passes (front_end_cache): over 6 bytes a byte of PHP (a 48-byte token per
// 9 bytes, the content, and the statements), so under 40 MB of it; past
// that a file is parsed again where a pass needs it.
constexpr std::size_t kMaxKeptFrontEndBytes = std::size_t{256} << 20;

struct origin {
  std::string text;
  int line = 0;
  bool request = true;
  std::string file;  // another file's source (a callee returned it); empty: this file
};

struct taint_val {
  bool src = false;             // from a real source
  origin o;
  std::uint64_t params = 0;     // summary mode: depends on parameter i
  std::uint32_t sanitized = 0;  // class bits it is safe for
  bool object = false;          // only the request object as a whole (source_rule::object)
  std::vector<std::string> via;  // variables it flowed through
  bool any() const { return src || params != 0; }
};

taint_val join(const taint_val& a, const taint_val& b) {
  if (!a.any()) return b;
  if (!b.any()) return a;
  // The origin reported is the more exposed one: request data over local
  // input over none. It sets the severity, and whether a class that local
  // input is no attack on (vuln_class::local_input) is reported at all.
  auto exposure = [](const taint_val& t) { return t.src ? (t.o.request ? 2 : 1) : 0; };
  taint_val r = exposure(a) >= exposure(b) ? a : b;
  r.src = a.src || b.src;
  r.params = a.params | b.params;
  r.sanitized = a.sanitized & b.sanitized;
  r.object = a.object && b.object;
  return r;
}

struct value {
  taint_val t;
  std::optional<long long> num;  // a known integer constant
  std::optional<std::string> str;  // a known string constant (its characters, unquoted)
  // An object of a class of the project, by the analyzer's instances_
  // (of - 1): whose methods its calls name across files. 0: not known.
  std::uint32_t of = 0;
};

using env = std::unordered_map<std::string, value>;

env join(const env& a, const env& b) {
  env r = a;
  for (const auto& [k, v] : b) {
    auto it = r.find(k);
    if (it == r.end()) {
      r.emplace(k, v);
    } else {
      it->second.t = join(it->second.t, v.t);
      if (it->second.num != v.num) it->second.num.reset();
      if (it->second.str != v.str) it->second.str.reset();
      if (it->second.of != v.of) it->second.of = 0;
    }
  }
  return r;
}

// A sink reached by parameters, in a function summary.
struct sink_hit {
  std::uint64_t params = 0;
  std::uint32_t sanitized = 0;
  int cls = 0;
  std::string sink;  // e.g. "cursor.execute"
  int line = 0;
  std::vector<std::string> via;
  // A sink in another file, reached through a call on `line`: the steps
  // from that call on (the call's step has an empty file: this file).
  std::vector<flow_step> path;
};

struct summary {
  bool computing = false, done = false;
  taint_val ret;
  std::uint32_t ret_of = 0;  // the class of the object every return gives (value::of), 0: none or not one
  std::vector<sink_hit> hits;
};

struct function_info {
  const stmt* s = nullptr;
  std::vector<std::string> params;
  summary sum;
};

struct frame {
  env vars;
  bool summary_mode = false;
  taint_val ret;
  // What the returns so far give as value::of: the same object class each
  // time, or 0 (a return of anything else, or of two classes).
  std::uint32_t ret_of = 0;
  bool returned = false;
  std::vector<sink_hit>* hits = nullptr;
  bool html_handler = false;
  std::string_view function;
  const stmt* handler_fn = nullptr;  // the request handler whose body this is (not in summaries)
  bool constant_route = false;       // its routes have no variable parts: the request path is no input
  // x -> y for `x = f(y)`: a call on one variable alone (a parse), until x is reassigned.
  std::unordered_map<std::string, std::string> parsed_from;
};

// The last line a block's tokens reach.
int last_line(const std::vector<stmt>& block);
int last_line(const stmt& s) {
  int l = s.line;
  if (!s.head.empty()) l = std::max(l, s.head[s.head.e - 1].line);
  if (!s.body_expr.empty()) l = std::max(l, s.body_expr[s.body_expr.e - 1].line);
  l = std::max({l, last_line(s.body), last_line(s.orelse), last_line(s.final_body)});
  for (const auto& h : s.handlers) l = std::max(l, last_line(h));
  return l;
}
int last_line(const std::vector<stmt>& block) {
  int l = 0;
  for (const stmt& s : block) l = std::max(l, last_line(s));
  return l;
}

// A function or class defined somewhere inside the block (not counting
// what those contain).
bool holds_definition(const std::vector<stmt>& block) {
  for (const stmt& s : block) {
    if (s.kind == stmt_kind::func || s.kind == stmt_kind::class_) return true;
    if (holds_definition(s.body) || holds_definition(s.orelse) || holds_definition(s.final_body)) return true;
    for (const auto& h : s.handlers) {
      if (holds_definition(h)) return true;
    }
  }
  return false;
}


bool class_like(std::string_view name) { return !name.empty() && name.front() >= 'A' && name.front() <= 'Z'; }

std::string cut(std::string s) {
  if (s.size() > kMaxTextBytes) s = make_snippet(s, kMaxTextBytes);
  return s;
}

// Token text of a span, spaced only where two words would run together.
std::string text_of(span s) {
  std::string out;
  for (std::uint32_t i = s.b; i < s.e && out.size() <= kMaxTextBytes; ++i) {
    if (i > s.b && s[i].kind != tok::op && s[i - 1].kind != tok::op) out += ' ';
    out += s[i].text;
  }
  return cut(std::move(out));
}

// Indices of the depth-0 tokens of `s` matching `pred`.
template <class P>
std::vector<std::uint32_t> top_level(span s, P pred) {
  std::vector<std::uint32_t> out;
  int depth = 0;
  for (std::uint32_t i = s.b; i < s.e; ++i) {
    if (opens(s[i])) ++depth;
    if (closes(s[i]) && depth > 0) --depth;
    else if (depth == 0 && pred(s[i])) out.push_back(i);
  }
  return out;
}

std::vector<span> split(span s, std::string_view sep) {
  std::vector<span> parts;
  std::uint32_t start = s.b;
  for (std::uint32_t i : top_level(s, [&](const token& t) { return is(t, sep); })) {
    parts.push_back(span{s.toks, start, i});
    start = i + 1;
  }
  parts.push_back(span{s.toks, start, s.e});
  return parts;
}

// The body of a plain string literal (no interpolation), quotes (one or
// three) and any prefix (f, b, r) removed; escapes left as written.
std::optional<std::string_view> literal_body(const token& t) {
  if (t.kind != tok::string || t.part_end != t.part_begin) return std::nullopt;
  std::string_view x = t.text;
  while (!x.empty() && x.front() != '\'' && x.front() != '"' && x.front() != '`') x.remove_prefix(1);
  if (x.size() < 2) return std::nullopt;
  char q = x.front();
  std::size_t n = (x.size() >= 6 && x[1] == q && x[2] == q) ? 3 : 1;
  if (x.size() < 2 * n) return std::nullopt;
  return x.substr(n, x.size() - 2 * n);
}

// A constant key as written in an env key: 'k' for strings, digits for numbers.
std::optional<std::string> const_key(span s) {
  if (s.e != s.b + 1) return std::nullopt;
  const token& t = s[s.b];
  if (t.kind == tok::number) return std::string(t.text);
  if (auto body = literal_body(t)) return "'" + std::string(*body) + "'";
  return std::nullopt;
}

// The characters of a plain string literal (no interpolation), unquoted.
std::optional<std::string> literal_text(const token& t) {
  auto found = literal_body(t);
  if (!found) return std::nullopt;
  std::string_view body = *found;
  if (body.find('\\') != std::string_view::npos) return std::nullopt;  // escapes: not worth decoding
  return std::string(body);
}

// ------------------------------------------------------------ Rails conventions
// Over the Ruby front end's tokens (taint_ruby.h): a call is `name ( args )`,
// a symbol the string 'sym', `key: v` the keyword argument `key = v`.

// The call `name ( args )` that statement head `s` is, when its name is one
// of `names`: the span of its arguments.
std::optional<span> bare_call(span s, std::initializer_list<std::string_view> names) {
  if (s.e < s.b + 3 || s[s.b].kind != tok::name || !is(s[s.b + 1], "(")) return std::nullopt;
  if (std::find(names.begin(), names.end(), s[s.b].text) == names.end()) return std::nullopt;
  std::uint32_t close = matching(*s.toks, s.b + 1, s.e);
  if (close >= s.e) return std::nullopt;
  return span{s.toks, s.b + 2, close};
}

// The names an argument gives: `'show'` or `[ 'show' , 'edit' ]`.
std::vector<std::string> symbol_list(span s) {
  std::vector<std::string> out;
  if (!s.empty() && is(s[s.b], "[") && s.e > s.b + 1 && is(s[s.e - 1], "]")) s = span{s.toks, s.b + 1, s.e - 1};
  for (span item : split(s, ",")) {
    if (item.e != item.b + 1) continue;
    if (auto name = literal_text(item[item.b])) out.push_back(std::move(*name));
  }
  return out;
}

// Rails: the methods class `cls` runs before its action `action`, in order:
// `before_action :a, :b, only: [...]` / `except:` (and prepend_/append_,
// the older *_filter names), less what `skip_before_action` drops for it.
// A callback's `if:`/`unless:` may let it run: kept. Only this class's
// declarations (a parent controller's are not seen); a block callback
// (`before_action { ... }`) names no method.
std::vector<std::string> before_callbacks(const stmt& cls, std::string_view action) {
  std::vector<std::string> out;
  for (const stmt& s : cls.body) {
    if (s.kind != stmt_kind::simple) continue;
    auto args = bare_call(s.head, {"before_action", "append_before_action", "prepend_before_action", "before_filter",
                                   "append_before_filter", "prepend_before_filter", "skip_before_action",
                                   "skip_before_filter"});
    if (!args) continue;
    std::vector<std::string> named;
    bool applies = true;
    for (span a : split(*args, ",")) {
      if (a.e > a.b + 2 && a[a.b].kind == tok::name && is(a[a.b + 1], "=")) {
        std::vector<std::string> listed = symbol_list(span{a.toks, a.b + 2, a.e});
        bool in = std::find(listed.begin(), listed.end(), action) != listed.end();
        if (a[a.b].text == "only" && !in) applies = false;
        if (a[a.b].text == "except" && in) applies = false;
      } else if (a.e == a.b + 1) {
        if (auto name = literal_text(a[a.b])) named.push_back(std::move(*name));
      }
    }
    if (!applies) continue;
    const std::string_view call = s.head[s.head.b].text;
    for (std::string& name : named) {
      out.erase(std::remove(out.begin(), out.end(), name), out.end());
      if (call.starts_with("skip_")) continue;
      if (call.starts_with("prepend_")) out.insert(out.begin(), std::move(name));
      else out.push_back(std::move(name));
    }
  }
  return out;
}

// Rails: whether tokens `s` (an action's body) render the template of
// action `name` of the same controller: `render :name`, `render 'name'`,
// `render action: :name`. A template path (`'users/new'`) is another
// directory's view.
bool renders_action(span s, std::string_view name) {
  for (std::uint32_t i = s.b; i + 2 < s.e; ++i) {
    if (!is(s[i], "render") || !is(s[i + 1], "(")) continue;
    std::uint32_t at = i + 2;
    if (at + 2 < s.e && is(s[at], "action") && is(s[at + 1], "=")) at += 2;
    if (at + 1 < s.e && !(is(s[at + 1], ",") || is(s[at + 1], ")"))) continue;
    if (auto text = literal_text(s[at]); text && *text == name) return true;
  }
  return false;
}

// Java generics: the indices of '<' '>' '>>' tokens of `s` that bracket
// type arguments (`Map<String, List<T>>`), not comparisons.
std::set<std::uint32_t> generic_brackets(span s) {
  std::set<std::uint32_t> out;
  for (std::uint32_t i = s.b; i < s.e; ++i) {
    if (!is(s[i], "<") || i == s.b || (s[i - 1].kind != tok::name && !is(s[i - 1], "."))) continue;
    int depth = 0;
    std::vector<std::uint32_t> seen;
    std::uint32_t j = i;
    // Type arguments are short; the bound keeps a long `a < b < c ...` linear.
    const std::uint32_t stop = std::min<std::uint32_t>(s.e, i + kMaxTypeArgumentTokens);
    for (; j < stop; ++j) {
      const token& t = s[j];
      if (is(t, "<")) ++depth, seen.push_back(j);
      else if (is(t, ">")) --depth, seen.push_back(j);
      else if (is(t, ">>")) depth -= 2, seen.push_back(j);
      else if (!(t.kind == tok::name || is(t, ".") || is(t, ",") || is(t, "?") || is(t, "[") || is(t, "]") ||
                 is(t, "&"))) {
        break;
      }
      if (depth <= 0) break;
    }
    if (j < stop && depth == 0) {
      out.insert(seen.begin(), seen.end());
      i = j;
    }
  }
  return out;
}

// The project's functions that return a value read from a source
// (survey_result::source_readers), by file, and their names: a file's text
// is searched for those names before the call graph is asked.
struct source_reader_index {
  std::set<callee_ref> functions;
  std::unordered_set<std::string> names;

  void add(std::uint32_t file, std::string name) {
    names.insert(name);
    functions.insert({file, std::move(name)});
  }
};

// What a file's analysis knows of the other files: the call graph, the
// summaries so far, and the file's own index in both.
struct cross_file {
  const call_resolver* calls = nullptr;
  const summary_table* summaries = nullptr;
  std::uint32_t file = 0;
  const inventory* files = nullptr;  // the whole tree (a Rails view's controller is looked up in it)
  const source_reader_index* source_readers = nullptr;  // see survey_result::source_readers
  front_end_cache* front_ends = nullptr;  // the run's parsed files
};

// What the run's cache (xf.front_ends) holds or makes of `file` (its index
// xf.file): its content is then the cache's, moved from `content`. Null
// without a cache (the file is then parsed where it is used).
std::shared_ptr<const front_end_output> cached_front_end(cross_file xf, const source_file& file, std::string& content,
                                                         bool keep) {
  if (!xf.front_ends) return nullptr;
  return xf.front_ends->get(xf.file, file.lang, file.path, std::move(content), keep);
}

// The run's kept output for file xf.file, if any: the file is then not read again.
std::shared_ptr<const front_end_output> kept_front_end(cross_file xf) {
  return xf.front_ends ? xf.front_ends->kept(xf.file) : nullptr;
}

// Whether `body` (a function's, nested functions left out) returns a value.
bool returns_value(const std::vector<stmt>& body, int depth = 0) {
  if (depth > kMaxNesting) return false;
  for (const stmt& s : body) {
    if (s.kind == stmt_kind::func || s.kind == stmt_kind::class_) continue;
    if (s.kind == stmt_kind::ret && !s.head.empty()) return true;
    if (returns_value(s.body, depth + 1) || returns_value(s.orelse, depth + 1) ||
        returns_value(s.final_body, depth + 1)) {
      return true;
    }
    for (const auto& h : s.handlers) {
      if (returns_value(h, depth + 1)) return true;
    }
  }
  return false;
}

// The names of the functions in `block` (at any depth) that return a value
// and whose body's text matches `words` (language_spec::source_text): those
// may hand a source to a caller. Not a function that returns nothing, nor
// the words of its parameters: a handler handed the request object (`func
// show(w http.ResponseWriter, r *http.Request)`) gives its callers nothing
// they do not hold already, and counting those made most of a Go project's
// callers of common names (`Handler`, `File`, `serve`) be analysed for
// nothing.
void source_readers_of(const std::vector<stmt>& block, std::string_view content, const RE2& words,
                       std::vector<std::string>& out, int depth = 0) {
  if (depth > kMaxNesting) return;
  auto in_content = [&](const token& t) {
    return t.text.data() >= content.data() && t.text.data() + t.text.size() <= content.data() + content.size();
  };
  // The source bytes from the first token of `first` to the last of `last` that lie in the content.
  auto text_of = [&](const span& first, const span& last) -> std::string_view {
    if (!first.toks || !last.toks) return {};
    std::uint32_t b = first.b, e = last.e;
    while (b < first.e && !in_content(first[b])) ++b;
    while (e > last.b && !in_content(last[e - 1])) --e;
    if (b >= first.e || e <= last.b) return {};
    const char* from = first[b].text.data();
    const char* to = last[e - 1].text.data() + last[e - 1].text.size();
    return from < to ? std::string_view(from, static_cast<std::size_t>(to - from)) : std::string_view();
  };
  for (const stmt& s : block) {
    if (s.kind == stmt_kind::func && !s.name.empty()) {
      std::string_view body = s.expression_body ? text_of(s.body_expr, s.body_expr)
                              : s.body.empty()  ? std::string_view()
                                                : text_of(s.body.front().extent, s.body.back().extent);
      if (!body.empty() && (s.expression_body || returns_value(s.body)) && RE2::PartialMatch(body, words)) {
        out.emplace_back(s.name);
      }
    }
    source_readers_of(s.body, content, words, out, depth + 1);
    source_readers_of(s.orelse, content, words, out, depth + 1);
    source_readers_of(s.final_body, content, words, out, depth + 1);
    for (const auto& h : s.handlers) source_readers_of(h, content, words, out, depth + 1);
  }
}

// Whether `content` (file xf.file's) calls one of xf.source_readers: a
// name or dotted path, then `(`, that the call graph resolves to one.
bool calls_a_source_reader(std::string_view content, cross_file xf) {
  if (!xf.source_readers || xf.source_readers->functions.empty() || !xf.calls) return false;
  const std::unordered_set<std::string>& names = xf.source_readers->names;
  std::string name;
  for (std::size_t i = 0; i < content.size();) {
    if (!is_name_start(content[i]) || (i > 0 && (is_name_char(content[i - 1]) || content[i - 1] == '.'))) {
      ++i;
      continue;
    }
    std::size_t j = i, last = i;  // the path [i, j), its last name from `last`
    for (;;) {
      while (j < content.size() && is_name_char(content[j])) ++j;
      if (j + 1 < content.size() && content[j] == '.' && is_name_start(content[j + 1])) {
        last = ++j;
        continue;
      }
      break;
    }
    std::size_t k = j;
    while (k < content.size() && (content[k] == ' ' || content[k] == '\t')) ++k;
    if (k < content.size() && content[k] == '(' && names.count(name.assign(content.substr(last, j - last)))) {
      if (auto callee = xf.calls->resolve(xf.file, content.substr(i, j - i))) {
        std::string_view resolved = callee->name;
        if (std::size_t dot = resolved.rfind('.'); dot != std::string_view::npos) resolved.remove_prefix(dot + 1);
        if (xf.source_readers->functions.count({callee->file, std::string(resolved)})) return true;
      }
    }
    i = j;
  }
  return false;
}

class file_analyzer {
 public:
  file_analyzer(const taint_spec::data& spec, const language_spec& ls, language lang, const source_file& file,
                std::string_view content, std::vector<entry_point> eps, const literal_functions* literals = nullptr,
                cross_file xf = {})
      : literals_(literals), xf_(xf), spec_(spec), ls_(ls), lang_(lang), py_(lang == language::python), java_(lang == language::java),
        go_(lang == language::go), php_(lang == language::php), ruby_(lang == language::ruby),
        file_(file), content_(content), lines_(content),
        eps_(std::move(eps)), matches_(ls) {}

  // The file's lexed form from a front_end_cache, whose content this
  // analyzer's must be; without it, the analyzer lexes the file itself.
  void use(std::shared_ptr<const front_end_output> cached) {
    if (!cached) return;
    lexed_ = std::shared_ptr<const lexed_file>(cached, &cached->lexed);
    grouped_ = std::shared_ptr<const std::vector<stmt>>(cached, &cached->top);
  }

  // False when the file went past a work bound (what was found stays).
  bool run() {
    lex();
    if (lexed_->truncated || !lexed_->left_out.empty()) return false;
    group();
    collect_functions(top_, 0);
    frame module;
    for (const auto& [name, t] : seed_) module.vars[name].t = join(module.vars[name].t, t);
    exec_block(top_, module);
    return !aborted_;
  }

  // Variables the code starts with (a Rails view: its action's instance
  // variables, view_variables); before run().
  void seed(std::vector<std::pair<std::string, taint_val>> vars) { seed_ = std::move(vars); }

  // Rails: the instance variables (`@q`) that the method `action` of this
  // file (a controller) leaves holding input, as its view reads them, with
  // those of every method rendering that action's template (`create`'s
  // `render :new`: renders_action) and what their before_action callbacks
  // of this file set (run_before_callbacks); the origins name this file.
  // Nothing past a work bound.
  std::vector<std::pair<std::string, taint_val>> view_variables(std::string_view action) {
    view_action_ = action;
    if (!run()) return {};
    return std::move(view_variables_);
  }

  std::vector<finding>& findings() { return findings_; }
  // Why the front end gave the file no tokens (taint_tokens.h, lexed_file::left_out); empty when it did.
  std::string_view left_out() const { return lexed_ ? lexed_->left_out : std::string_view(); }

  // The summaries of the named functions of this file (each defined here
  // once), for the analysis of other files; nothing past a work bound.
  std::vector<std::pair<std::string, remote_summary>> export_summaries(const std::vector<std::string>& names) {
    std::vector<std::pair<std::string, remote_summary>> out;
    lex();
    if (lexed_->truncated) return out;
    group();
    collect_functions(top_, 0);
    frame module;
    module.summary_mode = true;
    bind_imports(module);
    for (const std::string& name : names) {
      auto it = functions_.find(name);
      if (it == functions_.end()) continue;
      out.emplace_back(name, exported(it->second, summary_of(it->second)));
    }
    if (aborted_) out.clear();
    return out;
  }

  // The other files' functions this run's calls resolved to.
  const std::set<callee_ref>& requests() const { return requests_; }

  // The first pass over a file: its functions for literal_functions, its
  // definitions for the call graph, and the paths of its calls as the
  // analysis would name them after the module's imports (`name(.name |
  // (...))*` before a `(`), so the summaries they need can be computed
  // before the analysis. What it misses (a call on a variable an
  // assignment aliases, one inside an f-string) the analysis still finds.
  // Nothing when the file is past the token bound.
  struct survey_result {
    std::vector<std::pair<std::string, bool>> literals;
    std::optional<file_definitions> defs;
    std::string calls;  // the distinct paths, each ended by '\n': one block per file, not a string each
    // With source_text: the functions that return a value and whose body
    // holds a source's words (source_readers_of). A file whose call
    // resolves to one is analysed though it holds none itself.
    std::vector<std::string> source_readers;
  };
  survey_result survey() {
    survey_result out;
    lex();
    if (lexed_->truncated) return out;
    group();
    out.literals = literal_returns(top_);
    out.defs = collect_definitions(lang_, top_, lexed_->tokens);
    if (ls_.source_text) source_readers_of(top_, content_, *ls_.source_text, out.source_readers);
    frame module;
    module.summary_mode = true;
    bind_imports(module);
    const std::vector<token>& toks = lexed_->tokens;
    const auto n = static_cast<std::uint32_t>(toks.size());
    auto member = [&](std::uint32_t j) {
      return (is(toks[j], ".") || is(toks[j], "?.")) && j + 1 < n && toks[j + 1].kind == tok::name;
    };
    // A bare call of a name this file defines is the file's own function.
    std::unordered_set<std::string> seen;
    for (const auto& d : out.defs->functions) seen.insert(d.name);
    auto calls = [&](std::string path, std::uint32_t j) {
      while (j < n && path.size() <= kMaxPathBytes) {
        if (member(j)) {
          path += "." + std::string(toks[j + 1].text);
          j += 2;
        } else if (is(toks[j], "(")) {
          if (seen.insert(path).second) out.calls += path + '\n';
          path += "()";
          j = matching(toks, j, n) + 1;
        } else {
          break;
        }
      }
    };
    const std::unordered_map<std::string, std::string> objects = object_names();
    for (std::uint32_t i = 0; i < n; ++i) {
      if (toks[i].kind != tok::name || (i > 0 && (is(toks[i - 1], ".") || is(toks[i - 1], "?.")))) continue;
      std::uint32_t j = i + 1;
      while (j < n && member(j)) j += 2;
      if (j >= n || !is(toks[j], "(")) continue;  // most names are no call: no path built
      calls(canonical(std::string(toks[i].text)), i + 1);
      std::string head(toks[i].text);
      std::uint32_t after = i + 1;
      if ((head == "self" || head == "this") && member(i + 1)) {
        head += "." + std::string(toks[i + 2].text);
        after = i + 3;
      }
      auto object = objects.find(head);
      if (object != objects.end()) calls(object->second + "()", after);
    }
    return out;
  }

  // For survey(): the classes the tokens say names hold — `x = K(...)`
  // (Python), `x = new K(...)`, `T x` (Java), `x: T` (the name and its
  // `self.x` / `this.x` alike) — so calls on them are named as the
  // analysis will name them. A guess (the last binding in the file wins):
  // it only fetches summaries early.
  std::unordered_map<std::string, std::string> object_names() const {
    std::unordered_map<std::string, std::string> out;
    const std::vector<token>& toks = lexed_->tokens;
    const auto n = static_cast<std::uint32_t>(toks.size());
    auto dotted = [&](std::uint32_t b, std::uint32_t& e) {  // name(.name)* from b; e: past it
      std::string path;
      e = b;
      while (e < n && toks[e].kind == tok::name) {
        path += toks[e++].text;
        if (e + 1 >= n || !is(toks[e], ".") || toks[e + 1].kind != tok::name) break;
        path += '.';
        ++e;
      }
      return path;
    };
    auto named_class = [](const std::string& path) { return class_like(path.substr(path.rfind('.') + 1)); };
    auto bind = [&](std::string name, const std::string& cls, bool field) {
      if (field) out[(py_ ? "self." : "this.") + name] = canonical(cls);
      out[std::move(name)] = canonical(cls);
    };
    for (std::uint32_t i = 0; i + 2 < n; ++i) {
      if (toks[i].kind != tok::name || (i > 0 && is(toks[i - 1], "."))) continue;
      std::string target(toks[i].text);
      std::uint32_t k = i + 1, e = 0;
      if ((target == "self" || target == "this") && is(toks[k], ".") && toks[k + 1].kind == tok::name) {
        target += "." + std::string(toks[k + 1].text);
        k += 2;
      }
      if (k >= n) break;
      if (is(toks[k], "=")) {
        const std::uint32_t b = k + 1 + (!py_ && k + 1 < n && is(toks[k + 1], "new"));
        if (!py_ && b == k + 1) continue;
        std::string cls = dotted(b, e);
        if (!cls.empty() && e < n && is(toks[e], "(") && named_class(cls)) bind(target, cls, false);
      } else if (is(toks[k], ":") && !java_) {
        std::string cls = dotted(k + 1, e);
        if (!cls.empty() && named_class(cls)) bind(target, cls, target.find('.') == std::string::npos);
      } else if (java_ && toks[k].kind == tok::name && k + 1 < n && class_like(target) &&
                 (is(toks[k + 1], ";") || is(toks[k + 1], "=") || is(toks[k + 1], ",") || is(toks[k + 1], ")"))) {
        bind(std::string(toks[k].text), target, true);
      }
    }
    return out;
  }

  // What the run proved safe (see taint_clearance); empty past a work bound.
  std::vector<taint_clearance> clearances() const {
    std::vector<taint_clearance> out;
    if (aborted_) return out;
    for (const auto& [key, tainted] : sink_seen_) {
      const stmt* fn = key.first;
      if (tainted || holds_definition(fn->body)) continue;
      out.push_back({file_.path, fn->line, last_line(fn->body), spec_.classes[key.second].cwe});
    }
    for (const std::vector<stmt>* block : skipped_) {
      if (ran_.count(block) || block->empty()) continue;
      for (const vuln_class& c : spec_.classes) out.push_back({file_.path, block->front().line, last_line(*block), c.cwe});
    }
    std::sort(out.begin(), out.end(), [](const taint_clearance& a, const taint_clearance& b) {
      return std::tie(a.line_start, a.line_end, a.cwe) < std::tie(b.line_start, b.line_end, b.cwe);
    });
    return out;
  }
  std::uint64_t functions_analyzed() const { return analyzed_.size(); }

 private:
  // ------------------------------------------------------------ functions

  // Java parameters `[final] [@A] Type<..>[] name`, split at the commas
  // outside brackets and type arguments.
  std::vector<span> java_params(span head) const {
    std::vector<span> out;
    if (head.empty()) return out;
    auto generic = generic_brackets(head);
    int depth = 0;
    std::uint32_t start = head.b;
    for (std::uint32_t i = head.b; i <= head.e; ++i) {
      if (i < head.e && (opens(head[i]) || (generic.count(i) && is(head[i], "<")))) ++depth;
      if (i < head.e && (closes(head[i]) || (generic.count(i) && is(head[i], ">")))) --depth;
      if (i < head.e && generic.count(i) && is(head[i], ">>")) depth -= 2;
      if (i == head.e || (depth == 0 && is(head[i], ","))) {
        out.push_back(span{head.toks, start, i});
        start = i + 1;
      }
    }
    return out;
  }

  // The name a Java parameter binds: its last name token.
  static std::string java_param_name(span p) {
    for (std::uint32_t i = p.e; i > p.b; --i) {
      if (p[i - 1].kind == tok::name) return std::string(p[i - 1].text);
    }
    return "";
  }

  // The variable a PHP parameter `[?Type] [&] [...]$name [= default]` binds.
  static std::string php_param_name(span p) {
    for (std::uint32_t i = p.b; i < p.e; ++i) {
      if (p[i].kind == tok::name && p[i].text.front() == '$') return std::string(p[i].text);
    }
    return "";
  }

  std::vector<std::string> param_names(span head) const {
    std::vector<std::string> out;
    if (head.empty()) return out;
    if (java_) {
      for (span p : java_params(head)) out.push_back(java_param_name(p));
      return out;
    }
    if (php_) {
      for (span p : split(head, ",")) out.push_back(php_param_name(p));
      return out;
    }
    for (span p : split(head, ",")) {
      std::uint32_t i = p.b;
      while (i < p.e && (is(p[i], "*") || is(p[i], "**") || is(p[i], "...") || is(p[i], "public") ||
                         is(p[i], "private") || is(p[i], "readonly") || is(p[i], "protected"))) {
        ++i;
      }
      if (i < p.e && p[i].kind == tok::name) out.emplace_back(p[i].text);
      else if (i < p.e) out.emplace_back("");  // destructuring: not bound by name
    }
    return out;
  }

  // `cls`: the class the block is in (at any depth), for owner_of_.
  void collect_functions(const std::vector<stmt>& block, int depth, const stmt* cls = nullptr) {
    if (depth > kMaxNesting) return;
    for (const stmt& s : block) {
      if (s.kind == stmt_kind::func && !s.name.empty() && !functions_.count(std::string(s.name))) {
        function_info fi;
        fi.s = &s;
        fi.params = param_names(s.head);
        functions_.emplace(std::string(s.name), std::move(fi));
      }
      if (s.kind == stmt_kind::func) owner_of_[&s] = cls;
      const stmt* inner = s.kind == stmt_kind::class_ ? &s : cls;
      collect_functions(s.body, depth + 1, inner);
      collect_functions(s.orelse, depth + 1, inner);
      collect_functions(s.final_body, depth + 1, inner);
      for (const auto& h : s.handlers) collect_functions(h, depth + 1, inner);
    }
  }

  // ------------------------------------------------------ objects' classes

  using member_types = std::unordered_map<std::string, std::uint32_t>;  // field -> value::of

  // While a function is analysed or summarised, class_ is its class (a
  // function made inline keeps the one it is made in).
  class class_scope {
   public:
    class_scope(file_analyzer& a, const stmt& f) : a_(a), saved_(a.class_) {
      auto it = a.owner_of_.find(&f);
      if (it != a.owner_of_.end()) a.class_ = it->second;
    }
    ~class_scope() { a_.class_ = saved_; }
    class_scope(const class_scope&) = delete;
    class_scope& operator=(const class_scope&) = delete;

   private:
    file_analyzer& a_;
    const stmt* saved_;
  };

  // `scope`: the file whose names `path` is written in; this one's by default.
  std::uint32_t instance_of(const std::string& path, bool declared, std::optional<std::uint32_t> scope = {}) {
    const std::uint32_t in = scope.value_or(xf_.file);
    auto [it, fresh] = instance_ids_.try_emplace({path, declared, in}, 0);
    if (fresh) {
      instances_.push_back({path, declared, in});
      it->second = static_cast<std::uint32_t>(instances_.size());
    }
    return it->second;
  }

  // The class a declared type names — `Service`, `pkg.Service` (no type
  // arguments, arrays, unions, primitives), or with nothing as the other
  // choice: `Service | undefined`, `Service | null`, Python's `Service |
  // None`, `Optional[Service]` (a method called on it is Service's) — as a
  // value::of; 0 otherwise.
  std::uint32_t declared_of(span type) {
    type = without_nothing(type);
    std::string path;
    for (std::uint32_t i = type.b; i < type.e; ++i) {
      if (type[i].kind == tok::name && (path.empty() || path.back() == '.')) path += type[i].text;
      else if (is(type[i], ".") && !path.empty() && path.back() != '.') path += '.';
      else return 0;
    }
    if (path.empty() || path.back() == '.' || !class_like(path.substr(path.rfind('.') + 1))) return 0;
    return instance_of(canonical(path), true);
  }

  // `T | undefined` / `T | null` / `T | None` / `[typing.]Optional[T]` -> T; any other type unchanged.
  span without_nothing(span type) const {
    if (type.empty()) return type;
    if (py_ && is(type[type.e - 1], "]")) {
      std::uint32_t open = type.b;
      while (open < type.e && (type[open].kind == tok::name || is(type[open], "."))) ++open;
      if (open > type.b && open < type.e && is(type[open], "[") && is(type[open - 1], "Optional") &&
          matching(*type.toks, open, type.e) == type.e - 1) {
        return span{type.toks, open + 1, type.e - 1};
      }
      return type;
    }
    auto bars = top_level(type, [](const token& t) { return is(t, "|"); });
    if (bars.empty()) return type;
    bars.push_back(type.e);
    span kept = type;
    int choices = 0;
    for (std::uint32_t b = type.b; std::uint32_t e : bars) {
      span part{type.toks, b, e};
      b = e + 1;
      if (part.empty()) continue;  // TypeScript's leading `|`
      const bool nothing = part.e == part.b + 1 && (is(part[part.b], "undefined") || is(part[part.b], "null") ||
                                                     (py_ && is(part[part.b], "None")));
      if (nothing) continue;
      kept = part;
      ++choices;
    }
    return choices == 1 ? kept : type;
  }

  // The class a function's declared return type names, as a value::of (0:
  // none): Java's type before its name (not a type variable of a generic
  // method), Python's `-> T`, TypeScript's `): T`. Declared: an object of a
  // subclass may come back.
  std::uint32_t declared_return(const stmt& f) {
    if (!f.head.toks || php_ || go_ || ruby_) return 0;
    const std::vector<token>& toks = *f.head.toks;
    if (java_) {
      if (f.head.b < 4) return 0;
      const std::uint32_t e = f.head.b - 2;  // the name's index
      std::uint32_t b = e - 1;
      while (b >= 2 && is(toks[b - 1], ".") && toks[b - 2].kind == tok::name) b -= 2;
      if (toks[b].kind != tok::name || is(toks[b - 1], ">")) return 0;
      return declared_of(span{&toks, b, e});
    }
    std::uint32_t i = f.head.e + 1;  // past the parameters' `)`
    if (i >= toks.size() || !is(toks[i], py_ ? "->" : ":")) return 0;
    const std::uint32_t b = ++i;
    while (i < toks.size() && !is(toks[i], py_ ? ":" : "{") && !is(toks[i], "=>") && !is(toks[i], ";")) ++i;
    return declared_of(span{&toks, b, i});
  }

  // TypeScript's `[modifiers] name[?|!]: T` (a field, a parameter
  // property), Python's `name: T`: the index of the name, or p.e.
  static std::uint32_t annotated_name(span p) {
    std::uint32_t n = p.b;
    while (n + 1 < p.e && p[n + 1].kind == tok::name &&
           (is(p[n], "private") || is(p[n], "public") || is(p[n], "protected") || is(p[n], "readonly") ||
            is(p[n], "override") || is(p[n], "declare"))) {
      ++n;
    }
    if (n >= p.e || p[n].kind != tok::name) return p.e;
    std::uint32_t colon = n + 1;
    if (colon < p.e && (is(p[colon], "?") || is(p[colon], "!"))) ++colon;
    return colon + 1 < p.e && is(p[colon], ":") ? n : p.e;
  }

  // A Java declaration's type: `[final] T` before its name `d`.
  static span java_type(span declaration, span d) {
    span t{declaration.toks, declaration.b, d.b};
    while (!t.empty() && is(t[t.b], "final")) ++t.b;
    return t;
  }

  // The declared type of a parameter as a value::of: Java's `[final] [@A]
  // T name`, Python's and TypeScript's `name: T [= default]`.
  std::uint32_t param_type(span p) {
    if (java_) {
      while (!p.empty() && (is(p[p.b], "final") || is(p[p.b], "@"))) {
        if (is(p[p.b], "@")) {
          p.b += 2;
          if (!p.empty() && is(p[p.b], "(")) p.b = matching(*p.toks, p.b, p.e) + 1;
        } else {
          ++p.b;
        }
      }
      return p.e > p.b + 1 ? declared_of(span{p.toks, p.b, p.e - 1}) : 0;
    }
    if (php_ || go_ || ruby_ || (!p.empty() && p[p.b].kind == tok::op)) return 0;  // `*args: T` holds many
    auto colon = top_level(p, [](const token& t) { return is(t, ":"); });
    if (colon.empty()) return 0;
    span type{p.toks, colon[0] + 1, p.e};
    auto eq = top_level(type, [](const token& t) { return is(t, "="); });
    if (!eq.empty()) type.e = eq[0];
    return declared_of(type);
  }

  std::vector<span> param_spans(span head) const {
    return head.empty() ? std::vector<span>{} : java_ ? java_params(head) : split(head, ",");
  }

  // The object `rhs` makes when it is a whole construction — `new a.K(...)`,
  // Python's `a.K(...)` — as a value::of; 0 otherwise.
  std::uint32_t constructs(span rhs) {
    if (rhs.empty()) return 0;
    std::uint32_t i = rhs.b;
    if (!py_) {
      if (!is(rhs[i], "new")) return 0;
      ++i;
    }
    std::string path;
    for (; i < rhs.e && (rhs[i].kind == tok::name || is(rhs[i], ".")); ++i) path += rhs[i].text;
    if (path.empty() || i >= rhs.e || !is(rhs[i], "(") || matching(*rhs.toks, i, rhs.e) != rhs.e - 1) return 0;
    if (py_ && !class_like(path.substr(path.rfind('.') + 1))) return 0;
    return instance_of(canonical(path), false);
  }

  // What field `name` of the class of the function being analysed holds.
  std::uint32_t member_of(const std::string& name) {
    if (!class_) return 0;
    const member_types& m = members_of(*class_);
    auto it = m.find(name);
    return it == m.end() ? 0 : it->second;
  }

  // What the fields of class `c` hold, for `self.x.m()` / `this.x.m()`
  // (Java: `x.m()`) in its methods: a declared type (Java and TypeScript
  // fields, TypeScript constructor parameter properties, Python class-level
  // annotations); else the one class that every assignment `self.x = ...`
  // / `this.x = ...` in the class constructs (any other assignment, or a
  // subclass in the project: none).
  const member_types& members_of(const stmt& c) {
    auto found = members_.find(&c);
    if (found != members_.end()) return found->second;
    member_types declared, made;
    std::set<std::string> mixed;
    for (const stmt& m : c.body) {
      if (m.kind == stmt_kind::simple && !m.head.empty()) {
        span h = m.head;
        auto eq = top_level(h, [](const token& t) { return is(t, "="); });
        span target{h.toks, h.b, eq.empty() ? h.e : eq[0]};
        if (java_) {
          span d = java_declared(target);
          if (d.e == d.b + 1 && d.b > target.b) declared[std::string(d[d.b].text)] = declared_of(java_type(target, d));
        } else if (std::uint32_t n = annotated_name(target); n < target.e) {
          declared[std::string(target[n].text)] = param_type(span{h.toks, n, target.e});
        } else if (!py_ && target.e == target.b + 1 && !eq.empty()) {  // a JS class field `x = new K()`
          made[std::string(target[target.b].text)] = constructs(span{h.toks, eq[0] + 1, h.e});
        }
      }
      if (m.kind != stmt_kind::func) continue;
      if (m.name == "constructor") {
        for (span p : param_spans(m.head)) {
          if (p.e > p.b + 1 && (is(p[p.b], "private") || is(p[p.b], "public") || is(p[p.b], "protected") ||
                                is(p[p.b], "readonly"))) {
            std::uint32_t n = annotated_name(p);
            if (n < p.e) declared[std::string(p[n].text)] = param_type(span{p.toks, n, p.e});
          }
        }
      }
      assigned_fields(m.body, made, mixed, 0);
    }
    // A subclass's methods may store another object in the field.
    if (xf_.calls && xf_.calls->is_base(lang_, c.name)) made.clear();
    for (const std::string& name : mixed) made.erase(name);
    for (const auto& [name, of] : declared) made[name] = of;
    for (auto it = made.begin(); it != made.end();) it = it->second ? std::next(it) : made.erase(it);
    return members_[&c] = std::move(made);
  }

  // The assignments `self.x = ...` / `this.x = ...` of a method's body
  // (nested blocks and functions too): what each makes, into `made`, or
  // the field into `mixed` when it is not one construction.
  void assigned_fields(const std::vector<stmt>& block, member_types& made, std::set<std::string>& mixed,
                       int depth) {
    if (depth > kMaxNesting) return;
    for (const stmt& s : block) {
      if (s.kind == stmt_kind::class_) continue;
      if (s.kind == stmt_kind::simple && s.head.e > s.head.b + 3) {
        span h = s.head;
        auto ops = top_level(h, [&](const token& t) { return is_assign_op(t); });
        for (std::uint32_t i = h.b; i + 2 < h.e && !ops.empty() && i < ops.back(); ++i) {
          if (!(is(h[i], "self") || is(h[i], "this")) || !is(h[i + 1], ".") || h[i + 2].kind != tok::name) continue;
          if (i > h.b && is(h[i - 1], ".")) continue;
          std::string field(h[i + 2].text);
          std::uint32_t of = ops.size() == 1 && i == h.b && ops[0] == i + 3 && is(h[ops[0]], "=")
                                 ? constructs(span{h.toks, ops[0] + 1, h.e})
                                 : 0;
          if (!of) {
            // Only a store to the field itself (not `self.x.y = ...`, `self.x[k] = ...`) changes what it holds.
            if (i + 3 < h.e && (is(h[i + 3], ".") || is(h[i + 3], "["))) continue;
            mixed.insert(field);
          } else if (made.count(field) && made[field] != of) {
            mixed.insert(field);
          } else {
            made[field] = of;
          }
        }
      }
      assigned_fields(s.body, made, mixed, depth + 1);
      assigned_fields(s.orelse, made, mixed, depth + 1);
      assigned_fields(s.final_body, made, mixed, depth + 1);
      for (const auto& hb : s.handlers) assigned_fields(hb, made, mixed, depth + 1);
    }
  }

  // Every route decorator of `f` names a fixed path (a literal without
  // `<variable>` parts), and there is one: the request path of `f` is then
  // one of those constants, not input.
  bool constant_route(const stmt& f) const {
    if (!ls_.route_decorator || !ls_.constant_route_path) return false;
    int routes = 0;
    for (const span& d : f.decorators) {
      if (!RE2::PartialMatch(decorator_path(d), *ls_.route_decorator)) continue;
      std::uint32_t open = d.b;
      while (open < d.e && !is(d[open], "(")) ++open;
      if (open + 1 >= d.e) return false;
      auto route = literal_text(d[open + 1]);
      if (!route || route->find('<') != std::string::npos || route->find('{') != std::string::npos) return false;
      ++routes;
    }
    return routes > 0;
  }

  // The canonical path of a decorator, e.g. "app.route".
  std::string decorator_path(span d) const {
    std::string path;
    for (std::uint32_t i = d.b; i < d.e && !is(d[i], "("); ++i) path += d[i].text;
    return canonical(path);
  }

  // Whether `f` is one of the model's entry points, and what its
  // parameters then carry: request data (a route, a message handler), or
  // local input (a program's main, a command-line handler: what its caller
  // typed).
  enum class entry { none, request, local };
  entry entry_point_for(const stmt& f) const {
    for (const entry_point& ep : eps_) {
      int first = f.line - static_cast<int>(f.decorators.size()) * 3 - 1;
      if ((!f.name.empty() && ep.function == f.name) ||
          ((ep.function.empty() || ep.function == f.name) && ep.line >= first && ep.line <= f.line)) {
        return ep.kind == "main" || ep.kind == "cli" ? entry::local : entry::request;
      }
    }
    return entry::none;
  }

  bool flask_entry_point(const stmt& f) const {
    for (const entry_point& ep : eps_) {
      if (ep.framework == "flask" && !f.name.empty() && ep.function == f.name) return true;
    }
    return false;
  }

  // What the names of a function's typed parameters stand for, while it is
  // analysed (bind_param_types); the caller's bindings come back after.
  class param_type_scope {
   public:
    param_type_scope(file_analyzer& a, const stmt& f) : a_(a), active_(!a.ls_.param_types.empty()) {
      if (!active_) return;
      aliases_ = a.aliases_;
      typed_ = a.typed_params_;
      a.bind_param_types(f);
    }
    ~param_type_scope() {
      if (!active_) return;
      a_.aliases_ = std::move(aliases_);
      a_.typed_params_ = std::move(typed_);
    }
    param_type_scope(const param_type_scope&) = delete;
    param_type_scope& operator=(const param_type_scope&) = delete;

   private:
    file_analyzer& a_;
    bool active_;
    std::map<std::string, std::string> aliases_;
    std::set<std::string> typed_;
  };

  // Parameters of `f` whose declared type a param_types rule names stand
  // for its path; a parameter of another type drops what its name stood
  // for outside.
  void bind_param_types(const stmt& f) {
    if (f.head.empty()) return;
    for (span p : split(f.head, ",")) {
      if (p.empty() || p[p.b].kind != tok::name) continue;
      std::string name = php_ ? php_param_name(p) : std::string(p[p.b].text);
      std::string text = text_of(p);
      if (typed_params_.erase(name)) aliases_.erase(name);
      for (const param_type_rule& rule : ls_.param_types) {
        if (!RE2::PartialMatch(text, *rule.type)) continue;
        aliases_[name] = rule.path;
        typed_params_.insert(name);
        break;
      }
    }
  }

  void analyze_function(const stmt& f, const env& closure, int depth) {
    if (!analyzed_.insert(&f).second || depth > kMaxNesting) return;
    param_type_scope types(*this, f);
    class_scope cls(*this, f);
    frame fr;
    fr.vars = closure;
    fr.function = f.name;
    entry kind = entry_point_for(f);
    if (ls_.handler_function && !f.name.empty() && RE2::FullMatch(std::string(f.name), *ls_.handler_function)) {
      kind = entry::request;
    }
    for (const span& d : f.decorators) {
      std::string path = decorator_path(d);
      if (ls_.route_decorator && RE2::PartialMatch(path, *ls_.route_decorator)) kind = entry::request;
      if (ls_.html_route_decorator && RE2::PartialMatch(path, *ls_.html_route_decorator)) fr.html_handler = true;
    }
    if (flask_entry_point(f)) fr.html_handler = true;
    const bool handler = kind != entry::none;
    if (handler) fr.handler_fn = &f;
    fr.constant_route = constant_route(f);
    const std::vector<span> params = param_spans(f.head);
    const bool middleware = destructured_request(params);
    for (span p : params) {
      if (middleware && p.b == params.front().b) {
        bind_request_fields(p, f.line, fr);
        continue;
      }
      std::uint32_t i = p.b;
      while (i < p.e && (p[i].kind == tok::op)) ++i;
      if (i >= p.e || p[i].kind != tok::name) continue;
      std::string name = java_ ? java_param_name(p) : php_ ? php_param_name(p) : std::string(p[i].text);
      if (name.empty()) continue;
      value v;
      bool clean = std::find(ls_.clean_params.begin(), ls_.clean_params.end(), name) != ls_.clean_params.end();
      if (ls_.clean_param_default && RE2::PartialMatch(text_of(p), *ls_.clean_param_default)) clean = true;
      bool object = ls_.request_param && RE2::PartialMatch(text_of(p), *ls_.request_param);
      if (handler && (!clean || object)) {
        v.t.src = true;
        v.t.object = object;
        v.t.o = {"parameter `" + name + "` of handler `" + std::string(f.name) + "`", f.line, kind == entry::request};
      }
      v.of = param_type(p);
      fr.vars[name] = v;
    }
    if (ruby_) run_before_callbacks(f, fr, depth);
    if (f.expression_body) {
      eval(f.body_expr, fr, 0);
    } else {
      exec_block(f.body, fr, depth + 1);
    }
    if (!view_action_.empty() && (f.name == view_action_ || renders_action(body_tokens(f), view_action_))) {
      for (const auto& [name, v] : fr.vars) {
        if (name.size() < 2 || name[0] != '@' || !v.t.src) continue;
        taint_val t = v.t;
        if (t.o.file.empty()) t.o.file = file_.path;
        view_variables_.emplace_back(name, std::move(t));
      }
    }
  }

  // Rails: the instance variables that the methods its class runs before
  // action `f` (before_callbacks) leave, in frame `fr` where f starts:
  // each callback runs there in turn, its findings left to its own
  // analysis. A callback with parameters, or f itself, is skipped.
  void run_before_callbacks(const stmt& f, frame& fr, int depth) {
    auto owner = owner_of_.find(&f);
    if (owner == owner_of_.end() || !owner->second || in_callbacks_) return;
    in_callbacks_ = true;
    const std::size_t found = findings_.size();
    const auto reported = reported_;
    for (const std::string& name : before_callbacks(*owner->second, f.name)) {
      auto it = functions_.find(name);
      if (it == functions_.end() || it->second.s == &f || !it->second.params.empty() ||
          owner_of_[it->second.s] != owner->second) {
        continue;
      }
      frame cb = fr;
      cb.function = it->second.s->name;
      exec_block(it->second.s->body, cb, depth + 1);
      for (auto& [var, v] : cb.vars) {
        if (var.size() > 1 && var[0] == '@') fr.vars[var] = std::move(v);
      }
    }
    findings_.resize(found);
    reported_ = reported;
    in_callbacks_ = false;
  }

  // The tokens of function `f`'s braced body (`name ( head ) { body }`); empty when it has none.
  static span body_tokens(const stmt& f) {
    if (!f.head.toks) return {};
    const std::vector<token>& toks = *f.head.toks;
    const auto n = static_cast<std::uint32_t>(toks.size());
    const std::uint32_t open = f.head.e + 1;
    if (open >= n || !is(toks[open], "{")) return {};
    return span{&toks, open + 1, matching(toks, open, n)};
  }

  // JavaScript: an Express-style handler or middleware that destructures
  // its request, `({ body, query }, res, next) => ...`: a first parameter
  // that is an object pattern, followed by the response.
  bool destructured_request(const std::vector<span>& params) const {
    if (py_ || java_ || php_ || go_ || ruby_ || params.size() < 2) return false;
    const span& first = params[0];
    const span& second = params[1];
    if (first.empty() || !is(first[first.b], "{") || second.empty() || second[second.b].kind != tok::name) return false;
    static constexpr std::string_view kResponse[] = {"res", "response", "resp", "reply"};
    return std::find(std::begin(kResponse), std::end(kResponse), second[second.b].text) != std::end(kResponse);
  }

  // Binds the names of the request pattern `{ body, query: q }` to what
  // `req.body`, `req.query` are: data where the sources say so, clean
  // otherwise.
  void bind_request_fields(span pattern, int line, frame& fr) {
    std::uint32_t close = matching(*pattern.toks, pattern.b, pattern.e);
    for (span item : split(span{pattern.toks, pattern.b + 1, std::min(close, pattern.e)}, ",")) {
      if (item.empty() || item[item.b].kind != tok::name) continue;  // `...rest`, nested patterns
      std::string key(item[item.b].text);
      std::string local = key;
      if (item.e > item.b + 2 && is(item[item.b + 1], ":") && item[item.b + 2].kind == tok::name) {
        local = std::string(item[item.b + 2].text);
      }
      value v;
      std::string path = "req." + key;
      int k = matches_.source(path);
      if (k >= 0) {
        v.t.src = true;
        v.t.object = ls_.sources[k].object;
        v.t.o = {path, line, ls_.sources[k].request};
      }
      fr.vars[local] = v;
    }
  }

  // The module's imports (and JavaScript `require`s): the aliases its
  // functions' paths need when only their summaries are wanted.
  void bind_imports(frame& module) {
    for (const stmt& s : top_) {
      if (s.kind != stmt_kind::simple || s.head.empty()) continue;
      const token& first = s.head[s.head.b];
      bool import = is(first, "import") || (py_ && is(first, "from"));
      bool require = false;
      if (!py_ && !java_ && (is(first, "const") || is(first, "let") || is(first, "var"))) {
        for (std::uint32_t i = s.head.b; i < s.head.e && !require; ++i) require = is(s.head[i], "require");
      }
      if (import || require) exec_simple(s.head, module);
    }
  }

  // A summary of this file as other files apply it: every step names its file.
  remote_summary exported(const function_info& fi, const summary& sum) const {
    remote_summary r;
    r.params = fi.params;
    if (sum.ret_of) {
      const instance& in = instances_[sum.ret_of - 1];
      r.ret_class = in.path;
      r.ret_class_declared = in.declared;
      r.ret_class_scope = in.scope;
    }
    r.ret_params = sum.ret.params;
    r.ret_sanitized = sum.ret.any() ? sum.ret.sanitized : 0;
    if (sum.ret.src) {
      r.ret_source = true;
      r.ret_request = sum.ret.o.request;
      r.source_text = sum.ret.o.text;
      r.source_line = sum.ret.o.line;
      r.source_file = sum.ret.o.file.empty() ? file_.path : sum.ret.o.file;
    }
    for (const sink_hit& h : sum.hits) {
      remote_hit x;
      x.params = h.params;
      x.sanitized = h.sanitized;
      x.cls = h.cls;
      x.sink = h.sink;
      if (h.path.empty()) x.steps.push_back({h.line, "sink: " + h.sink + via_text(h.via), file_.path});
      for (flow_step step : h.path) {
        if (step.file.empty()) step.file = file_.path;
        x.steps.push_back(std::move(step));
      }
      if (std::find(r.hits.begin(), r.hits.end(), x) == r.hits.end()) r.hits.push_back(std::move(x));
    }
    return r;
  }

  summary& summary_of(function_info& fi) {
    summary& sum = fi.sum;
    if (sum.done || sum.computing || summary_depth_ >= kMaxSummaryDepth) return sum;
    sum.computing = true;
    ++summary_depth_;
    frame fr;
    fr.summary_mode = true;
    fr.function = fi.s->name;
    fr.constant_route = constant_route(*fi.s);
    std::vector<sink_hit> hits;
    fr.hits = &hits;
    param_type_scope types(*this, *fi.s);
    class_scope cls(*this, *fi.s);
    const std::vector<span> spans = param_spans(fi.s->head);
    for (std::size_t i = 0; i < fi.params.size() && i < 64; ++i) {
      if (fi.params[i].empty()) continue;
      value v;
      v.t.params = 1ull << i;
      v.t.o = {"parameter `" + fi.params[i] + "`", fi.s->line, true};
      if (spans.size() == fi.params.size()) v.of = param_type(spans[i]);
      fr.vars[fi.params[i]] = v;
    }
    if (fi.s->expression_body) {
      value v = eval(fi.s->body_expr, fr, 0);
      fr.ret = v.t;
      fr.ret_of = v.of;
    } else {
      exec_block(fi.s->body, fr, 1);
    }
    --summary_depth_;
    sum.ret = fr.ret;
    sum.ret_of = fr.ret_of ? fr.ret_of : declared_return(*fi.s);
    sum.hits = std::move(hits);
    sum.computing = false;
    sum.done = true;
    return sum;
  }

  // ------------------------------------------------------------ statements

  void exec_block(const std::vector<stmt>& block, frame& fr, int depth = 0) {
    if (depth > kMaxNesting) return;
    level active(*this);
    if (aborted_) return;
    if (!block.empty()) ran_.insert(&block);
    for (const stmt& s : block) {
      if (aborted_) return;
      exec(s, fr, depth);
    }
  }

  void exec(const stmt& s, frame& fr, int depth) {
    switch (s.kind) {
      case stmt_kind::simple:
        exec_simple(s.head, fr);
        break;
      case stmt_kind::ret: {
        value v = eval(s.head, fr, 0);
        fr.ret = join(fr.ret, v.t);
        fr.ret_of = !fr.returned || fr.ret_of == v.of ? v.of : 0;
        fr.returned = true;
        bool literal = !s.head.empty() && (is(s.head[s.head.b], "{") || is(s.head[s.head.b], "["));
        if (fr.html_handler && ls_.html_return_class >= 0 && !literal) {
          check_sink(ls_.html_return_class, v.t, "the HTML response of `" + std::string(fr.function) + "`", s.line,
                     fr);
        }
        break;
      }
      case stmt_kind::if_: {
        eval(s.head, fr, 0);
        std::optional<bool> c = fold_cond(s.head, fr);
        if (c == true) {
          exec_block(s.body, fr, depth + 1);
          skipped_.insert(&s.orelse);
        } else if (c == false) {
          exec_block(s.orelse, fr, depth + 1);
          skipped_.insert(&s.body);
        } else {
          env before = fr.vars;
          checked_in_branch(s.head, fr);
          exec_block(s.body, fr, depth + 1);
          env then = std::move(fr.vars);
          fr.vars = std::move(before);
          exec_block(s.orelse, fr, depth + 1);
          // A branch that always leaves (return, raise) does not flow on;
          // when it is taken on a failed check, what it checked is clean after.
          if (exits(s.body)) {
            if (is_check(s.head)) sanitize_names(s.head, fr);
          } else if (!exits(s.orelse)) {
            fr.vars = join(then, fr.vars);
          } else {
            fr.vars = std::move(then);
          }
        }
        break;
      }
      case stmt_kind::loop:
        exec_loop(s, fr, depth);
        break;
      case stmt_kind::switch_:
        exec_switch(s, fr, depth);
        break;
      case stmt_kind::try_: {
        env before = fr.vars;
        exec_block(s.body, fr, depth + 1);
        exec_block(s.orelse, fr, depth + 1);
        env ok = fr.vars;
        env start = join(before, ok);
        env out = ok;
        for (const auto& h : s.handlers) {
          fr.vars = start;
          exec_block(h, fr, depth + 1);
          if (!exits(h)) out = join(out, fr.vars);  // a handler that returns or raises does not flow on
        }
        fr.vars = std::move(out);
        exec_block(s.final_body, fr, depth + 1);
        break;
      }
      case stmt_kind::with_:
        for (span item : split(s.head, ",")) {
          auto as = top_level(item, [](const token& t) { return is(t, "as"); });
          if (as.empty()) {
            eval(item, fr, 0);
          } else {
            value v = eval(span{item.toks, item.b, as[0]}, fr, 0);
            assign(span{item.toks, as[0] + 1, item.e}, v, {}, fr);
          }
        }
        exec_block(s.body, fr, depth + 1);
        break;
      case stmt_kind::func:
        if (!s.name.empty() && !s.exported) fr.vars.erase(std::string(s.name));
        if (!fr.summary_mode) analyze_function(s, fr.vars, depth);
        break;
      case stmt_kind::class_:
        if (!fr.summary_mode) {
          frame body;
          body.vars = fr.vars;
          exec_block(s.body, body, depth + 1);
        }
        break;
      case stmt_kind::block:
        if (!s.head.empty()) eval(s.head, fr, 0);
        exec_block(s.body, fr, depth + 1);
        break;
    }
  }

  // A constant's spelling as a case label compares: 'A' / digits.
  static std::optional<std::string> const_spelling(const value& v) {
    if (v.t.any()) return std::nullopt;
    if (v.str) return "'" + *v.str + "'";
    if (v.num) return std::to_string(*v.num);
    return std::nullopt;
  }

  // switch / match: with a constant discriminant and constant labels, only
  // the matching case (or the default) runs and the others are dead;
  // otherwise every case runs from the same state and the results join
  // (with the state before, when there is no default).
  void exec_switch(const stmt& s, frame& fr, int depth) {
    value d = eval(s.head, fr, 0);
    std::optional<std::string> key = const_spelling(d);
    std::optional<std::size_t> pick;
    bool decidable = key.has_value();
    std::optional<std::size_t> fallback;
    for (std::size_t c = 0; c < s.handlers.size() && decidable; ++c) {
      if (s.case_labels[c].empty()) {
        if (!fallback) fallback = c;
        continue;
      }
      for (const span& l : s.case_labels[c]) {
        auto lk = const_key(l);
        if (!lk) {
          decidable = false;
          break;
        }
        if (*lk == *key && !pick) pick = c;
      }
    }
    if (decidable) {
      if (!pick) pick = fallback;
      for (std::size_t c = 0; c < s.handlers.size(); ++c) {
        if (pick && c == *pick) exec_block(s.handlers[c], fr, depth + 1);
        else skipped_.insert(&s.handlers[c]);
      }
      return;
    }
    env before = fr.vars;
    env out = before;
    bool first = true, has_default = false;
    for (std::size_t c = 0; c < s.handlers.size(); ++c) {
      has_default = has_default || s.case_labels[c].empty();
      fr.vars = before;
      exec_block(s.handlers[c], fr, depth + 1);
      if (exits(s.handlers[c])) continue;
      out = first ? fr.vars : join(out, fr.vars);
      first = false;
    }
    fr.vars = (has_default || first) ? (first ? before : out) : join(out, before);
  }

  static bool exits(const std::vector<stmt>& block) {
    if (block.empty()) return false;
    const stmt& last = block.back();
    if (last.kind == stmt_kind::ret) return true;
    if (last.kind == stmt_kind::simple && !last.head.empty()) {
      const token& t = last.head[last.head.b];
      return is(t, "raise") || is(t, "throw") || is(t, "abort") || is(t, "exit") || is(t, "sys");
    }
    return false;
  }

  // A validation: a membership, prefix or pattern test, or a comparison
  // against a non-empty literal — not a mere emptiness or None check.
  bool is_check(span c) const {
    bool test = false, literal = false;
    for (std::uint32_t i = c.b; i < c.e; ++i) {
      const token& t = c[i];
      if (is(t, "in") || is(t, "==") || is(t, "!=") || is(t, "===") || is(t, "!==") || is(t, "includes") ||
          is(t, "indexOf") || is(t, "test") || is(t, "include?") || is(t, "member?") || is(t, "in?")) {
        test = true;
      }
      if (is(t, "startswith") || is(t, "endswith") || is(t, "startsWith") || is(t, "endsWith") ||
          is(t, "match") || is(t, "fullmatch") || is(t, "search") || is(t, "isalnum") || is(t, "isdigit") ||
          is(t, "isidentifier") || is(t, "start_with?") || is(t, "end_with?") || is(t, "match?")) {
        test = literal = true;
      }
      // A literal compared against, not "" or '', nor the constant key of a subscript (x['id'] == y).
      bool key = i > c.b && is(c[i - 1], "[") && i + 1 < c.e && is(c[i + 1], "]");
      if (t.kind == tok::string && t.text.size() > 2 && !key) literal = true;
      bool subscript = i > c.b && ((c[i - 1].kind == tok::name && !is(c[i - 1], "in")) || is(c[i - 1], ")") ||
                                   is(c[i - 1], "]"));
      if (is(t, "[") && !subscript) literal = true;
    }
    return test && literal;
  }

  // The names a failed check left clean; a checked attribute of a value
  // parsed from one variable (`u = urlparse(x)`, then `u.netloc`) checks
  // that variable too.
  void sanitize_names(span c, frame& fr) {
    auto clean = [&](const std::string& name) {
      auto it = fr.vars.find(name);
      if (it != fr.vars.end() && it->second.t.any()) it->second.t.sanitized = ~0u;
    };
    for (std::uint32_t i = c.b; i < c.e; ++i) {
      if (c[i].kind != tok::name || (i > c.b && (is(c[i - 1], ".") || is(c[i - 1], "?.")))) continue;
      std::string name(c[i].text);
      clean(name);
      auto d = fr.parsed_from.find(name);
      if (d != fr.parsed_from.end() && i + 1 < c.e && is(c[i + 1], ".")) clean(d->second);
    }
  }

  void exec_loop(const stmt& s, frame& fr, int depth) {
    span target{}, iter{};
    if (s.loop == loop_form::py_for || s.loop == loop_form::js_for_in_of) {
      auto in = top_level(s.head, [&](const token& t) {
        return go_ ? is(t, "range") : php_ ? is(t, "as") : is(t, "in") || is(t, "of") || (java_ && is(t, ":"));
      });
      if (php_ && !in.empty()) {  // `xs as $v`, `xs as $k => $v`: the value is bound
        iter = span{s.head.toks, s.head.b, in[0]};
        target = span{s.head.toks, in[0] + 1, s.head.e};
        auto arrow = top_level(target, [](const token& t) { return is(t, "=>"); });
        if (!arrow.empty()) target.b = arrow[0] + 1;
      } else if (!in.empty()) {
        target = span{s.head.toks, s.head.b, in[0]};
        iter = span{s.head.toks, in[0] + 1, s.head.e};
        if (java_) target = java_declared(target);
        if (go_ && !target.empty() && is(target[target.e - 1], "=")) --target.e;  // `k, v := range xs`
      }
    }
    std::vector<span> c_parts;
    if (s.loop == loop_form::c_for) {
      c_parts = split(s.head, ";");
      exec_simple(c_parts[0], fr);
    }
    if (s.loop == loop_form::while_ && fold_cond(s.head, fr) == false) {
      skipped_.insert(&s.body);
      return;
    }
    value items = iter.toks ? eval(iter, fr, 0) : value{};
    env before = fr.vars;
    for (int pass = 0; pass < 2 && !aborted_; ++pass) {
      if (target.toks) assign(target, items, {}, fr);
      if (s.loop == loop_form::while_) eval(s.head, fr, 0);
      if (c_parts.size() > 1) eval(c_parts[1], fr, 0);
      exec_block(s.body, fr, depth + 1);
      if (c_parts.size() > 2) exec_simple(c_parts[2], fr);
      fr.vars = join(before, fr.vars);
    }
  }

  void import_aliases(span s) {
    // Python: import a.b as c | from m import x as y, z
    if (py_) {
      std::uint32_t i = s.b;
      std::string module;
      if (is(s[i], "from")) {
        ++i;
        while (i < s.e && !is(s[i], "import")) module += s[i++].text;
        ++i;
      } else {
        ++i;
      }
      span rest{s.toks, i, s.e};
      for (span item : split(rest, ",")) {
        std::string dotted;
        std::string alias;
        bool after_as = false;
        for (std::uint32_t k = item.b; k < item.e; ++k) {
          if (is(item[k], "(") || is(item[k], ")")) continue;
          if (is(item[k], "as")) {
            after_as = true;
            continue;
          }
          (after_as ? alias : dotted) += item[k].text;
        }
        if (dotted.empty() || dotted == "*") continue;
        // `from . import m` names ".m", as `from .m import f` names ".m.f".
        std::string full = module.empty() ? dotted : module.back() == '.' ? module + dotted : module + "." + dotted;
        if (!alias.empty()) {
          aliases_[alias] = full;
        } else if (!module.empty()) {
          aliases_[dotted] = full;
        }
      }
      return;
    }
    // JS: import x from 'm' | import * as x from 'm' | import { a, b as c } from 'm'
    std::uint32_t from = s.e;
    for (std::uint32_t i = s.b; i < s.e; ++i) {
      if (is(s[i], "from")) from = i;
    }
    if (from + 1 >= s.e || s[from + 1].kind != tok::string) return;
    std::string module = *const_key(span{s.toks, from + 1, from + 2});
    module = module.substr(1, module.size() - 2);
    if (module.rfind("node:", 0) == 0) module = module.substr(5);
    for (std::uint32_t i = s.b + 1; i < from; ++i) {
      if (is(s[i], "{")) {
        std::uint32_t close = matching(*s.toks, i, from);
        for (span item : split(span{s.toks, i + 1, close}, ",")) {
          if (item.empty() || item[item.b].kind != tok::name) continue;
          std::string name(item[item.b].text);
          std::string alias = item.e - item.b >= 3 ? std::string(item[item.b + 2].text) : name;
          aliases_[alias] = module + "." + name;
        }
        i = close;
      } else if (is(s[i], "as") && i + 1 < from) {
        aliases_[std::string(s[i + 1].text)] = module;
        ++i;
      } else if (s[i].kind == tok::name && s[i].text != "type") {
        aliases_[std::string(s[i].text)] = module;
      }
    }
  }

  // `const x = require('m')`, `const { a, b: c } = require('m').sub`: aliases.
  bool require_aliases(span target, span rhs) {
    if (rhs.e < rhs.b + 4 || !is(rhs[rhs.b], "require") || !is(rhs[rhs.b + 1], "(") ||
        rhs[rhs.b + 2].kind != tok::string || !is(rhs[rhs.b + 3], ")")) {
      return false;
    }
    std::string module = const_key(span{rhs.toks, rhs.b + 2, rhs.b + 3}).value_or("''");
    module = module.substr(1, module.size() - 2);
    if (module.rfind("node:", 0) == 0) module = module.substr(5);
    for (std::uint32_t i = rhs.b + 4; i + 1 < rhs.e; i += 2) {
      if (!is(rhs[i], ".")) return false;
      module += "." + std::string(rhs[i + 1].text);
    }
    if (target.e == target.b + 1 && target[target.b].kind == tok::name) {
      aliases_[std::string(target[target.b].text)] = module;
      return true;
    }
    if (!target.empty() && is(target[target.b], "{")) {
      std::uint32_t close = matching(*target.toks, target.b, target.e);
      for (span item : split(span{target.toks, target.b + 1, close}, ",")) {
        if (item.empty() || item[item.b].kind != tok::name) continue;
        std::string name(item[item.b].text);
        std::string alias = item.e - item.b >= 3 && is(item[item.b + 1], ":") ? std::string(item[item.b + 2].text) : name;
        aliases_[alias] = module + "." + name;
      }
      return true;
    }
    return false;
  }

  bool is_assign_op(const token& t) const {
    if (t.kind != tok::op || t.text.size() < 1 || t.text.back() != '=') return false;
    static constexpr std::string_view kNot[] = {"==", "!=", "<=", ">=", "===", "!=="};
    for (std::string_view n : kNot) {
      if (t.text == n) return false;
    }
    return true;
  }

  // A Java declaration's target `final Type<..>[] name` -> `name`; any
  // other target unchanged.
  static span java_declared(span t) {
    while (!t.empty() && (is(t[t.b], "final") || is(t[t.b], "var"))) ++t.b;
    if (t.e < t.b + 2 || t[t.e - 1].kind != tok::name) return t;
    const token& before = t[t.e - 2];
    if (before.kind == tok::name || is(before, ">") || is(before, ">>") || is(before, "]")) return span{t.toks, t.e - 1, t.e};
    return t;
  }

  // Java: `import a.b.C;` makes C stand for a.b.C.
  void java_import(span s) {
    std::string dotted;
    for (std::uint32_t i = s.b + 1; i < s.e; ++i) {
      if (is(s[i], "static")) continue;
      dotted += s[i].text;
    }
    std::size_t dot = dotted.rfind('.');
    if (dot == std::string::npos || dotted.back() == '*') return;
    aliases_[dotted.substr(dot + 1)] = dotted;
  }

  // Java: `T out = a.b().c();` — a name bound to a call chain's result
  // stands for that chain in sink and source paths (`out.println` is
  // `a.b().c().println`), as an import alias does. Only plain chains of
  // names, dots and calls (after an optional `new`), of a clean value that
  // is no source.
  void path_alias(span target, span rhs, const value& v) {
    if (target.e != target.b + 1 || target[target.b].kind != tok::name || rhs.empty() || v.t.any()) return;
    std::uint32_t i = rhs.b;
    if (is(rhs[i], "new")) ++i;
    std::string path;
    bool call = false;
    while (i < rhs.e) {
      const token& t = rhs[i];
      if (t.kind == tok::name && (path.empty() || path.back() == '.')) {
        path += t.text;
        ++i;
      } else if (is(t, ".") && !path.empty()) {
        path += '.';
        ++i;
      } else if (is(t, "(") && !path.empty()) {
        std::uint32_t close = matching(*rhs.toks, i, rhs.e);
        if (close >= rhs.e) return;
        path += "()";
        call = true;
        i = close + 1;
      } else {
        return;
      }
    }
    if (!call || path.back() != ')') return;
    path = canonical(path);
    if (matches_.source(path) >= 0) return;
    aliases_[std::string(target[target.b].text)] = path;
  }

  // JavaScript: `const p = new expat.Parser()` — an instance of a class of
  // a package (its name a require or import alias of a module that is no
  // project file) stands for `node-expat.Parser()`, so the package's
  // methods called on it (`p.parse(x)`) are sinks as written on the class.
  // Project classes keep their cross-file instance handling.
  void js_instance_alias(span target, span rhs, const value& v) {
    if (rhs.e < rhs.b + 2 || !is(rhs[rhs.b], "new") || rhs[rhs.b + 1].kind != tok::name) return;
    auto it = aliases_.find(std::string(rhs[rhs.b + 1].text));
    if (it == aliases_.end() || it->second.empty() || it->second[0] == '.' || it->second[0] == '/') return;
    path_alias(target, rhs, v);
  }

  void exec_simple(span s, frame& fr) {
    if (s.empty()) return;
    const token& first = s[s.b];
    if (java_ && is(first, "import")) return java_import(s);
    if (java_) {
      // `Type name;`: a declaration without a value is a fresh, clean variable.
      span d = java_declared(s);
      if (d.e == d.b + 1 && d.b > s.b) {
        std::string name(d[d.b].text);
        erase_members(name, fr);
        value v;
        v.of = declared_of(java_type(s, d));
        fr.vars[name] = v;
        return;
      }
    }
    if (py_ && (is(first, "import") || is(first, "from"))) return import_aliases(s);
    if (!py_ && is(first, "import") && !(s.e > s.b + 1 && is(s[s.b + 1], "("))) return import_aliases(s);
    if (py_ && (is(first, "global") || is(first, "nonlocal") || is(first, "pass") || is(first, "del"))) return;
    if (is(first, "raise") || is(first, "throw") || is(first, "assert") || is(first, "await") || is(first, "yield")) {
      eval(span{s.toks, s.b + 1, s.e}, fr, 0);
      return;
    }
    bool decl = !py_ && (is(first, "const") || is(first, "let") || is(first, "var"));
    if (decl) {
      for (span d : split(span{s.toks, s.b + 1, s.e}, ",")) {
        auto eq = top_level(d, [](const token& t) { return is(t, "="); });
        if (eq.empty()) {
          if (!d.empty() && d[d.b].kind == tok::name) fr.vars[std::string(d[d.b].text)] = value{};
          continue;
        }
        span target{d.toks, d.b, eq[0]}, rhs{d.toks, eq[0] + 1, d.e};
        if (go_ && target.e > target.b + 1) target.e = target.b + 1;  // Go `var x T = v`
        if (require_aliases(target, rhs)) continue;
        value v = eval(rhs, fr, 0);
        v.num = fold_num(rhs, fr);
        if (!go_ && !php_ && !ruby_ && !java_) js_instance_alias(target, rhs, v);
        assign(target, v, rhs, fr);
      }
      return;
    }
    auto ops = top_level(s, [&](const token& t) { return is_assign_op(t); });
    if (ops.empty()) {
      eval(s, fr, 0);
      return;
    }
    std::uint32_t last = ops.back();
    span rhs{s.toks, last + 1, s.e};
    const token& op = s[last];
    if (!py_ && !java_ && ops.size() == 1 && require_aliases(span{s.toks, s.b, last}, rhs)) return;
    value v = eval(rhs, fr, 0);
    if (op.text == "=") {
      v.num = fold_num(rhs, fr);
      std::uint32_t start = s.b;
      for (std::uint32_t o : ops) {
        span target{s.toks, start, o};
        std::uint32_t type = 0;  // Java `T x = v`: x is a T (v's own class when it is known)
        if (java_) {
          span declared = java_declared(target);
          if (declared.b > target.b && declared.e == declared.b + 1) type = declared_of(java_type(target, declared));
          target = declared;
          if (ops.size() == 1) path_alias(target, rhs, v);
        }
        assign(target, v, ops.size() == 1 ? rhs : span{}, fr);
        if (type) {
          auto it = fr.vars.find(std::string(target[target.b].text));
          if (it != fr.vars.end() && !it->second.of) it->second.of = type;
        }
        note_parse(target, ops.size() == 1 ? rhs : span{}, fr);
        start = o + 1;
      }
    } else {
      span target{s.toks, s.b, last};
      value old = eval(target, fr, 0);
      value nv;
      nv.t = join(old.t, v.t);
      if (old.num && v.num) {
        if (op.text == "+=") nv.num = *old.num + *v.num;
      }
      assign(target, nv, {}, fr);
    }
  }

  // Remembers `x = a.b.f(y)` (one bare name as the only argument) in
  // fr.parsed_from; any other assignment to x forgets it.
  void note_parse(span target, span rhs, frame& fr) {
    if (target.e != target.b + 1 || target[target.b].kind != tok::name) return;
    std::string x(target[target.b].text);
    fr.parsed_from.erase(x);
    if (rhs.e < rhs.b + 4 || !is(rhs[rhs.e - 1], ")") || !is(rhs[rhs.e - 3], "(") || rhs[rhs.e - 2].kind != tok::name) {
      return;
    }
    for (std::uint32_t i = rhs.b; i < rhs.e - 3; ++i) {
      if (rhs[i].kind != tok::name && !is(rhs[i], ".")) return;
    }
    fr.parsed_from[x] = std::string(rhs[rhs.e - 2].text);
  }

  // Binds `target` (a name, a member or subscript chain, or a tuple /
  // destructuring pattern) to `v`; `rhs` (when given) lets literal
  // elements be tracked one by one.
  void assign(span target, const value& v, span rhs, frame& fr) {
    if (target.empty()) return;
    // Python annotations (x: int = ...) and TS types (const x: T = ...).
    auto colon = top_level(target, [](const token& t) { return is(t, ":"); });
    if (!colon.empty() && !is(target[target.b], "{")) target.e = colon[0];
    if (target.empty()) return;
    // Tuples and patterns.
    bool bracketed = (is(target[target.b], "(") || is(target[target.b], "[") || is(target[target.b], "{")) &&
                     matching(*target.toks, target.b, target.e) == target.e - 1;
    auto commas = top_level(target, [](const token& t) { return is(t, ","); });
    if (!commas.empty() || bracketed) {
      span inner = bracketed ? span{target.toks, target.b + 1, target.e - 1} : target;
      bool object_pattern = bracketed && is(target[target.b], "{");
      std::vector<span> targets = split(inner, ",");
      std::vector<span> values;
      if (!rhs.empty()) {
        span r = rhs;
        if ((is(r[r.b], "(") || is(r[r.b], "[")) && matching(*r.toks, r.b, r.e) == r.e - 1) r = {r.toks, r.b + 1, r.e - 1};
        values = split(r, ",");
        if (values.size() != targets.size() || object_pattern) values.clear();
      }
      for (std::size_t k = 0; k < targets.size(); ++k) {
        span t = targets[k];
        while (!t.empty() && (is(t[t.b], "*") || is(t[t.b], "..."))) ++t.b;
        if (t.empty()) continue;
        if (object_pattern) {  // { a, b: c, d = 1 }
          auto c = top_level(t, [](const token& x) { return is(x, ":"); });
          if (!c.empty()) t.b = c[0] + 1;
          auto eq = top_level(t, [](const token& x) { return is(x, "="); });
          if (!eq.empty()) t.e = eq[0];
        }
        if (!values.empty()) {
          value ev = eval(values[k], fr, 0);
          ev.num = fold_num(values[k], fr);
          assign(t, ev, values[k], fr);
        } else {
          assign(t, v, {}, fr);
        }
      }
      return;
    }
    // A chain: name(.attr | [const])*
    std::string key, path;
    std::string base;
    bool container_store = false;
    bool pure = true;
    taint_val key_taint;  // a tainted subscript: session[user_input] = ...
    for (std::uint32_t i = target.b; i < target.e;) {
      const token& t = target[i];
      if (i == target.b && t.kind == tok::name) {
        base = key = std::string(t.text);
        path = canonical(key);
        ++i;
      } else if ((is(t, ".") || is(t, "?.")) && i + 1 < target.e && target[i + 1].kind == tok::name) {
        key += "." + std::string(target[i + 1].text);
        path += "." + std::string(target[i + 1].text);
        container_store = false;
        i += 2;
      } else if (is(t, "[")) {
        std::uint32_t close = matching(*target.toks, i, target.e);
        span inner{target.toks, i + 1, close};
        key_taint = join(key_taint, eval(inner, fr, 0).t);
        auto k = const_key(inner);
        if (k) key += "[" + *k + "]";
        else pure = false;
        path += "[]";
        container_store = true;
        i = close + 1;
      } else {
        pure = false;
        ++i;
      }
    }
    if (base.empty()) return;
    for (int k : matches_.assign_sinks(path)) {
      const sink_rule& sink = ls_.assign_sinks[k];
      if (sink.value && !RE2::PartialMatch(text_of(rhs), *sink.value)) continue;
      check_sink(sink.cls, join(v.t, key_taint), "`" + text_of(target) + "`", target[target.b].line, fr);
    }
    value stored = v;
    if (stored.t.any() && (stored.t.via.empty() || stored.t.via.back() != key) && stored.t.via.size() < kMaxVia &&
        pure) {
      stored.t.via.push_back(text_of(target));
    }
    if (key == base) {
      erase_members(key, fr);
      fr.vars[key] = stored;
      track_elements(key, rhs, fr);
      return;
    }
    if (pure) {
      erase_members(key, fr);
      fr.vars[key] = stored;
    }
    // A store into a container taints the container as a whole; a
    // member store does not (objects hold unrelated fields).
    if (container_store || !pure) {
      value& whole = fr.vars[base];
      whole.t = join(whole.t, stored.t);
      whole.num.reset();
    }
  }

  void erase_members(const std::string& key, frame& fr) {
    for (auto it = fr.vars.begin(); it != fr.vars.end();) {
      const std::string& k = it->first;
      if (k.size() > key.size() && k.compare(0, key.size(), key) == 0 && (k[key.size()] == '.' || k[key.size()] == '[')) {
        it = fr.vars.erase(it);
      } else {
        ++it;
      }
    }
  }

  // x = [a, b] / (a, b) / {'k': v}: remember x[0], x[1], x['k'].
  // Also the length of a new list (a list literal, Java `new ArrayList<>()`),
  // so append / add / pop / remove keep elements at known indices.
  void track_elements(const std::string& key, span rhs, frame& fr) {
    if (java_ && rhs.e >= rhs.b + 4 && is(rhs[rhs.b], "new") && is(rhs[rhs.e - 2], "(") && is(rhs[rhs.e - 1], ")")) {
      std::string_view type;
      for (std::uint32_t i = rhs.b + 1; i < rhs.e - 2 && !is(rhs[i], "<"); ++i) {
        if (rhs[i].kind == tok::name) type = rhs[i].text;
      }
      static constexpr std::string_view kLists[] = {"List", "Vector", "Deque", "Stack"};
      for (std::string_view l : kLists) {
        if (type.size() >= l.size() && type.substr(type.size() - l.size()) == l) fr.vars[length_key(key)].num = 0;
      }
      return;
    }
    if (rhs.empty() || !opens(rhs[rhs.b]) || matching(*rhs.toks, rhs.b, rhs.e) != rhs.e - 1) return;
    span inner{rhs.toks, rhs.b + 1, rhs.e - 1};
    if (!top_level(inner, [](const token& t) { return is(t, "for"); }).empty()) return;
    std::vector<span> items = inner.empty() ? std::vector<span>{} : split(inner, ",");
    bool dict = is(rhs[rhs.b], "{");
    if (!dict && items.size() < 64 &&
        std::none_of(items.begin(), items.end(), [](span it) {
          return it.empty() || is(it[it.b], "*") || is(it[it.b], "...");
        })) {
      fr.vars[length_key(key)].num = static_cast<long long>(items.size());
    }
    for (std::size_t k = 0; k < items.size() && k < 64; ++k) {
      span item = items[k];
      if (item.empty()) continue;
      if (dict) {
        auto c = top_level(item, [](const token& t) { return is(t, ":"); });
        if (c.empty()) continue;
        auto ck = const_key(span{item.toks, item.b, c[0]});
        if (!ck && !py_ && c[0] == item.b + 1 && item[item.b].kind == tok::name) ck = "'" + std::string(item[item.b].text) + "'";
        if (!ck) continue;
        value ev = eval(span{item.toks, c[0] + 1, item.e}, fr, 0);
        fr.vars[key + "[" + *ck + "]"] = ev;
        if (!py_) fr.vars[key + "." + ck->substr(1, ck->size() - 2)] = ev;
      } else if (!is(item[item.b], "*") && !is(item[item.b], "...")) {
        fr.vars[key + "[" + std::to_string(k) + "]"] = eval(item, fr, 0);
      }
    }
  }

  // ---------------------------------------------------------- expressions

  std::string canonical(const std::string& path) const {
    std::size_t dot = path.find_first_of(".([");
    std::string head = path.substr(0, dot);
    auto it = aliases_.find(head);
    if (it == aliases_.end()) return path;
    return dot == std::string::npos ? it->second : it->second + path.substr(dot);
  }

  bool step() {
    if (++steps_ > kMaxStepsPerFile) aborted_ = true;
    return !aborted_;
  }

  // One of the active levels kMaxActiveLevels bounds, for its scope.
  class level {
   public:
    explicit level(file_analyzer& a) : a_(a) {
      if (++a_.active_levels_ > kMaxActiveLevels) a_.aborted_ = true;
    }
    ~level() { --a_.active_levels_; }
    level(const level&) = delete;
    level& operator=(const level&) = delete;

   private:
    file_analyzer& a_;
  };

  // `c` ? `a` : `b` in either language: the branch a constant condition
  // picks, or both joined (and no longer a known number).
  value eval_conditional(span c, span a, span b, frame& fr, int depth) {
    eval(c, fr, depth + 1);
    std::optional<bool> cv = fold_cond(c, fr);
    if (cv == true) return eval(a, fr, depth + 1);
    if (cv == false) return eval(b, fr, depth + 1);
    value r = eval(a, fr, depth + 1);
    value other = eval(b, fr, depth + 1);
    // `x == 'a' ? x : 'b'`, `allowed.include?(x) ? x : 'name'`: the branch
    // a passed check of itself picks is checked.
    if (r.t.any() && checked_by(c, a, fr, depth)) r.t.sanitized = ~0u;
    r.t = join(r.t, other.t);
    r.num.reset();
    if (r.of != other.of) r.of = 0;
    return r;
  }

  // Whether `c`, when true, checks `x`: a positive check against literals
  // that names x (`x == 'a'`, `x.start_with?('/')`), or the whole of c is a
  // lookup of x in a clean collection (`allowed.include?(x)`,
  // `allowed.includes(x)`, `x in allowed`, `x.in?(allowed)`): what passes is
  // one of the collection's own elements.
  bool checked_by(span c, span x, frame& fr, int depth) {
    if (!holds(c, x)) return false;
    if (positive_check(c)) return true;
    span coll{}, looked_up{};
    if (!lookup(c, coll, looked_up)) return false;
    if (looked_up.e - looked_up.b != x.e - x.b || !holds(looked_up, x)) return false;
    return !eval(coll, fr, depth + 1).t.any();
  }

  // Whether the whole of `c` is a lookup of `looked_up` in `coll`
  // (`coll.include?(x)`, `coll.includes(x)`, `x in coll`, `x.in?(coll)`),
  // not negated.
  bool lookup(span c, span& coll, span& looked_up) const {
    for (std::uint32_t i = c.b; i < c.e; ++i) {
      if (is(c[i], "!") || is(c[i], "not")) return false;
    }
    auto ins = top_level(c, [](const token& t) { return is(t, "in"); });
    if (ins.size() == 1 && ins[0] > c.b && !is(c[ins[0] - 1], "not")) {
      looked_up = span{c.toks, c.b, ins[0]};
      coll = span{c.toks, ins[0] + 1, c.e};
    } else if (c.e - c.b >= 5 && is(c[c.e - 1], ")")) {
      // `a . include? ( b )` as the whole condition: the call's `(` closes at c's end.
      for (std::uint32_t i = c.b + 1; i + 2 < c.e; ++i) {
        if (!is(c[i], ".") || !is(c[i + 2], "(") || matching(*c.toks, i + 2, c.e) != c.e - 1) continue;
        span before{c.toks, c.b, i}, inside{c.toks, i + 3, c.e - 1};
        const token& m = c[i + 1];
        if (is(m, "include?") || is(m, "includes") || is(m, "member?")) coll = before, looked_up = inside;
        else if (is(m, "in?")) coll = inside, looked_up = before;
        break;
      }
    }
    return !coll.empty() && !looked_up.empty();
  }

  // `if allowed.include?(x)`, `if x in allowed` with a clean collection:
  // inside the branch the variable x is one of its elements.
  void checked_in_branch(span c, frame& fr) {
    span coll{}, looked_up{};
    if (!lookup(c, coll, looked_up) || looked_up.e - looked_up.b != 1 || looked_up[looked_up.b].kind != tok::name) return;
    auto it = fr.vars.find(std::string(looked_up[looked_up.b].text));
    if (it != fr.vars.end() && it->second.t.any() && !eval(coll, fr, 1).t.any()) it->second.t.sanitized = ~0u;
  }

  // A check (is_check) that holds when it passes: no negation or inequality in it.
  bool positive_check(span c) const {
    for (std::uint32_t i = c.b; i < c.e; ++i) {
      if (is(c[i], "!") || is(c[i], "!=") || is(c[i], "!==") || is(c[i], "not")) return false;
    }
    return is_check(c);
  }

  // `c` has the tokens of `x` in a row.
  static bool holds(span c, span x) {
    const std::uint32_t n = x.e - x.b;
    if (n == 0 || c.e - c.b < n) return false;
    for (std::uint32_t i = c.b; i + n <= c.e; ++i) {
      std::uint32_t k = 0;
      while (k < n && c[i + k].kind == x[x.b + k].kind && text_is(c[i + k].text, x[x.b + k].text)) ++k;
      if (k == n) return true;
    }
    return false;
  }

  value eval(span s, frame& fr, int depth) {
    if (s.empty() || !step() || depth > kMaxEvalDepth) return {};
    level active(*this);
    if (aborted_) return {};
    const auto kw = [](std::string_view k) { return [k](const token& t) { return is(t, k); }; };
    // Ternaries: A if C else B (Python), C ? A : B (JS).
    if (py_) {
      auto ifs = top_level(s, kw("if"));
      auto lambdas = top_level(s, kw("lambda"));
      if (!ifs.empty() && ifs[0] > s.b && (lambdas.empty() || lambdas[0] > ifs[0])) {
        auto elses = top_level(span{s.toks, ifs[0], s.e}, kw("else"));
        if (!elses.empty()) {
          span a{s.toks, s.b, ifs[0]}, c{s.toks, ifs[0] + 1, elses[0]}, b{s.toks, elses[0] + 1, s.e};
          return eval_conditional(c, a, b, fr, depth);
        }
      }
    } else {
      auto q = top_level(s, kw("?"));
      if (!q.empty()) {
        int nested = 0;
        std::uint32_t colon = 0;
        for (std::uint32_t i : top_level(span{s.toks, q[0] + 1, s.e}, [](const token& t) { return is(t, "?") || is(t, ":"); })) {
          if (is(s[i], "?")) ++nested;
          else if (nested-- == 0) {
            colon = i;
            break;
          }
        }
        if (colon) {
          span c{s.toks, s.b, q[0]}, a{s.toks, q[0] + 1, colon}, b{s.toks, colon + 1, s.e};
          return eval_conditional(c, a, b, fr, depth);
        }
      }
    }
    // Comprehensions: bind the loop variables, then the element.
    if (py_) {
      auto fors = top_level(s, kw("for"));
      if (!fors.empty() && fors[0] > s.b) return comprehension(s, fors, fr, depth);
    }
    // Comparisons and negations yield booleans: clean.
    auto bools = top_level(s, [&](const token& t) {
      if (t.kind == tok::op) {
        return t.text == "==" || t.text == "!=" || t.text == "===" || t.text == "!==" || t.text == "<" ||
               t.text == ">" || t.text == "<=" || t.text == ">=";
      }
      return t.kind == tok::name && (t.text == "in" || t.text == "is" || t.text == "instanceof" ||
                                     (py_ && t.text == "not"));
    });
    if (java_ && !bools.empty()) {
      auto generic = generic_brackets(s);
      bools.erase(std::remove_if(bools.begin(), bools.end(), [&](std::uint32_t i) { return generic.count(i) > 0; }),
                  bools.end());
    }
    bool negated = !py_ && is(s[s.b], "!");
    value r = operands(s, fr, depth);
    if (!bools.empty() || negated) return value{};
    return r;
  }

  value comprehension(span s, const std::vector<std::uint32_t>& fors, frame& fr, int depth) {
    env saved = fr.vars;
    for (std::size_t k = 0; k < fors.size(); ++k) {
      std::uint32_t end = k + 1 < fors.size() ? fors[k + 1] : s.e;
      span clause{s.toks, fors[k] + 1, end};
      auto in = top_level(clause, [](const token& t) { return is(t, "in"); });
      if (in.empty()) continue;
      auto ifs = top_level(span{s.toks, in[0] + 1, end}, [](const token& t) { return is(t, "if"); });
      span iter{s.toks, in[0] + 1, ifs.empty() ? end : ifs[0]};
      assign(span{s.toks, clause.b, in[0]}, eval(iter, fr, depth + 1), {}, fr);
    }
    value r = eval(span{s.toks, s.b, fors[0]}, fr, depth + 1);
    fr.vars = std::move(saved);
    return r;
  }

  value operands(span s, frame& fr, int depth) {
    value acc;
    bool fixed_origin = false;  // the first operand fixes a URL's origin (origin_prefix)
    std::uint32_t i = s.b;
    int count = 0;
    while (i < s.e && !aborted_) {
      const token& t = s[i];
      if (php_ && is_php_numeric_cast(t) && i + 1 < s.e) {  // (int) $x: a number, clean
        value ignored;
        i = chain(s, i + 1, fr, depth, ignored);
        continue;
      }
      if (t.kind == tok::op && !opens(t)) {
        ++i;
        continue;
      }
      if (t.kind == tok::name) {
        std::string_view k = t.text;
        if (py_ && (k == "not" || k == "and" || k == "or" || k == "await" || k == "None" || k == "True" ||
                    k == "False" || k == "yield" || k == "from" || k == "is" || k == "in" || k == "async")) {
          ++i;
          continue;
        }
        if (py_ && k == "lambda") {
          auto c = top_level(span{s.toks, i, s.e}, [](const token& x) { return is(x, ":"); });
          i = c.empty() ? s.e : c[0] + 1;
          continue;
        }
        if (!py_ && (k == "new" || k == "await" || k == "void" || k == "delete" || k == "null" || k == "undefined" ||
                     k == "true" || k == "false" || k == "in" || k == "instanceof" || k == "as" || k == "yield")) {
          ++i;
          continue;
        }
        if (!py_ && k == "typeof") {
          value ignored;
          i = chain(s, i + 1, fr, depth, ignored);
          continue;
        }
      }
      if (java_ && is(t, "(")) {
        // A cast `(a.b.Type<T>[]) x` is not an operand of its own.
        std::uint32_t close = matching(*s.toks, i, s.e);
        bool type = close > i + 1 && close + 1 < s.e;
        for (std::uint32_t k = i + 1; k < close && type; ++k) {
          const token& x = s[k];
          type = x.kind == tok::name || is(x, ".") || is(x, "<") || is(x, ">") || is(x, ",") || is(x, "[") ||
                 is(x, "]") || is(x, "?");
        }
        if (type) {
          const token& n = s[close + 1];
          type = n.kind == tok::name || n.kind == tok::string || n.kind == tok::number || is(n, "(");
        }
        if (type) {
          i = close + 1;
          continue;
        }
      }
      if (!py_ && !java_ && (!php_ || is(t, "function"))) {
        stmt fn;
        std::uint32_t end = go_ ? go_function_literal(*s.toks, i, s.e, fn, depth)
                                : js_function_expression(*s.toks, i, s.e, fn, depth, php_);
        if (end > i) {
          if (!fr.summary_mode) {
            // Inline functions (callbacks) are analysed where they appear, with the current scope.
            inline_functions_.push_back(std::make_unique<stmt>(std::move(fn)));
            analyze_function(*inline_functions_.back(), fr.vars, depth + 1);
          }
          i = end;
          continue;
        }
      }
      value v;
      std::uint32_t next = chain(s, i, fr, depth, v);
      if (count == 0) fixed_origin = origin_prefix(s, i, next, v, fr);
      i = next > i ? next : i + 1;
      acc.t = join(acc.t, v.t);
      acc.num = v.num;
      acc.str = v.str;
      acc.of = v.of;
      ++count;
    }
    if (count != 1) {
      acc.num.reset();
      acc.str.reset();
      acc.of = 0;
    }
    if (fixed_origin && acc.t.any()) acc.t.sanitized |= spec_.fixed_origin_classes;
    return acc;
  }

  // Whether the operand s[b, e) with value `v` is a URL prefix fixing the
  // origin of the concatenation `s` it starts (taint_origin.h): a literal
  // or known constant, or a configured value (`configured`), followed by
  // `+`, in a span with no `||`, `&&`, `??` or `,` at its top level (there
  // the prefix need not start the result).
  bool origin_prefix(span s, std::uint32_t b, std::uint32_t e, const value& v, const frame& fr) const {
    if (e >= s.e || !is(s[e], "+")) return false;
    std::string head = v.str ? *v.str : (e == b + 1 ? string_head(s[b]) : std::string());
    if (!fixes_origin(head) && !configured(span{s.toks, b, e}, v, fr)) return false;
    return top_level(s, [](const token& t) {
             return is(t, "||") || is(t, "&&") || is(t, "??") || is(t, ",") || is(t, "or") || is(t, "and");
           }).empty();
  }

  // Whether the operand `s` with value `v` reads a configured value, the
  // base URL a deployment sets: a name chain (constant subscripts and
  // calls with literal arguments allowed: `os.getenv("API")`) that
  // configured_chain accepts, or a lone name bound nowhere in the function
  // or its scopes (a global the runtime or another file provides). Request
  // data and a parameter's value are not, whatever their names.
  bool configured(span s, const value& v, const frame& fr) const {
    if (v.t.any() && (!v.t.src || v.t.o.request)) return false;
    std::vector<std::string_view> names;
    for (std::uint32_t i = s.b; i < s.e;) {
      const token& t = s[i];
      if (t.kind == tok::name && (names.empty() || is(s[i - 1], "."))) {
        names.push_back(t.text);
        ++i;
      } else if (is(t, ".") && !names.empty()) {
        ++i;
      } else if ((is(t, "[") || is(t, "(")) && !names.empty()) {
        const std::uint32_t close = matching(*s.toks, i, s.e);
        if (close >= s.e) return false;
        for (std::uint32_t k = i + 1; k < close; ++k) {
          if (s[k].kind != tok::string && s[k].kind != tok::number && !is(s[k], ",")) return false;
        }
        i = close + 1;
      } else {
        return false;
      }
    }
    if (names.size() == 1 && s.e == s.b + 1 && !v.t.any() && !fr.vars.count(std::string(names[0]))) return true;
    return configured_chain(names);
  }

  // The value of a group's inside: dict and object literals count values only.
  value group(span inner, bool brace, frame& fr, int depth) {
    if (!brace) return eval(inner, fr, depth + 1);
    value acc;
    for (span item : split(inner, ",")) {
      if (item.empty()) continue;
      auto c = top_level(item, [](const token& t) { return is(t, ":"); });
      span val = c.empty() ? item : span{item.toks, c[0] + 1, item.e};
      if (!py_ && c.empty() && item.e > item.b + 1 && is(item[item.b + 1], "(")) continue;  // a method
      acc.t = join(acc.t, eval(val, fr, depth + 1).t);
    }
    return acc;
  }

  struct call_arg {
    std::string keyword;
    span expr;
    value v;
  };

  // Whether `args` are keyword arguments alone, or one hash literal.
  static bool keyword_call(const std::vector<call_arg>& args) {
    if (args.empty()) return false;
    if (args.size() == 1 && args[0].keyword.empty()) {
      const span& e = args[0].expr;
      return !e.empty() && is(e[e.b], "{") && matching(*e.toks, e.b, e.e) == e.e - 1;
    }
    return std::all_of(args.begin(), args.end(), [](const call_arg& a) { return !a.keyword.empty(); });
  }

  // A primary (name, literal, group) and its postfix chain from s[i].
  std::uint32_t chain(span s, std::uint32_t i, frame& fr, int depth, value& out) {
    const std::uint32_t start = i;
    const token& t = s[i];
    std::string key;   // env key while the chain is name(.attr|[const])*
    std::string path;  // canonical path for sources and sinks
    bool overlong = false;  // past kMaxPathBytes: the path names nothing from here on
    auto extend = [&](const std::string& piece) {
      overlong = overlong || path.size() + piece.size() > kMaxPathBytes;
      if (overlong) path.clear(); else path += piece;
    };
    value cur;
    value receiver;
    bool has_receiver = false;
    std::string receiver_key;
    bool from_source_here = false;
    bool fixed_route = false;
    std::vector<span> filled;  // the `&x` arguments of a filler call, bound to its value
    if (t.kind == tok::name) {
      key = std::string(t.text);
      path = canonical(key);
      if (java_) cur.of = member_of(key);  // a field, unless a variable of the method is named so
      auto it = fr.vars.find(key);
      if (it != fr.vars.end()) cur = it->second;
      ++i;
    } else if (t.kind == tok::string) {
      bool configured_head = false;  // the string starts with an expression reading a configured value
      for (std::uint32_t p = t.part_begin; p < t.part_end && p < lexed_->parts.size(); ++p) {
        const auto& part = lexed_->parts[p];
        const span ps{&part, 0, static_cast<std::uint32_t>(part.size())};
        value pv = eval(ps, fr, depth + 1);
        if (p == t.part_begin) configured_head = !ps.empty() && starts_with_expression(t) && configured(ps, pv, fr);
        cur.t = join(cur.t, pv.t);
      }
      if (cur.t.any() && (configured_head || fixes_origin(string_head(t)))) {
        cur.t.sanitized |= spec_.fixed_origin_classes;
      }
      path = "\"\"";
      cur.str = literal_text(t);
      ++i;
    } else if (t.kind == tok::number) {
      if (t.text.find_first_not_of("0123456789") == std::string_view::npos && t.text.size() < 18) {
        cur.num = std::stoll(std::string(t.text));
      }
      path = "0";
      ++i;
    } else if (opens(t)) {
      std::uint32_t close = matching(*s.toks, i, s.e);
      cur = group(span{s.toks, i + 1, close}, is(t, "{"), fr, depth);
      path = "()";
      i = close < s.e ? close + 1 : s.e;
    } else {
      return i + 1;
    }
    check_source(path, cur, from_source_here, fr);
    const int start_line = t.line;
    while (i < s.e && !aborted_) {
      const token& p = s[i];
      if ((is(p, ".") || is(p, "?.")) && i + 1 < s.e && s[i + 1].kind == tok::name) {
        if (cur.t.object) cur = value{};  // a member of the request object is data only if a source says so
        receiver = cur;
        // A source earlier in this chain is named where the chain ends; a receiver sink needs it now.
        if (from_source_here && receiver.t.src && receiver.t.o.text.empty()) {
          receiver.t.o.text = text_of(span{s.toks, start, i});
          receiver.t.o.line = start_line;
        }
        has_receiver = true;
        receiver_key = key;
        std::string attr(s[i + 1].text);
        extend("." + attr);
        cur.of = key == "self" || key == "this" ? member_of(attr) : 0;
        if (!key.empty()) {
          key += "." + attr;
          auto it = fr.vars.find(key);
          if (it != fr.vars.end()) cur = it->second;
        }
        cur.num.reset();
        cur.str.reset();
        i += 2;
      } else if (is(p, "?.") ) {
        ++i;
      } else if (is(p, "[") && !(p.nl_before && !py_)) {
        std::uint32_t close = matching(*s.toks, i, s.e);
        span inner{s.toks, i + 1, close};
        eval(inner, fr, depth + 1);
        auto k = const_key(inner);
        // A constant string indexed by a constant: its character.
        std::optional<std::string> ch;
        if (cur.str && !cur.t.any() && inner.e == inner.b + 1 && inner[inner.b].kind == tok::number) {
          std::size_t at = std::strtoull(std::string(inner[inner.b].text).c_str(), nullptr, 10);
          if (at < cur.str->size()) ch = cur.str->substr(at, 1);
        }
        cur.of = 0;
        if (!key.empty() && k) {
          key += "[" + *k + "]";
          auto it = fr.vars.find(key);
          if (it != fr.vars.end()) cur = it->second;
        } else {
          key.clear();
        }
        has_receiver = false;
        // PHP, Ruby: $_SERVER['REQUEST_URI'] and request.env['HTTP_HOST'] are input, ['DOCUMENT_ROOT'] is not.
        extend((php_ || ruby_) && k ? "[" + *k + "]" : "[]");
        cur.num.reset();
        cur.str = ch;
        i = close < s.e ? close + 1 : s.e;
      } else if (is(p, "(") && !(p.nl_before && !py_)) {
        std::uint32_t close = matching(*s.toks, i, s.e);
        std::vector<call_arg> args;
        if (close > i + 1) {
          for (span a : split(span{s.toks, i + 1, close}, ",")) {
            call_arg ca;
            if (a.e > a.b + 1 && a[a.b].kind == tok::name && is(a[a.b + 1], "=")) {
              ca.keyword = std::string(a[a.b].text);
              a.b += 2;
            }
            while (!a.empty() && (is(a[a.b], "*") || is(a[a.b], "**") || is(a[a.b], "..."))) ++a.b;
            ca.expr = a;
            ca.v = eval(a, fr, depth + 1);
            args.push_back(std::move(ca));
          }
        }
        // `new X(...)` makes an X: what a function X returns is not its value.
        const bool constructed = path.find("()") == std::string::npos && start > s.b && is(s[start - 1], "new");
        cur = call(path, s[i].line, has_receiver ? &receiver : nullptr, receiver_key, args, cur, fr, depth,
                   constructed);
        // `new Helper(...)`, Python's `Helper(...)`: an object of that class
        // (else what the call gave: a factory's object, or nothing).
        const bool plain = path.find_first_of("([") == std::string::npos;
        if (plain && (constructed || (py_ && class_like(path.substr(path.rfind('.') + 1))))) {
          cur.of = instance_of(path, false);
        }
        // A constant string's charAt(constant): its character.
        if (has_receiver && receiver.str && !receiver.t.any() && args.size() == 1 && args[0].v.num &&
            path.size() > 7 && path.compare(path.size() - 7, 7, ".charAt") == 0 && *args[0].v.num >= 0 &&
            static_cast<std::size_t>(*args[0].v.num) < receiver.str->size()) {
          cur = value{};
          cur.str = receiver.str->substr(static_cast<std::size_t>(*args[0].v.num), 1);
        }
        filled = filled_args(path, args);
        extend("()");
        key.clear();
        has_receiver = false;
        i = close < s.e ? close + 1 : s.e;
      } else {
        break;
      }
      if (fixed_route) continue;  // the rest of the chain (.split(...)) is no source either
      if (fr.constant_route && RE2::FullMatch(path, *ls_.constant_route_path)) {
        cur = value{};  // the handler's own fixed route
        fixed_route = true;
        continue;
      }
      check_source(path, cur, from_source_here, fr);
      for (span target : filled) {
        value v = cur;
        if (from_source_here) v.t.o = {text_of(span{s.toks, start, i}), start_line, v.t.o.request};
        assign(target, v, {}, fr);
      }
      filled.clear();
    }
    if (from_source_here) {
      cur.t.o.text = text_of(span{s.toks, start, i});
      cur.t.o.line = start_line;
    }
    out = cur;
    return i;
  }

  // The variables `x` of the `&x` arguments of a call to `callee` when it
  // is a filler (language_spec::fillers).
  std::vector<span> filled_args(const std::string& callee, const std::vector<call_arg>& args) const {
    std::vector<span> out;
    if (!ls_.fillers) return out;
    std::size_t dot = callee.rfind('.');
    if (!RE2::FullMatch(dot == std::string::npos ? callee : callee.substr(dot + 1), *ls_.fillers)) return out;
    for (const call_arg& a : args) {
      span x = a.expr;
      if (x.e == x.b + 2 && is(x[x.b], "&") && x[x.b + 1].kind == tok::name) out.push_back(span{x.toks, x.b + 1, x.e});
    }
    return out;
  }

  // A source of a framework's module-level object (source_rule::global) that
  // names a local of the function, in a file importing none of the framework.
  bool shadowed(const source_rule& src, const std::string& path, const frame& fr) const {
    if (!src.global || !fr.vars.count(path.substr(0, path.find('.')))) return false;
    return std::none_of(aliases_.begin(), aliases_.end(),
                        [&](const auto& alias) { return RE2::PartialMatch(alias.second, *src.global); });
  }

  void check_source(const std::string& path, value& v, bool& here, const frame& fr) {
    if (v.t.src) return;
    int k = matches_.source(path);
    if (k < 0) return;
    if (shadowed(ls_.sources[k], path, fr)) return;
    v.t.src = true;
    v.t.sanitized = 0;
    v.t.object = ls_.sources[k].object;
    v.t.o.request = ls_.sources[k].request;
    v.num.reset();
    here = true;
  }

  // The positional argument at `index`, or null.
  static const call_arg* positional(const std::vector<call_arg>& args, int index) {
    int position = 0;
    for (const call_arg& a : args) {
      if (!a.keyword.empty()) continue;
      if (position++ == index) return &a;
    }
    return nullptr;
  }

  // A Python runner: a call that runs the function it is given later with
  // the arguments it is given (an executor's submit, run_in_executor,
  // asyncio.to_thread, an event loop's call_soon/call_later/call_at, a
  // Thread's or Process's target= with args= and kwargs=). A function of
  // this file given so is called as if directly, so a sink inside it sees
  // what the caller passed; the runner's own keyword options are not passed.
  void run_later(const std::string& method, int line, const std::vector<call_arg>& args, frame& fr, int depth) {
    if (!py_) return;
    // The position of the function among the positional arguments; those after it are its arguments.
    static constexpr std::pair<std::string_view, int> kPositional[] = {
        {"submit", 0},    {"to_thread", 0}, {"call_soon", 0}, {"call_soon_threadsafe", 0},
        {"call_later", 1}, {"call_at", 1},  {"run_in_executor", 1}};
    const call_arg* fn = nullptr;
    std::vector<call_arg> passed;
    for (const auto& [name, at] : kPositional) {
      if (method != name) continue;
      int position = 0;
      for (const call_arg& a : args) {
        if (!a.keyword.empty()) continue;
        if (position == at) fn = &a;
        if (position > at) passed.push_back(a);
        ++position;
      }
    }
    if (method == "Thread" || method == "Process") {
      for (const call_arg& a : args) {
        if (a.keyword == "target") fn = &a;
        const span& e = a.expr;
        const bool group = !e.empty() && opens(e[e.b]) && matching(*e.toks, e.b, e.e) == e.e - 1;
        if (!group || (a.keyword != "args" && a.keyword != "kwargs")) continue;
        for (span item : split(span{e.toks, e.b + 1, e.e - 1}, ",")) {
          if (item.empty()) continue;
          call_arg c;
          if (a.keyword == "kwargs") {
            // A dict literal with string keys: {"name": value}.
            auto colon = top_level(item, [](const token& t) { return is(t, ":"); });
            auto key = colon.empty() || colon[0] != item.b + 1 ? std::nullopt : literal_text(item[item.b]);
            if (!key) continue;
            c.keyword = *key;
            item = span{item.toks, colon[0] + 1, item.e};
          }
          c.expr = item;
          c.v = eval(item, fr, depth + 1);
          passed.push_back(std::move(c));
        }
      }
    }
    if (!fn || fn->expr.empty()) return;
    std::string name = text_of(fn->expr);
    const bool method_of_self = name.rfind("self.", 0) == 0;
    if (method_of_self) name = name.substr(5);
    if (name.find_first_of(".([ ") != std::string::npos || (!method_of_self && fr.vars.count(name))) return;
    auto it = functions_.find(name);
    if (it != functions_.end() && !it->second.s->exported) call_local(it->second, method_of_self, line, passed, fr);
  }

  // The elements of a list or array literal `[a, b]` filling all of `e`,
  // or nothing when `e` is no such literal.
  static std::optional<std::vector<span>> literal_elements(span e) {
    if (e.empty() || !is(e[e.b], "[") || matching(*e.toks, e.b, e.e) != e.e - 1) return std::nullopt;
    std::vector<span> out;
    for (span x : split(span{e.toks, e.b + 1, e.e - 1}, ",")) {
      if (!x.empty()) out.push_back(x);
    }
    return out;
  }

  // Whether every argument `sink` checks is an argument vector its
  // require_element conditions hold on (taint_spec.h).
  bool elements_hold(const sink_rule& sink, const std::vector<call_arg>& args) const {
    int position = 0;
    for (const call_arg& a : args) {
      const bool checked = a.keyword.empty() ? (sink.args.empty() || std::find(sink.args.begin(), sink.args.end(),
                                                                                position) != sink.args.end())
                                             : std::find(sink.kwargs.begin(), sink.kwargs.end(), a.keyword) !=
                                                   sink.kwargs.end();
      if (a.keyword.empty()) ++position;
      if (!checked) continue;
      auto elems = literal_elements(a.expr);
      if (!elems) return false;
      for (const auto& [index, re] : sink.require_element) {
        if (index >= static_cast<int>(elems->size()) || !RE2::FullMatch(text_of((*elems)[index]), *re)) return false;
      }
    }
    return true;
  }

  // The value of a call; reports the sinks it reaches.
  value call(const std::string& callee, int line, const value* receiver, const std::string& receiver_key,
             const std::vector<call_arg>& args, const value& callee_value, frame& fr, int depth,
             bool constructed = false) {
    std::string last = callee.substr(callee.rfind('.') == std::string::npos ? 0 : callee.rfind('.') + 1);
    bool is_sink = false;
    for (int k : matches_.sinks(callee)) {
      const sink_rule& sink = ls_.sinks[k];
      bool applies = true;
      for (const auto& [kw, re] : sink.require_kwarg) {
        auto it = std::find_if(args.begin(), args.end(), [&](const call_arg& a) { return a.keyword == kw; });
        if (it == args.end() || !RE2::PartialMatch(text_of(it->expr), *re)) applies = false;
      }
      for (const auto& [kw, re] : sink.unless_kwarg) {
        auto it = std::find_if(args.begin(), args.end(), [&](const call_arg& a) { return a.keyword == kw; });
        if (it != args.end() && RE2::PartialMatch(text_of(it->expr), *re)) applies = false;
      }
      for (const auto& [index, re] : sink.require_arg) {
        const call_arg* a = positional(args, index);
        if (!a || !RE2::FullMatch(canonical(text_of(a->expr)), *re)) applies = false;
      }
      for (const auto& [index, re] : sink.unless_arg) {
        const call_arg* a = positional(args, index);
        if (a && RE2::FullMatch(canonical(text_of(a->expr)), *re)) applies = false;
      }
      if (!sink.require_element.empty() && !elements_hold(sink, args)) applies = false;
      if (!applies) continue;
      if (sink.proof_only) {
        for (const call_arg& a : args) note_sink(sink.cls, a.v.t, fr);
        continue;
      }
      if (sink.always) {
        taint_val t;
        t.src = true;
        t.o = {"the call `" + cut(callee) + "(...)`", line, true};
        check_sink(sink.cls, t, callee_display(callee), line, fr, {}, true);
        continue;
      }
      if (sink.literal) {
        report_literal_arguments(sink, callee, args, line, fr);
        continue;
      }
      is_sink = true;
      if (sink.receiver && receiver) check_sink(sink.cls, receiver->t, callee_display(callee), line, fr);
      int position = 0;
      for (const call_arg& a : args) {
        bool checked;
        if (a.keyword.empty()) {
          checked = !sink.keywords_only &&
                    (sink.args.empty() || std::find(sink.args.begin(), sink.args.end(), position) != sink.args.end());
          ++position;
        } else {
          checked = std::find(sink.kwargs.begin(), sink.kwargs.end(), a.keyword) != sink.kwargs.end();
        }
        if (checked && !sink.elements.empty()) {
          // An argument vector: only the elements named are sinks.
          note_sink(sink.cls, a.v.t, fr);
          auto elems = literal_elements(a.expr);
          for (int index : sink.elements) {
            if (elems && index < static_cast<int>(elems->size())) {
              check_sink(sink.cls, eval((*elems)[index], fr, depth + 1).t, callee_display(callee), line, fr);
            }
          }
        } else if (checked) {
          check_sink(sink.cls, a.v.t, callee_display(callee), line, fr);
        }
        // A clearance needs every argument clean, not only the checked
        // ones: a pattern rule may be about another argument (vm's context).
        else note_sink(sink.cls, a.v.t, fr);
      }
    }
    // What a sink returns (rows, nodes, a response, a file handle) is not
    // the input that went in.
    if (is_sink) return value{};
    // Sanitizers.
    value result;
    if (receiver) result.t = receiver->t;
    for (const call_arg& a : args) result.t = join(result.t, a.v.t);
    result.t.object = false;  // what is made from the request object (a wrapper) is its data
    for (int k : matches_.sanitizers(callee)) {
      const sanitizer_rule& san = ls_.sanitizers[k];
      if (san.arg0 && (args.empty() || !RE2::FullMatch(text_of(args[0].expr), *san.arg0))) continue;
      if (san.keyword_args && !keyword_call(args)) continue;
      if (san.first_only) {
        if (args.empty() || !args[0].keyword.empty()) continue;
        span first = args[0].expr;
        if (is(first[first.b], "(") && matching(*first.toks, first.b, first.e) == first.e - 1) {
          first = split(span{first.toks, first.b + 1, first.e - 1}, ",").front();
        }
        if (!eval(first, fr, depth + 1).t.any()) result.t.sanitized |= san.classes;
        return result;
      }
      if (san.classes == 0) return value{};
      result.t.sanitized |= san.classes;
      return result;
    }
    run_later(last, line, args, fr, depth);
    // Functions of this file.
    std::string name = callee;
    bool method = false;
    if (name.rfind("self.", 0) == 0 || name.rfind("this.", 0) == 0) {
      name = name.substr(5);
      method = true;
    }
    const bool bare = name.find_first_of(".([") == std::string::npos;
    if (bare && !fr.vars.count(name)) {
      auto it = functions_.find(name);
      if (it != functions_.end() && !it->second.s->exported) return call_local(it->second, method, line, args, fr);
    }
    // A method of an object of a class of another file (`h = Helper(); h.run(x)`).
    if (!constructed && receiver && receiver->of) {
      const instance& in = instances_[receiver->of - 1];
      if (auto r = call_cross_file(in.path + "()." + last, line, args, fr, in.declared, &receiver->t, in.scope)) {
        return *r;
      }
    }
    if (!constructed && !(bare && fr.vars.count(name)) && (!receiver || !receiver->t.any()) &&
        !on_local_value(receiver_key, fr)) {
      if (auto r = call_cross_file(callee, line, args, fr)) return *r;
    }
    if (!(bare && !fr.vars.count(name)) && java_ && (!receiver || !receiver->t.any())) {
      // Java: `new Helper().run(x)`, `helper.run(x)`: a method of a class of this file.
      // Not while that method's own summary is being computed: `thing.run(x)`
      // inside `run` is another class's run, not a recursion to leave empty.
      auto it = functions_.find(last);
      if (it != functions_.end() && !it->second.sum.computing) return call_local(it->second, true, line, args, fr);
    }
    if (receiver && !receiver_key.empty()) {
      if (auto r = list_call(last, receiver_key, *receiver, args, fr)) return *r;
    }
    // A function of another file of the project that always returns a
    // literal (container and mutator names excepted: those are the
    // containers' own methods far more often).
    if (literals_ && !functions_.count(last) && literals_->returns_literal(last) && last != "get" && last != "set" &&
        !(ls_.mutators && RE2::FullMatch(last, *ls_.mutators)) &&
        !(ls_.reorderers && RE2::FullMatch(last, *ls_.reorderers))) {
      return value{};
    }
    // Keyed containers: x.set(k.., v) and x.get(k..) with constant keys
    // (dict.get, configparser, Map) are tracked per key like x['k'].
    if (receiver && !receiver_key.empty() && !args.empty()) {
      std::vector<std::string> keys;
      for (const call_arg& a : args) {
        auto k = a.keyword.empty() ? const_key(a.expr) : std::nullopt;
        keys.push_back(k.value_or(""));
      }
      auto keyed = [&](std::size_t n) {
        std::string k = receiver_key + "[";
        for (std::size_t i = 0; i < n; ++i) {
          if (keys[i].empty()) return std::string();
          k += (i ? "," : "") + keys[i];
        }
        return k + "]";
      };
      if ((last == "set" || last == "put" || last == "setdefault") && args.size() >= 2) {
        std::string k = keyed(args.size() - 1);
        if (!k.empty()) {
          fr.vars[k] = args.back().v;
          value& whole = fr.vars[receiver_key];
          whole.t = join(whole.t, args.back().v.t);
          return value{};
        }
      }
      if (last == "get" || last == "getint" || last == "getfloat" || last == "getboolean") {
        for (std::size_t n : {args.size(), args.size() - 1}) {
          std::string k = n > 0 ? keyed(n) : std::string();
          auto it = k.empty() ? fr.vars.end() : fr.vars.find(k);
          if (it == fr.vars.end()) continue;
          value r = it->second;
          for (std::size_t i = n; i < args.size(); ++i) r.t = join(r.t, args[i].v.t);
          return r;
        }
      }
    }
    // Containers: x.append(v) puts v into x.
    if (receiver && !receiver_key.empty() && ls_.mutators && RE2::FullMatch(last, *ls_.mutators)) {
      value& whole = fr.vars[receiver_key];
      for (const call_arg& a : args) whole.t = join(whole.t, a.v.t);
      whole.num.reset();
      if (ls_.reorderers && RE2::FullMatch(last, *ls_.reorderers)) erase_members_indexed(receiver_key, fr);
    } else if (receiver && !receiver_key.empty() && ls_.reorderers && RE2::FullMatch(last, *ls_.reorderers)) {
      erase_members_indexed(receiver_key, fr);
    }
    (void)callee_value;
    return result;
  }

  // A `literal` sink: each checked positional argument that is a known
  // string constant its pattern matches is a weakness of the call. The
  // constant itself stays out of the finding (it may be a key).
  void report_literal_arguments(const sink_rule& sink, const std::string& callee, const std::vector<call_arg>& args,
                                int line, frame& fr) {
    int position = 0;
    for (const call_arg& a : args) {
      if (!a.keyword.empty()) continue;
      bool checked = !sink.keywords_only &&
                     (sink.args.empty() || std::find(sink.args.begin(), sink.args.end(), position) != sink.args.end());
      ++position;
      if (!checked) continue;
      if (sink.literal_keys) {
        for (const value& property : literal_properties(a.expr, *sink.literal_keys, fr)) {
          if (property.str && RE2::PartialMatch(*property.str, *sink.literal)) report_literal(sink, callee, line, fr);
        }
        continue;
      }
      if (a.v.str && RE2::PartialMatch(*a.v.str, *sink.literal)) report_literal(sink, callee, line, fr);
    }
  }

  void report_literal(const sink_rule& sink, const std::string& callee, int line, frame& fr) {
    taint_val t;
    t.src = true;
    t.o = {"a string constant", line, true};
    check_sink(sink.cls, t, callee_display(callee), line, fr, {}, true);
  }

  // The values of the properties of object literal `x` (`{k: v, k2}`) whose
  // names match `keys`; nothing when x is no object literal.
  std::vector<value> literal_properties(span x, const RE2& keys, frame& fr) {
    std::vector<value> out;
    if (x.empty() || !is(x[x.b], "{") || matching(*x.toks, x.b, x.e) != x.e - 1) return out;
    for (span item : split(span{x.toks, x.b + 1, x.e - 1}, ",")) {
      if (item.empty()) continue;
      const token& k = item[item.b];
      std::string name(k.text);
      if (k.kind == tok::string && name.size() >= 2) name = name.substr(1, name.size() - 2);
      else if (k.kind != tok::name) continue;
      if (!RE2::FullMatch(name, keys)) continue;
      if (item.e == item.b + 1 && k.kind == tok::name) out.push_back(eval(item, fr, 1));
      else if (item.e > item.b + 2 && is(item[item.b + 1], ":")) out.push_back(eval(span{item.toks, item.b + 2, item.e}, fr, 1));
    }
    return out;
  }

  static std::string length_key(const std::string& key) { return key + "[#len]"; }

  // A list of known length: append/add/push put the value at the next
  // index; pop/remove/shift at a known index hand that element back and
  // move the later ones down. Nothing (nullopt) when the call is not one
  // of these or the length is unknown.
  std::optional<value> list_call(const std::string& last, const std::string& key, const value& whole,
                                 const std::vector<call_arg>& args, frame& fr) {
    auto len = fr.vars.find(length_key(key));
    if (len == fr.vars.end() || !len->second.num) return std::nullopt;
    const long long n = *len->second.num;
    auto at = [&](long long i) { return key + "[" + std::to_string(i) + "]"; };
    bool one_arg = args.size() == 1 && args[0].keyword.empty();
    if ((last == "append" || last == "add" || last == "push" || last == "addLast" || last == "offer") && one_arg) {
      if (n >= 64) return std::nullopt;
      fr.vars[at(n)] = args[0].v;
      fr.vars[length_key(key)].num = n + 1;
      value& w = fr.vars[key];
      w.t = join(w.t, args[0].v.t);
      w.num.reset();
      return value{};
    }
    std::optional<long long> removed;
    if (args.empty() && (last == "pop" || last == "removeLast" || last == "pollLast")) removed = n - 1;
    if (args.empty() && (last == "popleft" || last == "shift" || last == "removeFirst" || last == "poll" ||
                         last == "pollFirst")) {
      removed = 0;
    }
    if (one_arg && args[0].v.num && !args[0].v.t.any() && ((py_ && last == "pop") || (java_ && last == "remove"))) {
      removed = *args[0].v.num < 0 ? n + *args[0].v.num : *args[0].v.num;
    }
    if (!removed || *removed < 0 || *removed >= n) return std::nullopt;
    auto it = fr.vars.find(at(*removed));
    value out = it != fr.vars.end() ? it->second : whole;
    for (long long i = *removed + 1; i < n; ++i) {
      auto next = fr.vars.find(at(i));
      if (next != fr.vars.end()) fr.vars[at(i - 1)] = next->second;
      else fr.vars.erase(at(i - 1));
    }
    fr.vars.erase(at(n - 1));
    fr.vars[length_key(key)].num = n - 1;
    return out;
  }

  void erase_members_indexed(const std::string& key, frame& fr) {
    for (auto it = fr.vars.begin(); it != fr.vars.end();) {
      const std::string& k = it->first;
      if (k.size() > key.size() && k.compare(0, key.size(), key) == 0 && k[key.size()] == '[') {
        it = fr.vars.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Argument taint per parameter of a callee with these parameters, the
  // first `offset` taken by the receiver (Python's self).
  static std::vector<taint_val> param_taints(const std::vector<std::string>& params, std::size_t offset,
                                             const std::vector<call_arg>& args) {
    std::vector<taint_val> by_param(params.size());
    std::size_t position = offset;
    for (const call_arg& a : args) {
      std::size_t index = position;
      if (!a.keyword.empty()) {
        auto it = std::find(params.begin(), params.end(), a.keyword);
        if (it == params.end()) continue;
        index = static_cast<std::size_t>(it - params.begin());
      } else {
        ++position;
      }
      if (index < by_param.size()) by_param[index] = join(by_param[index], a.v.t);
    }
    return by_param;
  }

  // The join of the arguments of the parameters in `bits`.
  static taint_val through(const std::vector<taint_val>& by_param, std::uint64_t bits) {
    taint_val t;
    for (std::size_t i = 0; i < by_param.size() && i < 64; ++i) {
      if (bits & (1ull << i)) t = join(t, by_param[i]);
    }
    return t;
  }

  value call_local(function_info& fi, bool method, int line, const std::vector<call_arg>& args, frame& fr) {
    summary& sum = summary_of(fi);
    std::size_t offset = (py_ && method && !fi.params.empty() && (fi.params[0] == "self" || fi.params[0] == "cls")) ? 1 : 0;
    std::vector<taint_val> by_param = param_taints(fi.params, offset, args);
    std::string fname(fi.s->name);
    for (const sink_hit& h : sum.hits) {
      taint_val t = through(by_param, h.params);
      if (!t.any()) continue;
      t.sanitized |= h.sanitized;
      for (const std::string& v : h.via) {
        if (t.via.size() < kMaxVia) t.via.push_back(v);
      }
      std::string sink = h.sink + " in " + fname + "() (called on line " + std::to_string(line) + ")";
      check_sink(h.cls, t, sink, h.line, fr, h.sink, false, h.path.empty() ? nullptr : &h.path);
    }
    value r;
    r.t = through(by_param, sum.ret.params);
    if (sum.ret.src) {
      taint_val s = sum.ret;
      s.params = 0;
      r.t = join(s, r.t);
    }
    if (r.t.any()) r.t.sanitized |= sum.ret.sanitized;
    r.of = sum.ret_of;
    return r;
  }

  // A call on a variable of this scope (`db.run(x)` with db assigned or a
  // parameter) is a method of its value, not a function of a module or
  // class named like it — unless an alias says what the variable stands
  // for (Java's `Shell s = new Shell()`). `self` / `this` are the class.
  bool on_local_value(const std::string& receiver_key, const frame& fr) const {
    std::string head = receiver_key.substr(0, receiver_key.find_first_of(".["));
    if (head.empty() || head == "self" || head == "this" || head == "$this") return false;
    return fr.vars.count(head) && !aliases_.count(head);
  }

  // A call the call graph resolves to a function of another file whose
  // summary differs from an unknown call's: its sinks and its value.
  // Nothing otherwise, and the call is an unknown one.
  // `declared`, `scope`: see call_resolver::resolve; `self`: what the
  // object a method is called on holds — Python's `self` parameter;
  // elsewhere the summary knows nothing of `this`, so the result carries
  // it, as an unknown call's would, unless the method always returns a
  // literal. The result is an object of the class the callee's returns
  // all give, if they do.
  std::optional<value> call_cross_file(const std::string& callee, int line, const std::vector<call_arg>& args,
                                       frame& fr, bool declared = false, const taint_val* self = nullptr,
                                       std::optional<std::uint32_t> scope = {}) {
    if (!xf_.calls) return std::nullopt;
    const std::uint32_t in = scope.value_or(xf_.file);
    std::string cache_key = callee;
    if (declared || in != xf_.file) cache_key += '\n' + std::to_string(declared) + std::to_string(in);
    auto cached = resolved_.find(cache_key);
    if (cached == resolved_.end()) {
      cached = resolved_.emplace(cache_key, xf_.calls->resolve(xf_.file, callee, declared, in)).first;
    }
    const std::optional<callee_ref>& ref = cached->second;
    if (!ref) return std::nullopt;
    requests_.insert(*ref);
    auto it = xf_.summaries->find(*ref);
    if (it == xf_.summaries->end() || it->second.passes_through()) return std::nullopt;
    const remote_summary& sum = it->second;
    std::size_t offset = py_ && !sum.params.empty() && (sum.params[0] == "self" || sum.params[0] == "cls") ? 1 : 0;
    std::vector<taint_val> by_param = param_taints(sum.params, offset, args);
    if (offset == 1 && self) by_param[0] = *self;
    for (const remote_hit& h : sum.hits) {
      taint_val t = through(by_param, h.params);
      if (!t.any() || h.steps.empty()) continue;
      t.sanitized |= h.sanitized;
      std::vector<flow_step> tail;
      tail.push_back({line, "call: " + ref->name + "() of " + h.steps.front().file, ""});
      tail.insert(tail.end(), h.steps.begin(), h.steps.end());
      const flow_step& at = h.steps.back();
      std::string sink = h.sink + " in " + ref->name + "() at " + at.file + ":" + std::to_string(at.line) +
                         " through the call";
      check_sink(h.cls, t, sink, line, fr, h.sink, false, &tail);
    }
    value r;
    r.t = through(by_param, sum.ret_params);
    if (sum.ret_source) {
      taint_val s;
      s.src = true;
      s.o = {sum.source_text, sum.source_line, sum.ret_request, sum.source_file};
      r.t = join(s, r.t);
    }
    if (r.t.any()) r.t.sanitized |= sum.ret_sanitized;
    if (self && offset == 0 && !(literals_ && literals_->returns_literal(ref->name))) r.t = join(r.t, *self);
    if (!sum.ret_class.empty()) r.of = instance_of(sum.ret_class, sum.ret_class_declared, sum.ret_class_scope);
    return r;
  }

  std::string callee_display(const std::string& callee) const { return cut(callee); }

  // " via a -> b" for the variables a value flowed through.
  static std::string via_text(const std::vector<std::string>& via) {
    std::string out;
    for (std::size_t i = 0; i < via.size(); ++i) out += (i ? " -> " : " via ") + via[i];
    return out;
  }

  // For clearances(): a value given to a sink of class `cls` in a handler.
  void note_sink(int cls, const taint_val& t, const frame& fr) {
    if (fr.summary_mode || !fr.handler_fn || !ls_.handler_proofs) return;
    bool& tainted = sink_seen_[{fr.handler_fn, cls}];
    tainted = tainted || (t.any() && !(t.sanitized & spec_.classes[cls].bit));
  }

  // A tainted value reaching a sink of class `cls`: a finding (real
  // source) or a summary hit (parameters).
  // `tail`: the flow goes on from `line` into another file (its first
  // step is the call on `line`, its last the sink).
  void check_sink(int cls, const taint_val& t, const std::string& sink, int line, frame& fr,
                  const std::string& inner_sink = {}, bool call_weakness = false,
                  const std::vector<flow_step>* tail = nullptr) {
    if (cls < 0 || static_cast<std::size_t>(cls) >= spec_.classes.size()) return;
    const vuln_class& c = spec_.classes[cls];
    if (!call_weakness) note_sink(cls, t, fr);
    if (!t.any() || (t.sanitized & c.bit) || t.object) return;
    if (fr.summary_mode && !call_weakness) {
      if (t.params && fr.hits && fr.hits->size() < 256) {
        sink_hit h;
        h.params = t.params;
        h.sanitized = t.sanitized;
        h.cls = cls;
        h.sink = inner_sink.empty() ? sink : inner_sink;
        h.line = line;
        h.via = t.via;
        if (tail) h.path = *tail;
        fr.hits->push_back(std::move(h));
      }
      return;
    }
    if (!t.src || (!t.o.request && !c.local_input)) return;
    if (!reported_.insert({cls, line}).second) return;
    finding f;
    f.rule_id = std::string(language_name(lang_)) + (call_weakness ? ".call." : ".taint.") + c.name;
    f.source = "taint";
    f.severity = c.severity;
    f.confidence = c.confidence;
    if (!t.o.request) {
      // Local input (argv, environment, stdin) is less exposed than a request.
      if (f.severity != severity::low) f.severity = static_cast<severity>(static_cast<int>(f.severity) - 1);
      f.confidence *= 0.8;
    }
    if (!inner_sink.empty()) f.confidence *= 0.9;
    f.title = c.title;
    std::string flow = t.o.text + " (line " + std::to_string(t.o.line) + (t.o.file.empty() ? "" : " of " + t.o.file) +
                       ") flows ";
    if (!t.via.empty()) {
      flow += "via ";
      for (std::size_t i = 0; i < t.via.size(); ++i) flow += (i ? " -> `" : "`") + t.via[i] + "`";
      flow += " ";
    }
    if (call_weakness) {
      f.description = c.title + ": " + sink + " (line " + std::to_string(line) + ").";
    } else {
      f.description = flow + "into " + sink + " (line " + std::to_string(line) + ").";
      f.path.push_back({t.o.line, "source: " + t.o.text, t.o.file});
      if (tail) f.path.insert(f.path.end(), tail->begin(), tail->end());
      else f.path.push_back({line, "sink: " + sink + via_text(t.via)});
    }
    f.cwe_id = c.cwe;
    f.file_path = file_.path;
    f.line_start = f.line_end = line;
    f.code_snippet = make_snippet(trim(line_text(line)), kMaxSnippetBytes);
    f.remediation = c.remediation;
    findings_.push_back(std::move(f));
  }

  std::string_view line_text(int line) const { return line < 1 ? std::string_view() : lines_.line(line - 1); }

  // ------------------------------------------------------ constant folding

  // An integer constant expression over literals and names with known
  // values: + - * // / %, unary minus, parentheses.
  std::optional<long long> fold_num(span s, const frame& fr) const {
    std::uint32_t i = s.b;
    auto r = fold_sum(s, i, fr, 0);
    if (!r || i != s.e) return std::nullopt;
    return r;
  }

  std::optional<long long> fold_sum(span s, std::uint32_t& i, const frame& fr, int depth) const {
    auto a = fold_product(s, i, fr, depth);
    while (a && i < s.e && (is(s[i], "+") || is(s[i], "-"))) {
      bool plus = is(s[i++], "+");
      auto b = fold_product(s, i, fr, depth);
      long long out;
      if (!b || (plus ? __builtin_add_overflow(*a, *b, &out) : __builtin_sub_overflow(*a, *b, &out))) return std::nullopt;
      a = out;
    }
    return a;
  }

  std::optional<long long> fold_product(span s, std::uint32_t& i, const frame& fr, int depth) const {
    auto a = fold_atom(s, i, fr, depth);
    while (a && i < s.e && (is(s[i], "*") || is(s[i], "//") || is(s[i], "%") || (!py_ && is(s[i], "/")))) {
      std::string_view op = s[i++].text;
      auto b = fold_atom(s, i, fr, depth);
      if (!b) return std::nullopt;
      long long out;
      if (op == "*") {
        if (__builtin_mul_overflow(*a, *b, &out)) return std::nullopt;
      } else {
        if (*b == 0 || (*a == LLONG_MIN && *b == -1)) return std::nullopt;
        if (op == "%") {
          out = *a % *b;
          if (py_ && out != 0 && ((out < 0) != (*b < 0))) out += *b;
        } else {
          out = *a / *b;
          if (py_ && (*a % *b != 0) && ((*a < 0) != (*b < 0))) --out;
          if (!py_ && *a % *b != 0) return std::nullopt;  // JS division is not integral
        }
      }
      a = out;
    }
    return a;
  }

  std::optional<long long> fold_atom(span s, std::uint32_t& i, const frame& fr, int depth) const {
    if (i >= s.e || depth > 32) return std::nullopt;
    const token& t = s[i];
    if (is(t, "-")) {
      ++i;
      auto a = fold_atom(s, i, fr, depth + 1);
      if (!a || *a == LLONG_MIN) return std::nullopt;
      return -*a;
    }
    if (is(t, "(")) {
      std::uint32_t close = matching(*s.toks, i, s.e);
      std::uint32_t j = i + 1;
      auto a = fold_sum(s, j, fr, depth + 1);
      if (!a || j != close) return std::nullopt;
      i = close + 1;
      return a;
    }
    if (t.kind == tok::number) {
      ++i;
      if (t.text.size() >= 18 || t.text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
      return std::stoll(std::string(t.text));
    }
    if (t.kind == tok::name) {
      // Only a whole name: `x.y` or `x[0]` is not the constant x.
      if (i + 1 < s.e && (is(s[i + 1], ".") || is(s[i + 1], "[") || is(s[i + 1], "("))) return std::nullopt;
      auto it = fr.vars.find(std::string(t.text));
      ++i;
      if (it == fr.vars.end() || it->second.t.any()) return std::nullopt;
      return it->second.num;
    }
    return std::nullopt;
  }

  // A string constant: a plain literal or a name bound to one.
  std::optional<std::string> fold_str(span s, const frame& fr) const {
    if (s.e != s.b + 1) return std::nullopt;
    const token& t = s[s.b];
    if (t.kind == tok::string) return literal_text(t);
    if (t.kind != tok::name) return std::nullopt;
    auto it = fr.vars.find(std::string(t.text));
    if (it == fr.vars.end() || it->second.t.any()) return std::nullopt;
    return it->second.str;
  }

  // A condition that folds to a constant: comparisons of folded integers,
  // not / and / or (! && || in JS), True / False.
  std::optional<bool> fold_cond(span s, const frame& fr, int depth = 0) const {
    if (s.empty() || depth > 16) return std::nullopt;
    while (is(s[s.b], "(") && matching(*s.toks, s.b, s.e) == s.e - 1) s = {s.toks, s.b + 1, s.e - 1};
    if (s.empty()) return std::nullopt;
    const char* or_op = py_ ? "or" : "||";
    const char* and_op = py_ ? "and" : "&&";
    for (const char* op : {or_op, and_op}) {
      auto at = top_level(s, [&](const token& t) { return is(t, op); });
      if (at.empty()) continue;
      auto a = fold_cond({s.toks, s.b, at[0]}, fr, depth + 1);
      auto b = fold_cond({s.toks, at[0] + 1, s.e}, fr, depth + 1);
      bool is_or = op == or_op;
      if (a == is_or || b == is_or) return is_or;
      if (a && b) return *a;  // both !is_or
      return std::nullopt;
    }
    if (is(s[s.b], py_ ? "not" : "!")) {
      auto a = fold_cond({s.toks, s.b + 1, s.e}, fr, depth + 1);
      if (!a) return std::nullopt;
      return !*a;
    }
    // Strings: == / != and Python's in / not in between constants.
    auto ins = py_ ? top_level(s, [](const token& t) { return is(t, "in"); }) : std::vector<std::uint32_t>{};
    if (ins.size() == 1) {
      bool negated = ins[0] > s.b && is(s[ins[0] - 1], "not");
      auto a = fold_str({s.toks, s.b, negated ? ins[0] - 1 : ins[0]}, fr);
      auto b = fold_str({s.toks, ins[0] + 1, s.e}, fr);
      if (a && b) return (b->find(*a) != std::string::npos) != negated;
    }
    if (s.e == s.b + 1 && (is(s[s.b], "True") || is(s[s.b], "true"))) return true;
    if (s.e == s.b + 1 && (is(s[s.b], "False") || is(s[s.b], "false"))) return false;
    auto cmp = top_level(s, [](const token& t) {
      return t.kind == tok::op && (t.text == "==" || t.text == "!=" || t.text == "===" || t.text == "!==" ||
                                   t.text == "<" || t.text == ">" || t.text == "<=" || t.text == ">=");
    });
    if (cmp.size() != 1) return std::nullopt;
    std::string_view op = s[cmp[0]].text;
    if (op == "==" || op == "!=" || op == "===" || op == "!==") {
      auto x = fold_str({s.toks, s.b, cmp[0]}, fr);
      auto y = fold_str({s.toks, cmp[0] + 1, s.e}, fr);
      if (x && y) return (*x == *y) == (op == "==" || op == "===");
    }
    auto a = fold_num({s.toks, s.b, cmp[0]}, fr);
    auto b = fold_num({s.toks, cmp[0] + 1, s.e}, fr);
    if (!a || !b) return std::nullopt;
    if (op == "==" || op == "===") return *a == *b;
    if (op == "!=" || op == "!==") return *a != *b;
    if (op == "<") return *a < *b;
    if (op == ">") return *a > *b;
    if (op == "<=") return *a <= *b;
    return *a >= *b;
  }

  const literal_functions* literals_;  // the project's functions that always return a literal
  const cross_file xf_;
  const taint_spec::data& spec_;
  const language_spec& ls_;
  language lang_;
  bool py_;
  bool java_;
  bool go_;
  bool php_;
  bool ruby_;
  const source_file& file_;
  std::string_view content_;
  const text_lines lines_;
  std::vector<entry_point> eps_;
  taint_matches matches_;

  void lex() {
    if (!lexed_) lexed_ = std::make_shared<const lexed_file>(lex_file(lang_, file_.path, content_));
  }
  // After lex(): top_, the cache's statements or grouped here.
  void group() { top_ = grouped_ ? *grouped_ : parse_file(lang_, *lexed_); }
  std::shared_ptr<const lexed_file> lexed_;  // lex(): the cache's (use), or the analyzer's own
  std::shared_ptr<const std::vector<stmt>> grouped_;  // use(): the cache's statements
  std::vector<stmt> top_;
  std::vector<std::unique_ptr<stmt>> inline_functions_;
  std::map<std::string, function_info> functions_;
  std::map<std::string, std::string> aliases_;
  std::set<std::string> typed_params_;  // names aliases_ binds by a parameter's type (bind_param_types)
  std::set<const stmt*> analyzed_;
  std::set<std::pair<int, int>> reported_;
  std::unordered_map<std::string, std::optional<callee_ref>> resolved_;  // callee path -> call graph answer
  // The classes values are objects of (value::of - 1): the canonical path
  // of each, and whether only its declared type is known.
  struct instance {
    std::string path;
    bool declared = false;
    std::uint32_t scope = 0;  // the file whose names `path` is written in (a factory's, for its object)
  };
  std::vector<instance> instances_;
  std::map<std::tuple<std::string, bool, std::uint32_t>, std::uint32_t> instance_ids_;
  std::unordered_map<const stmt*, member_types> members_;  // by class, as members_of computes them
  std::unordered_map<const stmt*, const stmt*> owner_of_;   // function -> its class (null: none)
  const stmt* class_ = nullptr;  // the class of the function analysed or summarised
  std::set<callee_ref> requests_;
  std::vector<finding> findings_;
  // Proofs for clearances(): per (handler, class) whether any sink of the
  // class got a tainted value; blocks a folded condition skipped, and
  // blocks that ran at least once (in any context).
  std::map<std::pair<const stmt*, int>, bool> sink_seen_;
  std::set<const std::vector<stmt>*> skipped_, ran_;
  std::vector<std::pair<std::string, taint_val>> seed_;  // see seed
  bool in_callbacks_ = false;                             // see run_before_callbacks
  std::string_view view_action_;                          // see view_variables
  std::vector<std::pair<std::string, taint_val>> view_variables_;
  std::uint64_t steps_ = 0;
  int active_levels_ = 0;  // see level
  int summary_depth_ = 0;
  bool aborted_ = false;
};

// What one file gave, kept until its turn to be reported.
struct file_result {
  bool analyzed = false;
  std::optional<inventory_note> note;
  std::uint64_t functions = 0;
  std::vector<finding> found;
  std::vector<taint_clearance> cleared;
  std::set<callee_ref> requests;  // the other files' functions its calls resolved to
};

bool analysable(const source_file& file, const taint_spec& spec) {
  return spec.get().find(file.lang) && (file.lang == language::python || file.lang == language::javascript ||
                                        file.lang == language::typescript || file.lang == language::java ||
                                        file.lang == language::go || file.lang == language::php ||
                                        file.lang == language::ruby);
}

// A minified JavaScript bundle (`x.min.js`): built from sources kept
// elsewhere, most often a vendored library's, so a taint path in it is no
// finding a user can act on, and it is the costliest code to parse
// (session 17: 10.9 of the 41 MB of JavaScript in WordPress, Roundcube and
// phpMyAdmin, with one taint finding, a browser bundle's fetch read as
// SSRF). Left out with a note; the
// pattern rules still read it (static_analysis).
bool minified_bundle(const source_file& file) {
  const std::string_view path = file.path;
  return file.lang == language::javascript &&
         (path.ends_with(".min.js") || path.ends_with(".min.mjs") || path.ends_with(".min.cjs"));
}

// Whether a file's text, in a language of spec `ls`, may hold a source or a
// sink that needs none: a language without source_text has them anywhere.
// analyze_file analyses no other file but one with entry points, a Rails
// view's action or a call of a source reader.
bool holds_taint_words(const language_spec& ls, std::string_view text) {
  return !ls.source_text || RE2::PartialMatch(text, *ls.source_text) ||
         (ls.sink_text && RE2::PartialMatch(text, *ls.sink_text));
}

// What the first pass learns of one file (file_analyzer::survey; nothing
// when unreadable or past the token bound: analyze_file reports those).
// `content`: the file's text when already read (else read here).
using file_facts = file_analyzer::survey_result;

file_facts facts_of(const std::filesystem::path& root, const source_file& file, const taint_spec& spec, cross_file xf,
                    std::string content) {
  // A language parsed only where a source is written (source_text) is left
  // out here but for the files its summary_text picks: its helper files
  // hold no source, so this pass would see little but the files analysed
  // anyway, at the price of a second parse (Ruby's tree-sitter parse costs
  // as much as its analysis). Its other files define nothing for the call
  // graph, but their calls may name what the picked ones define.
  if (!analysable(file, spec) || minified_bundle(file)) return {};
  const language_spec& ls = *spec.get().find(file.lang);
  if (ls.source_text && !ls.summary_text) return {};
  if (content.empty() && read_source_file(root / file.path, content) != 0) return {};
  if (ls.source_text && !RE2::PartialMatch(content, *ls.summary_text)) {
    file_facts caller;
    caller.defs.emplace();
    // A Go caller names another package's functions through its imports.
    if (file.lang == language::go) {
      caller.defs->go_imports = collect_definitions(file.lang, {}, lex_go(go_preamble(content)).tokens).go_imports;
    }
    return caller;
  }
  // Kept for the analysis pass when it will analyse the file; a file read
  // here for the call graph alone is parsed again only if a summary round
  // wants one of its functions (export_file keeps it then).
  auto cached = cached_front_end(xf, file, content, holds_taint_words(ls, content));
  file_analyzer a(spec.get(), ls, file.lang, file, cached ? std::string_view(cached->content) : content, {});
  a.use(cached);
  return a.survey();
}

// Rails: the controller and action a view renders by convention
// (app/views/admin/users/show.html.erb: app/controllers/admin/users_controller.rb,
// `show`), when the inventory holds that controller; nothing for layouts
// and partials (`_form.html.erb`), which many actions render.
std::optional<std::pair<const source_file*, std::string>> rails_action_of_view(const source_file& view,
                                                                               const inventory* files) {
  constexpr std::string_view kViews = "app/views/";
  const std::string_view path = view.path;
  std::size_t at = path.find(kViews);
  if (!files || at == std::string_view::npos || (at > 0 && path[at - 1] != '/')) return std::nullopt;
  std::string_view rest = path.substr(at + kViews.size());
  std::size_t slash = rest.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view dir = rest.substr(0, slash), name = rest.substr(slash + 1);
  if (name.empty() || name[0] == '_' || dir == "layouts" || dir.starts_with("layouts/")) return std::nullopt;
  const std::string controller =
      std::string(path.substr(0, at)) + "app/controllers/" + std::string(dir) + "_controller.rb";
  for (const source_file& f : files->files) {
    if (f.path == controller) return std::make_pair(&f, std::string(name.substr(0, name.find('.'))));
  }
  return std::nullopt;
}

// The file as the taint analysis reads it: an ERB template as the Ruby code
// it runs (taint_erb.h), any other as it is.
source_file as_analysed(const source_file& file) {
  source_file as = file;
  if (file.lang == language::html && is_erb_template(file.path)) as.lang = language::ruby;
  return as;
}

file_result analyze_file(const std::filesystem::path& root, const source_file& file, const taint_spec& spec,
                         const threat_model& model, const literal_functions& literals, cross_file xf) {
  file_result r;
  const source_file as = as_analysed(file);
  const bool erb = as.lang != file.lang;
  const language_spec* ls = spec.get().find(as.lang);
  if (!analysable(as, spec)) return r;
  if (minified_bundle(file)) {
    r.note = inventory_note{file.path, "left out of taint analysis: a minified bundle (*.min.js)"};
    return r;
  }
  std::string content;
  auto cached = erb ? nullptr : kept_front_end(xf);
  if (int err = cached ? 0 : read_source_file(root / file.path, content); err != 0) {
    r.note = inventory_note{file.path, std::string("skipped: cannot read: ") + std::strerror(err)};
    return r;
  }
  const std::string_view file_text = cached ? std::string_view(cached->content) : content;
  // Entry points of this file (read from the surfaces directly).
  std::vector<entry_point> eps;
  for (const attack_surface& s : model.surfaces) {
    for (const entry_point& ep : s.entry_points) {
      if (ep.file_path == file.path) eps.push_back(ep);
    }
  }
  // A view reads what its action left in instance variables.
  std::vector<std::pair<std::string, taint_val>> from_action;
  if (auto action = erb ? rails_action_of_view(file, xf.files) : std::nullopt) {
    std::string controller;
    if (read_source_file(root / action->first->path, controller) == 0) {
      from_action = file_analyzer(spec.get(), *ls, language::ruby, *action->first, controller, {}, &literals)
                        .view_variables(action->second);
    }
  }
  if (eps.empty() && from_action.empty() && !holds_taint_words(*ls, file_text) && !calls_a_source_reader(file_text, xf)) {
    r.analyzed = true;  // no source can be in it, nor a sink that needs none (source_text, sink_text)
    return r;
  }
  const std::string code = erb ? erb_code(content) : std::string();
  if (!cached && !erb) cached = cached_front_end(xf, file, content, false);
  std::string_view text = erb ? std::string_view(code) : cached ? std::string_view(cached->content) : content;
  file_analyzer a(spec.get(), *ls, as.lang, file, text, std::move(eps), &literals, xf);
  a.use(cached);
  a.seed(std::move(from_action));
  bool complete = a.run();
  r.analyzed = a.left_out().empty();
  r.functions = a.functions_analyzed();
  if (!r.analyzed) r.note = inventory_note{file.path, std::string(a.left_out())};
  else if (!complete) r.note = inventory_note{file.path, "partial: taint analysis work bound reached"};
  r.found = std::move(a.findings());
  if (erb) {  // the template's lines, not their code
    text_lines lines(content);
    for (finding& f : r.found) f.code_snippet = make_snippet(trim(lines.line(f.line_start - 1)), kMaxSnippetBytes);
  }
  r.cleared = a.clearances();
  r.requests = a.requests();
  std::stable_sort(r.found.begin(), r.found.end(),
                   [](const finding& x, const finding& y) { return x.line_start < y.line_start; });
  return r;
}

// Which files the first pass surveys: every file of each language family
// (family()) the third pass may analyse a file of, and every file of a
// family whose files may define a function by a name that the files of
// those families write (and so on); no other. Why the others' surveys
// change nothing:
//  - no call resolves into such a family: a call names the function it
//    resolves to, which that family's file defines (literal_functions is
//    asked by the same names: it counts them over every language), and
//    resolution leaves the caller's family only by a JavaScript module
//    path — which may also make a file without the name the one found,
//    so a JavaScript file naming another family's file by its file name
//    makes the families one;
//  - nor from it: none of its files is analysed, so none of its calls'
//    summaries is asked for (none calls a source reader either: one
//    would be in its family, a file with a source's words), and a
//    JavaScript file's call of another family's function writes the name
//    that file defines (definable_names takes every name of JavaScript).
// Only the notes differ: a left-out family's summaries leave none (the
// round cap), and the cap on functions summarised counts theirs no more.
// `texts`: the text of each file read here and surely surveyed.
struct survey_plan {
  std::vector<bool> surveyed;
  std::vector<std::string> texts;
};

// For plan_survey: adds to `needed` each other family whose files (`as`:
// each file's language as analysed, unknown for none) may define a
// function by a name that a file of a family in `needed` writes — asked
// of literal_functions, or (JavaScript) a call into the family defining
// it, whose files' calls of a source reader may then be analysed: until
// none is added. `texts`: files' texts already read. False when cancelled.
bool add_defining_families(const std::filesystem::path& root, const inventory& files, const taint_spec& spec,
                           const std::vector<language>& as, const std::vector<std::string>& texts,
                           std::set<language>& needed, unsigned workers, const std::function<bool()>& cancelled) {
  const std::size_t n = files.files.size();
  std::set<language> others;
  for (language l : as) {
    if (l != language::unknown && !needed.count(family(l))) others.insert(family(l));
  }
  if (others.empty() || needed.empty()) return true;
  // Only the files facts_of parses define a function.
  std::map<language, std::unordered_set<std::uint64_t>> definers;
  std::vector<std::vector<std::uint64_t>> defined(n);
  auto define = [&](std::size_t i, unsigned) {
    if (as[i] == language::unknown || !others.count(family(as[i])) || files.files[i].lang == language::html) return;
    const language_spec& ls = *spec.get().find(as[i]);
    std::string text;
    if ((ls.source_text && !ls.summary_text) || read_source_file(root / files.files[i].path, text) != 0) return;
    if (!ls.source_text || RE2::PartialMatch(text, *ls.summary_text)) defined[i] = definable_names(as[i], text);
  };
  auto add = [&](std::size_t i) {
    if (!defined[i].empty()) definers[family(as[i])].insert(defined[i].begin(), defined[i].end());
    defined[i] = {};
  };
  if (!run_in_order(n, workers, define, add, cancelled)) return false;
  for (std::set<language> frontier = needed; !frontier.empty() && !definers.empty();) {
    std::vector<std::vector<language>> asked(n);
    auto ask = [&](std::size_t i, unsigned) {
      if (as[i] == language::unknown || !frontier.count(family(as[i]))) return;
      std::string content;
      std::string_view text = texts[i];
      if (text.empty() && read_source_file(root / files.files[i].path, content) == 0) text = content;
      for (const auto& [l, names] : definers) {
        if (writes_any(text, names)) asked[i].push_back(l);
      }
    };
    std::set<language> defining;
    auto note = [&](std::size_t i) { defining.insert(asked[i].begin(), asked[i].end()); };
    if (!run_in_order(n, workers, ask, note, cancelled)) return false;
    for (language l : defining) definers.erase(l);
    needed.insert(defining.begin(), defining.end());
    frontier = std::move(defining);
  }
  return true;
}

std::optional<survey_plan> plan_survey(const std::filesystem::path& root, const inventory& files,
                                       const taint_spec& spec, const threat_model& model, unsigned workers,
                                       const std::function<bool()>& cancelled) {
  const std::size_t n = files.files.size();
  survey_plan plan{std::vector<bool>(n), std::vector<std::string>(n)};
  std::vector<language> as(n, language::unknown);  // the language a file is analysed in; unknown: none
  std::unordered_set<std::uint64_t> other_names;  // the last path components of the non-JavaScript files
  for (std::size_t i = 0; i < n; ++i) {
    const source_file f = as_analysed(files.files[i]);
    if (!analysable(f, spec) || minified_bundle(f)) continue;
    as[i] = f.lang;
    const std::string_view path = f.path;
    if (family(f.lang) != language::javascript) other_names.insert(name_hash(path.substr(path.rfind('/') + 1)));
  }
  std::unordered_set<std::string_view> with_entry_points;
  for (const attack_surface& s : model.surfaces) {
    for (const entry_point& ep : s.entry_points) with_entry_points.insert(ep.file_path);
  }
  // Whether the third pass may analyse each file (analyze_file's tests, a
  // Rails view with an action for one that reads some of its variables;
  // not the call of a source reader: one resolves only to a file of the
  // caller's family holding a source's words), and whether a JavaScript
  // file names another family's file.
  std::vector<char> analysed(n), names_other(n);
  auto classify = [&](std::size_t i, unsigned) {
    if (as[i] == language::unknown) return;
    const source_file& file = files.files[i];
    std::string text;
    if (read_source_file(root / file.path, text) != 0) return;
    const bool erb = as[i] != file.lang;
    analysed[i] = with_entry_points.count(file.path) || (erb && rails_action_of_view(file, &files)) ||
                  holds_taint_words(*spec.get().find(as[i]), text);
    names_other[i] = family(as[i]) == language::javascript && names_a_file(text, other_names);
    if (analysed[i] && !erb) plan.texts[i] = std::move(text);
  };
  if (!run_in_order(n, workers, classify, [](std::size_t) {}, cancelled)) return std::nullopt;
  std::set<language> needed;  // the families surveyed
  for (std::size_t i = 0; i < n; ++i) {
    if (analysed[i]) needed.insert(family(as[i]));
  }
  if (!needed.empty() && std::any_of(names_other.begin(), names_other.end(), [](char c) { return c; })) {
    for (language l : as) {
      if (l != language::unknown) needed.insert(family(l));
    }
  }
  if (!add_defining_families(root, files, spec, as, plan.texts, needed, workers, cancelled)) return std::nullopt;
  for (std::size_t i = 0; i < n; ++i) plan.surveyed[i] = as[i] != language::unknown && needed.count(family(as[i]));
  return plan;
}

// One file's part of a summary round: the named functions' summaries and
// the other files' functions they call.
struct export_result {
  std::vector<std::pair<std::string, remote_summary>> summaries;
  std::set<callee_ref> requests;
};

export_result export_file(const std::filesystem::path& root, const source_file& file, const taint_spec& spec,
                          const literal_functions& literals, cross_file xf, const std::vector<std::string>& names) {
  export_result r;
  std::string content;
  if (!analysable(file, spec)) return r;
  auto cached = kept_front_end(xf);
  if (!cached) {
    if (read_source_file(root / file.path, content) != 0) return r;
    cached = cached_front_end(xf, file, content, true);
  }
  file_analyzer a(spec.get(), *spec.get().find(file.lang), file.lang, file,
                  cached ? std::string_view(cached->content) : content, {}, &literals, xf);
  a.use(cached);
  r.summaries = a.export_summaries(names);
  r.requests = a.requests();
  return r;
}

// The cross-file summaries of `wanted` (and of what they call in turn)
// into `table`, in rounds: each round summarises, on the worker threads,
// the functions whose summary is missing or whose own cross-file callees'
// summaries changed in the round before, reading only that round's table.
// A summary that passes taint through as an unknown call does counts as
// no summary. False when cancelled; the round cap is a note.
// `known`: what earlier calls summarised (or are summarising), grown by
// what this one does.
bool summarise(const std::filesystem::path& root, const inventory& files, const taint_spec& spec,
               const literal_functions& literals, const call_resolver& calls, std::set<callee_ref> wanted,
               std::set<callee_ref>& known, summary_table& table, front_end_cache& front_ends, unsigned workers,
               const std::function<bool()>& cancelled, std::vector<inventory_note>& notes) {
  for (auto it = wanted.begin(); it != wanted.end();) it = known.count(*it) ? wanted.erase(it) : std::next(it);
  if (known.size() + wanted.size() > kMaxRemoteFunctions) {
    auto first_left_out = std::next(wanted.begin(), kMaxRemoteFunctions - std::min(kMaxRemoteFunctions, known.size()));
    if (first_left_out != wanted.end()) {
      notes.push_back({files.files[first_left_out->file].path,
                       "cross-file taint: more than " + std::to_string(kMaxRemoteFunctions) +
                           " functions called across files; calls to this file's and later ones stay unknown"});
    }
    wanted.erase(first_left_out, wanted.end());
  }
  known.insert(wanted.begin(), wanted.end());
  std::set<callee_ref> dirty = std::move(wanted);
  std::map<callee_ref, std::set<callee_ref>> users;  // callee -> the summaries computed with it
  for (int round = 0; !dirty.empty(); ++round) {
    if (round == kMaxSummaryRounds) {
      std::set<std::uint32_t> unsettled;
      for (const callee_ref& r : dirty) unsettled.insert(r.file);
      for (std::uint32_t f : unsettled) {
        notes.push_back({files.files[f].path, "cross-file taint: summaries still changing after " +
                                                  std::to_string(kMaxSummaryRounds) + " rounds; the last are used"});
      }
      break;
    }
    std::vector<std::pair<std::uint32_t, std::vector<std::string>>> jobs;  // dirty is ordered by file
    for (const callee_ref& r : dirty) {
      if (jobs.empty() || jobs.back().first != r.file) jobs.push_back({r.file, {}});
      jobs.back().second.push_back(r.name);
    }
    std::vector<export_result> out(jobs.size());
    summary_table updates;
    std::set<callee_ref> next;
    auto work = [&](std::size_t i, unsigned) {
      out[i] = export_file(root, files.files[jobs[i].first], spec, literals, {&calls, &table, jobs[i].first, nullptr, nullptr, &front_ends},
                           jobs[i].second);
    };
    auto done = [&](std::size_t i) {
      for (auto& [name, sum] : out[i].summaries) updates[{jobs[i].first, name}] = std::move(sum);
      for (const callee_ref& callee : out[i].requests) {
        for (const std::string& name : jobs[i].second) users[callee].insert({jobs[i].first, name});
        if (known.size() < kMaxRemoteFunctions && known.insert(callee).second) next.insert(callee);
      }
      out[i] = {};
    };
    if (!run_in_order(jobs.size(), workers, work, done, cancelled)) return false;
    for (auto& [ref, sum] : updates) {
      auto it = table.find(ref);
      bool plain = it == table.end() || it->second.passes_through();
      bool same = (plain && sum.passes_through()) || (it != table.end() && it->second == sum);
      if (!same) {
        auto u = users.find(ref);
        if (u != users.end()) next.insert(u->second.begin(), u->second.end());
      }
      table[ref] = std::move(sum);
    }
    dirty = std::move(next);
  }
  return true;
}

}  // namespace

result<taint_summary> run_taint_analysis(const std::filesystem::path& root, const inventory& files,
                                         const taint_spec& spec, const threat_model& model,
                                         const std::function<void(finding)>& on_finding,
                                         const std::function<bool()>& cancelled, unsigned threads) {
  taint_summary summary;
  const unsigned workers = threads ? threads : default_analysis_threads();
  const std::size_t n = files.files.size();
  // First pass: which functions of the project always return a literal,
  // the definitions of the call graph, and each file's calls.
  literal_functions literals;
  call_resolver calls;
  source_reader_index source_readers;
  front_end_cache front_ends(kMaxKeptFrontEndBytes);
  std::vector<std::string> surveyed(n);
  {
    std::optional<survey_plan> plan = plan_survey(root, files, spec, model, workers, cancelled);
    if (!plan) return status(errc::closed, "taint analysis cancelled");
    std::vector<file_facts> facts(n);
    // A file left out is no file of the call graph: no call is resolved
    // from it (none of its calls is analysed) nor to it (plan_survey).
    auto collect = [&](std::size_t i, unsigned) {
      if (!plan->surveyed[i]) return;
      cross_file xf;
      xf.file = static_cast<std::uint32_t>(i);
      xf.front_ends = &front_ends;
      facts[i] = facts_of(root, files.files[i], spec, xf, std::move(plan->texts[i]));
    };
    auto merge = [&](std::size_t i) {
      literals.add(facts[i].literals);
      for (std::string& name : facts[i].source_readers) source_readers.add(static_cast<std::uint32_t>(i), std::move(name));
      if (facts[i].defs) {
        calls.add(static_cast<std::uint32_t>(i), files.files[i].path, files.files[i].lang, std::move(*facts[i].defs));
      }
      surveyed[i] = std::move(facts[i].calls);
      facts[i] = {};
    };
    if (!run_in_order(n, workers, collect, merge, cancelled)) return status(errc::closed, "taint analysis cancelled");
  }
  calls.finish();
  // Second: the other files' functions those calls name, and their
  // summaries (summarise: in rounds, with what they call in turn).
  std::set<callee_ref> wanted;
  {
    std::vector<std::vector<callee_ref>> named(n);
    auto resolve = [&](std::size_t i, unsigned) {
      std::string_view rest = surveyed[i];
      for (std::size_t end = rest.find('\n'); end != std::string_view::npos; end = rest.find('\n')) {
        if (auto r = calls.resolve(static_cast<std::uint32_t>(i), rest.substr(0, end))) named[i].push_back(std::move(*r));
        rest.remove_prefix(end + 1);
      }
      surveyed[i] = {};
    };
    auto merge = [&](std::size_t i) {
      wanted.insert(named[i].begin(), named[i].end());
      named[i] = {};
    };
    if (!run_in_order(n, workers, resolve, merge, cancelled)) return status(errc::closed, "taint analysis cancelled");
  }
  summary_table table;
  std::set<callee_ref> known;
  std::vector<inventory_note> round_notes;
  if (!summarise(root, files, spec, literals, calls, std::move(wanted), known, table, front_ends, workers, cancelled,
                 round_notes)) {
    return status(errc::closed, "taint analysis cancelled");
  }
  // Third: every file, once, with those summaries. A file whose calls
  // reach only summarised functions (or none) is done: reported at once
  // while no file before it waits, so findings stream in inventory order;
  // a file with a call the survey missed waits for the fourth pass.
  std::vector<file_result> results(n);
  auto report = [&](file_result& r) {
    summary.files_analyzed += r.analyzed;
    summary.functions_analyzed += r.functions;
    if (r.note) summary.notes.push_back(std::move(*r.note));
    for (taint_clearance& c : r.cleared) summary.cleared.push_back(std::move(c));
    for (finding& f : r.found) {
      ++summary.findings;
      on_finding(std::move(f));
    }
    r = {};
  };
  auto settled = [&](const file_result& r) {
    return std::all_of(r.requests.begin(), r.requests.end(), [&](const callee_ref& c) { return known.count(c) > 0; });
  };
  std::size_t reported = 0;
  auto analyze = [&](std::size_t i, unsigned) {
    results[i] = analyze_file(root, files.files[i], spec, model, literals, {&calls, &table, static_cast<std::uint32_t>(i), &files, &source_readers, &front_ends});
  };
  auto done = [&](std::size_t i) {
    if (reported == i && settled(results[i])) report(results[reported++]);
  };
  if (!run_in_order(n, workers, analyze, done, cancelled)) return status(errc::closed, "taint analysis cancelled");
  // Fourth: the summaries of what the survey missed, and the files whose
  // calls reach one that says more than an unknown call, analysed again.
  // None is of a file the survey left out: what an analysed file's calls
  // reach is in a family surveyed whole (plan_survey), whose summaries
  // therefore see the same definitions as when every file is surveyed.
  std::set<callee_ref> missed;
  for (std::size_t i = reported; i < n; ++i) {
    for (const callee_ref& c : results[i].requests) {
      if (!known.count(c)) missed.insert(c);
    }
  }
  if (!summarise(root, files, spec, literals, calls, missed, known, table, front_ends, workers, cancelled, round_notes)) {
    return status(errc::closed, "taint analysis cancelled");
  }
  std::vector<std::size_t> again;
  for (std::size_t i = reported; i < n; ++i) {
    for (const callee_ref& ref : results[i].requests) {
      auto it = table.find(ref);
      if (missed.count(ref) && it != table.end() && !it->second.passes_through()) {
        again.push_back(i);
        break;
      }
    }
  }
  auto reanalyze = [&](std::size_t k, unsigned) {
    const std::size_t i = again[k];
    results[i] = analyze_file(root, files.files[i], spec, model, literals, {&calls, &table, static_cast<std::uint32_t>(i), &files, &source_readers, &front_ends});
  };
  if (!run_in_order(again.size(), workers, reanalyze, [](std::size_t) {}, cancelled)) {
    return status(errc::closed, "taint analysis cancelled");
  }
  for (std::size_t i = reported; i < n; ++i) report(results[i]);
  for (inventory_note& note : round_notes) summary.notes.push_back(std::move(note));
  return summary;
}

}  // namespace heimdall::analysis
