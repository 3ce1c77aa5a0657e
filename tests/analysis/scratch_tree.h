// Test support for analysis/: a fresh directory tree per test, removed at
// the end even when it holds paths longer than PATH_MAX.
#pragma once

#include <filesystem>
#include <string>

namespace heimdall::analysis::test {

// A fresh directory holding `repo/` (the tree under test) and room beside
// it, in base(), for the targets of escaping symlinks.
class scratch_tree {
 public:
  scratch_tree();
  ~scratch_tree();
  scratch_tree(const scratch_tree&) = delete;
  scratch_tree& operator=(const scratch_tree&) = delete;

  std::filesystem::path base() const { return base_; }
  std::filesystem::path root() const { return base_ / "repo"; }

  // Writes `content` to `rel` under the repo (or under base() when
  // `outside`), creating parent directories.
  void write(const std::string& rel, const std::string& content, bool outside = false) const;

 private:
  std::filesystem::path base_;
};

}  // namespace heimdall::analysis::test
