#include "tests/analysis/scratch_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace heimdall::analysis::test {
namespace fs = std::filesystem;
namespace {

// Removes `name` under the directory `parent` one directory at a time, as
// rm -rf does: fs::remove_all goes by full paths, which fail past PATH_MAX.
void remove_at(int parent, const char* name) {
  int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    ::unlinkat(parent, name, 0);
    return;
  }
  DIR* dir = ::fdopendir(fd);
  std::vector<std::string> children;
  while (dirent* e = ::readdir(dir)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) children.emplace_back(e->d_name);
  }
  for (const auto& child : children) remove_at(::dirfd(dir), child.c_str());
  ::closedir(dir);
  ::unlinkat(parent, name, AT_REMOVEDIR);
}

}  // namespace

scratch_tree::scratch_tree() {
  static int counter = 0;
  base_ = fs::path(HEIMDALL_TEST_DATA) / "scratch" /
          ("analysis-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  remove_at(AT_FDCWD, base_.c_str());
  fs::create_directories(root());
}

scratch_tree::~scratch_tree() { remove_at(AT_FDCWD, base_.c_str()); }

void scratch_tree::write(const std::string& rel, const std::string& content, bool outside) const {
  fs::path file = (outside ? base_ : root()) / rel;
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
}

}  // namespace heimdall::analysis::test
