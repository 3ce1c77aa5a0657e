// The file inventory on ordinary and hostile trees built by each test:
// symlinks out of the tree, huge, binary and non-UTF-8 files, deep and
// over-long paths, FIFOs, unreadable entries, vendored and .git
// directories, the limits, cancellation and a bad root.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/inventory.h"
#include "tests/analysis/scratch_tree.h"

using namespace heimdall::analysis;
namespace fs = std::filesystem;
using heimdall::errc;
using heimdall::analysis::test::scratch_tree;

namespace {

std::vector<std::string> listed_paths(const inventory& inv) {
  std::vector<std::string> paths;
  for (const auto& f : inv.files) paths.push_back(f.path);
  return paths;
}

const source_file* find_file(const inventory& inv, const std::string& path) {
  for (const auto& f : inv.files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

// The reason noted for `path`, or "" when there is no note for it.
std::string note_for(const inventory& inv, const std::string& path) {
  for (const auto& n : inv.notes) {
    if (n.path == path) return n.reason;
  }
  return "";
}

inventory take(const fs::path& root, const inventory_limits& limits = {}) {
  auto inv = take_inventory(root, limits);
  INFO(inv.error().to_string());
  REQUIRE(inv.is_ok());
  return std::move(inv).value();
}

}  // namespace

TEST_CASE("an ordinary tree is listed in sorted order with its languages", "[analysis][inventory]") {
  scratch_tree t;
  t.write("b.py", "print('b')\n");
  t.write("a.js", "console.log(1)\n");
  t.write("src/z.c", "int main(void) { return 0; }\n");
  t.write("src/main.go", "package main\n");
  t.write("README.md", "# readme\n");
  t.write(".env", "DB_PASSWORD=hunter2\n");
  t.write(".github/workflows/ci.yml", "on: push\n");
  t.write("Dockerfile", "FROM debian\n");
  t.write("bin/tool", "#!/usr/bin/env python3\nprint(1)\n");
  t.write("empty.txt", "");

  inventory inv = take(t.root());
  CHECK(listed_paths(inv) == std::vector<std::string>{".env", ".github/workflows/ci.yml", "Dockerfile", "README.md",
                                                      "a.js", "b.py", "bin/tool", "empty.txt", "src/main.go",
                                                      "src/z.c"});
  CHECK(inv.notes.empty());
  CHECK(find_file(inv, ".env")->lang == language::dotenv);
  CHECK(find_file(inv, ".github/workflows/ci.yml")->lang == language::yaml);
  CHECK(find_file(inv, "Dockerfile")->lang == language::dockerfile);
  CHECK(find_file(inv, "bin/tool")->lang == language::python);
  CHECK(find_file(inv, "README.md")->lang == language::unknown);
  CHECK(find_file(inv, "b.py")->bytes == 11);
  CHECK(find_file(inv, "empty.txt")->bytes == 0);

  std::uint64_t sum = 0;
  for (const auto& f : inv.files) sum += f.bytes;
  CHECK(inv.total_bytes == sum);
  CHECK(inv.files_by_language == std::map<std::string, int>{{"c", 1},
                                                            {"dockerfile", 1},
                                                            {"dotenv", 1},
                                                            {"go", 1},
                                                            {"javascript", 1},
                                                            {"python", 2},
                                                            {"unknown", 2},
                                                            {"yaml", 1}});

  // The same tree gives the same inventory.
  CHECK(listed_paths(take(t.root())) == listed_paths(inv));
}

TEST_CASE(".git is skipped silently, vendored directories with one note each", "[analysis][inventory]") {
  scratch_tree t;
  t.write(".git/config", "[core]\n");
  t.write(".git/hooks/pre-commit.sh", "#!/bin/sh\n");
  t.write(".git/objects/ab/cdef", std::string("x\0y", 3));
  t.write("sub/.git", "gitdir: ../.git/modules/sub\n");  // a submodule's gitlink file
  t.write("node_modules/lodash/index.js", "module.exports = {}\n");
  t.write("node_modules/lodash/node_modules/x/index.js", "\n");
  t.write("web/node_modules/react/index.js", "\n");
  t.write("vendor/github.com/x/y.go", "package y\n");
  t.write("third_party/zlib/zlib.c", "\n");
  t.write("__pycache__/app.cpython-311.pyc", "x");
  t.write(".venv/lib/site.py", "\n");
  t.write("bower_components/a.js", "\n");
  t.write("vendor.py", "import x\n");  // only directories are vendored
  t.write("sub/app.py", "\n");

  inventory inv = take(t.root());
  CHECK(listed_paths(inv) == std::vector<std::string>{"sub/app.py", "vendor.py"});
  std::vector<std::string> noted;
  for (const auto& n : inv.notes) {
    CHECK(n.reason == "skipped: vendored directory");
    noted.push_back(n.path);
  }
  CHECK(noted == std::vector<std::string>{".venv", "__pycache__", "bower_components", "node_modules", "third_party",
                                          "vendor", "web/node_modules"});
}

TEST_CASE("symlinks are noted and never followed, in or out of the tree", "[analysis][inventory]") {
  scratch_tree t;
  t.write("outside/secret.py", "AWS_SECRET = 'x'\n", /*outside=*/true);
  t.write("real.py", "print(1)\n");
  fs::path root = t.root();
  fs::create_symlink("../outside/secret.py", root / "link_file");
  fs::create_symlink(t.base() / "outside" / "secret.py", root / "link_abs.py");
  fs::create_directory_symlink("../outside", root / "link_dir");
  fs::create_directory_symlink("/", root / "link_root");
  fs::create_symlink("real.py", root / "inner_link.py");
  fs::create_symlink("does-not-exist", root / "dangling");
  fs::create_directories(root / "sub");
  fs::create_directory_symlink("..", root / "sub" / "loop");

  inventory inv = take(root);
  CHECK(listed_paths(inv) == std::vector<std::string>{"real.py"});
  for (const char* link : {"dangling", "inner_link.py", "link_abs.py", "link_dir", "link_file", "link_root", "sub/loop"}) {
    INFO(link);
    CHECK(note_for(inv, link) == "skipped: symlink");
  }
  CHECK(inv.notes.size() == 7);
}

TEST_CASE("a sparse 100 MB file is noted as too large without being read", "[analysis][inventory]") {
  scratch_tree t;
  t.write("dump.sql", "");
  fs::resize_file(t.root() / "dump.sql", 100ull << 20);
  t.write("app.py", "print(1)\n");

  inventory inv = take(t.root());
  CHECK(listed_paths(inv) == std::vector<std::string>{"app.py"});
  CHECK(note_for(inv, "dump.sql") == "skipped: larger than 2097152 bytes");

  SECTION("max_file_bytes is inclusive") {
    t.write("ten.txt", "0123456789");
    t.write("eleven.txt", "0123456789A");
    inventory_limits limits;
    limits.max_file_bytes = 10;
    inventory small = take(t.root(), limits);
    CHECK(listed_paths(small) == std::vector<std::string>{"app.py", "ten.txt"});
    CHECK(note_for(small, "eleven.txt") == "skipped: larger than 10 bytes");
  }
}

TEST_CASE("binary files are noted, non-UTF-8 text is listed", "[analysis][inventory]") {
  scratch_tree t;
  t.write("logo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  t.write("lib.so", std::string("\x7f" "ELF\x02\x01\x01\0", 8));
  t.write("tricky.py", "print(1)\n" + std::string(100, 'x') + std::string(1, '\0'));
  t.write("late_nul.txt", std::string(8192, 'a') + std::string(1, '\0'));  // past the 8 KiB window
  t.write("latin1.py", "# caf\xe9 cr\xe8me\nname = '\xff\xfe\xc3('\n");

  inventory inv = take(t.root());
  CHECK(listed_paths(inv) == std::vector<std::string>{"late_nul.txt", "latin1.py"});
  CHECK(find_file(inv, "latin1.py")->lang == language::python);
  for (const char* binary : {"lib.so", "logo.png", "tricky.py"}) {
    INFO(binary);
    CHECK(note_for(inv, binary) == "skipped: binary");
  }
}

TEST_CASE("directories deeper than max_depth are noted and not entered", "[analysis][inventory]") {
  scratch_tree t;

  SECTION("a small limit") {
    t.write("top.py", "\n");
    t.write("a/one.py", "\n");
    t.write("a/b/two.py", "\n");
    t.write("a/b/c/three.py", "\n");
    inventory_limits limits;
    limits.max_depth = 2;
    inventory inv = take(t.root(), limits);
    CHECK(listed_paths(inv) == std::vector<std::string>{"a/b/two.py", "a/one.py", "top.py"});
    CHECK(note_for(inv, "a/b/c") == "skipped: deeper than 2 directories");
    CHECK(inv.notes.size() == 1);
  }

  SECTION("200 levels against the default limit of 64") {
    fs::path dir = t.root();
    std::string rel;
    std::string deepest_listed;
    t.write("f.py", "\n");
    for (int level = 1; level <= 200; ++level) {
      dir /= "d";
      rel += rel.empty() ? "d" : "/d";
      fs::create_directory(dir);
      std::ofstream(dir / "f.py") << "\n";
      if (level == 64) deepest_listed = rel + "/f.py";
    }
    inventory inv = take(t.root());
    CHECK(inv.files.size() == 65);  // the root's and one per entered level
    CHECK(find_file(inv, deepest_listed) != nullptr);
    REQUIRE(inv.notes.size() == 1);
    CHECK(inv.notes[0].reason == "skipped: deeper than 64 directories");
    CHECK(inv.notes[0].path == deepest_listed.substr(0, deepest_listed.size() - 5) + "/d");
  }
}

TEST_CASE("a path longer than PATH_MAX is noted and the walk goes on", "[analysis][inventory]") {
  scratch_tree t;
  t.write("after.py", "\n");
  // 25 levels of 200-byte names: about 5000 bytes, past Linux's 4096.
  // mkdirat from an open directory, because no full path that long works.
  const std::string name(200, 'a');
  int fd = ::open(t.root().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  for (int level = 0; level < 25; ++level) {
    REQUIRE(::mkdirat(fd, name.c_str(), 0755) == 0);
    int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(fd);
    REQUIRE(next >= 0);
    fd = next;
  }
  int file = ::openat(fd, "deep.py", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(file >= 0);
  ::close(file);
  ::close(fd);

  inventory inv = take(t.root());
  CHECK(listed_paths(inv) == std::vector<std::string>{"after.py"});
  REQUIRE(inv.notes.size() == 1);
  CHECK(inv.notes[0].reason == "skipped: unreadable (File name too long)");
  CHECK(inv.notes[0].path.starts_with(name + "/" + name + "/"));
}

TEST_CASE("FIFOs are noted without blocking the walk", "[analysis][inventory]") {
  scratch_tree t;
  t.write("app.py", "\n");
  REQUIRE(::mkfifo((t.root() / "pipe").c_str(), 0644) == 0);
  inventory inv = take(t.root());
  CHECK(listed_paths(inv) == std::vector<std::string>{"app.py"});
  CHECK(note_for(inv, "pipe") == "skipped: not a regular file");
}

TEST_CASE("unreadable files and directories are notes, not errors", "[analysis][inventory]") {
  if (::geteuid() == 0) {
    WARN("running as root: permission bits deny nothing, so this case cannot be exercised");
    return;
  }
  scratch_tree t;
  t.write("app.py", "\n");
  t.write("locked.py", "\n");
  t.write("closed/inside.py", "\n");
  fs::permissions(t.root() / "locked.py", fs::perms::none);
  fs::permissions(t.root() / "closed", fs::perms::none);

  inventory inv = take(t.root());
  CHECK(listed_paths(inv) == std::vector<std::string>{"app.py"});
  CHECK(note_for(inv, "locked.py") == "skipped: unreadable (Permission denied)");
  CHECK(note_for(inv, "closed") == "skipped: unreadable (Permission denied)");
  fs::permissions(t.root() / "closed", fs::perms::owner_all);
}

TEST_CASE("max_files and max_total_bytes stop the walk with one note", "[analysis][inventory]") {
  scratch_tree t;
  for (const char* name : {"a.py", "b.py", "c.py", "d.py", "e.py"}) t.write(name, "123456789\n");
  inventory_limits limits;

  SECTION("file limit") {
    limits.max_files = 3;
    inventory inv = take(t.root(), limits);
    CHECK(listed_paths(inv) == std::vector<std::string>{"a.py", "b.py", "c.py"});
    REQUIRE(inv.notes.size() == 1);
    CHECK(inv.notes[0].path == "d.py");
    CHECK(inv.notes[0].reason == "stopped: file limit reached (3 files)");
  }

  SECTION("skipped entries do not use up the file limit; notes have their own bound") {
    for (int i = 0; i < 4; ++i) fs::create_symlink("a.py", t.root() / ("0-link" + std::to_string(i)));
    limits.max_files = 3;
    limits.max_notes = 2;
    inventory inv = take(t.root(), limits);
    CHECK(listed_paths(inv) == std::vector<std::string>{"a.py", "b.py", "c.py"});
    REQUIRE(inv.notes.size() == 4);
    CHECK(inv.notes[0].reason == "skipped: symlink");
    CHECK(inv.notes[1].reason == "skipped: symlink");
    CHECK_THAT(inv.notes[2].reason, Catch::StartsWith("skipped: more entries were left out"));
    CHECK(inv.notes[3].path == "d.py");
    CHECK(inv.notes[3].reason == "stopped: file limit reached (3 files)");
  }

  SECTION("size limit") {
    limits.max_total_bytes = 25;
    inventory inv = take(t.root(), limits);
    CHECK(listed_paths(inv) == std::vector<std::string>{"a.py", "b.py"});
    CHECK(inv.total_bytes == 20);
    REQUIRE(inv.notes.size() == 1);
    CHECK(inv.notes[0].path == "c.py");
    CHECK(inv.notes[0].reason == "stopped: size limit reached (25 bytes)");
  }

  SECTION("limits that are not reached change nothing") {
    limits.max_files = 5;
    limits.max_total_bytes = 50;
    inventory inv = take(t.root(), limits);
    CHECK(inv.files.size() == 5);
    CHECK(inv.notes.empty());
  }
}

TEST_CASE("cancellation stops the walk with errc::closed", "[analysis][inventory]") {
  scratch_tree t;
  for (int i = 0; i < 20; ++i) t.write("dir/f" + std::to_string(i) + ".py", "\n");

  int calls = 0;
  auto inv = take_inventory(t.root(), {}, [&] { return ++calls > 5; });
  REQUIRE_FALSE(inv.is_ok());
  CHECK(inv.error().code() == errc::closed);
  CHECK_THAT(inv.error().message(), Catch::Contains("cancelled") && Catch::Contains(t.root().string()));
  CHECK(calls == 6);  // asked between entries, and not again once it said yes

  auto never = take_inventory(t.root(), {}, [] { return false; });
  REQUIRE(never.is_ok());
  CHECK(never->files.size() == 20);
}

TEST_CASE("a missing root or a file as root is an error naming the path", "[analysis][inventory]") {
  scratch_tree t;
  t.write("file.py", "\n");

  auto missing = take_inventory(t.root() / "nope", {});
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.error().code() == errc::not_found);
  CHECK_THAT(missing.error().message(), Catch::Contains((t.root() / "nope").string()));

  auto file = take_inventory(t.root() / "file.py", {});
  REQUIRE_FALSE(file.is_ok());
  CHECK(file.error().code() == errc::invalid_argument);
  CHECK_THAT(file.error().message(), Catch::Contains((t.root() / "file.py").string()));
}
