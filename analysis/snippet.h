// Text helpers for what findings show of a line. Findings travel as JSON,
// so a snippet must be valid UTF-8 whatever bytes the file held. Pure
// functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace heimdall::analysis {

// A finding's code_snippet is its line, trimmed, cut to at most this many
// bytes (at a character boundary) plus "...".
inline constexpr std::size_t kMaxSnippetBytes = 300;

// `s` without leading and trailing white space.
std::string_view trim(std::string_view s);

// `text` as valid UTF-8 (invalid bytes become U+FFFD), cut to at most
// `max_bytes` at a character boundary, with "..." appended when cut.
std::string make_snippet(std::string_view text, std::size_t max_bytes);

}  // namespace heimdall::analysis
