// taint_java: the Java mode of the taint engine's front end. The file is
// parsed by tree-sitter-java (syntax.h); its leaves are the engine's tokens
// (taint_tokens.h) in JavaScript terms, and its nodes give the statements
// (taint_statements.h), so no bracket is ever guessed at.
//
// Tokens: each leaf of the tree in source order, but a string literal, a
// text block or a character literal is one string token, comments are
// dropped and `@interface` is `@` `interface`; words and keywords are
// names, numbers numbers, the rest operators. nl_before marks a token on a
// later line than the one before. Nothing is made up: every token points
// into the content.
//
// Statements, as the engine reads Java:
//   class / interface / enum / record / @interface -> class_ (name; head: what
//     follows the name up to the body, `extends A implements B`); its body's
//     members, an enum's constants each a simple statement
//   method / constructor -> func (name; head: inside the parameters' parentheses;
//     decorators: each annotation without its '@'); a field or a local
//     declaration -> simple (its modifiers and annotations left out)
//   if / else, while, do, for (c_for), for (T x : xs) (js_for_in_of), a block,
//     synchronized (block, the lock as head), switch (labels per case group,
//     `default` the empty list), try (with resources run first), catch, finally
//   return -> ret; throw -> simple (its value); a labeled statement -> the
//     statement; package and module declarations -> nothing
//   anything else (an expression, ERROR inside a parsed file) -> simple
// Lambdas, anonymous classes and switch expressions stay in their
// statement's tokens, which the engine evaluates. Nesting past kMaxNesting
// is flattened into simple statements; work is linear in the tree.
//
// Code that does not parse (parse_outcome unparsable), or a build without
// the grammar, gives no tokens and sets lexed_file::left_out. lex_java keeps
// the tree in lexed_file::tree for parse_java, which gives nothing without
// one. Pure; thread-safe (a parser per call).
#pragma once

#include <string_view>
#include <vector>

#include "analysis/taint_tokens.h"
#include "analysis/taint_statements.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_java(std::string_view content);

// The statements of lex_java's file, their spans into file.tokens.
std::vector<stmt> parse_java(const lexed_file& file);

}  // namespace heimdall::analysis::taint_detail
