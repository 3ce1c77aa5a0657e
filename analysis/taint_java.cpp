#include "analysis/taint_java.h"

#include <algorithm>
#include <cstdint>

#include "analysis/taint_tree_writer.h"

namespace heimdall::analysis::taint_detail {
namespace {

bool is_comment(std::string_view t) { return t == "line_comment" || t == "block_comment"; }

// Literals the engine reads as one string token, whatever their parts.
bool is_string(std::string_view t) { return t == "string_literal" || t == "character_literal"; }

class java_writer : tree_writer {
 public:
  static constexpr std::string_view kNoGrammar = "skipped: no Java grammar in this build, not taint-analysed";
  static constexpr std::string_view kUnparsable = "skipped: Java code does not parse (tree-sitter), not taint-analysed";

  using tree_writer::tree_writer;

  // The leaves in source order, with the cursor: no recursion, whatever the nesting.
  void program(TSNode root) {
    ts_tree_cursor_reset(&cursor_, root);
    for (;;) {
      TSNode n = ts_tree_cursor_current_node(&cursor_);
      std::string_view t = type_of(n);
      const bool leaf = is_string(t) || ts_node_child_count(n) == 0;
      if (leaf && !is_comment(t) && t != "ERROR") write(n, t);
      if (out_.truncated) return;
      if (!leaf && ts_tree_cursor_goto_first_child(&cursor_)) continue;
      while (!ts_tree_cursor_goto_next_sibling(&cursor_)) {
        if (!ts_tree_cursor_goto_parent(&cursor_)) return;
      }
    }
  }

 private:
  void write(TSNode n, std::string_view t) {
    std::string_view s = text(n);
    if (s.empty()) return;  // a MISSING token the parser put in
    const auto row = static_cast<std::int64_t>(ts_node_start_point(n).row);
    const bool nl = row > last_row_;
    last_row_ = static_cast<std::int64_t>(ts_node_end_point(n).row);
    const std::size_t before = toks_->size();
    if (is_string(t)) {
      emit(tok::string, s, line(n));
    } else if (s.size() > 1 && s[0] == '@') {  // `@interface`, one leaf in the tree
      op(s.substr(0, 1), line(n));
      word(s.substr(1), line(n));
    } else if (is_digit(s[0]) || (s[0] == '.' && s.size() > 1 && is_digit(s[1]))) {
      emit(tok::number, s, line(n));
    } else if (is_name_start(s[0]) || s[0] == '$') {
      word(s, line(n));
    } else {
      op(s, line(n));
    }
    if (toks_->size() > before) (*toks_)[before].nl_before = nl;
  }

  std::int64_t last_row_ = 0;  // the first line's first token has no break before it
};

// The statements of a parsed file, from its tree; spans are token ranges
// found by the tokens' places in the source.
class java_grouper {
 public:
  explicit java_grouper(const lexed_file& f) : f_(f), toks_(f.tokens), cursor_(ts_tree_cursor_new(root())) {}
  ~java_grouper() { ts_tree_cursor_delete(&cursor_); }
  java_grouper(const java_grouper&) = delete;
  java_grouper& operator=(const java_grouper&) = delete;

  std::vector<stmt> program() { return statements_of(root(), 0); }

 private:
  TSNode root() const { return f_.tree->root(); }

  // The first token at or after byte `at` of the source.
  std::uint32_t tok_at(std::uint32_t at) const {
    const char* p = f_.source.data() + at;
    auto it = std::lower_bound(toks_.begin(), toks_.end(), p,
                               [](const token& t, const char* x) { return t.text.data() < x; });
    return static_cast<std::uint32_t>(it - toks_.begin());
  }
  std::uint32_t first(TSNode n) const { return tok_at(ts_node_start_byte(n)); }
  std::uint32_t past(TSNode n) const { return tok_at(ts_node_end_byte(n)); }
  span sp(std::uint32_t b, std::uint32_t e) const { return span{&toks_, b, std::max(b, e)}; }
  // Inside a node's first and last token: a parenthesized condition, the parameters.
  span inside(TSNode n) const {
    if (ts_node_is_null(n)) return sp(0, 0);
    const std::uint32_t b = first(n), e = past(n);
    return e > b + 1 ? sp(b + 1, e - 1) : sp(b, b);
  }
  int line_at(std::uint32_t i) const { return i < toks_.size() ? toks_[i].line : 0; }

  // n's children; with `named_only`, its named ones but comments.
  std::vector<child> children(TSNode n, bool named_only) {
    std::vector<child> out = children_of(cursor_, n, named_only);
    if (named_only) std::erase_if(out, [](const child& c) { return is_comment(type_of(c.node)); });
    return out;
  }

  // Where a declaration's own tokens start: past its modifiers and annotations.
  std::uint32_t after_modifiers(TSNode n) {
    for (const child& c : children(n, false)) {
      std::string_view t = type_of(c.node);
      if (t != "modifiers" && t != "annotation" && t != "marker_annotation" && !is_comment(t)) return first(c.node);
    }
    return past(n);
  }

