// c_flow_tokens: the token stream of the C flow analysis (c_flow.h), for
// its engine only, written from tree-sitter-c's or tree-sitter-cpp's tree
// of the file (syntax.h): its leaves in order, comments dropped, each
// string or character literal one token of its decoded body, adjacent
// strings joined, and preprocessor lines dropped but their #defines
// recorded. Then macro expansion, and what prototypes and type
// definitions declare.
//
// What the leaves become:
//  - Code leaves are cut into identifiers (keywords too), numbers and
//    operators by their characters, and touching operator leaves are cut
//    again as one run (`>` `>` closing two template argument lists is the
//    shift `>>`, as a compiler's lexer reads it before parsing), so the
//    stream does not depend on how the grammar splits punctuation; touching
//    words are one (`64bit`, which the grammar reads as a number and a name).
//    A line continuation is white space.
//  - ERROR nodes: their leaves are written like any others, so a region the
//    grammar cannot parse (a macro used as a statement or a type, both arms
//    of an #if opening one block, C++ read with the C grammar) still reaches
//    the analysis. A quote among them (error recovery took a literal apart)
//    starts a literal read from the source to its closing quote or the end
//    of the line, whatever the tree made of what lies between. A run of
//    bytes no token of the grammar starts (an ERROR leaf: `$`, `@`) is one
//    punctuation token per byte. MISSING nodes (inserted by error recovery)
//    are no tokens.
//  - A preprocessor line: a leaf beginning with '#' first on its line
//    starts one; it runs to the end of the line, continuation lines and
//    block comments included, whatever the tree made of it. Code between
//    #if, #else and #endif stays: every arm is read, one after the other.
//
// Pure functions of their input; thread-safe. Tokens own their text.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "analysis/c_flow.h"
#include "analysis/syntax.h"

namespace heimdall::analysis::c_flow_detail {

// At most this many tokens are read from a file (the rest is not analysed).
inline constexpr std::size_t kMaxTokens = 400'000;
// A macro body longer than this is not recorded (it is no simple alias).
inline constexpr std::size_t kMaxMacroBytes = 200;

// The tokens of `content`, parsed as `tree` (any number of ERROR nodes in
// it), at most kMaxTokens; the #defines met on the way go into `defs` (when
// given), each with its body's tokens (the bodies parsed with the tree's
// grammar, one text for all of the file's): object-like ones and
// parameterless function-like ones, the last definition winning
// (c_macros::redefined notes the others).
std::vector<token> tokens_of(const syntax_tree& tree, std::string_view content, c_macros* defs = nullptr);

// Replaces uses of the macros (object-like `NAME`, parameterless `NAME()`)
// by their bodies, a few levels deep: those of `defs` (a file's own) over
// those of `project` (may be null), as if `defs` had been read after it
// into one c_macros.
std::vector<token> expand(std::vector<token> toks, const c_macros& defs, const c_macros* project);

// Two macro bodies alike but for white space and leading underscores.
bool same_body(std::string_view a, std::string_view b);

// Records, for each function declared or defined in `toks`, which of its
// parameters are pointers to const.
void collect_prototypes(const std::vector<token>& toks, c_macros& into);

// Records the structs and classes defined in `toks` that have no
// constructor, base class or member initialiser (c_macros::plain_types).
void collect_plain_types(const std::vector<token>& toks, c_macros& into);

}  // namespace heimdall::analysis::c_flow_detail
