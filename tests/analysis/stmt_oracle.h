// stmt_oracle: the statement grouping of the taint engine's brace-language
// front ends (taint_statements.h for JavaScript, TypeScript and PHP; Go's
// and Java's statements come from their tree) checked against tree-sitter's
// tree of the same file (their tokens are the tree's, but for PHP's
// grouping they are regrouped from tokens alone).
//
// The tree's statements are its nodes named `*_statement`, `*_declaration`,
// `*_definition` or `*_signature`, its blocks, and PHP's `else_if_clause` (an if of its own in ours, up to
// the end of the whole if). Each statement of ours
// (stmt::extent, in bytes; nested ones included) is checked against the
// innermost tree statement T holding its first byte:
//   runs_past:    it ends after T ends (it took in what follows T);
//   starts_inside: it starts after T's first part (T's first named child
//                 that is not a modifier, decorator, annotation or comment):
//                 T was cut in two and this is its tail.
// And every function or method declaration of the tree with a body, outside
// expressions (a function expression's body is grouped when the engine
// reaches it, not by parse_file), must end where a func stmt of ours ends:
//   no_function:  ours read it as something else or not at all.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "analysis/language.h"

namespace heimdall::analysis::test {

struct stmt_verdict {
  enum kind { agree, disagree, not_compared } outcome = not_compared;
  int line = 0;          // disagree: the first disagreement's line
  std::string rule;      // disagree: runs_past, starts_inside or no_function
  std::string where;     // what, with the text there
  std::size_t disagreements = 0;  // how many in the file
  std::size_t checked = 0;        // our statements and the tree's functions checked
};

// JavaScript, TypeScript and PHP.
bool has_brace_grouper(language lang);

// not_compared when the language has no brace grouper or no grammar, or the
// tree holds ERROR nodes.
stmt_verdict compare_statements_with_tree(language lang, std::string_view path, std::string_view content);

}  // namespace heimdall::analysis::test
