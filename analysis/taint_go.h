// taint_go: the Go mode of the taint engine's front end. The file is parsed
// by tree-sitter-go (syntax.h) and its concrete syntax tree is written out as
// the engine's tokens (taint_tokens.h) in Go's own terms, which the engine
// (taint.cpp) evaluates with its JavaScript rules plus a few Go cases;
// parse_go groups them.
//
// The tokens are the tree's leaves, with (nl_before is never set):
//   every statement ending in a ';' taken from the tree, never from a line
//   break; comments, `package`, type declarations, labels, break, continue,
//   goto and fallthrough left out;
//   `:=` written `=` (a declaration assigns);
//   strings, raw strings and runes one string token each;
//   headers in parentheses: `if (init; c) {`, `for (k, v = range xs) {`,
//   `for (i = 0; i < n; i++) {`, `switch (init; x) {`, `select () {`;
//   a type switch `switch v := x.(type) {` as `switch (v = x; x) {`, so v
//   holds x in every case;
//   `var (a = 1; b T)` and const groups one `var a = 1;` statement per spec;
//   functions without their result types: `func name(params) {`, methods
//   `func (r *T) name(params) {`, literals `func(params) {`;
//   ERROR nodes inside an otherwise parsed file as `null`.
//
// Code that does not parse (parse_outcome unparsable), or a build without the
// grammar, gives no tokens and sets lexed_file::left_out to say why. Bounded
// like the other modes: kMaxTokens, and nesting past twice kMaxNesting
// written as `null`; work is linear in the tree. Pure; thread-safe (a parser
// per call). Tokens point into the content or at static text.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/taint_tokens.h"
#include "analysis/taint_statements.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_go(std::string_view content);

// The statements of lex_go's tokens: brace blocks; `func` declarations and
// methods (the receiver dropped, the parameters the head); `if`, `for`
// (`range`: a for-each over what follows it; two ';': a C for), `switch` and
// `select` with `case a, b:` labels, their headers' init statements before
// them; `go` and `defer` run their call; imports are skipped (the call graph
// reads them from the tokens).
std::vector<stmt> parse_go(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e);

// The package clause and imports of a Go file: its text up to the first
// line that starts a declaration (`func`, `type`, `var`, `const`), which is
// all lex_go needs to give the call graph the file's imports at a fraction
// of a whole file's parse.
std::string_view go_preamble(std::string_view content);

// A Go func literal at toks[i] (`func(w http.ResponseWriter, r *http.Request) {...}`): fills `out`
// (kind func, parameters in head, body) and returns the index past it; 0 when there is none at i.
std::uint32_t go_function_literal(const std::vector<token>& toks, std::uint32_t i, std::uint32_t e, stmt& out,
                                  int depth = 0);

}  // namespace heimdall::analysis::taint_detail
