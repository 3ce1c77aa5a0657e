#include "analysis/inventory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>

namespace heimdall::analysis {
namespace fs = std::filesystem;
namespace {

// Enough for a shebang line, and the window git and grep use to call a
// file binary.
constexpr std::size_t kHeadBytes = 8192;

// Version-control metadata: never source, and .svn keeps a second copy of
// every file. Skipped silently, since every checkout has one.
constexpr std::array<std::string_view, 3> kVcsDirs = {".git", ".hg", ".svn"};

// Third-party code and tool caches the repository does not own: findings
// there are the dependency scanner's business (it reads the manifests),
// and they can outweigh the project's own code a hundred to one.
// "dist" and "build" are deliberately absent: too many repositories keep
// their own sources or deployment configuration under those names.
constexpr std::array<std::string_view, 13> kVendoredDirs = {
    "node_modules", "bower_components", "jspm_packages", "vendor",  "third_party",
    ".venv",        "venv",             "__pycache__",   ".tox",    ".mypy_cache",
    ".pytest_cache", ".terraform",      ".gradle",
};

template <std::size_t N>
bool is_one_of(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string unreadable(int err) { return "skipped: unreadable (" + std::system_category().message(err) + ")"; }

class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() { ::close(fd_); }

 private:
  int fd_;
};

// Reads up to kHeadBytes from the start of `fd`; errno value on failure.
int read_head(int fd, std::string& head) {
  head.resize(kHeadBytes);
  std::size_t got = 0;
  while (got < head.size()) {
    ssize_t n = ::read(fd, head.data() + got, head.size() - got);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    got += static_cast<std::size_t>(n);
  }
  head.resize(got);
  return 0;
}

// One directory being walked: its entries sorted by name, and how far the
// walk has got through them.
struct dir_frame {
  std::string rel;  // "" for the root
  int depth = 0;    // levels below the root
  std::vector<fs::directory_entry> entries;
  std::size_t next = 0;
};

class walker {
 public:
  walker(const inventory_limits& limits, const std::function<bool()>& cancelled)
      : limits_(limits), cancelled_(cancelled) {}

  result<inventory> run(const fs::path& root) {
    std::error_code ec;
    fs::file_status root_status = fs::status(root, ec);
    if (root_status.type() == fs::file_type::not_found) {
      return status(errc::not_found, "inventory root '" + root.string() + "' does not exist");
    }
    if (ec) return status(errc::io_error, "inventory root '" + root.string() + "': " + ec.message());
    if (root_status.type() != fs::file_type::directory) {
      return status(errc::invalid_argument, "inventory root '" + root.string() + "' is not a directory");
    }

    enter(root, "", 0);
    // Depth first with an explicit stack, so max_depth need not be small
    // for the walk to be safe.
    while (!stack_.empty() && !stopped_) {
      if (cancelled_ && cancelled_()) {
        return status(errc::closed, "inventory of '" + root.string() + "' cancelled");
      }
      dir_frame& top = stack_.back();
      if (top.next == top.entries.size()) {
        stack_.pop_back();
        continue;
      }
      fs::directory_entry entry = std::move(top.entries[top.next++]);
      std::string name = entry.path().filename().string();
      std::string rel = top.rel.empty() ? name : top.rel + "/" + name;
      visit(entry, name, rel, top.depth + 1);  // may push: `top` is dead from here
    }
    return std::move(inv_);
  }

 private:
  void visit(const fs::directory_entry& entry, const std::string& name, const std::string& rel, int depth) {
    if (is_one_of(name, kVcsDirs)) return;
    std::error_code ec;
    // symlink_status, never status: a link is judged as a link, whatever
    // it points at.
    fs::file_type type = entry.symlink_status(ec).type();
    if (ec) return add_note(rel, unreadable(ec.value()));
    switch (type) {
      case fs::file_type::symlink:
        return add_note(rel, "skipped: symlink");
      case fs::file_type::directory:
        if (is_one_of(name, kVendoredDirs)) return add_note(rel, "skipped: vendored directory");
        if (depth > limits_.max_depth) {
          return add_note(rel, "skipped: deeper than " + std::to_string(limits_.max_depth) + " directories");
        }
        return enter(entry.path(), rel, depth);
      case fs::file_type::regular:
        return visit_file(entry.path(), rel);
      default:
        return add_note(rel, "skipped: not a regular file");
    }
  }

