#include "analysis/taint_go.h"

#include <array>

#include "analysis/c_family_space.h"

namespace heimdall::analysis::taint_detail {
namespace {


// Longest first; `:=` is handled before these.
constexpr std::array<std::string_view, 25> kGoOps = {"<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--",
                                                     "==",  "!=",  "<=",  ">=",  "+=", "-=", "*=", "/=", "%=",
                                                     "&=",  "|=",  "^=",  "<<",  ">>", "&^", "->"};

std::size_t go_op_length(std::string_view s, std::size_t i) {
  for (std::string_view op : kGoOps) {
    if (s[i] == op[0] && s.substr(i, op.size()) == op) return op.size();
  }
  return 1;
}

// The end of a quoted literal opened at s[i] by `q`: past the closing
// quote, or at the line's end when unterminated (raw strings: the file's).
std::size_t quoted_end(std::string_view s, std::size_t i, char q) {
  std::size_t j = i + 1;
  while (j < s.size() && s[j] != q) {
    if (q != '`' && s[j] == '\n') return j;
    if (q != '`' && s[j] == '\\') ++j;
    ++j;
  }
  return j < s.size() ? j + 1 : s.size();
}

}  // namespace

lexed_file lex_go(std::string_view s) {
  lexed_file out;
  int line = 1;
  bool nl = false;
  std::size_t i = 0;
  auto emit = [&](tok kind, std::size_t b, std::size_t e) {
    token t;
    t.kind = kind;
    t.text = s.substr(b, e - b);
    t.line = line;
    t.nl_before = nl;
    nl = false;
    out.tokens.push_back(t);
  };
  while (i < s.size()) {
    if (out.tokens.size() >= kMaxTokens) {
      out.truncated = true;
      break;
    }
    if (std::size_t next = skip_c_family_space(s, i, line, nl); next != i) {
      i = next;
      continue;
    }
    char c = s[i];
    std::size_t j = i + 1;
    if (c == '"' || c == '`' || c == '\'') {
      j = quoted_end(s, i, c);
      emit(tok::string, i, j);
      for (std::size_t k = i; k < j; ++k) line += s[k] == '\n';
    } else if (is_name_start(c)) {
      while (j < s.size() && is_name_char(s[j])) ++j;
      emit(tok::name, i, j);
    } else if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      while (j < s.size() && (is_name_char(s[j]) || s[j] == '.')) ++j;
      emit(tok::number, i, j);
    } else if (c == ':' && i + 1 < s.size() && s[i + 1] == '=') {
      j = i + 2;
      emit(tok::op, i + 1, j);  // a declaration assigns: the engine sees `=`
    } else {
      j = i + go_op_length(s, i);
      emit(tok::op, i, j);
    }
    i = j;
  }
  return out;
}

namespace {

// Go's semicolon insertion: a line break ends a statement after these.
bool ends_line(const token& t) {
  if (t.kind != tok::op) {
    return !(t.kind == tok::name && (t.text == "func" || t.text == "var" || t.text == "const" || t.text == "type" ||
                                     t.text == "if" || t.text == "for" || t.text == "switch" || t.text == "go" ||
                                     t.text == "defer" || t.text == "case"));
  }
  return t.text == ")" || t.text == "]" || t.text == "}" || t.text == "++" || t.text == "--";
}

class go_parser {
 public:
  explicit go_parser(const std::vector<token>& toks) : toks_(toks) {}

  std::vector<stmt> statements(std::uint32_t b, std::uint32_t e, int depth) {
    return brace_statements(b, e, [&](std::uint32_t i, std::vector<stmt>& out) { return one(i, e, depth, out); });
  }

  // The end of a simple statement starting at i: `stop` is its last token's
  // end; the result is past a ';' that ends it.
  std::uint32_t statement_end(std::uint32_t i, std::uint32_t e, std::uint32_t& stop) const {
    // Go's automatic semicolon: after a line's last token that can end a
    // statement, unless the next line continues a selector chain.
    return brace_statement_end(toks_, i, e, stop,
                               [&](std::uint32_t j) { return ends_line(toks_[j - 1]) && !is(toks_[j], "."); });
  }

