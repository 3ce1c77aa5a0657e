// taint_javascript: the JavaScript and TypeScript mode of the taint engine's
// front end. The file is parsed by tree-sitter (tree-sitter-javascript, which
// reads JSX too; tree-sitter-typescript's `typescript`, or `tsx` for a .tsx
// file: syntax.h) and the tree's leaves are written out in order as the
// engine's tokens (taint_tokens.h), which parse_javascript groups:
//   names (keywords, identifiers, `#private` names), numbers and operators
//   as the source spells them, TypeScript's annotations (`x: T`, `?`, `!`,
//   `| undefined`) among them;
//   strings, regex literals and template literals one string token each, a
//   template's `${...}` expressions its lexed_file::parts (to
//   kMaxInterpolationDepth; a type's `${T}` too);
//   a JSX text run one string token (it is text, not code);
//   nl_before on a token a line break precedes (statement ends without ';');
//   comments, the `#!` line and the parser's zero-width tokens (automatic
//   semicolons, MISSING nodes) left out;
//   ERROR nodes inside an otherwise parsed file written as their leaves.
//
// Code that does not parse (parse_outcome unparsable), or a build without the
// grammar, gives no tokens and sets lexed_file::left_out to say why. The walk
// is iterative (any nesting depth), linear in the tree, bounded by
// kMaxTokens. Pure; thread-safe (a parser per call). Tokens point into the
// content, which must outlive them.
#pragma once

#include <string_view>

#include "analysis/language.h"
#include "analysis/taint_tokens.h"

namespace heimdall::analysis::taint_detail {

// `lang`: language::javascript or language::typescript; `path` (the file's)
// chooses TypeScript's grammar (grammar_name: tsx for a .tsx file).
lexed_file lex_javascript(language lang, std::string_view path, std::string_view content);

}  // namespace heimdall::analysis::taint_detail
