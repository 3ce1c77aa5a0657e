#include "analysis/taint_statements.h"

#include <algorithm>
#include <array>

namespace heimdall::analysis::taint_detail {
namespace {

// ---------------------------------------------------------------- Python

struct logical_line {
  std::uint32_t b, e;  // tokens, without the NEWLINE
  int indent;
};

class python_parser {
 public:
  explicit python_parser(const lexed_file& f) : toks_(f.tokens) {
    std::uint32_t start = 0;
    for (std::uint32_t i = 0; i < toks_.size(); ++i) {
      if (toks_[i].kind == tok::newline) {
        if (i > start) lines_.push_back({start, i, toks_[start].indent});
        start = i + 1;
      }
    }
    if (start < toks_.size()) lines_.push_back({start, static_cast<std::uint32_t>(toks_.size()), toks_[start].indent});
  }

  std::vector<stmt> parse() {
    std::size_t i = 0;
    std::vector<stmt> out;
    while (i < lines_.size()) {
      std::vector<stmt> part = block(i, lines_[i].indent, 0);
      for (stmt& s : part) out.push_back(std::move(s));
      if (i < lines_.size() && part.empty()) ++i;  // a dedent below the first line's indentation
    }
    return out;
  }

 private:
  span sp(std::uint32_t b, std::uint32_t e) const { return span{&toks_, b, e}; }

  // Simple statements of [b, e), split at ';'.
  void simple(std::uint32_t b, std::uint32_t e, std::vector<stmt>& out) const {
    int depth = 0;
    std::uint32_t start = b;
    for (std::uint32_t i = b; i <= e; ++i) {
      if (i < e) {
        if (opens(toks_[i])) ++depth;
        if (closes(toks_[i]) && depth > 0) --depth;
        if (!(depth == 0 && is(toks_[i], ";"))) continue;
      }
      if (i > start) {
        stmt s;
        s.line = toks_[start].line;
        if (is(toks_[start], "return")) {
          s.kind = stmt_kind::ret;
          s.head = sp(start + 1, i);
        } else {
          s.head = sp(start, i);
        }
        out.push_back(std::move(s));
      }
      start = i + 1;
    }
  }

  // The ':' ending a compound statement's header, or 0.
  std::uint32_t header_colon(const logical_line& l) const {
    int depth = 0;
    for (std::uint32_t i = l.b; i < l.e; ++i) {
      if (opens(toks_[i])) ++depth;
      if (closes(toks_[i]) && depth > 0) --depth;
      if (depth == 0 && is(toks_[i], "lambda")) return 0;
      if (depth == 0 && is(toks_[i], ":")) return i;
    }
    return 0;
  }

