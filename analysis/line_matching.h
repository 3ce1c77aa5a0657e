// line_matching: how the analysis matchers (rule packs, secret detectors)
// read text. Lines are matched as Latin-1 bytes, so content that is not
// valid UTF-8 is matched byte for byte and never an error; only the first
// kMaxScannedLineBytes of a line are looked at. Pure functions; thread-safe.
#pragma once

#include <re2/re2.h>

#include <cstddef>
#include <string_view>

namespace heimdall::analysis {

// Bytes of a line that are scanned; the rest of a longer line (minified
// code, embedded data) is ignored. 4 KiB holds any hand-written statement
// while bounding the work per line.
inline constexpr std::size_t kMaxScannedLineBytes = 4096;

// Options for one line pattern: Latin-1, errors reported by the caller.
RE2::Options latin1_options();
// Options for an RE2::Set of many patterns: a Set runs them in one DFA,
// which needs more states than one regex; 32 MiB keeps its cache from
// thrashing on ordinary code (it fills lazily and typically stays small).
RE2::Options set_options();

// A raw line (without its '\n') as the matchers see it: without a trailing
// '\r', cut to kMaxScannedLineBytes.
std::string_view scanned_line(std::string_view raw);

}  // namespace heimdall::analysis
