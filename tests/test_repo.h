// test_repo: a git repository with a working tree, on branch "main", built
// commit by commit with libgit2, for tests of ingest and of whole scans.
// REQUIREs inside fail the calling test. Not thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

struct git_repository;

namespace heimdall::test {

class test_repo {
 public:
  explicit test_repo(const std::filesystem::path& dir);
  ~test_repo();
  test_repo(const test_repo&) = delete;
  test_repo& operator=(const test_repo&) = delete;

  // Writes `files`, removes `deleted`, commits on HEAD; returns the sha.
  std::string commit(const std::map<std::string, std::string>& files, const std::vector<std::string>& deleted = {});
  // Adds a symbolic link (stored as a link in the commit's tree) at the next commit.
  void symlink(const std::string& path, const std::string& target);
  // Creates branch `name` at HEAD.
  void branch(const std::string& name);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  git_repository* repo_ = nullptr;
  std::vector<std::string> pending_links_;
};

}  // namespace heimdall::test