  std::vector<stmt> block(std::size_t& i, int indent, int depth) {
    std::vector<stmt> out;
    std::vector<span> decorators;
    stmt* open_if = nullptr;   // receives a following elif / else
    stmt* open_try = nullptr;  // receives except / else / finally
    while (i < lines_.size() && lines_[i].indent >= indent) {
      const logical_line l = lines_[i++];
      const token& first = toks_[l.b];
      if (is(first, "@")) {
        decorators.push_back(sp(l.b + 1, l.e));
        continue;
      }
      std::uint32_t kw = l.b;
      if (is(first, "async") && l.b + 1 < l.e) ++kw;
      static constexpr std::array<std::string_view, 14> kCompound = {
          "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class", "match", "case",
          "async"};
      bool compound = false;
      for (std::string_view k : kCompound) compound = compound || is(toks_[kw], k);
      std::uint32_t colon = compound ? header_colon(l) : 0;
      // match / case are soft keywords: compound only when the line ends with ':'.
      if (!compound || colon == 0 || ((is(toks_[kw], "match") || is(toks_[kw], "case")) && colon != l.e - 1)) {
        open_if = nullptr;
        open_try = nullptr;
        decorators.clear();
        simple(l.b, l.e, out);
        continue;
      }
      stmt s;
      s.line = first.line;
      std::string_view k = toks_[kw].text;
      // The body: the rest of the line, or the indented lines below.
      if (colon + 1 < l.e) {
        simple(colon + 1, l.e, s.body);
      } else if (i < lines_.size() && lines_[i].indent > indent) {
        if (depth < kMaxNesting) {
          s.body = block(i, lines_[i].indent, depth + 1);
        } else {
          while (i < lines_.size() && lines_[i].indent > indent) simple(lines_[i].b, lines_[i].e, s.body), ++i;
        }
      }
      if (k == "elif" || (k == "else" && open_if)) {
        if (!open_if) continue;
        if (k == "else") {
          open_if->orelse = std::move(s.body);
          open_if = nullptr;
        } else {
          s.kind = stmt_kind::if_;
          s.head = sp(kw + 1, colon);
          open_if->orelse.push_back(std::move(s));
          open_if = &open_if->orelse.back();
        }
        continue;
      }
      if (open_try && (k == "except" || k == "else" || k == "finally")) {
        if (k == "except") open_try->handlers.push_back(std::move(s.body));
        if (k == "else") open_try->orelse = std::move(s.body);
        if (k == "finally") open_try->final_body = std::move(s.body);
        continue;
      }
      if (k == "else" || k == "except" || k == "finally") {
        // A loop's else, or a dangling clause: run its body in sequence.
        s.kind = stmt_kind::block;
      } else if (k == "if") {
        s.kind = stmt_kind::if_;
        s.head = sp(kw + 1, colon);
      } else if (k == "while") {
        s.kind = stmt_kind::loop;
        s.loop = loop_form::while_;
        s.head = sp(kw + 1, colon);
      } else if (k == "for") {
        s.kind = stmt_kind::loop;
        s.loop = loop_form::py_for;
        s.head = sp(kw + 1, colon);
      } else if (k == "with") {
        s.kind = stmt_kind::with_;
        s.head = sp(kw + 1, colon);
      } else if (k == "try") {
        s.kind = stmt_kind::try_;
      } else if (k == "def" || k == "class") {
        s.kind = k == "def" ? stmt_kind::func : stmt_kind::class_;
        if (kw + 1 < colon && toks_[kw + 1].kind == tok::name) s.name = toks_[kw + 1].text;
        std::uint32_t p = kw + 2;
        if (p < colon && is(toks_[p], "[")) p = matching(toks_, p, colon) + 1;  // 3.12 type parameters
        if (p < colon && is(toks_[p], "(")) s.head = sp(p + 1, matching(toks_, p, colon));
        s.decorators = std::move(decorators);
      } else {  // match, case
        s.kind = stmt_kind::block;
        s.head = sp(kw + 1, colon);
        if (k == "case") s.name = "case";
        if (k == "match") to_switch(s);
      }
      decorators.clear();
      out.push_back(std::move(s));
      open_if = out.back().kind == stmt_kind::if_ ? &out.back() : nullptr;
      open_try = out.back().kind == stmt_kind::try_ ? &out.back() : nullptr;
    }
    return out;
  }

  // `match x:` whose body is `case` blocks: a switch_ with each case's
  // patterns (split at '|') as labels; `case _:` is the default, and a
  // guarded case (`case p if c:`) gets no constant label.
  void to_switch(stmt& s) const {
    if (s.body.empty()) return;
    for (const stmt& c : s.body) {
      if (c.kind != stmt_kind::block || c.name != "case") return;
    }
    std::vector<stmt> cases = std::move(s.body);
    s.body.clear();
    s.kind = stmt_kind::switch_;
    for (stmt& c : cases) {
      std::vector<span> labels;
      span h = c.head;
      bool guarded = false;
      for (std::uint32_t j = h.b; j < h.e; ++j) guarded = guarded || is(toks_[j], "if");
      if (guarded) {
        labels.push_back(sp(h.b, h.b));  // never constant
      } else if (!(h.e == h.b + 1 && is(toks_[h.b], "_"))) {
        std::uint32_t start = h.b;
        for (std::uint32_t j = h.b; j <= h.e; ++j) {
          if (j == h.e || is(toks_[j], "|")) {
            labels.push_back(sp(start, j));
            start = j + 1;
          }
        }
      }
      s.case_labels.push_back(std::move(labels));
      s.handlers.push_back(std::move(c.body));
    }
  }