  // A statement from tokens [b, e) of node n, its extent [b, e) less a final ';'.
  void push(std::vector<stmt>& out, stmt s, std::uint32_t b, TSNode n) {
    std::uint32_t e = past(n);
    if (e > b && is(toks_[e - 1], ";")) --e;
    s.extent = sp(b, e);
    if (!s.line) s.line = line_at(b);
    out.push_back(std::move(s));
  }

  // A simple statement of tokens [b, end of n), without its ';'.
  void simple(std::vector<stmt>& out, std::uint32_t b, TSNode n, stmt_kind kind = stmt_kind::simple,
              std::uint32_t head_b = UINT32_MAX) {
    std::uint32_t e = past(n);
    if (e > b && is(toks_[e - 1], ";")) --e;
    stmt s;
    s.kind = kind;
    s.line = line_at(b);
    s.head = sp(head_b == UINT32_MAX ? b : head_b, e);
    s.extent = sp(b, e);
    if (s.extent.empty() && kind == stmt_kind::simple) return;
    out.push_back(std::move(s));
  }

  std::vector<stmt> statements_of(TSNode n, int depth) {
    std::vector<stmt> out;
    for (const child& c : children(n, true)) statement(c.node, depth + 1, out);
    return out;
  }

  // A body of if/for/while: a block's statements, or the one statement.
  std::vector<stmt> body_of(TSNode n, int depth) {
    if (ts_node_is_null(n)) return {};
    if (type_of(n) == "block") return statements_of(n, depth);
    std::vector<stmt> out;
    statement(n, depth + 1, out);
    return out;
  }

  void statement(TSNode n, int depth, std::vector<stmt>& out) {
    std::string_view t = type_of(n);
    const std::uint32_t b = first(n);
    if (t == "package_declaration" || t == "module_declaration") return;
    if (depth >= kMaxNesting) return simple(out, b, n);
    if (t == "class_declaration" || t == "interface_declaration" || t == "enum_declaration" ||
        t == "record_declaration" || t == "annotation_type_declaration") {
      return class_like(n, depth, out);
    }
    if (t == "method_declaration" || t == "constructor_declaration" || t == "compact_constructor_declaration") {
      return method(n, depth, out);
    }
    if (t == "field_declaration" || t == "constant_declaration" || t == "local_variable_declaration" ||
        t == "annotation_type_element_declaration") {
      return simple(out, after_modifiers(n), n);
    }
    if (t == "labeled_statement") {
      std::vector<child> cs = children(n, true);
      if (!cs.empty()) statement(cs.back().node, depth + 1, out);
      return;
    }
    if (t == "return_statement") return simple(out, b, n, stmt_kind::ret, b + 1);
    if (t == "throw_statement") return simple(out, b, n, stmt_kind::simple, b + 1);
    stmt s;
    if (t == "block") {
      s.kind = stmt_kind::block;
      s.body = statements_of(n, depth);
    } else if (t == "static_initializer") {
      std::vector<child> cs = children(n, true);
      if (!cs.empty()) statement(cs[0].node, depth, out);
      return;
    } else if (t == "synchronized_statement") {
      s.kind = stmt_kind::block;
      for (const child& c : children(n, true)) {
        if (type_of(c.node) == "parenthesized_expression") s.head = inside(c.node);
      }
      s.body = statements_of(field(n, "body"), depth);
    } else if (t == "if_statement") {
      s.kind = stmt_kind::if_;
      s.head = inside(field(n, "condition"));
      s.body = body_of(field(n, "consequence"), depth);
      s.orelse = body_of(field(n, "alternative"), depth);
    } else if (t == "while_statement" || t == "do_statement") {
      s.kind = stmt_kind::loop;
      s.loop = loop_form::while_;
      s.head = inside(field(n, "condition"));
      s.body = body_of(field(n, "body"), depth);
    } else if (t == "for_statement" || t == "enhanced_for_statement") {
      s.kind = stmt_kind::loop;
      s.loop = t == "for_statement" ? loop_form::c_for : loop_form::js_for_in_of;
      TSNode body = field(n, "body");
      // Between the '(' after `for` and the ')' before the body.
      const std::uint32_t end = ts_node_is_null(body) ? past(n) : first(body);
      s.head = sp(std::min(b + 2, end), end > b + 2 ? end - 1 : end);
      s.body = body_of(body, depth);
    } else if (t == "try_statement" || t == "try_with_resources_statement") {
      try_(n, depth, s);
    } else if (t == "switch_expression") {
      switch_(n, depth, s);
    } else {
      return simple(out, b, n);
    }
    push(out, std::move(s), b, n);
  }

