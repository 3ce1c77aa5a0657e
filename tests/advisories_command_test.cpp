// `heimdall advisories import`: a directory of OSV records imported with
// counts, bad records rejected with file and reason, the index replaced
// atomically, and nothing replaced when input cannot be read.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/advisories.h"
#include "tests/test_dirs.h"

using namespace heimdall;
using namespace heimdall::test;
namespace fs = std::filesystem;

namespace {

fs::path osv_fixtures() { return fs::path(HEIMDALL_SOURCE_DIR) / "tests" / "analysis" / "fixtures" / "osv"; }

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("advisories import reads a directory of OSV records into the index", "[advisories][cli]") {
  fs::path data = scratch_dir("advisories-good");
  auto r = run_heimdall({"advisories", "import", osv_fixtures().string(), "--data", data.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("imported 9 advisories (9 package entries) from 6 files") != std::string::npos);
  CHECK(r.err.find("Go 1, Maven 1, Packagist 1, PyPI 3, RubyGems 1, npm 2") != std::string::npos);
  CHECK(r.err.find("rejected 0, withdrawn 1, other ecosystems only 1") != std::string::npos);
  CHECK(r.err.find("rejected /") == std::string::npos);
  CHECK(r.out.empty());
  auto db = analysis::load_advisory_db(data / "advisories");
  if (!db) FAIL(db.error().to_string());
  CHECK(db->size() == 9);
  auto log4j = db->for_package(analysis::ecosystem::maven, "org.apache.logging.log4j:log4j-core");
  REQUIRE(log4j.size() == 1);
  CHECK(log4j[0]->severity == analysis::severity::critical);
  CHECK(log4j[0]->cwe == 502);
  CHECK(db->for_package(analysis::ecosystem::npm, "lodash").size() == 1);  // the withdrawn one left out

  // A single file works too.
  fs::path one = scratch_dir("advisories-one");
  auto single = run_heimdall({"advisories", "import", (osv_fixtures() / "PYSEC-2018-0005.json").string(), "--data",
                              one.string()});
  CHECK(single.exit_code == 0);
  CHECK(single.err.find("imported 1 advisories") != std::string::npos);
}

TEST_CASE("advisories import rejects bad records with their file and reason", "[advisories][cli]") {
  fs::path root = scratch_dir("advisories-bad");
  fs::copy(osv_fixtures(), root / "osv", fs::copy_options::recursive);
  write(root / "osv" / "bad" / "bad-version.json",
        R"({"id":"BAD-1","affected":[{"package":{"ecosystem":"PyPI","name":"x"},)"
        R"("ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"not a version"}]}]}]})");
  write(root / "osv" / "bad" / "broken.json", "{\"id\": \"BAD-2\", ");
  write(root / "osv" / "bad" / "dup.json", read_all(osv_fixtures() / "PYSEC-2018-0005.json"));
  write(root / "osv" / "README.md", "not a record, not read\n");
  auto r = run_heimdall({"advisories", "import", (root / "osv").string(), "--data", (root / "data").string()});
  INFO(r.out + r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("imported 9 advisories") != std::string::npos);
  CHECK(r.err.find("rejected 3,") != std::string::npos);
  const std::string dir = (root / "osv" / "bad").string();
  CHECK(r.err.find("rejected " + dir + "/bad-version.json: BAD-1: affected[0]: ranges[0]: events[1]: "
                   "'not a version' is not a PyPI version") != std::string::npos);
  CHECK(r.err.find("rejected " + dir + "/broken.json: not JSON") != std::string::npos);
  CHECK(r.err.find("rejected " + dir + "/dup.json: duplicate id 'PYSEC-2018-0005'") != std::string::npos);
}

TEST_CASE("advisories import replaces the index atomically, or not at all", "[advisories][cli]") {
  fs::path root = scratch_dir("advisories-atomic");
  const fs::path index = root / "data" / "advisories" / "index.jsonl";
  auto full = run_heimdall({"advisories", "import", osv_fixtures().string(), "--data", (root / "data").string()});
  REQUIRE(full.exit_code == 0);
  const std::string before = read_all(index);
  struct stat old_stat {};
  REQUIRE(::stat(index.c_str(), &old_stat) == 0);

  // A reader that opened the old index keeps reading all of it.
  std::ifstream reader(index, std::ios::binary);
  REQUIRE(reader);
  auto small = run_heimdall({"advisories", "import", (osv_fixtures() / "npm").string(), "--data", (root / "data").string()});
  REQUIRE(small.exit_code == 0);
  std::stringstream seen;
  seen << reader.rdbuf();
  CHECK(seen.str() == before);
  struct stat new_stat {};
  REQUIRE(::stat(index.c_str(), &new_stat) == 0);
  CHECK(new_stat.st_ino != old_stat.st_ino);  // a new file renamed in, not the old one rewritten
  auto db = analysis::load_advisory_db(index.parent_path());
  REQUIRE(db);
  CHECK(db->size() == 2);
  for (const auto& entry : fs::directory_iterator(index.parent_path())) {
    CHECK(entry.path().filename() == "index.jsonl");  // no temporary left behind
  }

  // Unreadable input (a FIFO named like a record), a missing path, or no
  // valid record: exit 2 and the index stays as it was.
  const std::string after_small = read_all(index);
  write(root / "fifo" / "a.json", read_all(osv_fixtures() / "PYSEC-2018-0005.json"));
  REQUIRE(::mkfifo((root / "fifo" / "b.json").c_str(), 0600) == 0);
  auto unreadable = run_heimdall({"advisories", "import", (root / "fifo").string(), "--data", (root / "data").string()});
  CHECK(unreadable.exit_code == 2);
  CHECK(unreadable.err.find("b.json") != std::string::npos);
  CHECK(unreadable.err.find("nothing was replaced") != std::string::npos);
  auto missing = run_heimdall({"advisories", "import", (root / "nope").string(), "--data", (root / "data").string()});
  CHECK(missing.exit_code == 2);
  write(root / "invalid" / "x.json", "[]");
  write(root / "invalid" / "y.json", "{\"summary\": \"no id\"}");
  auto invalid = run_heimdall({"advisories", "import", (root / "invalid").string(), "--data", (root / "data").string()});
  CHECK(invalid.exit_code == 2);
  CHECK(invalid.err.find("missing field 'id'") != std::string::npos);
  CHECK(read_all(index) == after_small);

  CHECK(run_heimdall({"advisories"}).exit_code == 2);
  CHECK(run_heimdall({"advisories", "import"}).exit_code == 2);
  CHECK(run_heimdall({"advisories", "export", "x"}).exit_code == 2);
  CHECK(run_heimdall({"advisories", "--help"}).exit_code == 0);
}
