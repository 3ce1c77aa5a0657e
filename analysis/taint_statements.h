// taint_statements: groups a token stream into the statements the taint
// engine walks — simple statements (expressions, assignments, imports),
// returns, if/else chains, loops, try/except, with, switch/match, function
// and class definitions — keeping expressions as token spans for the engine to
// evaluate. Python blocks come from indentation, JavaScript blocks from
// braces (with ';' or a line break ending a statement, as ASI would).
//
// Lenient by design: whatever does not parse becomes a simple statement,
// so malformed input still yields statements. Nesting deeper than
// kMaxNesting is flattened. Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/taint_tokens.h"

namespace heimdall::analysis::taint_detail {

inline constexpr int kMaxNesting = 100;

// A token range [b, e) of one token list.
struct span {
  const std::vector<token>* toks = nullptr;
  std::uint32_t b = 0, e = 0;

  bool empty() const { return b >= e; }
  const token& operator[](std::uint32_t i) const { return (*toks)[i]; }
};

enum class stmt_kind { simple, ret, if_, loop, try_, with_, func, class_, block, switch_ };
enum class loop_form { none, py_for, js_for_in_of, c_for, while_ };

struct stmt {
  stmt_kind kind = stmt_kind::simple;
  int line = 0;
  // simple, ret: the statement (ret: its value); if_, while: the condition;
  // py_for: between `for` and `:`; js for: inside the parentheses; with_:
  // the items; func: the parameters; class_: its bases (Python: inside the
  // parentheses; else what follows the name, `extends A implements B`);
  // block: a header to evaluate (may be empty).
  span head;
  loop_form loop = loop_form::none;
  std::string_view name;          // func, class_
  std::vector<span> decorators;   // Python: each without the '@'
  bool expression_body = false;   // func: a JS arrow function whose body is `body_expr`
  // func: a CommonJS export `exports.f = function ...` (named f) or
  // `module.exports = ...` (named `exports`): it binds no name in its scope.
  bool exported = false;
  bool default_export = false;  // JS/TS: the statement after `export default`
  span body_expr;
  std::vector<stmt> body;
  std::vector<stmt> orelse;       // if_: the else branch (elif as a nested if_); try_: its else
  std::vector<std::vector<stmt>> handlers;  // try_: except / catch blocks; switch_: each case's body
  // switch_ (head: the discriminant; Python match, JS/Java/PHP switch): the
  // labels of each case, parallel to handlers; an empty list is the
  // default (`default:`, `case _:`). Java/JS cases that share a body share
  // one entry; falling through into the next body is not modelled.
  std::vector<std::vector<span>> case_labels;
  std::vector<stmt> final_body;   // try_: finally
  // The tokens the statement was grouped from, without a closing ';'
  // (brace languages; empty for Python): what tests/analysis/stmt_oracle.h
  // checks against tree-sitter's statements.
  span extent;
};

// Gives out[from...] that have none the extent [b, e) (less a final ';'):
// a grouper's step read those statements from the tokens [b, e) (e may
// run past the tokens at an unclosed bracket).
inline void set_extents(std::vector<stmt>& out, std::size_t from, const std::vector<token>& toks, std::uint32_t b,
                        std::uint32_t e) {
  e = std::min<std::uint32_t>(e, static_cast<std::uint32_t>(toks.size()));
  if (e > b && is(toks[e - 1], ";")) --e;
  for (std::size_t k = from; k < out.size(); ++k) {
    if (!out[k].extent.toks) out[k].extent = span{&toks, b, e};
  }
}

std::vector<stmt> parse_python(const lexed_file& file);
std::vector<stmt> parse_javascript(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e);
// PHP, from lex_php's tokens (taint_php.h): the JavaScript grouping with
// statements ending at ';' only, `elseif`, `foreach (xs as k => v)` as a
// for-each, several catch blocks, class bodies of `function`
// declarations after their modifiers, and the alternative syntax
// (`if (...): ... elseif (...): ... else: ... endif;`, `foreach (...): ...
// endforeach;`, `while`, `for`, `switch` likewise).
std::vector<stmt> parse_php(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e);

// A JS function expression at toks[i] (`function (...) {...}`, `async`
// forms, `(a, b) => ...`, `a => ...`): fills `out` (kind func, params in
// head, body or body_expr) and returns the index past it; 0 when there is
// none at i.
// `depth` is the caller's nesting, so bodies nested past kMaxNesting stay empty.
// `php`: a PHP function or closure (`function ($a) use ($b) {...}`), its body grouped as parse_php does.
std::uint32_t js_function_expression(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e, stmt& out,
                                     int depth = 0, bool php = false);

// Index of the bracket closing the one at toks[i] (or e when unbalanced).
std::uint32_t matching(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e);

// The statements of a brace language's tokens [b, e): `one(i, out)` parses
// the statement at toks[i] into `out` and returns where the next begins; one
// that takes nothing is stepped over, so the loop always ends.
template <class ParseOne>
std::vector<stmt> brace_statements(std::uint32_t b, std::uint32_t e, ParseOne one) {
  std::vector<stmt> out;
  for (std::uint32_t i = b; i < e;) {
    std::uint32_t next = one(i, out);
    i = next > i ? next : i + 1;
  }
  return out;
}

// The end of a simple statement of a brace language (JavaScript, PHP, Go)
// from toks[i], before e: at a ';' outside brackets (the result is past
// it), at a bracket closing one the statement did not open, or before a
// token on a new line when `line_break_ends(j)` says the break before
// toks[j] ends the statement (the language's automatic semicolons). `stop`
// is set to where the statement's tokens end.
template <class LineBreakEnds>
std::uint32_t brace_statement_end(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e,
                                  std::uint32_t& stop, LineBreakEnds line_break_ends) {
  int depth = 0;
  for (std::uint32_t j = i; j < e; ++j) {
    const token& t = toks[j];
    if (depth == 0 && j > i && t.nl_before && line_break_ends(j)) {
      stop = j;
      return j;
    }
    if (opens(t)) ++depth;
    if (closes(t)) {
      if (depth == 0) {
        stop = j;
        return j;
      }
      --depth;
    }
    if (depth == 0 && is(t, ";")) {
      stop = j;
      return j + 1;
    }
  }
  stop = e;
  return e;
}

}  // namespace heimdall::analysis::taint_detail