  // A function's header from toks[i] (after `func`): an optional receiver,
  // the name, the parameters and results, up to the body's `{`.
  std::uint32_t func_decl(std::uint32_t i, std::uint32_t e, int depth, stmt& s) {
    std::uint32_t j = i;
    if (j < e && is(toks_[j], "(")) j = matching(toks_, j, e) + 1;  // the receiver
    if (j < e && toks_[j].kind == tok::name) s.name = toks_[j++].text;
    if (j < e && is(toks_[j], "[")) j = matching(toks_, j, e) + 1;  // type parameters
    if (j >= e || !is(toks_[j], "(")) return e;
    std::uint32_t close = matching(toks_, j, e);
    s.kind = stmt_kind::func;
    s.head = sp(j + 1, close);
    return func_body(close + 1, e, depth, s);
  }

  // The results and body after a function's parameters at toks[j]; a
  // declaration without a body (assembly) ends at the line break.
  std::uint32_t func_body(std::uint32_t j, std::uint32_t e, int depth, stmt& s) {
    int d = 0;
    for (; j < e; ++j) {
      if (d == 0 && is(toks_[j], "{") && !(j > 0 && (is(toks_[j - 1], "struct") || is(toks_[j - 1], "interface")))) break;
      if (d == 0 && toks_[j].nl_before) return j;
      if (opens(toks_[j])) ++d;
      if (closes(toks_[j])) {
        if (d == 0) return j;
        --d;
      }
    }
    if (j >= e) return e;
    std::uint32_t close = matching(toks_, j, e);
    if (depth < kMaxNesting) s.body = statements(j + 1, close, depth + 1);
    return close < e ? close + 1 : e;
  }

  // The `{` opening the block of an if/for/switch header starting at i
  // (composite literals in a header need parentheses in Go).
  std::uint32_t block_open(std::uint32_t i, std::uint32_t e) const {
    int d = 0;
    for (std::uint32_t j = i; j < e; ++j) {
      if (d == 0 && is(toks_[j], "{")) return j;
      if (is(toks_[j], "func")) {  // a func literal in the header: skip its body
        stmt ignored;
        std::uint32_t end = go_function_literal(toks_, j, e, ignored, kMaxNesting);
        if (end > j) {
          j = end - 1;
          continue;
        }
      }
      if (opens(toks_[j])) ++d;
      if (closes(toks_[j]) && --d < 0) return e;
    }
    return e;
  }

  // A block at toks[i] ('{'), into out; returns the index past it.
  std::uint32_t block(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    if (i >= e || !is(toks_[i], "{")) return i;
    std::uint32_t close = matching(toks_, i, e);
    if (depth < kMaxNesting) out = statements(i + 1, close, depth + 1);
    return close < e ? close + 1 : e;
  }

  // `init; rest` of a header [b, e): the init statement goes to `out`,
  // the rest is returned.
  span split_init(std::uint32_t b, std::uint32_t e, std::vector<stmt>& out) const {
    int d = 0;
    for (std::uint32_t j = b; j < e; ++j) {
      if (opens(toks_[j])) ++d;
      if (closes(toks_[j])) --d;
      if (d == 0 && is(toks_[j], ";")) {
        out.push_back(simple(b, j));
        return sp(j + 1, e);
      }
    }
    return sp(b, e);
  }

  std::uint32_t if_stmt(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    stmt s;
    s.kind = stmt_kind::if_;
    s.line = toks_[i].line;
    std::uint32_t open = block_open(i + 1, e);
    s.head = split_init(i + 1, open, out);
    std::uint32_t j = block(open, e, depth, s.body);
    if (j < e && is(toks_[j], "else")) {
      if (j + 1 < e && is(toks_[j + 1], "if")) {
        j = depth < kMaxNesting ? if_stmt(j + 1, e, depth + 1, s.orelse) : j + 1;
      } else {
        j = block(j + 1, e, depth, s.orelse);
      }
    }
    out.push_back(std::move(s));
    return j;
  }