  const std::vector<token>& toks_;
  std::vector<logical_line> lines_;
};

// ------------------------------------------------------------ JavaScript

// An operator after which a statement cannot end.
bool continues_after(const token& t) {
  if (t.kind != tok::op) return false;
  return !(t.text == ")" || t.text == "]" || t.text == "}" || t.text == "++" || t.text == "--" || t.text == ";");
}

// An operator that continues the previous line's expression.
bool continues_before(const token& t) {
  if (t.kind != tok::op) return false;
  return !(t.text == "{" || t.text == "}" || t.text == "!" || t.text == "++" || t.text == "--" || t.text == "@" ||
           t.text == "[" || t.text == "#" || t.text == ";");
}


// TypeScript type annotations. A token after which a type goes on (an
// operand is still to come), and one that goes on the type of the line
// before.
bool type_goes_on_after(const token& t) {
  static constexpr std::array<std::string_view, 18> kAfter = {
      ":", "|", "&", "=>", ",", "<", "?", ".", "keyof", "typeof", "is", "extends", "infer", "readonly", "unique",
      "asserts", "new", "="};
  for (std::string_view k : kAfter) {
    if (is(t, k)) return true;
  }
  return false;
}

bool type_goes_on_before(const token& t) {
  return is(t, "|") || is(t, "&") || is(t, ".") || is(t, "<") || is(t, "=>") || is(t, "?") || is(t, "is") ||
         is(t, "extends");
}

// How a token changes the depth of type arguments `<...>`: `<` opens one,
// `>` closes one and `>>` two.
int angle_step(const token& t) {
  if (is(t, "<")) return 1;
  if (t.kind == tok::op && !t.text.empty() && t.text.find_first_not_of('>') == std::string_view::npos) {
    return -static_cast<int>(t.text.size());
  }
  return 0;
}

// The end of a type annotation starting at toks[i] (past its ':'): the '{'
// of a body after it, or where a declaration without one ends (';', a
// bracket it did not open, a line break after a whole type; e at the end).
// An object type (`{...}` where an operand is due) is part of the type.
std::uint32_t type_end(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e) {
  int angle = 0;
  for (std::uint32_t j = i; j < e; ++j) {
    const token& t = toks[j];
    const bool operand_due = j == i || type_goes_on_after(toks[j - 1]);
    if (angle == 0 && !operand_due && (is(t, "{") || (t.nl_before && !type_goes_on_before(t)))) return j;
    if (is(t, ";") || closes(t)) return j;
    if (opens(t)) {
      j = matching(toks, j, e);
      if (j >= e) return e;
      continue;
    }
    angle = std::max(0, angle + angle_step(t));
  }
  return e;
}

// The '{' of a function's body after its parameters (toks[i] is past the
// ')'), over a TypeScript return type; where a signature without a body
// ends otherwise (TS overloads, `declare function`, abstract and interface
// methods).
std::uint32_t body_open(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e) {
  return i < e && is(toks[i], ":") ? type_end(toks, i + 1, e) : i;
}

// A PHP member's modifier (`public static function`, `private readonly $x`).
bool php_member_modifier(const token& t) {
  static constexpr std::array<std::string_view, 8> kModifiers = {"public", "private",  "protected", "static",
                                                                 "final",  "abstract", "readonly",  "var"};
  for (std::string_view m : kModifiers) {
    if (is(t, m)) return true;
  }
  return false;
}

class js_parser {
 public:
  explicit js_parser(const std::vector<token>& toks, bool php = false) : toks_(toks), php_(php) {}

  std::vector<stmt> statements(std::uint32_t b, std::uint32_t e, int depth) {
    return brace_statements(b, e, [&](std::uint32_t i, std::vector<stmt>& out) { return one(i, e, depth, out); });
  }

  // The end of a simple statement starting at i (past its ';').
  std::uint32_t statement_end(std::uint32_t i, std::uint32_t e, std::uint32_t& stop) const {
    // PHP ends statements with ';' only; JavaScript also at a line
    // break that ASI would take as one.
    return brace_statement_end(toks_, i, e, stop, [&](std::uint32_t j) {
      const token& t = toks_[j];
      return !php_ && !continues_after(toks_[j - 1]) && (!continues_before(t) || is(t, "}")) &&
             !(t.kind == tok::name && (t.text == "in" || t.text == "of" || t.text == "instanceof"));
    });
  }

