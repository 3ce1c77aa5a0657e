// taint_php: the PHP lexer of the taint engine (tokens as in
// taint_lexer.h; statements come from parse_php in taint_statements.h).
//
// Only code between `<?php` / `<?=` and `?>` is lexed (`?>` ends a
// statement). The tokens are given to the engine in its JavaScript terms so
// its rules apply unchanged: `->`, `?->` and `::` are member access `.`,
// string concatenation `.` / `.=` is `+` / `+=`, `$name` is one name token.
// Double-quoted strings, heredocs and backquoted commands keep `$var`,
// `$var->member`, `$var[key]` and `{$expr}` as embedded expressions
// (lexed_file::parts); a backquoted command is the call `shell_exec(...)`.
// The statements `echo`, `print`, `include`, `require` (and `_once`) and
// `<?=` become calls whose arguments run to the statement's end. Numeric
// casts (`(int)`, `(float)`, `(bool)`) are single op tokens.
//
// Any bytes are accepted; unterminated strings end at the end of the file;
// nesting of interpolations is capped at kMaxInterpolationDepth, tokens at
// kMaxTokens. Pure; thread-safe. Tokens point into the content or at
// static text (the synthetic ones).
#pragma once

#include <string_view>

#include "analysis/taint_lexer.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_php(std::string_view content);

// A numeric cast token (`(int)`, `( float )`, `(bool)`): its value is clean.
bool is_php_numeric_cast(const token& t);

}  // namespace heimdall::analysis::taint_detail
