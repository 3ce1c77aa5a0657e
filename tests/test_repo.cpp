// test_repo: see test_repo.h.
#include "tests/test_repo.h"

#include <catch2/catch.hpp>
#include <git2.h>

#include <fstream>

namespace fs = std::filesystem;

namespace heimdall::test {

test_repo::test_repo(const fs::path& dir) : dir_(dir) {
  git_libgit2_init();
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  opts.initial_head = "main";
  REQUIRE(git_repository_init_ext(&repo_, dir.c_str(), &opts) == 0);
}

test_repo::~test_repo() {
  git_repository_free(repo_);
  git_libgit2_shutdown();
}

void test_repo::symlink(const std::string& path, const std::string& target) {
  fs::create_directories((dir_ / path).parent_path());
  fs::create_symlink(target, dir_ / path);
  pending_links_.push_back(path);
}

std::string test_repo::commit(const std::map<std::string, std::string>& files, const std::vector<std::string>& deleted) {
  git_index* index = nullptr;
  REQUIRE(git_repository_index(&index, repo_) == 0);
  for (const auto& [path, content] : files) {
    fs::create_directories((dir_ / path).parent_path());
    std::ofstream(dir_ / path, std::ios::binary) << content;
    REQUIRE(git_index_add_bypath(index, path.c_str()) == 0);
  }
  for (const auto& path : pending_links_) REQUIRE(git_index_add_bypath(index, path.c_str()) == 0);
  pending_links_.clear();
  for (const auto& path : deleted) {
    fs::remove(dir_ / path);
    REQUIRE(git_index_remove_bypath(index, path.c_str()) == 0);
  }
  git_oid tree_id, commit_id, parent_id;
  REQUIRE(git_index_write(index) == 0);
  REQUIRE(git_index_write_tree(&tree_id, index) == 0);
  git_index_free(index);
  git_tree* tree = nullptr;
  REQUIRE(git_tree_lookup(&tree, repo_, &tree_id) == 0);
  git_signature* sig = nullptr;
  REQUIRE(git_signature_new(&sig, "Test", "test@example.com", 1773309600, 0) == 0);
  git_commit* parent = nullptr;
  bool has_parent = git_reference_name_to_id(&parent_id, repo_, "HEAD") == 0;
  if (has_parent) REQUIRE(git_commit_lookup(&parent, repo_, &parent_id) == 0);
  const git_commit* parents[] = {parent};
  REQUIRE(git_commit_create(&commit_id, repo_, "HEAD", sig, sig, nullptr, "commit", tree, has_parent ? 1 : 0,
                            parents) == 0);
  git_commit_free(parent);
  git_signature_free(sig);
  git_tree_free(tree);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &commit_id);
  return hex;
}

void test_repo::branch(const std::string& name) {
  git_oid head;
  REQUIRE(git_reference_name_to_id(&head, repo_, "HEAD") == 0);
  git_commit* c = nullptr;
  REQUIRE(git_commit_lookup(&c, repo_, &head) == 0);
  git_reference* ref = nullptr;
  REQUIRE(git_branch_create(&ref, repo_, name.c_str(), c, 0) == 0);
  git_reference_free(ref);
  git_commit_free(c);
}

}  // namespace heimdall::test