  span sp(std::uint32_t b, std::uint32_t e) const { return span{&toks_, b, e}; }

  // One statement (a body of if/for/...): a block or a single statement.
  // PHP's alternative syntax, `if (...): ... endif;`: the body runs from
  // the ':' to its closing word (`elseif`, `else` or `endif` of an if, the
  // loop's `endfor`...), which the caller reads.
  std::uint32_t body(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    if (i < e && is(toks_[i], "{")) {
      std::uint32_t close = matching(toks_, i, e);
      if (depth < kMaxNesting) out = statements(i + 1, close, depth + 1);
      return close < e ? close + 1 : e;
    }
    if (php_ && i < e && is(toks_[i], ":")) {
      std::uint32_t j = i + 1;
      while (j < e && !ends_alternative_body(toks_[j])) {
        const std::uint32_t next = one(j, e, depth + 1, out);
        j = next > j ? next : j + 1;
      }
      return j;
    }
    return one(i, e, depth + 1, out);
  }

  static bool ends_alternative_body(const token& t) {
    static constexpr std::array<std::string_view, 8> kEnds = {
        "elseif", "else", "endif", "endfor", "endforeach", "endwhile", "endswitch", "enddeclare"};
    for (std::string_view k : kEnds) {
      if (is(t, k)) return true;
    }
    return false;
  }

  // Past the closing word `word` of an alternative-syntax block at toks[j]
  // and its ';' (j itself when it is not there).
  std::uint32_t past_end_word(std::uint32_t j, std::uint32_t e, std::string_view word) const {
    if (!php_ || j >= e || !is(toks_[j], word)) return j;
    ++j;
    return j < e && is(toks_[j], ";") ? j + 1 : j;
  }

  // The `endswitch` closing an alternative-syntax switch whose cases start
  // at toks[b] (e when there is none), past the switches nested in it.
  std::uint32_t endswitch_at(std::uint32_t b, std::uint32_t e) const {
    int open = 0;
    for (std::uint32_t j = b; j < e; ++j) {
      if (is(toks_[j], "endswitch") && open-- == 0) return j;
      if (is(toks_[j], "switch") && j + 1 < e && is(toks_[j + 1], "(")) {
        const std::uint32_t close = matching(toks_, j + 1, e);
        if (close + 1 < e && is(toks_[close + 1], ":")) ++open;
      }
    }
    return e;
  }

  std::uint32_t parens(std::uint32_t i, std::uint32_t e, span& inside) const {
    if (i >= e || !is(toks_[i], "(")) {
      inside = sp(i, i);
      return i;
    }
    std::uint32_t close = matching(toks_, i, e);
    inside = sp(i + 1, close);
    return close < e ? close + 1 : e;
  }

  // The statement at toks[i] into `out` (statement_at), with its extent.
  std::uint32_t one(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    const std::size_t at = out.size();
    const std::uint32_t next = statement_at(i, e, depth, out);
    set_extents(out, at, toks_, i, next);
    return next;
  }

