// `heimdall advisories import PATH [--data DIR]`: reads OSV JSON records
// (PATH is one .json file or a directory searched recursively for them; a
// file may hold one record or an array of records), validates each, and
// replaces DIR/advisories/index.jsonl (analysis/advisories.h has the
// format) with the valid ones. Everything it says goes to stderr: each
// rejected record with its file and reason, then the counts.
//
// The index is written to a temporary file beside it, synced and renamed
// over the old one, so a reader (a server starting, a scan loading the
// engine) sees the old database or the new one, never part of either.
// Nothing is replaced when any input cannot be read or no record is valid.
// Exit: 0 imported, 2 usage error, unreadable input or nothing to import.
#include <fcntl.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analysis/advisories.h"
#include "analysis/source_read.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace heimdall::tools {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: heimdall advisories import PATH [--data DIR]\n"
    "\n"
    "Imports an offline advisory database in OSV's JSON format: PATH is a .json\n"
    "file or a directory searched recursively for .json files, each holding one\n"
    "OSV record (or an array of them). Records for npm, PyPI, Go, Rust crates,\n"
    "RubyGems, Packagist and Maven are kept; the import replaces the previous\n"
    "database as a whole, atomically. Servers load it when they start.\n"
    "\n"
    "options:\n"
    "  --data DIR   the data directory (default ./data); the database goes to\n"
    "               DIR/advisories/index.jsonl\n"
    "  --help       show this help\n";

// An OSV record is a few KiB; a file far beyond this is not one.
constexpr std::uint64_t kMaxRecordFileBytes = 64ull << 20;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "heimdall advisories: %s\n%s", message.c_str(), kUsage);
  return 2;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "heimdall advisories: %s\n", message.c_str());
  return 2;
}

bool is_json_name(const fs::path& p) { return p.extension() == ".json"; }

// The .json files under `root` in a fixed order; false (with `error`) when
// something cannot be listed or a .json entry is not a regular file.
bool collect(const fs::path& root, std::vector<fs::path>& out, std::string& error) {
  std::error_code ec;
  fs::file_status st = fs::symlink_status(root, ec);
  if (ec || !fs::exists(st)) {
    error = "cannot read '" + root.string() + "': " + (ec ? ec.message() : "no such file or directory");
    return false;
  }
  if (fs::is_symlink(st)) st = fs::status(root, ec);
  if (fs::is_regular_file(st)) {
    out.push_back(fs::canonical(root, ec));  // read_source_file follows no link
    return true;
  }
  if (!fs::is_directory(st)) {
    error = "'" + root.string() + "' is neither a file nor a directory";
    return false;
  }
  fs::recursive_directory_iterator it(root, ec), end;
  if (ec) {
    error = "cannot list '" + root.string() + "': " + ec.message();
    return false;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    const fs::directory_entry& entry = *it;
    if (!is_json_name(entry.path())) continue;
    fs::file_status s = entry.symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(s)) continue;
    if (!fs::is_regular_file(s)) {
      error = "cannot read '" + entry.path().string() + "': not a regular file";
      return false;
    }
    out.push_back(entry.path());
  }
  if (ec) {
    error = "cannot list '" + root.string() + "': " + ec.message();
    return false;
  }
  std::sort(out.begin(), out.end());
  return true;
}

bool sync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// Writes `text` to `target` through a synced temporary file and a rename.
bool replace_atomically(const fs::path& target, const std::string& text, std::string& error) {
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create '" + tmp.string() + "': " + std::strerror(errno);
    return false;
  }
  const char* p = text.data();
  std::size_t left = text.size();
  bool ok = true;
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (!ok || ::fsync(fd) != 0) {
    error = "cannot write '" + tmp.string() + "': " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    error = "cannot rename '" + tmp.string() + "' to '" + target.string() + "': " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (!sync_dir(target.parent_path())) {
    error = "cannot sync '" + target.parent_path().string() + "'";
    return false;
  }
  return true;
}

