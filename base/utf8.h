// utf8: checks on UTF-8 for text that leaves the process as JSON (events,
// SARIF, API answers), which must be valid UTF-8 whatever bytes a scanned
// file, path or parser message held. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace heimdall {

// U+FFFD, which stands for a byte that starts no valid sequence.
inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// Length of the well-formed UTF-8 sequence at s[i], or 0 when the byte
// there does not start one (RFC 3629: no overlongs, surrogates or > U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i);

}  // namespace heimdall
