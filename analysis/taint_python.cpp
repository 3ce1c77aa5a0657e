#include "analysis/taint_python.h"

#include <vector>

#include "analysis/taint_tree_writer.h"

namespace heimdall::analysis::taint_detail {
namespace {

class python_writer : tree_writer {
 public:
  static constexpr std::string_view kNoGrammar = "skipped: no Python grammar in this build, not taint-analysed";
  static constexpr std::string_view kUnparsable =
      "skipped: Python code does not parse (tree-sitter), not taint-analysed";

  using tree_writer::tree_writer;

  void program(TSNode root) {
    write(root);
    if (logical_empty_ || out_.truncated) return;
    // The last logical line ends at its line break, or at the end of the file.
    const line_break end = scan_gap(prev_end_, src_.size());
    if (brackets_ == 0 && end.first != kNone) {
      emit_newline(end.first);
    } else {
      const int ln = prev_end_row_ + 1 + count_breaks(prev_end_, src_.size());
      emit(tok::newline, {}, ln);
    }
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // The line breaks of the text between two tokens (spaces, comments,
  // `\` continuations): the first and the last that end a physical line,
  // a continued one's left out.
  struct line_break {
    std::size_t first = kNone, last = kNone;
  };

  line_break scan_gap(std::size_t from, std::size_t to) const {
    line_break out;
    for (std::size_t i = from; i < to;) {
      const char c = src_[i];
      if (c == '#') {
        while (i < to && src_[i] != '\n') ++i;
        continue;
      }
      if (c == '\\' && i + 1 < to && (src_[i + 1] == '\n' || src_[i + 1] == '\r')) {
        i += 2;
        if (src_[i - 1] == '\r' && i < to && src_[i] == '\n') ++i;
        continue;
      }
      if (c == '\n') {
        if (out.first == kNone) out.first = i;
        out.last = i;
      }
      ++i;
    }
    return out;
  }

  int count_breaks(std::size_t from, std::size_t to) const {
    int n = 0;
    for (std::size_t i = from; i < to; ++i) n += src_[i] == '\n';
    return n;
  }

  void emit_newline(std::size_t at) {
    emit(tok::newline, src_.substr(at, 1), prev_end_row_ + 1 + count_breaks(prev_end_, at));
    logical_empty_ = true;
  }

  // The indentation of the physical line starting at `at`, as Python counts
  // it: a tab to the next multiple of 8.
  int indent_at(std::size_t at) const {
    int indent = 0;
    for (; at < src_.size() && (src_[at] == ' ' || src_[at] == '\t' || src_[at] == '\f'); ++at) {
      indent = src_[at] == '\t' ? (indent / 8 + 1) * 8 : indent + 1;
    }
    return indent;
  }

  // A token of node n. At the top level (not in an f-string field) it may
  // end the logical line before it, and start one.
  void token_of(TSNode n, tok kind, std::string_view t) {
    const int ln = line(n);
    if (interpolation_depth_ > 0) return emit(kind, t, ln);
    const std::size_t start = ts_node_start_byte(n);
    const line_break gap = scan_gap(prev_end_, start);
    if (!logical_empty_ && brackets_ == 0 && gap.first != kNone) emit_newline(gap.first);
    const bool first = logical_empty_;
    const std::size_t before = toks_->size();
    emit(kind, t, ln);
    if (toks_->size() == before) return;  // truncated
    if (first) {
      token& k = toks_->back();
      k.line_start = true;
      k.indent = indent_at(gap.last == kNone ? 0 : gap.last + 1);
      logical_empty_ = false;
    }
    prev_end_ = ts_node_end_byte(n);
    prev_end_row_ = static_cast<int>(ts_node_end_point(n).row);
    if (kind == tok::op && t.size() == 1) {
      if (t[0] == '(' || t[0] == '[' || t[0] == '{') ++brackets_;
      if ((t[0] == ')' || t[0] == ']' || t[0] == '}') && brackets_ > 0) --brackets_;
    }
  }

  // n's leaves in source order, walked with a cursor of its own rather
  // than by recursion (a long expression is a tree as deep as it is long)
  // or child lists (an allocation per node).
  void write(TSNode n) {
    TSTreeCursor c = ts_tree_cursor_new(n);
    for (bool more = true; more && !out_.truncated;) {
      TSNode at = ts_tree_cursor_current_node(&c);
      if (visit(at) && ts_tree_cursor_goto_first_child(&c)) continue;
      while (!ts_tree_cursor_goto_next_sibling(&c)) {
        if (!ts_tree_cursor_goto_parent(&c)) {
          more = false;
          break;
        }
      }
    }
    ts_tree_cursor_delete(&c);
  }

  // Writes node n if it is a token; true when its children are to be walked.
  bool visit(TSNode n) {
    std::string_view t = type_of(n);
    // A token the parser assumed is not in the source; comments and
    // continuations are no code.
    if (ts_node_is_missing(n) || t == "comment" || t == "line_continuation") return false;
    if (t == "string") {
      string_token(n);
      return false;
    }
    if (ts_node_child_count(n) > 0) return true;
    leaf(n, t);
    return false;
  }

  void leaf(TSNode n, std::string_view type) {
    std::string_view s = text(n);
    if (s.empty()) return;
    if (type == "integer" || type == "float" || is_digit(s[0])) return token_of(n, tok::number, s);
    token_of(n, is_name_start(s[0]) ? tok::name : tok::op, s);
  }

  // A string literal (an f-string too): one token, its text the source's,
  // whose fields' expressions are its parts.
  void string_token(TSNode n) {
    std::vector<TSNode> fields;
    for (const child& c : named_children(n)) {
      if (type_of(c.node) != "interpolation") continue;
      TSNode expression = field(c.node, "expression");
      if (!ts_node_is_null(expression)) fields.push_back(expression);
    }
    token_of(n, tok::string, text(n));
    embed(fields.size(), [&](std::size_t k) { write(fields[k]); });
  }

  std::size_t prev_end_ = 0;  // the end of the last top-level token, in bytes
  int prev_end_row_ = 0;      // and its 0-based row
  int brackets_ = 0;          // brackets open at the top level
  bool logical_empty_ = true;  // no token yet on the current logical line
};

}  // namespace

lexed_file lex_python(std::string_view content) { return lex_tree<python_writer>(language::python, content); }

}  // namespace heimdall::analysis::taint_detail