  std::uint32_t statement_at(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    if (i >= e) return e;  // a header with no body at the end (`for (;;)` as the file's last tokens)
    const token& t = toks_[i];
    if (is(t, ";")) return i + 1;
    if (depth >= kMaxNesting) {
      std::uint32_t stop;
      std::uint32_t end = statement_end(i, e, stop);
      out.push_back(simple(i, stop));
      return end;
    }
    stmt s;
    s.line = t.line;
    if (is(t, "{")) {
      s.kind = stmt_kind::block;
      std::uint32_t end = body(i, e, depth, s.body);
      out.push_back(std::move(s));
      return end;
    }
    if (php_ && php_member_modifier(t) && i + 1 < e && !is(toks_[i + 1], "(") &&
        !is(toks_[i + 1], ".")) {
      return i + 1;
    }
    if (t.kind == tok::name) {
      std::string_view k = t.text;
      // `export { a, b as c } from 'm'` lists names, and `export default { ... }`
      // exports an object: neither brace is a block.
      if (!php_ && i + 1 < e && is(toks_[i + 1], "{") &&
          (k == "export" || (k == "default" && i > 0 && is(toks_[i - 1], "export")))) {
        std::uint32_t stop;
        const std::uint32_t end = statement_end(i + 1, e, stop);
        out.push_back(simple(k == "export" ? i : i + 1, stop));
        return end;
      }
      if (!php_ && k == "default" && i > 0 && is(toks_[i - 1], "export") && i + 1 < e) {
        const std::size_t at = out.size();
        std::uint32_t end = one(i + 1, e, depth, out);
        if (out.size() > at) out[at].default_export = true;
        return end;
      }
      if (k == "export" || k == "default") return i + 1;
      // TypeScript's `declare` and `abstract` before a declaration.
      if (!php_ && (k == "declare" || k == "abstract") && i + 1 < e && toks_[i + 1].kind == tok::name &&
          !toks_[i + 1].nl_before) {
        return i + 1;
      }
      if ((k == "case" || k == "default") ) {
        for (std::uint32_t j = i + 1; j < e; ++j) {
          if (is(toks_[j], ":")) return j + 1;
        }
        return e;
      }
      if ((k == "if" || (php_ && k == "elseif")) && i + 1 < e && is(toks_[i + 1], "(")) {
        s.kind = stmt_kind::if_;
        std::uint32_t j = parens(i + 1, e, s.head);
        j = body(j, e, depth, s.body);
        if (j < e && is(toks_[j], ";")) ++j;
        if (j < e && is(toks_[j], "else")) j = body(j + 1, e, depth, s.orelse);
        else if (php_ && j < e && is(toks_[j], "elseif")) j = one(j, e, depth + 1, s.orelse);
        out.push_back(std::move(s));
        return past_end_word(j, e, "endif");
      }
      if ((k == "for" || k == "while" || (php_ && k == "foreach")) && i + 1 < e) {
        std::uint32_t j = i + 1;
        if (is(toks_[j], "await")) ++j;
        if (j < e && is(toks_[j], "(")) {
          s.kind = stmt_kind::loop;
          j = parens(j, e, s.head);
          s.loop = loop_form::while_;
          if (k == "for") {
            s.loop = loop_form::c_for;
            int d = 0;
            bool semicolon = false, in_of = false;
            for (std::uint32_t m = s.head.b; m < s.head.e; ++m) {
              if (opens(toks_[m])) ++d;
              if (closes(toks_[m])) --d;
              if (d == 0 && is(toks_[m], ";")) semicolon = true;
              if (d == 0 && (is(toks_[m], "of") || is(toks_[m], "in"))) in_of = true;
            }
            if (in_of && !semicolon) s.loop = loop_form::js_for_in_of;
          }
          if (k == "foreach") s.loop = loop_form::js_for_in_of;  // PHP: `$xs as $k => $v`
          j = body(j, e, depth, s.body);
          out.push_back(std::move(s));
          return past_end_word(j, e, k == "for" ? "endfor" : k == "while" ? "endwhile" : "endforeach");
        }
      }
      if (k == "do") {
        s.kind = stmt_kind::loop;
        s.loop = loop_form::while_;
        std::uint32_t j = body(i + 1, e, depth, s.body);
        if (j < e && is(toks_[j], "while")) j = parens(j + 1, e, s.head);
        out.push_back(std::move(s));
        return j;
      }
      if (k == "try" && i + 1 < e && is(toks_[i + 1], "{")) {
        s.kind = stmt_kind::try_;
        std::uint32_t j = body(i + 1, e, depth, s.body);
        while (j < e && is(toks_[j], "catch")) {  // PHP: one per exception type
          span param;
          j = parens(j + 1, e, param);
          s.handlers.emplace_back();
          j = body(j, e, depth, s.handlers.back());
          if (!php_) break;
        }
        if (j < e && is(toks_[j], "finally")) j = body(j + 1, e, depth, s.final_body);
        out.push_back(std::move(s));
        return j;
      }
      if (k == "switch" && i + 1 < e && is(toks_[i + 1], "(")) {
        s.kind = stmt_kind::switch_;
        std::uint32_t j = parens(i + 1, e, s.head);
        if (php_ && j < e && is(toks_[j], ":")) {
          const std::uint32_t end = endswitch_at(j + 1, e);
          cases(j + 1, end, depth, s);
          out.push_back(std::move(s));
          return past_end_word(end, e, "endswitch");
        }
        if (j >= e || !is(toks_[j], "{")) return j;
        std::uint32_t close = matching(toks_, j, e);
        cases(j + 1, close, depth, s);
        out.push_back(std::move(s));
        return close < e ? close + 1 : e;
      }
      if (k == "class" || (php_ && (k == "interface" || k == "enum" || k == "trait"))) {
        std::uint32_t j = i + 1;
        if (j < e && toks_[j].kind == tok::name && !is(toks_[j], "extends")) s.name = toks_[j++].text;
        const std::uint32_t bases = j;
        // The body's '{', past type parameters and arguments (`<T extends {...}>`).
        for (int angle = 0; j < e && !(angle == 0 && is(toks_[j], "{")); ++j) {
          angle = std::max(0, angle + angle_step(toks_[j]));
          if (opens(toks_[j])) j = matching(toks_, j, e);
        }
        if (j >= e) return e;
        s.head = sp(bases, j);
        std::uint32_t close = matching(toks_, j, e);
        s.kind = stmt_kind::class_;
        s.body = php_ ? statements(j + 1, close, depth + 1)  // members are `function` declarations
                      : members(j + 1, close, depth + 1);
        out.push_back(std::move(s));
        return close < e ? close + 1 : e;
      }
      if (k == "function" || (k == "async" && i + 1 < e && is(toks_[i + 1], "function"))) {
        std::uint32_t end = js_function_expression(toks_, i, e, s, depth, php_);
        if (end > i) {
          out.push_back(std::move(s));
          return end;
        }
      }
      // const f = (...) => ..., const f = function (...) {...}: a named
      // function; so are CommonJS exports `exports.f = ...` and
      // `module.exports.f = ...`, and `module.exports = ...` is the function
      // named `exports` (the module itself, taint_calls.h).
      std::uint32_t name_at = 0, value_at = 0;
      if ((k == "const" || k == "let" || k == "var") && i + 3 < e && toks_[i + 1].kind == tok::name &&
          is(toks_[i + 2], "=")) {
        name_at = i + 1;
        value_at = i + 3;
      } else if (!php_ && (k == "exports" || k == "module")) {
        std::uint32_t j = i;
        if (k == "module" && j + 2 < e && is(toks_[j + 1], ".") && is(toks_[j + 2], "exports")) j += 2;
        if (is(toks_[j], "exports") && j + 3 < e && is(toks_[j + 1], ".") && toks_[j + 2].kind == tok::name &&
            is(toks_[j + 3], "=")) {
          name_at = j + 2;
          value_at = j + 4;
        } else if (j > i && j + 1 < e && is(toks_[j + 1], "=")) {
          name_at = j;
          value_at = j + 2;
        }
      }
      if (value_at) {
        std::uint32_t end = js_function_expression(toks_, value_at, e, s, depth, php_);
        if (end > value_at && (end >= e || is(toks_[end], ";") || toks_[end].nl_before || is(toks_[end], "}"))) {
          s.name = toks_[name_at].text;
          s.exported = k != "const" && k != "let" && k != "var";
          s.line = t.line;
          out.push_back(std::move(s));
          return end < e && is(toks_[end], ";") ? end + 1 : end;
        }
      }
      if (k == "return" || k == "throw") {
        std::uint32_t stop;
        std::uint32_t end = i + 1 < e && !toks_[i + 1].nl_before ? statement_end(i + 1, e, stop) : (stop = i + 1);
        stmt r = simple(i + 1, stop);
        r.kind = k == "return" ? stmt_kind::ret : stmt_kind::simple;
        r.extent = {};  // the whole statement's, below
        r.line = t.line;
        out.push_back(std::move(r));
        return end;
      }
    }
    std::uint32_t stop;
    std::uint32_t end = statement_end(i, e, stop);
    if (stop > i) out.push_back(simple(i, stop));
    return end;
  }

