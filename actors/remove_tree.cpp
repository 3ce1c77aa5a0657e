// Why list first: the files are spread over threads in chunks of one
// listing order, so a thread mostly unlinks in its own directories (an
// unlink holds its directory's lock). Directories go last, with
// remove_all, once they are (nearly) empty.
#include "actors/remove_tree.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace heimdall::actors {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kChunk = 64;  // files a thread takes at a time

}  // namespace

void remove_tree(const fs::path& root) {
  std::error_code ec;
  std::vector<fs::path> files;  // everything but directories (symlinks included)
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code st_ec;
    if (!fs::is_directory(it->symlink_status(st_ec))) files.push_back(it->path());
  }
  std::atomic<std::size_t> next{0};
  auto unlink_chunks = [&] {
    for (std::size_t b; (b = next.fetch_add(kChunk)) < files.size();) {
      for (std::size_t i = b; i < std::min(files.size(), b + kChunk); ++i) {
        std::error_code ignored;
        fs::remove(files[i], ignored);
      }
    }
  };
  std::vector<std::thread> helpers;
  unsigned n = static_cast<unsigned>(std::min<std::size_t>(kRemoveThreads, (files.size() + kChunk - 1) / kChunk));
  for (unsigned k = 1; k < n; ++k) helpers.emplace_back(unlink_chunks);
  unlink_chunks();
  for (std::thread& t : helpers) t.join();
  fs::remove_all(root, ec);
}

}  // namespace heimdall::actors
