// lexer_oracle: the taint engine's hand-written lexer (taint_lexer.h:
// Python's; JavaScript's, TypeScript's, Go's, PHP's, Java's and Ruby's
// tokens are their tree's) checked against tree-sitter's grammars, which
// serve as the reference for where strings and comments are. The lexer is
// the engine's front end because it is 20-30x faster than a parse (see
// docs/QUALITY.md, "Tree-sitter and the taint front end"); this check is what
// keeps it honest, in the tests and over real trees (bench/lexer_agreement).
//
// A lexer disagrees with the tree when it starts a code token inside what the
// tree calls a string or comment, or gives no string token where the tree
// starts a string: either way the tokens after it are lexed in the wrong state.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analysis/language.h"

namespace heimdall::analysis::test {

struct lexer_verdict {
  enum kind { agree, disagree, not_compared } outcome = not_compared;
  int line = 0;       // disagree: where; not_compared: the first ERROR node's line, if any
  std::string where;  // what, with the text there
};

// The languages compared: those whose taint front end is a hand lexer
// (Python).
bool has_hand_lexer(language lang);

// not_compared when the language has no hand lexer (has_hand_lexer) or no
// grammar, or the tree holds ERROR nodes.
lexer_verdict compare_lexer_with_tree(language lang, std::string_view path, std::string_view content);

}  // namespace heimdall::analysis::test
