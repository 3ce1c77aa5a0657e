#include "analysis/taint_go.h"

#include <algorithm>

#include "analysis/taint_tree_writer.h"

namespace heimdall::analysis::taint_detail {
namespace {

// Statements and expressions nest at most this deep in the tree; deeper
// ones are written as `null`, which keeps the writer's recursion far from
// the stack's end on any input.
constexpr int kMaxDepth = 2 * kMaxNesting;

// Statements the engine has no use for: types are not values, and a jump
// changes no value.
bool left_out(std::string_view t) {
  return t == "comment" || t == "type_declaration" || t == "package_clause" || t == "empty_statement" ||
         t == "break_statement" || t == "continue_statement" || t == "goto_statement" ||
         t == "fallthrough_statement";
}

bool is_case(std::string_view t) {
  return t == "expression_case" || t == "type_case" || t == "default_case" || t == "communication_case";
}

class go_writer : tree_writer {
 public:
  static constexpr std::string_view kNoGrammar = "skipped: no Go grammar in this build, not taint-analysed";
  static constexpr std::string_view kUnparsable = "skipped: Go code does not parse (tree-sitter), not taint-analysed";

  using tree_writer::tree_writer;

  void program(TSNode root) { statements(root, 0); }

 private:
  // The statements among n's named children outside fields (a block's,
  // the file's, a case's after its labels).
  void statements(TSNode n, int d) {
    for (const child& c : named_children(n)) {
      if (out_.truncated) return;
      if (!c.field) statement(c.node, d + 1);
    }
  }

  void block(TSNode n, int d) {
    const int ln = ts_node_is_null(n) ? 0 : line(n);
    op("{", ln);
    if (!ts_node_is_null(n)) statements(n, d);
    op("}", ln);
  }

  void statement(TSNode n, int d) {
    std::string_view t = type_of(n);
    if (d > kMaxDepth || left_out(t)) return;
    const int ln = line(n);
    if (t == "labeled_statement") return statements(n, d);
    if (t == "var_declaration" || t == "const_declaration") return declaration(n, t[0] == 'v' ? "var" : "const", d);
    if (t == "function_declaration" || t == "method_declaration") {
      word("func", ln);
      TSNode receiver = field(n, "receiver");
      if (!ts_node_is_null(receiver)) leaves(receiver, d);
      TSNode name = field(n, "name");
      if (!ts_node_is_null(name)) word(text(name), line(name));
      function_rest(n, d);
    } else if (t == "if_statement") {
      if_chain(n, d);
    } else if (t == "for_statement") {
      word("for", ln);
      op("(", ln);
      for (const child& c : named_children(n)) {
        if (!c.field) leaves(c.node, d);  // the clause, or the condition
      }
      op(")", ln);
      block(field(n, "body"), d);
    } else if (t == "expression_switch_statement" || t == "type_switch_statement" || t == "select_statement") {
      switch_statement(n, d);
    } else if (t == "block") {
      block(n, d);
    } else {
      leaves(n, d);
    }
    op(";", ln);
  }

  // `var (a = 1; b T)`: `var a = 1; var b T;`, one statement per spec.
  void declaration(TSNode n, std::string_view keyword, int d) {
    for (const child& c : named_children(n)) {
      std::string_view ct = type_of(c.node);
      if (ct == "var_spec_list") {
        declaration(c.node, keyword, d);
      } else if (ct == "var_spec" || ct == "const_spec") {
        word(keyword, line(c.node));
        leaves(c.node, d);
        op(";", line(c.node));
      }
    }
  }

  // A function's `(params) { body }`, its result types left out (the
  // engine reads no Go types there); no body: a declaration implemented
  // elsewhere (assembly).
  void function_rest(TSNode n, int d) {
    leaves(field(n, "parameters"), d);
    TSNode body = field(n, "body");
    if (!ts_node_is_null(body)) block(body, d);
  }

  // `(init; ...` of a header, when it has an initializer.
  void initializer(TSNode n, int d) {
    TSNode init = field(n, "initializer");
    if (ts_node_is_null(init)) return;
    leaves(init, d);
    op(";", line(init));
  }

  void if_chain(TSNode n, int d) {
    const int ln = line(n);
    word("if", ln);
    op("(", ln);
    initializer(n, d);
    leaves(field(n, "condition"), d);
    op(")", ln);
    block(field(n, "consequence"), d);
    TSNode alt = field(n, "alternative");
    if (ts_node_is_null(alt)) return;
    word("else", line(alt));
    if (type_of(alt) == "if_statement" && d < kMaxDepth) return if_chain(alt, d + 1);
    block(alt, d);
  }