struct import_counts {
  std::size_t files = 0, records = 0, imported = 0, rejected = 0, withdrawn = 0, other = 0;
  std::map<std::string, std::size_t> entries_by_ecosystem;
};

int run_import(const args& a) {
  if (a.positional().size() != 2) return usage_error("advisories import takes one PATH");
  const fs::path source = a.positional()[1];
  const fs::path dir = fs::path(a.get_or("--data", "./data")) / "advisories";

  std::vector<fs::path> files;
  std::string error;
  if (!collect(source, files, error)) return fail(error + "; nothing was replaced");
  if (files.empty()) return fail("no .json files under '" + source.string() + "'; nothing was replaced");

  import_counts counts;
  std::vector<analysis::advisory_entry> entries;
  std::map<std::string, std::string> first_file;  // id -> the file it came from
  simdjson::dom::parser parser;
  auto reject = [&](const fs::path& file, const std::string& why) {
    ++counts.rejected;
    std::fprintf(stderr, "rejected %s: %s\n", file.c_str(), why.c_str());
  };
  auto take = [&](const fs::path& file, std::string_view json) {
    ++counts.records;
    auto record = analysis::parse_osv_record(json);
    if (!record) return reject(file, record.error().message());
    auto [it, fresh] = first_file.try_emplace(record->id, file.string());
    if (!fresh) return reject(file, "duplicate id '" + record->id + "' (first in " + it->second + ")");
    if (record->withdrawn) {
      ++counts.withdrawn;
      return;
    }
    if (record->entries.empty()) {
      ++counts.other;
      return;
    }
    ++counts.imported;
    for (auto& e : record->entries) {
      ++counts.entries_by_ecosystem[std::string(analysis::ecosystem_name(e.eco))];
      entries.push_back(std::move(e));
    }
  };
  std::string text;
  for (const fs::path& file : files) {
    if (int err = analysis::read_source_file(file, text, kMaxRecordFileBytes); err != 0) {
      return fail("cannot read '" + file.string() + "': " + std::strerror(err) + "; nothing was replaced");
    }
    ++counts.files;
    simdjson::dom::element doc;
    if (parser.parse(text).get(doc) == simdjson::SUCCESS && doc.is_array()) {
      for (simdjson::dom::element item : doc.get_array()) take(file, simdjson::minify(item));
    } else {
      take(file, text);
    }
  }
  if (counts.imported == 0) {
    return fail("no valid advisory for a supported ecosystem in " + std::to_string(counts.records) +
                " records; nothing was replaced");
  }

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail("cannot create '" + dir.string() + "': " + ec.message());
  const std::size_t entry_count = entries.size();
  if (!replace_atomically(dir / analysis::kAdvisoryIndexFile, analysis::advisory_index_text(std::move(entries)),
                          error)) {
    return fail(error);
  }
  std::fprintf(stderr, "imported %zu advisories (%zu package entries) from %zu files into %s\n", counts.imported,
               entry_count, counts.files, (dir / analysis::kAdvisoryIndexFile).c_str());
  std::string by;
  for (const auto& [eco, n] : counts.entries_by_ecosystem) by += (by.empty() ? "" : ", ") + eco + " " + std::to_string(n);
  std::fprintf(stderr, "entries by ecosystem: %s\n", by.c_str());
  std::fprintf(stderr, "rejected %zu, withdrawn %zu, other ecosystems only %zu\n", counts.rejected, counts.withdrawn,
               counts.other);
  return 0;
}

}  // namespace

int run_advisories(const std::vector<std::string>& words) {
  args a({"--data"}, {"--help"});
  if (auto err = a.parse(words)) return usage_error(*err);
  if (a.has("--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (a.positional().empty() || a.positional()[0] != "import") {
    return usage_error(a.positional().empty() ? "a command is needed" : "unknown command '" + a.positional()[0] + "'");
  }
  return run_import(a);
}

}  // namespace heimdall::tools
