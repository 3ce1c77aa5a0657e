// c_family_space: the white space and comments of C-family source (C and
// C++, Java, JavaScript/TypeScript), which the hand-written lexer
// (taint_lexer) skips between tokens. Pure and thread-safe; any bytes are
// accepted.
#pragma once

#include <cstddef>
#include <string_view>

namespace heimdall::analysis {

// The offset of the first character at or after `i` that is neither white
// space nor inside a `//` or `/* */` comment: `i` itself when s[i] starts a
// token, s.size() at the end (an unterminated block comment runs to it).
// Adds the newlines skipped to `line`, and sets `new_line` when there was
// one (it is never cleared here: the lexer clears it at its next token).
std::size_t skip_c_family_space(std::string_view s, std::size_t i, int& line, bool& new_line);

}  // namespace heimdall::analysis
