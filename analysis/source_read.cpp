#include "analysis/source_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace heimdall::analysis {

int read_source_file(const std::filesystem::path& path, std::string& out, std::uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st {};
  int refused = ::fstat(fd, &st) != 0                                  ? errno
                : !S_ISREG(st.st_mode)                                 ? EINVAL
                : static_cast<std::uint64_t>(st.st_size) > max_bytes ? EFBIG
                                                                       : 0;
  if (refused != 0) {
    ::close(fd);
    return refused;
  }
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
    if (out.size() > max_bytes) {  // grew while being read
      ::close(fd);
      return EFBIG;
    }
  }
  ::close(fd);
  return 0;
}

}  // namespace heimdall::analysis
