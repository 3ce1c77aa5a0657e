// taint_go: the Go mode of the taint engine's front end — a lexer and a
// statement grouper producing the same tokens and statements as the other
// languages (taint_lexer.h, taint_statements.h), so the engine (taint.cpp)
// evaluates Go with its JavaScript rules plus a few Go cases.
//
// Lexing: interpreted strings, raw strings (backquoted, no interpolation)
// and runes are string tokens; comments are skipped; `:=` is given to the
// engine as a plain `=` (a declaration is an assignment to it);
// nl_before marks a line break before a token (Go's semicolon insertion).
//
// Grouping: brace blocks; `func name(...)` and methods `func (r *T)
// name(...)` (the receiver is dropped, the parameters are the head); func
// literals inside expressions (go_function_literal); `if init; cond {`,
// `for`, `for k, v := range xs {` (a for-each over xs), `switch`/`select`
// with `case a, b:` labels; `go` and `defer` run their call; `type`
// declarations and `package` are skipped; `import` and `var`/`const`
// groups become one statement per line.
//
// Lenient and bounded like the other modes: any bytes are accepted,
// nesting past kMaxNesting is flattened, work is linear. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/taint_lexer.h"
#include "analysis/taint_statements.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_go(std::string_view content);

std::vector<stmt> parse_go(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e);

// A Go func literal at toks[i] (`func(w http.ResponseWriter, r *http.Request) {...}`): fills `out`
// (kind func, parameters in head, body) and returns the index past it; 0 when there is none at i.
std::uint32_t go_function_literal(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e, stmt& out,
                                  int depth = 0);

}  // namespace heimdall::analysis::taint_detail
