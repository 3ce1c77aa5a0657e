// taint_python: the Python mode of the taint engine's front end. The file is
// parsed by tree-sitter-python (syntax.h) and its tree's leaves are written
// out, in source order, as the engine's tokens (taint_tokens.h), which
// parse_python (taint_statements.h) groups by indentation:
//   names and keywords, numbers, operators as the tree spells them;
//   each string literal one string token, its prefix and quotes included
//   (adjacent literals one token each), whose f-string fields' expressions
//   are lexed_file::parts (not the `=`, `!r` or format spec of a field);
//   a newline token (its text the '\n') where a logical line ends: at the
//   first line break after a token outside brackets and not continued by
//   `\`, or at the end of the file;
//   line_start and indent (its column, a tab to the next multiple of 8) on
//   each logical line's first token;
//   comments left out, and the tokens of ERROR nodes written as they are.
//
// Code that does not parse (parse_outcome unparsable), or a build without the
// grammar, gives no tokens and sets lexed_file::left_out to say why. Bounded:
// kMaxTokens, kMaxInterpolationDepth; the walk is iterative and linear in the
// tree. Pure; thread-safe (a parser per call). Tokens point into the content.
#pragma once

#include <string_view>

#include "analysis/taint_tokens.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_python(std::string_view content);

}  // namespace heimdall::analysis::taint_detail