  std::uint32_t for_stmt(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    stmt s;
    s.kind = stmt_kind::loop;
    s.line = toks_[i].line;
    std::uint32_t open = block_open(i + 1, e);
    s.head = sp(i + 1, open);
    s.loop = loop_form::while_;
    int d = 0;
    for (std::uint32_t m = s.head.b; m < s.head.e; ++m) {
      if (opens(toks_[m])) ++d;
      if (closes(toks_[m])) --d;
      if (d == 0 && is(toks_[m], ";")) s.loop = loop_form::c_for;
      if (d == 0 && is(toks_[m], "range")) s.loop = loop_form::js_for_in_of;  // the engine splits at `range`
    }
    std::uint32_t j = block(open, e, depth, s.body);
    out.push_back(std::move(s));
    return j;
  }

  // switch / select: `case a, b:` labels and their statements.
  std::uint32_t switch_stmt(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    stmt s;
    s.kind = stmt_kind::switch_;
    s.line = toks_[i].line;
    std::uint32_t open = block_open(i + 1, e);
    s.head = split_init(i + 1, open, out);
    if (open >= e) return e;
    std::uint32_t close = matching(toks_, open, e);
    std::uint32_t j = open + 1;
    while (j < close) {
      bool is_case = is(toks_[j], "case");
      if (!is_case && !is(toks_[j], "default")) {
        ++j;
        continue;
      }
      std::uint32_t colon = j + 1;
      for (int d = 0; colon < close; ++colon) {
        if (opens(toks_[colon])) ++d;
        if (closes(toks_[colon])) --d;
        if (d == 0 && is(toks_[colon], ":")) break;
      }
      std::vector<span> labels;
      if (is_case) labels = split_commas(j + 1, colon);
      std::uint32_t end = colon + 1;
      while (end < close && !((is(toks_[end], "case") || is(toks_[end], "default")) && toks_[end].nl_before)) {
        if (opens(toks_[end])) end = matching(toks_, end, close);
        ++end;
      }
      s.case_labels.push_back(std::move(labels));
      s.handlers.push_back(depth < kMaxNesting && colon < close ? statements(colon + 1, end, depth + 1)
                                                                 : std::vector<stmt>{});
      j = end;
    }
    out.push_back(std::move(s));
    return close < e ? close + 1 : e;
  }

  std::vector<span> split_commas(std::uint32_t b, std::uint32_t e) const {
    std::vector<span> out;
    int d = 0;
    std::uint32_t start = b;
    for (std::uint32_t j = b; j <= e; ++j) {
      if (j < e && opens(toks_[j])) ++d;
      if (j < e && closes(toks_[j])) --d;
      if (j == e || (d == 0 && is(toks_[j], ","))) {
        if (j > start) out.push_back(sp(start, j));
        start = j + 1;
      }
    }
    return out;
  }

