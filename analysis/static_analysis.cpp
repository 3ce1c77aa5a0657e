#include "analysis/static_analysis.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace heimdall::analysis {
namespace {

// Reads a whole file without following a symlink; errno-style error or 0.
int read_no_follow(const std::filesystem::path& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  out.clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return err;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return 0;
}

}  // namespace

result<static_analysis_summary> run_static_analysis(const std::filesystem::path& root, const inventory& files,
                                                    const rule_pack& rules, const secret_detector& secrets,
                                                    const std::function<void(finding)>& on_finding,
                                                    const std::function<bool()>& cancelled) {
  static_analysis_summary summary;
  std::string content;
  for (const source_file& file : files.files) {
    if (cancelled && cancelled()) return status(errc::closed, "static analysis cancelled");
    if (int err = read_no_follow(root / file.path, content); err != 0) {
      summary.notes.push_back({file.path, std::string("skipped: cannot read: ") + std::strerror(err)});
      continue;
    }
    ++summary.files_scanned;
    summary.bytes_scanned += content.size();
    auto report = [&](std::vector<finding> found) {
      for (finding& f : found) {
        ++summary.findings;
        on_finding(std::move(f));
      }
    };
    report(match(rules, file.path, file.lang, content));
    report(find_secrets(secrets, file.path, content));
  }
  return summary;
}

}  // namespace heimdall::analysis
