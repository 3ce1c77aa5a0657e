// Wall-clock time as the log stamps it: Unix milliseconds, rendered as
// RFC 3339 UTC with millisecond precision ("2026-03-12T10:00:05.123Z").
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace heimdall {

using clock_fn = std::function<std::int64_t()>;  // Unix milliseconds

std::int64_t system_clock_ms();
std::string format_time_ms(std::int64_t unix_ms);

}  // namespace heimdall