  // `var (...)`, `const (...)`, `import (...)`: one statement per entry,
  // each starting with the keyword's meaning kept by the engine (`var`).
  std::uint32_t group(std::uint32_t i, std::uint32_t e, std::vector<stmt>& out) const {
    std::uint32_t close = matching(toks_, i + 1, e);
    for (std::uint32_t j = i + 2; j < close;) {
      std::uint32_t stop;
      std::uint32_t end = statement_end(j, close, stop);
      if (stop > j && !is(toks_[i], "import")) out.push_back(simple(j, stop));
      j = end > j ? end : j + 1;
    }
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
    const token& t = toks_[i];
    if (is(t, ";")) return i + 1;
    std::uint32_t stop;
    if (depth >= kMaxNesting) {
      std::uint32_t end = statement_end(i, e, stop);
      out.push_back(simple(i, stop));
      return end;
    }
    if (is(t, "{")) {
      stmt s;
      s.kind = stmt_kind::block;
      s.line = t.line;
      std::uint32_t end = block(i, e, depth, s.body);
      out.push_back(std::move(s));
      return end;
    }
    if (t.kind == tok::name) {
      std::string_view k = t.text;
      if (k == "func" && i + 1 < e && !is(toks_[i + 1], "(")) {
        stmt s;
        s.line = t.line;
        std::uint32_t end = func_decl(i + 1, e, depth, s);
        if (s.kind == stmt_kind::func) out.push_back(std::move(s));
        return end;
      }
      if (k == "func" && i + 1 < e && is(toks_[i + 1], "(")) {  // a method, or a func literal called at once
        std::uint32_t close = matching(toks_, i + 1, e);
        if (close + 1 < e && toks_[close + 1].kind == tok::name && !toks_[close + 1].nl_before) {
          stmt s;
          s.line = t.line;
          std::uint32_t end = func_decl(i + 1, e, depth, s);
          if (s.kind == stmt_kind::func) out.push_back(std::move(s));
          return end;
        }
      }
      if (k == "if") return if_stmt(i, e, depth, out);
      if (k == "for") return for_stmt(i, e, depth, out);
      if (k == "switch" || k == "select") return switch_stmt(i, e, depth, out);
      if ((k == "var" || k == "const" || k == "import") && i + 1 < e && is(toks_[i + 1], "(")) return group(i, e, out);
      if (k == "package" || k == "import" || k == "type" || k == "break" || k == "continue" || k == "goto" ||
          k == "fallthrough") {
        return skip_declaration(i, e, stop);
      }
      if ((k == "go" || k == "defer") && i + 1 < e) return one(i + 1, e, depth, out);
      if (k == "return") {
        std::uint32_t end = i + 1 < e && !toks_[i + 1].nl_before ? statement_end(i + 1, e, stop) : (stop = i + 1);
        stmt r = simple(i + 1, stop);
        r.kind = stmt_kind::ret;
        r.extent = {};  // the whole statement's, below
        r.line = t.line;
        out.push_back(std::move(r));
        return end;
      }
    }
    std::uint32_t end = statement_end(i, e, stop);
    if (stop > i) out.push_back(simple(i, stop));
    return end;
  }

  // A declaration the engine has no use for (a type, the package clause,
  // an import: packages are matched by their names), up to its end.
  std::uint32_t skip_declaration(std::uint32_t i, std::uint32_t e, std::uint32_t& stop) const {
    if (is(toks_[i], "type") && i + 1 < e && is(toks_[i + 1], "(")) {
      std::uint32_t close = matching(toks_, i + 1, e);
      return close < e ? close + 1 : e;
    }
    return statement_end(i + 1, e, stop);
  }

  stmt simple(std::uint32_t b, std::uint32_t e) const {
    stmt s;
    s.line = b < toks_.size() ? toks_[b].line : 0;
    s.head = sp(b, e);
    s.extent = s.head;
    return s;
  }

  span sp(std::uint32_t b, std::uint32_t e) const { return span{&toks_, b, e}; }

 private:
  const std::vector<token>& toks_;
};

}  // namespace

std::vector<stmt> parse_go(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e) {
  return go_parser(toks).statements(b, e, 0);
}

std::uint32_t go_function_literal(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e, stmt& out,
                                  int depth) {
  if (i + 1 >= e || !is(toks[i], "func") || !is(toks[i + 1], "(")) return 0;
  std::uint32_t close = matching(toks, i + 1, e);
  if (close >= e) return 0;
  out.kind = stmt_kind::func;
  out.line = toks[i].line;
  out.head = span{&toks, i + 2, close};
  go_parser p(toks);
  std::uint32_t end = p.func_body(close + 1, e, depth, out);
  return end > close ? end : 0;
}

}  // namespace heimdall::analysis::taint_detail