  // switch / select: `switch (init; x) { case a, b: ... default: ... }`; a
  // type switch's `v := x.(type)` is `v = x;` before its subject x.
  void switch_statement(TSNode n, int d) {
    const int ln = line(n);
    word(type_of(n) == "select_statement" ? "select" : "switch", ln);
    op("(", ln);
    initializer(n, d);
    TSNode value = field(n, "value"), alias = field(n, "alias");
    if (!ts_node_is_null(alias) && !ts_node_is_null(value)) {
      leaves(alias, d);
      op("=", ln);
      leaves(value, d);
      op(";", ln);
    }
    leaves(value, d);
    op(")", ln);
    op("{", ln);
    for (const child& c : named_children(n)) {
      if (is_case(type_of(c.node))) case_clause(c.node, d + 1);
    }
    op("}", ln);
  }

  // `case a, b:` (a type case's types, a select's communication) or
  // `default:`, then its statements.
  void case_clause(TSNode n, int d) {
    const int ln = line(n);
    const bool is_default = type_of(n) == "default_case";
    word(is_default ? "default" : "case", ln);
    bool first = true;
    for (const child& c : named_children(n)) {
      if (!c.field || type_of(c.node) == "comment") continue;
      if (!first) op(",", ln);
      first = false;
      leaves(c.node, d);
    }
    op(":", ln);
    statements(n, d);
  }

  // An expression or simple statement: its leaves in order.
  void leaves(TSNode n, int d) {
    if (ts_node_is_null(n)) return;
    std::string_view t = type_of(n);
    const int ln = line(n);
    if (ts_node_is_missing(n)) {
      if (!ts_node_is_named(n)) op(t, ln);  // a bracket or operator the parser supplied: the grammar's text
      return;
    }
    if (d > kMaxDepth || t == "ERROR") return word("null", ln);
    if (t == "comment" || t == "\n") return;  // a line break ending a statement: ours end in `;`
    if (t == "interpreted_string_literal" || t == "raw_string_literal" || t == "rune_literal") {
      return emit(tok::string, text(n), ln);
    }
    if (t == "int_literal" || t == "float_literal" || t == "imaginary_literal") return emit(tok::number, text(n), ln);
    if (t == ":=") return op("=", ln);
    if (t == "func_literal") {
      word("func", ln);
      return function_rest(n, d);
    }
    if (ts_node_child_count(n) == 0) {
      std::string_view s = text(n);
      if (!s.empty()) emit(is_name_start(s[0]) ? tok::name : tok::op, s, ln);
      return;
    }
    for (const child& c : all_children(n)) leaves(c.node, d + 1);
  }
};

// Groups lex_go's tokens: every statement ends at a ';' (or the bracket
// closing its block) and every header is parenthesised, so the grouping
// follows brackets only.
class go_parser {
 public:
  explicit go_parser(const std::vector<token>& toks) : toks_(toks) {}

  std::vector<stmt> statements(std::uint32_t b, std::uint32_t e, int depth) {
    return brace_statements(b, e, [&](std::uint32_t i, std::vector<stmt>& out) { return one(i, e, depth, out); });
  }

  // The end of a simple statement starting at i (past its ';'); `stop` is
  // its last token's end.
  std::uint32_t statement_end(std::uint32_t i, std::uint32_t e, std::uint32_t& stop) const {
    return brace_statement_end(toks_, i, e, stop, [](std::uint32_t) { return false; });
  }

  // A function's header from toks[i] (after `func`): an optional receiver,
  // the name, the parameters, then its body if it has one.
  std::uint32_t func_decl(std::uint32_t i, std::uint32_t e, int depth, stmt& s) {
    std::uint32_t j = i;
    if (j < e && is(toks_[j], "(")) j = matching(toks_, j, e) + 1;  // the receiver
    if (j < e && toks_[j].kind == tok::name) s.name = toks_[j++].text;
    if (j >= e || !is(toks_[j], "(")) return j;
    std::uint32_t close = matching(toks_, j, e);
    s.kind = stmt_kind::func;
    s.head = sp(j + 1, close);
    return block(close + 1, e, depth, s.body);
  }

  // A block at toks[i] ('{'), into out; returns the index past it.
  std::uint32_t block(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    if (i >= e || !is(toks_[i], "{")) return i;
    std::uint32_t close = matching(toks_, i, e);
    if (depth < kMaxNesting) out = statements(i + 1, close, depth + 1);
    return close < e ? close + 1 : e;
  }

  // The `)` closing the header opened at toks[i], or e.
  std::uint32_t header_close(std::uint32_t i, std::uint32_t e) const {
    return i < e && is(toks_[i], "(") ? matching(toks_, i, e) : e;
  }

