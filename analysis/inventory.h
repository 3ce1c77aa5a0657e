// inventory: the files of a checked-out tree that analysis will read, with
// their languages, and a note for everything the walk left out and why.
//
// take_inventory walks `root` in a fixed order (names sorted byte-wise,
// depth first), so the same tree always gives the same inventory. It never
// follows a symbolic link, file or directory, so nothing outside `root` is
// read; `root` itself is the caller's choice and may be reached through one.
// Left out, each with a note: symlinks, binary files (a NUL byte in the
// first 8 KiB), files over max_file_bytes, directories deeper than
// max_depth, vendored directories (see inventory.cpp), anything that is not
// a regular file, and whatever cannot be read (permission denied, path too
// long). Version-control metadata (.git, .hg, .svn) is skipped without a
// note. Dot-files (.env, .github/workflows/*.yml) are kept.
//
// Errors: errc::not_found when `root` does not exist, invalid_argument when
// it is not a directory, closed when `cancelled()` returned true (checked
// before every directory entry). Problems below the root are notes, never
// errors. Nothing throws. Thread-safe: no shared state; `cancelled` is
// called on the calling thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "analysis/language.h"
#include "base/result.h"

namespace heimdall::analysis {

struct inventory_limits {
  // Larger files are generated or data (bundles, dumps), not code a rule
  // can say much about, and they would dominate scan time.
  std::uint64_t max_file_bytes = 2ull << 20;
  // Listed files; the walk stops at this many.
  std::uint64_t max_files = 100000;
  // Notes kept; past this, one note says more entries were left out. Bounds
  // the inventory's memory for a tree of a million symlinks or binaries
  // without letting them use up the budget of real files.
  std::uint64_t max_notes = 10000;
  // Sum of the listed files' sizes.
  std::uint64_t max_total_bytes = 1ull << 30;
  // Directories more than this many levels below the root are not entered.
  int max_depth = 64;
};

struct source_file {
  std::string path;  // relative to the root, '/'-separated
  language lang = language::unknown;
  std::uint64_t bytes = 0;
};

// Why something was left out: "skipped: symlink", "skipped: binary",
// "skipped: larger than 2097152 bytes", "skipped: vendored directory",
// "skipped: deeper than 64 directories", "skipped: not a regular file",
// "skipped: unreadable (Permission denied)", "stopped: file limit reached
// (100000 entries)", "stopped: size limit reached (1073741824 bytes)".
// A "stopped" note is always the last one, and names the first entry not
// taken. `path` is relative like source_file::path; "." is the root.
struct inventory_note {
  std::string path;
  std::string reason;
};

struct inventory {
  std::vector<source_file> files;  // in walk order
  std::vector<inventory_note> notes;
  std::uint64_t total_bytes = 0;                // sum of files[i].bytes
  std::map<std::string, int> files_by_language;  // language_name -> count
};

result<inventory> take_inventory(const std::filesystem::path& root, const inventory_limits& limits,
                                 const std::function<bool()>& cancelled = {});

}  // namespace heimdall::analysis