  // try (resources) { body } catch (...) { } ... finally { }: the
  // resources' declarations run first, as statements of the body.
  void try_(TSNode n, int depth, stmt& s) {
    s.kind = stmt_kind::try_;
    for (const child& r : children(field(n, "resources"), true)) {
      if (type_of(r.node) == "resource") simple(s.body, first(r.node), r.node);
    }
    for (stmt& x : statements_of(field(n, "body"), depth)) s.body.push_back(std::move(x));
    for (const child& c : children(n, true)) {
      std::string_view ct = type_of(c.node);
      if (ct == "catch_clause") s.handlers.push_back(statements_of(field(c.node, "body"), depth));
      if (ct == "finally_clause") {
        for (const child& k : children(c.node, true)) {
          if (type_of(k.node) == "block") s.final_body = statements_of(k.node, depth);
        }
      }
    }
  }

  // switch (x) { case A, B: ... case C -> ...; default: ... }: each case
  // group's labels (its expressions), the empty list for one with `default`.
  // A group without statements shares the next one's body (it falls through
  // into it), so its labels join that group's.
  void switch_(TSNode n, int depth, stmt& s) {
    s.kind = stmt_kind::switch_;
    s.head = inside(field(n, "condition"));
    std::vector<span> labels;
    bool is_default = false;
    for (const child& g : children(field(n, "body"), true)) {
      std::vector<stmt> body;
      bool any = false;
      for (const child& c : children(g.node, true)) {
        if (type_of(c.node) != "switch_label") {
          any = true;
          if (depth + 1 < kMaxNesting) statement(c.node, depth + 1, body);
          continue;
        }
        const std::uint32_t at = first(c.node);
        is_default = is_default || (at < toks_.size() && is(toks_[at], "default"));
        for (const child& l : children(c.node, true)) labels.push_back(sp(first(l.node), past(l.node)));
      }
      if (!any) continue;
      if (is_default) labels.clear();
      s.case_labels.push_back(std::move(labels));
      s.handlers.push_back(std::move(body));
      labels.clear();
      is_default = false;
    }
    if (!labels.empty() || is_default) {  // labels at the end, with no statement after them
      if (is_default) labels.clear();
      s.case_labels.push_back(std::move(labels));
      s.handlers.emplace_back();
    }
  }

  void class_like(TSNode n, int depth, std::vector<stmt>& out) {
    stmt s;
    s.kind = stmt_kind::class_;
    const std::uint32_t b = after_modifiers(n);
    TSNode name = field(n, "name"), body = field(n, "body"), params = field(n, "parameters");
    if (!ts_node_is_null(name)) s.name = text(name);
    // The bases follow the name, and a record's components.
    const std::uint32_t head_b = !ts_node_is_null(params) ? past(params) : ts_node_is_null(name) ? b + 1 : past(name);
    const std::uint32_t head_e = ts_node_is_null(body) ? past(n) : first(body);
    s.head = sp(head_b, head_e);
    s.body = members(body, depth + 1);
    push(out, std::move(s), b, n);
  }

  // A class body's members; an enum's constants are simple statements,
  // the declarations after them members.
  std::vector<stmt> members(TSNode body, int depth) {
    std::vector<stmt> out;
    for (const child& c : children(body, true)) {
      std::string_view t = type_of(c.node);
      if (t == "enum_body_declarations") {
        for (stmt& m : members(c.node, depth)) out.push_back(std::move(m));
      } else if (t == "enum_constant") {
        simple(out, first(c.node), c.node);
      } else {
        statement(c.node, depth, out);
      }
    }
    return out;
  }

  void method(TSNode n, int depth, std::vector<stmt>& out) {
    stmt s;
    s.kind = stmt_kind::func;
    TSNode name = field(n, "name");
    if (!ts_node_is_null(name)) {
      s.name = text(name);
      s.line = line_at(first(name));
    }
    for (const child& c : children(n, true)) {
      std::string_view t = type_of(c.node);
      if (t == "modifiers") {
        for (const child& m : children(c.node, true)) annotation(m.node, s.decorators);
      } else {
        annotation(c.node, s.decorators);
      }
    }
    TSNode params = field(n, "parameters");
    // A compact constructor (`record R(...) { R { ... } }`) has the record's parameters, not its own.
    s.head = ts_node_is_null(params) ? sp(0, 0) : inside(params);
    TSNode body = field(n, "body");
    if (!ts_node_is_null(body) && depth < kMaxNesting) s.body = statements_of(body, depth);
    push(out, std::move(s), after_modifiers(n), n);
  }

  // `@a.b.C(...)`: the span `a.b.C(...)`, into `out` when n is an annotation.
  void annotation(TSNode n, std::vector<span>& out) const {
    std::string_view t = type_of(n);
    if (t == "annotation" || t == "marker_annotation") out.push_back(sp(first(n) + 1, past(n)));
  }

  std::string_view text(TSNode n) const {
    return f_.source.substr(ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
  }

  const lexed_file& f_;
  const std::vector<token>& toks_;
  TSTreeCursor cursor_;  // children's
};

}  // namespace

lexed_file lex_java(std::string_view content) { return lex_tree<java_writer, true>(language::java, content); }

std::vector<stmt> parse_java(const lexed_file& file) {
  if (!file.tree) return {};
  return java_grouper(file).program();
}

}  // namespace heimdall::analysis::taint_detail