  // The cases of a switch body [b, e): `case X:` / `case X: case Y:` /
  // `default:` labels and the statements after them.
  void cases(std::uint32_t b, std::uint32_t e, int depth, stmt& s) {
    std::uint32_t i = b;
    bool open = false;  // the last case has no statement yet: the next label joins it
    while (i < e) {
      const token& t = toks_[i];
      bool is_case = is(t, "case");
      bool is_default = is(t, "default") && i + 1 < e && is(toks_[i + 1], ":");
      if (is_case || is_default) {
        std::uint32_t j = i + 1;
        int d = 0;
        while (j < e && !(d == 0 && is(toks_[j], ":"))) {
          if (opens(toks_[j])) ++d;
          if (closes(toks_[j])) --d;
          ++j;
        }
        if (!open) {
          s.case_labels.emplace_back();
          s.handlers.emplace_back();
        }
        if (is_case) {
          for (span l : split_commas(i + 1, j)) s.case_labels.back().push_back(l);
        } else {
          s.case_labels.back().clear();
          s.case_labels.back().push_back(sp(i, i));  // marks the default below
        }
        open = true;
        i = j + 1;
        continue;
      }
      if (s.handlers.empty()) {
        ++i;
        continue;
      }
      std::uint32_t next = one(i, e, depth + 1, s.handlers.back());
      open = false;
      i = next > i ? next : i + 1;
    }
    // A default's marker (an empty span at `default`) becomes the empty list.
    for (auto& labels : s.case_labels) {
      for (const span& l : labels) {
        if (l.empty() && l.b < toks_.size() && is(toks_[l.b], "default")) {
          labels.clear();
          break;
        }
      }
    }
  }