  // `init; ...; rest` of a header [b, e): the statements before the last
  // ';' go to `out`, the rest is returned.
  span split_init(std::uint32_t b, std::uint32_t e, std::vector<stmt>& out) const {
    int d = 0;
    for (std::uint32_t j = b; j < e; ++j) {
      if (opens(toks_[j])) ++d;
      if (closes(toks_[j])) --d;
      if (d == 0 && is(toks_[j], ";")) {
        out.push_back(simple(b, j));
        b = j + 1;
      }
    }
    return sp(b, e);
  }

  std::uint32_t if_stmt(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    stmt s;
    s.kind = stmt_kind::if_;
    s.line = toks_[i].line;
    std::uint32_t close = header_close(i + 1, e);
    if (close >= e) return e;
    s.head = split_init(i + 2, close, out);
    std::uint32_t j = block(close + 1, e, depth, s.body);
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
    std::uint32_t close = header_close(i + 1, e);
    if (close >= e) return e;
    s.head = sp(i + 2, close);
    s.loop = loop_form::while_;
    int d = 0;
    for (std::uint32_t m = s.head.b; m < s.head.e; ++m) {
      if (opens(toks_[m])) ++d;
      if (closes(toks_[m])) --d;
      if (d == 0 && is(toks_[m], ";")) s.loop = loop_form::c_for;
      if (d == 0 && is(toks_[m], "range")) s.loop = loop_form::js_for_in_of;  // the engine splits at `range`
    }
    std::uint32_t j = block(close + 1, e, depth, s.body);
    out.push_back(std::move(s));
    return j;
  }

  static bool case_start(const token& t) { return is(t, "case") || is(t, "default"); }

  // Past the token at toks[j], or past the bracket it opens.
  std::uint32_t past(std::uint32_t j, std::uint32_t e) const {
    return opens(toks_[j]) ? std::min(matching(toks_, j, e) + 1, e) : j + 1;
  }

  // switch / select: `case a, b:` labels and their statements.
  std::uint32_t switch_stmt(std::uint32_t i, std::uint32_t e, int depth, std::vector<stmt>& out) {
    stmt s;
    s.kind = stmt_kind::switch_;
    s.line = toks_[i].line;
    std::uint32_t head_close = header_close(i + 1, e);
    if (head_close + 1 >= e || !is(toks_[head_close + 1], "{")) return e;
    s.head = split_init(i + 2, head_close, out);
    const std::uint32_t open = head_close + 1, close = matching(toks_, open, e);
    std::uint32_t j = open + 1;
    while (j < close) {
      if (!case_start(toks_[j])) {
        ++j;
        continue;
      }
      std::uint32_t colon = j + 1;
      while (colon < close && !is(toks_[colon], ":")) colon = past(colon, close);
      std::vector<span> labels;
      if (is(toks_[j], "case")) labels = split_commas(j + 1, colon);
      std::uint32_t end = colon + 1;
      while (end < close && !case_start(toks_[end])) end = past(end, close);
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

  // Whether `func` before toks[i] declares a function, `func name(` or a
  // method `func (r *T) name(`: `func(...) {` is a literal, an expression.
  bool declares_function(std::uint32_t i, std::uint32_t e) const {
    if (i >= e) return false;
    if (!is(toks_[i], "(")) return true;
    const std::uint32_t after = matching(toks_, i, e) + 1;
    return after < e && toks_[after].kind == tok::name;
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
      if (k == "func" && declares_function(i + 1, e)) {
        stmt s;
        s.line = t.line;
        std::uint32_t end = func_decl(i + 1, e, depth, s);
        if (s.kind == stmt_kind::func) out.push_back(std::move(s));
        return end;
      }
      if (k == "if") return if_stmt(i, e, depth, out);
      if (k == "for") return for_stmt(i, e, depth, out);
      if (k == "switch" || k == "select") return switch_stmt(i, e, depth, out);
      if (k == "import") return statement_end(i, e, stop);  // the call graph reads imports from the tokens
      if ((k == "go" || k == "defer") && i + 1 < e) return one(i + 1, e, depth, out);
      if (k == "return") {
        std::uint32_t end = statement_end(i + 1, e, stop);
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

lexed_file lex_go(std::string_view content) { return lex_tree<go_writer>(language::go, content); }

std::string_view go_preamble(std::string_view content) {
  for (std::size_t at = 0; at < content.size();) {
    std::string_view rest = content.substr(at);
    for (std::string_view keyword : {"func", "type", "var", "const"}) {
      if (rest.starts_with(keyword) && rest.size() > keyword.size() && !is_name_char(rest[keyword.size()])) {
        return content.substr(0, at);
      }
    }
    const std::size_t line_end = content.find('\n', at);
    if (line_end == std::string_view::npos) break;
    at = line_end + 1;
  }
  return content;
}

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
  std::uint32_t end = go_parser(toks).block(close + 1, e, depth, out.body);
  return end > close ? end : 0;
}

}  // namespace heimdall::analysis::taint_detail