  // Lists `dir` sorted by name and pushes it; a directory that cannot be
  // listed in full is noted and not entered, so a partial listing never
  // makes the inventory depend on where the error struck.
  void enter(const fs::path& dir, const std::string& rel, int depth) {
    dir_frame frame{rel, depth, {}, 0};
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) frame.entries.push_back(*it);
    if (ec) return add_note(rel.empty() ? "." : rel, unreadable(ec.value()));
    // Entries of one directory share their parent, so comparing whole
    // paths orders them by name, without building a filename per compare.
    std::sort(frame.entries.begin(), frame.entries.end(),
              [](const fs::directory_entry& a, const fs::directory_entry& b) {
                return a.path().native() < b.path().native();
              });
    stack_.push_back(std::move(frame));
  }

  void visit_file(const fs::path& file, const std::string& rel) {
    // The listing said "regular file"; O_NOFOLLOW keeps that true even if
    // the name became a symlink since (ELOOP), and O_NONBLOCK keeps a FIFO
    // swapped in from blocking the walk (fstat below rejects it).
    int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return add_note(rel, errno == ELOOP ? "skipped: symlink" : unreadable(errno));
    fd_guard guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) return add_note(rel, unreadable(errno));
    if (!S_ISREG(st.st_mode)) return add_note(rel, "skipped: not a regular file");
    auto bytes = static_cast<std::uint64_t>(st.st_size);
    if (bytes > limits_.max_file_bytes) {
      return add_note(rel, "skipped: larger than " + std::to_string(limits_.max_file_bytes) + " bytes");
    }
    std::string head;
    if (int err = read_head(fd, head); err != 0) return add_note(rel, unreadable(err));
    if (std::memchr(head.data(), '\0', head.size()) != nullptr) return add_note(rel, "skipped: binary");

    if (!has_room(rel)) return;
    if (inv_.total_bytes + bytes > limits_.max_total_bytes) {
      return stop(rel, "stopped: size limit reached (" + std::to_string(limits_.max_total_bytes) + " bytes)");
    }
    language lang = detect_language(rel, head);
    inv_.files.push_back(source_file{rel, lang, bytes});
    inv_.total_bytes += bytes;
    ++inv_.files_by_language[std::string(language_name(lang))];
  }

  bool has_room(const std::string& rel) {
    if (inv_.files.size() < limits_.max_files) return true;
    stop(rel, "stopped: file limit reached (" + std::to_string(limits_.max_files) + " files)");
    return false;
  }

  void add_note(const std::string& rel, std::string reason) {
    if (inv_.notes.size() < limits_.max_notes) {
      inv_.notes.push_back(inventory_note{rel, std::move(reason)});
    } else if (inv_.notes.size() == limits_.max_notes) {
      inv_.notes.push_back(inventory_note{rel, "skipped: more entries were left out than notes are kept (" +
                                                   std::to_string(limits_.max_notes) + ")"});
    }
  }

  void stop(const std::string& rel, std::string reason) {
    inv_.notes.push_back(inventory_note{rel, std::move(reason)});
    stopped_ = true;
  }

  const inventory_limits& limits_;
  const std::function<bool()>& cancelled_;
  inventory inv_;
  std::vector<dir_frame> stack_;
  bool stopped_ = false;
};

}  // namespace

result<inventory> take_inventory(const fs::path& root, const inventory_limits& limits,
                                 const std::function<bool()>& cancelled) {
  return walker(limits, cancelled).run(root);
}

}  // namespace heimdall::analysis
