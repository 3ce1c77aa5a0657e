// taint_php: the PHP mode of the taint engine's front end. The file is
// parsed by tree-sitter-php (grammar `php`: PHP with HTML outside
// `<?php ?>`, syntax.h) and its tree's tokens are written out, in source
// order, as the engine's tokens (taint_tokens.h) in JavaScript terms, so the
// engine's rules apply unchanged; parse_php (taint_statements.h) groups them.
//
// The mapping, where the tree says what a token is:
//   `->`, `?->`, `::`                        -> member access `.`
//   concatenation `.` / `.=`                 -> `+` / `+=`
//   `$name` (and `${name}` in a string)      -> one name token
//   "..", heredocs (nowdocs and '..' plain)  -> one string token, its source text, whose
//     embedded `$var`, `$var->m`, `$var[k]`, `{$expr}` are lexed_file::parts
//   `..` backquotes                          -> the call shell_exec("..")
//   echo / print / include / require (_once) -> calls: `echo(a, b);` (keywords in
//     lower case whatever their spelling), and `<?= x ?>` is `echo(x);`
//   `(int)`, `( float )`, `(bool)`, ...      -> one op token (is_php_numeric_cast)
//   `?>`                                     -> `;` (it ends a statement); HTML,
//     comments and attributes `#[...]` give nothing
// Every other token is itself (keywords in lower case), so the alternative
// syntax (`if (...): ... endif;`), classes, methods, closures, arrow
// functions `fn($x) => ...`, namespaces and `use` reach parse_php as written.
//
// Code that does not parse (parse_outcome unparsable), or a build without
// the grammar, gives no tokens and sets lexed_file::left_out to say why;
// the tokens of ERROR nodes inside an otherwise parsed file are written as
// they are. Bounded: kMaxTokens, kMaxInterpolationDepth; the walk is
// iterative and linear in the tree. Pure; thread-safe (a parser per call).
// Tokens point into the content, at static text or into lexed_file::text.
#pragma once

#include <string_view>

#include "analysis/taint_tokens.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_php(std::string_view content);

// A numeric cast token (`(int)`, `( float )`, `(bool)`): its value is clean.
bool is_php_numeric_cast(const token& t);

}  // namespace heimdall::analysis::taint_detail