  std::vector<span> split_commas(std::uint32_t b, std::uint32_t e) const {
    std::vector<span> out;
    std::uint32_t start = b;
    int d = 0;
    for (std::uint32_t j = b; j <= e; ++j) {
      if (j < e && opens(toks_[j])) ++d;
      if (j < e && closes(toks_[j])) --d;
      if (j == e || (d == 0 && is(toks_[j], ","))) {
        out.push_back(sp(start, j));
        start = j + 1;
      }
    }
    return out;
  }

  stmt simple(std::uint32_t b, std::uint32_t e) const {
    stmt s;
    s.line = b < toks_.size() ? toks_[b].line : 0;
    s.head = sp(b, e);
    s.extent = s.head;
    return s;
  }

  // Class members: methods become functions; fields simple statements.
  std::vector<stmt> members(std::uint32_t b, std::uint32_t e, int depth) {
    std::vector<stmt> out;
    std::uint32_t i = b;
    while (i < e) {
      const token& t = toks_[i];
      if (is(t, ";") || is(t, "static") || is(t, "async") || is(t, "get") || is(t, "set") || is(t, "*") ||
          is(t, "public") || is(t, "private") || is(t, "protected") || is(t, "readonly") || is(t, "override")) {
        // A modifier only when a member follows; `get(...)` and `get<T>(...)` are methods named get.
        if (i + 1 < e && !is(toks_[i + 1], "(") && !is(toks_[i + 1], "<")) {
          ++i;
          continue;
        }
      }
      if (is(t, "@")) {  // decorator: @name or @name(...)
        ++i;
        while (i < e && (toks_[i].kind == tok::name || is(toks_[i], "."))) ++i;
        if (i < e && is(toks_[i], "(")) i = matching(toks_, i, e) + 1;
        continue;
      }
      // A method: `name(`, a computed name `[key](` (no name to call it
      // by), or type parameters between `name<T>(`.
      std::uint32_t params = i + 1;
      if (is(t, "[")) {
        params = matching(toks_, i, e) + 1;
      } else if ((t.kind == tok::name || t.kind == tok::string) && params < e && is(toks_[params], "<")) {
        for (int angle = 0; params < e; ++params) {
          angle += angle_step(toks_[params]);
          if (angle <= 0 || opens(toks_[params])) break;
        }
        ++params;
      } else if (t.kind != tok::name && t.kind != tok::string) {
        params = e;
      }
      if (params < e && is(toks_[params], "(")) {
        stmt s;
        s.kind = stmt_kind::func;
        if (!is(t, "[")) s.name = t.text;
        s.line = t.line;
        std::uint32_t close = matching(toks_, params, e);
        s.head = sp(params + 1, close);
        std::uint32_t j = close + 1;
        j = body_open(toks_, j, e);
        if (j < e && is(toks_[j], "{")) {
          std::uint32_t end = matching(toks_, j, e);
          if (depth < kMaxNesting) s.body = statements(j + 1, end, depth + 1);
          j = end + 1;
        }
        out.push_back(std::move(s));
        set_extents(out, out.size() - 1, toks_, i, j);
        i = j;
        continue;
      }
      std::uint32_t stop;
      std::uint32_t end = statement_end(i, e, stop);
      if (stop > i) out.push_back(simple(i, stop));
      i = end > i ? end : i + 1;
    }
    return out;
  }

