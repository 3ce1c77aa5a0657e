// source_read: how analysis/ reads a file of a checked-out tree. The walk
// (inventory.h) never follows a symlink, but a file may be swapped for one
// afterwards: reading with O_NOFOLLOW, and only regular files (a FIFO
// swapped in would block the stage), keeps every stage inside the tree.
//
// Thread-safe; no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>

namespace heimdall::analysis {

// Reads the whole regular file at `path` into `out` without following a
// symlink; refuses one larger than `max_bytes` (also if it grows while
// being read). Returns 0, or an errno value: ELOOP for a symlink, EINVAL
// for anything but a regular file, EFBIG when too large, or what open or
// read reported.
int read_source_file(const std::filesystem::path& path, std::string& out,
                     std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max());

}  // namespace heimdall::analysis
