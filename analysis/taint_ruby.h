// taint_ruby: the Ruby mode of the taint engine's front end. The file is
// parsed by tree-sitter-ruby (syntax.h) and its concrete syntax tree is
// written out as the engine's tokens (taint_tokens.h) in JavaScript terms, so
// the engine's rules apply unchanged; parse_ruby groups them.
//
// The mapping (every statement ends with a ';' taken from the tree, never
// from a line break: nl_before is never set):
//   def name(a, b = 1, *c, d:, &e) ... end  -> function name(a, b, c, d, e) { ... }
//     (`def self.name` and `private def name` too; the last expression of a
//     body is returned)
//   class / module X ... end                -> class X { ... }
//   if / unless / elsif / else, `x if c`    -> if (c) { ... } else { ... }  (unless: !(c))
//   case v when a, b ... else ... end       -> if (v == a || v == b) { ... } else { ... }
//   while / until, their modifiers          -> while (c) { ... }
//   for x in xs ... end                     -> for (x of xs) { ... }
//   begin / rescue / else / ensure          -> try { ... } catch (e) { ... } finally { ... }
//   calls, with or without parentheses     -> recv.name(args) (a call without arguments
//     too, except as an assignment's target: `a.b = v`); `::` and `&.` are `.`
//   do |x| ... end, { |x| ... }, -> (x) {}  -> a last argument `function (x) { ... }`;
//     an iteration's block (`xs.each { |x| }`, map, select, ...) starts with
//     `x = xs;` when xs is a small expression without blocks
//   key: v, :key => v as call arguments     -> keyword arguments `key = v`
//   hashes {k: v, "s" => v}                 -> {'k': v, "s": v}
//   "..#{e}..", heredocs, regexes, :"..#{e}" -> one string token, each #{} an embedded
//     expression (lexed_file::parts); `..` and %x(..) -> the call `\`("..")` (Kernel#`)
//   :sym, key:                              -> the string 'sym' (lexed_file::text holds it)
//   and / or / not, =~ / !~                 -> && / || / !, == / !=
//   `a << b` as a statement                 -> a += b (it appends to a)
//   nil                                     -> null
//   a bare name that is no local variable (parameter or assigned before, as
//   Ruby reads it) but a method the file defines -> the call name()
// Nodes the mapping does not name are written as a parenthesised list of
// their parts' values, so taint flows through them.
//
// Code that does not parse (parse_outcome unparsable: the parser gave up or
// ERROR nodes cover most of the file), or a build without the grammar, gives
// no tokens and sets lexed_file::left_out to say why; ERROR nodes inside an
// otherwise parsed file are written as `null`. Bounded like the other modes:
// kMaxTokens, kMaxInterpolationDepth, and nesting past twice kMaxNesting
// written as `null`; work is linear in the tree. Pure; thread-safe (a parser
// per call). Tokens point into the content, at static text or into
// lexed_file::text.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/taint_tokens.h"
#include "analysis/taint_statements.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_ruby(std::string_view content);

// The statements of lex_ruby's tokens: PHP's grouping (statements end at ';'
// only, class bodies are statements, methods are `function` declarations).
std::vector<stmt> parse_ruby(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e);

}  // namespace heimdall::analysis::taint_detail
