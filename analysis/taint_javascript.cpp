#include "analysis/taint_javascript.h"

#include "analysis/taint_tree_writer.h"

namespace heimdall::analysis::taint_detail {
namespace {

// The named node types the writer tells apart, as the grammar's symbols
// (compared per node: a string compare per node cost a tenth of the parse).
// A type the grammar lacks (TypeScript's in JavaScript's) is symbol 0, which
// no named node has (anonymous ones are never compared).
struct js_symbols {
  explicit js_symbols(const TSLanguage* g)
      : comment(named_symbol(g, "comment")),
        html_comment(named_symbol(g, "html_comment")),
        hash_bang(named_symbol(g, "hash_bang_line")),
        string(named_symbol(g, "string")),
        regex(named_symbol(g, "regex")),
        jsx_text(named_symbol(g, "jsx_text")),
        number(named_symbol(g, "number")),
        template_string(named_symbol(g, "template_string")),
        template_type(named_symbol(g, "template_literal_type")),
        substitution(named_symbol(g, "template_substitution")),
        type_substitution(named_symbol(g, "template_type")) {}
  // Nodes that are no code: comments (html_comment is `<!--`), and the `#!`
  // line, which only a shell reads.
  bool left_out(TSSymbol s) const { return s == comment || s == html_comment || s == hash_bang; }
  // Nodes written as one string token: literals, whose text is no code, and
  // templates, whose `${...}` parts are embedded.
  bool is_template(TSSymbol s) const { return s == template_string || s == template_type; }
  bool is_text(TSSymbol s) const { return s == string || s == regex || s == jsx_text || is_template(s); }
  TSSymbol comment, html_comment, hash_bang, string, regex, jsx_text, number, template_string, template_type,
      substitution, type_substitution;
};

class js_writer : tree_writer {
 public:
  static constexpr std::string_view kNoGrammar =
      "skipped: no JavaScript/TypeScript grammar in this build, not taint-analysed";
  static constexpr std::string_view kUnparsable =
      "skipped: JavaScript/TypeScript code does not parse (tree-sitter), not taint-analysed";

  js_writer(std::string_view src, lexed_file& out, TSNode root)
      : tree_writer(src, out, root), sym_(ts_node_language(root)) {}

  void program(TSNode root) { walk(root); }

 private:
  // n's leaves in order, with a cursor of its own (the walk is iterative, so
  // no nesting depth reaches the stack's end; a template's parts walk again,
  // at most kMaxInterpolationDepth deep).
  void walk(TSNode n) {
    TSTreeCursor c = ts_tree_cursor_new(n);
    for (;;) {
      if (out_.truncated) break;
      if (visit(ts_tree_cursor_current_node(&c)) && ts_tree_cursor_goto_first_child(&c)) continue;
      bool moved = false;
      do {
        moved = ts_tree_cursor_goto_next_sibling(&c);
      } while (!moved && ts_tree_cursor_goto_parent(&c));
      if (!moved) break;
    }
    ts_tree_cursor_delete(&c);
  }

  // Writes n if it is a token; true when its children are to be walked.
  bool visit(TSNode n) {
    const std::uint32_t begin = ts_node_start_byte(n), end = ts_node_end_byte(n);
    if (begin == end) return false;  // an automatic semicolon, or a token the parser supplied
    // Named only: TypeScript's `string` and `number` types are anonymous
    // nodes of the literals' names, keywords to be written as names.
    if (!ts_node_is_named(n)) return leaf(n);
    const TSSymbol t = ts_node_symbol(n);
    if (sym_.left_out(t)) return false;
    if (sym_.is_text(t)) {
      token(tok::string, n);
      if (sym_.is_template(t)) parts(n);
      return false;
    }
    if (t == sym_.number) {
      token(tok::number, n);
      return false;
    }
    return leaf(n);
  }

  // n, which is no literal: true when it has children to walk, else written
  // as a name or an operator.
  bool leaf(TSNode n) {
    if (ts_node_child_count(n) > 0) return true;
    std::string_view s = text(n);
    const char first = s[0];
    if (s.ends_with("?:")) {
      // A mapped type's `?:`, `-?:` or `+?:` is one token of the grammar's;
      // written a byte each, as an optional member's `x?: T` is `?` `:`.
      for (std::size_t k = 0; k < s.size(); ++k) token(tok::op, n, s.substr(k, 1));
      return false;
    }
    token(is_name_start(first) || first == '$' || first == '#' ? tok::name : tok::op, n);
    return false;
  }

  void token(tok kind, TSNode n) { token(kind, n, text(n)); }
  // A token of n's with the text `t` (n's own, or a part of it).
  void token(tok kind, TSNode n, std::string_view t) {
    const bool after_break = ts_node_start_point(n).row > last_row_;
    emit(kind, t, line(n));
    if (toks_->empty() || out_.truncated) return;
    toks_->back().nl_before = after_break;
    last_row_ = ts_node_end_point(n).row;
  }

  // A template's `${...}` expressions (a template type's `${T}`), each
  // written between its `${` and `}` as one part of the string token just
  // emitted.
  void parts(TSNode n) {
    std::vector<TSNode> fields;
    for (const child& c : named_children(n)) {
      const TSSymbol t = ts_node_symbol(c.node);
      if (t == sym_.substitution || t == sym_.type_substitution) fields.push_back(c.node);
    }
    const std::uint32_t after = last_row_;
    embed(fields.size(), [&](std::size_t k) {
      std::vector<child> inside = all_children(fields[k]);
      last_row_ = inside.empty() ? ts_node_start_point(fields[k]).row : ts_node_end_point(inside.front().node).row;
      for (const child& c : inside) {
        std::string_view t = type_of(c.node);
        if (t != "${" && t != "}") walk(c.node);
      }
    });
    last_row_ = after;
  }

  const js_symbols sym_;
  std::uint32_t last_row_ = 0;  // the row the last token written ends on
};

}  // namespace

lexed_file lex_javascript(language lang, std::string_view path, std::string_view content) {
  return lex_tree<js_writer>(lang, content, path);
}

}  // namespace heimdall::analysis::taint_detail