  const std::vector<token>& toks_;
  bool php_ = false;
};

}  // namespace

std::uint32_t matching(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e) {
  int depth = 0;
  for (std::uint32_t j = i; j < e; ++j) {
    if (opens(toks[j])) ++depth;
    if (closes(toks[j]) && --depth == 0) return j;
  }
  return e;
}

std::vector<stmt> parse_python(const lexed_file& file) { return python_parser(file).parse(); }

std::vector<stmt> parse_javascript(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e) {
  return js_parser(toks).statements(b, e, 0);
}


std::vector<stmt> parse_php(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e) {
  return js_parser(toks, true).statements(b, e, 0);
}

std::uint32_t js_function_expression(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e, stmt& out,
                                     int depth, bool php) {
  if (i >= e) return 0;
  std::uint32_t j = i;
  if (is(toks[j], "async") && j + 1 < e && !toks[j + 1].nl_before) ++j;
  out.kind = stmt_kind::func;
  out.line = toks[i].line;
  std::uint32_t body_at = 0;
  if (is(toks[j], "function")) {
    ++j;
    if (j < e && is(toks[j], "*")) ++j;
    if (j < e && toks[j].kind == tok::name) out.name = toks[j++].text;
    if (j >= e || !is(toks[j], "(")) return 0;
    std::uint32_t close = matching(toks, j, e);
    if (close >= e) return 0;
    out.head = span{&toks, j + 1, close};
    j = close + 1;
    j = body_open(toks, j, e);
    if (j >= e || !is(toks[j], "{")) return 0;  // a signature
    body_at = j;
  } else {
    if (is(toks[j], "(")) {
      std::uint32_t close = matching(toks, j, e);
      if (close >= e) return 0;
      out.head = span{&toks, j + 1, close};
      j = close + 1;
      if (j < e && is(toks[j], ":")) {  // a TS return type before =>
        while (j < e && !is(toks[j], "=>") && !is(toks[j], ";") && !is(toks[j], "{")) ++j;
      }
    } else if (toks[j].kind == tok::name) {
      out.head = span{&toks, j, j + 1};
      ++j;
    } else {
      return 0;
    }
    if (j >= e || !is(toks[j], "=>")) return 0;
    ++j;
    if (j >= e) return 0;
    if (!is(toks[j], "{")) {
      // An expression body: up to a ',' ';' or closing bracket at depth 0.
      int depth = 0;
      std::uint32_t k = j;
      for (; k < e; ++k) {
        if (opens(toks[k])) ++depth;
        if (closes(toks[k])) {
          if (depth == 0) break;
          --depth;
        }
        if (depth == 0 && (is(toks[k], ",") || is(toks[k], ";"))) break;
        if (depth == 0 && k > j && toks[k].nl_before && !continues_after(toks[k - 1]) && !continues_before(toks[k])) break;
      }
      out.expression_body = true;
      out.body_expr = span{&toks, j, k};
      return k;
    }
    body_at = j;
  }
  std::uint32_t close = matching(toks, body_at, e);
  if (depth < kMaxNesting) out.body = js_parser(toks, php).statements(body_at + 1, close, depth + 1);
  return close < e ? close + 1 : e;
}

}  // namespace heimdall::analysis::taint_detail
