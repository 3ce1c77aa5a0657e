// c_flow_lexer: the token stream of the C flow analysis (c_flow.h), for
// its engine only: a forgiving C/C++ tokenizer (comments skipped, literals
// decoded, adjacent strings joined, preprocessor lines dropped but their
// #defines recorded), macro expansion, and the const-pointer parameters of
// the prototypes met. Pure functions of their input; any bytes are
// accepted; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/c_flow.h"

namespace heimdall::analysis::c_flow_detail {

// At most this many tokens are read from a file (the rest is not analysed).
inline constexpr std::size_t kMaxTokens = 400'000;
// A macro body longer than this is not recorded (it is no simple alias).
inline constexpr std::size_t kMaxMacroBytes = 200;

enum class tk { ident, number, str, chr, punct, end };

struct token {
  tk kind = tk::end;
  std::string text;  // identifier, operator, or a literal's decoded body
  int line = 0;
  std::optional<long long> num;  // integer literals
  bool guessed = false;          // expanded from a macro of c_macros::redefined
};

// Tokens of `s`; the #defines met on the way go into `defs` (when given):
// object-like ones and parameterless function-like ones.
std::vector<token> tokenize(std::string_view s, c_macros* defs = nullptr);

// Replaces uses of the macros (object-like `NAME`, parameterless `NAME()`)
// by their bodies, a few levels deep.
std::vector<token> expand(std::vector<token> toks, const c_macros& defs);

// Records, for each function declared or defined in `toks`, which of its
// parameters are pointers to const.
void collect_prototypes(const std::vector<token>& toks, c_macros& into);

// Records the structs and classes defined in `toks` that have no
// constructor, base class or member initialiser (c_macros::plain_types).
void collect_plain_types(const std::vector<token>& toks, c_macros& into);

}  // namespace heimdall::analysis::c_flow_detail
