// git_checkout: which sources are accepted, and clone/fetch/checkout of
// repositories built here with libgit2.
#include <catch2/catch.hpp>


#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "actors/git_checkout.h"
#include "tests/test_dirs.h"
#include "tests/test_repo.h"

using namespace heimdall;
using namespace heimdall::actors;
using heimdall::test::test_repo;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

TEST_CASE("only accepted sources pass, and never with credentials in the URL", "[git]") {
  fs::path root = test::scratch_dir("git-roots");
  fs::create_directories(root / "repos" / "app");
  fs::create_directories(root / "elsewhere");
  fs::create_symlink(root / "elsewhere", root / "repos" / "escape");
  std::vector<fs::path> roots = {root / "repos"};

  CHECK(classify_source("https://git.example.com/team/app.git", roots)->kind == source_kind::https);
  CHECK(classify_source("ssh://git@git.example.com/team/app.git", roots)->kind == source_kind::ssh);
  CHECK(classify_source("git@git.example.com:team/app.git", roots)->kind == source_kind::ssh);
  CHECK(classify_source((root / "repos" / "app").string(), roots)->kind == source_kind::local);
  CHECK(classify_source("file://" + (root / "repos" / "app").string(), roots)->kind == source_kind::local);

  auto rejected = [&](const std::string& source, const std::string& why) {
    auto r = classify_source(source, roots);
    INFO(source);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::invalid_argument);
    CHECK_THAT(r.error().message(), Catch::Contains(why));
    // A rejected credential is never echoed back.
    CHECK_THAT(r.error().message(), !Catch::Contains("hunter2"));
  };
  rejected("https://alice:hunter2@git.example.com/app.git", "credentials in the URL");
  rejected("https://hunter2@git.example.com/app.git", "credentials in the URL");
  rejected("ssh://alice:hunter2@git.example.com/app.git", "password in the URL");
  rejected("http://git.example.com/app.git", "unsupported repository URL scheme");
  rejected("ext::sh -c touch% /tmp/pwned", "absolute path");
  rejected("git://git.example.com/app.git", "unsupported repository URL scheme");
  rejected((root / "elsewhere").string(), "not under an allowed repository root");
  rejected((root / "repos" / "escape").string(), "not under an allowed repository root");
  rejected((root / "repos" / ".." / "elsewhere").string(), "not under an allowed repository root");
  rejected("relative/path", "absolute path");
  CHECK_THAT(classify_source((root / "repos" / "app").string(), {}).error().message(),
             Catch::Contains("no repository root is configured"));
}

TEST_CASE("checkout clones the default branch, a branch, or a commit, and fetches updates", "[git]") {
  fs::path root = test::scratch_dir("git-checkout");
  test_repo source(root / "src");
  std::string first = source.commit({{"app.py", "print('v1')\n"}, {".env", "KEY=1\n"}});
  source.branch("feature");
  std::string second = source.commit({{"app.py", "print('v2')\n"}, {"lib/util.py", "x = 1\n"}});

  checkout_options options;
  options.source = (root / "src").string();
  options.allowed_roots = {root};
  auto head = checkout(options, root / "ws-main");
  INFO((head ? "" : head.error().to_string()));
  REQUIRE(head);
  CHECK(head->commit_sha == second);
  CHECK(head->branch == "main");
  CHECK(slurp(root / "ws-main" / "app.py") == "print('v2')\n");
  CHECK(fs::exists(root / "ws-main" / ".env"));

  options.branch = "feature";
  auto feature = checkout(options, root / "ws-feature");
  REQUIRE(feature);
  CHECK(feature->commit_sha == first);
  CHECK(slurp(root / "ws-feature" / "app.py") == "print('v1')\n");
  CHECK_FALSE(fs::exists(root / "ws-feature" / "lib"));

  options.branch.reset();
  options.commit = first.substr(0, 10);
  auto pinned = checkout(options, root / "ws-main");  // reuses the clone
  REQUIRE(pinned);
  CHECK(pinned->commit_sha == first);
  CHECK_FALSE(fs::exists(root / "ws-main" / "lib" / "util.py"));

  std::string third = source.commit({{"app.py", "print('v3')\n"}}, {"lib/util.py"});
  options.commit.reset();
  auto updated = checkout(options, root / "ws-main");  // fetches the new commit
  REQUIRE(updated);
  CHECK(updated->commit_sha == third);
  CHECK(slurp(root / "ws-main" / "app.py") == "print('v3')\n");

  auto diff = diff_commits(root / "ws-main", first, third);
  REQUIRE(diff);
  CHECK(diff->changed == std::vector<std::string>{"app.py"});
  CHECK(diff->deleted.empty());
  auto diff2 = diff_commits(root / "ws-main", second, third);
  REQUIRE(diff2);
  CHECK(diff2->deleted == std::vector<std::string>{"lib/util.py"});
}

TEST_CASE("checkout reports missing things and cancellation clearly", "[git]") {
  fs::path root = test::scratch_dir("git-errors");
  test_repo source(root / "src");
  source.commit({{"a.txt", "a\n"}});
  checkout_options options;
  options.source = (root / "src").string();
  options.allowed_roots = {root};

  options.commit = "0123456789abcdef0123456789abcdef01234567";
  auto missing_commit = checkout(options, root / "ws1");
  REQUIRE_FALSE(missing_commit);
  CHECK(missing_commit.error().code() == errc::not_found);
  CHECK_THAT(missing_commit.error().message(), Catch::Contains("does not exist"));

  options.commit.reset();
  options.branch = "nope";
  auto missing_branch = checkout(options, root / "ws2");
  REQUIRE_FALSE(missing_branch);
  CHECK(missing_branch.error().code() == errc::not_found);
  CHECK_THAT(missing_branch.error().message(), Catch::Contains("branch 'nope'"));

  options.branch.reset();
  options.source = (root / "no-such-repo").string();
  auto no_repo = checkout(options, root / "ws3");
  REQUIRE_FALSE(no_repo);

  options.source = (root / "src").string();
  fs::create_directories(root / "ws4");
  std::ofstream(root / "ws4" / "stray") << "x";
  CHECK(checkout(options, root / "ws4").error().code() == errc::invalid_argument);

  options.cancelled = [] { return true; };
  auto cancelled = checkout(options, root / "ws5");
  REQUIRE_FALSE(cancelled);
  CHECK(cancelled.error().code() == errc::closed);
}
