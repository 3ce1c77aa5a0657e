// taint_tree_writer: what the taint engine's tree-sitter front ends share
// (taint_ruby.h, taint_php.h, taint_java.h, taint_go.h, taint_javascript.h; any language whose
// front end writes its concrete syntax tree out as the engine's tokens,
// taint_tokens.h). A writer derives from
// tree_writer, reads the tree with its helpers and emits tokens with
// emit/op/word; lex_tree parses the file and runs the writer, or says why
// it could not (lexed_file::left_out).
//
// Bounds: emit stops at kMaxTokens (lexed_file::truncated); embed stops at
// kMaxInterpolationDepth. Not thread-safe: a writer per file, on one thread.
// Tokens point into the content, at static text, or into lexed_file::text
// (made), so the content must outlive them.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tree_sitter/api.h>

#include "analysis/language.h"
#include "analysis/syntax.h"
#include "analysis/taint_tokens.h"

namespace heimdall::analysis::taint_detail {

inline std::string_view type_of(TSNode n) { return ts_node_type(n); }

inline TSNode field(TSNode n, const char* name) {
  return ts_node_child_by_field_name(n, name, static_cast<std::uint32_t>(std::strlen(name)));
}

// A node's named child and the field it is in (null: none).
struct child {
  TSNode node;
  const char* field;
};

// n's children (its named ones when `named`), read with `cursor`:
// ts_node_named_child(n, i) walks from the first child, so a loop of it
// would be quadratic in a long list of statements.
inline std::vector<child> children_of(TSTreeCursor& cursor, TSNode n, bool named) {
  std::vector<child> out;
  if (ts_node_is_null(n)) return out;
  ts_tree_cursor_reset(&cursor, n);
  if (!ts_tree_cursor_goto_first_child(&cursor)) return out;
  do {
    TSNode c = ts_tree_cursor_current_node(&cursor);
    if (!named || ts_node_is_named(c)) out.push_back({c, ts_tree_cursor_current_field_name(&cursor)});
  } while (ts_tree_cursor_goto_next_sibling(&cursor));
  return out;
}

class tree_writer {
 public:
  tree_writer(std::string_view src, lexed_file& out, TSNode root)
      : src_(src), out_(out), toks_(&out.tokens), cursor_(ts_tree_cursor_new(root)) {}
  ~tree_writer() { ts_tree_cursor_delete(&cursor_); }
  tree_writer(const tree_writer&) = delete;
  tree_writer& operator=(const tree_writer&) = delete;

 protected:
  std::string_view text(TSNode n) const {
    std::uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
    return src_.substr(b, e - b);
  }
  static int line(TSNode n) { return static_cast<int>(ts_node_start_point(n).row) + 1; }

  void emit(tok kind, std::string_view t, int ln) {
    if (++count_ > kMaxTokens) {
      out_.truncated = true;
      return;
    }
    token k;
    k.kind = kind;
    k.text = t;
    k.line = ln;
    toks_->push_back(k);
  }
  void op(std::string_view t, int ln) { emit(tok::op, t, ln); }
  void word(std::string_view t, int ln) { emit(tok::name, t, ln); }
  // Token text that is not in the source (lexed_file::text keeps it).
  std::string_view made(std::string s) { return out_.text.emplace_back(std::move(s)); }

  // n's named children (or all of them: keywords, operators and brackets
  // too), read with the writer's one cursor.
  std::vector<child> named_children(TSNode n) { return children_of(cursor_, n, true); }
  std::vector<child> all_children(TSNode n) { return children_of(cursor_, n, false); }

  // Gives the string token just emitted `count` embedded expressions:
  // write(k) emits the k-th one's tokens, which become its lexed_file::parts.
  // Nothing past kMaxInterpolationDepth, after truncation, or when no token
  // was emitted.
  template <class Write>
  void embed(std::size_t count, Write&& write) {
    if (count == 0 || toks_->empty() || out_.truncated || interpolation_depth_ >= kMaxInterpolationDepth) return;
    std::vector<token>* outer = toks_;
    ++interpolation_depth_;
    lex_embedded(out_, *outer, outer->size() - 1, count, [&](std::size_t k, std::vector<token>& part) {
      toks_ = &part;
      write(k);
    });
    --interpolation_depth_;
    toks_ = outer;
  }

  std::string_view src_;
  lexed_file& out_;
  std::vector<token>* toks_;  // where tokens go: the file's, or a string part's
  std::size_t count_ = 0;
  int interpolation_depth_ = 0;
  TSTreeCursor cursor_;  // named_children's; a writer may walk with it too
};

// `lang`'s file parsed and written by Writer (constructed from the content,
// the output and the root; program(root) writes it), or no tokens and
// left_out saying why: Writer::kNoGrammar (the build lacks the grammar) or
// Writer::kUnparsable (static text, as left_out must be). `keep_tree`: the
// tree and the content stay in lexed_file::tree and ::source, for a front
// end that groups its statements from the tree. `path` chooses the grammar
// of a language that has two (grammar_name: TypeScript's tsx).
template <class Writer, bool keep_tree = false>
lexed_file lex_tree(language lang, std::string_view content, std::string_view path = {}) {
  lexed_file out;
  parse_result parsed = parse_source(lang, path, content);
  if (parsed.outcome == parse_outcome::no_grammar) {
    out.left_out = Writer::kNoGrammar;
  } else if (parsed.outcome != parse_outcome::parsed) {
    out.left_out = Writer::kUnparsable;
  } else {
    TSNode root = parsed.tree->root();
    Writer(content, out, root).program(root);
    if constexpr (keep_tree) {
      out.tree = std::move(parsed.tree);
      out.source = content;
    }
  }
  return out;
}

}  // namespace heimdall::analysis::taint_detail
