// Bad data directories: missing, not a log, locked, corrupted. Each gives
// one clear error line and a non-zero exit, and changes nothing on disk.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "store/event_log.h"
#include "store/log_storage.h"
#include "tests/test_dirs.h"

using namespace heimdall;
using heimdall::test::make_event;
using heimdall::test::count_lines;
using heimdall::test::run_heimdall;
namespace fs = std::filesystem;

namespace {

// A closed log with a few hundred events flushed into SST files.
std::string closed_log(const std::string& name) {
  std::string dir = test::scratch_dir(name);
  auto log = std::move(event_log::open(dir).value());
  for (int i = 0; i < 200; ++i) {
    REQUIRE(log->append(test::scan_stream(), expected_version::any(), {make_event("scan.queued"), make_event("scan.failed")}));
  }
  const auto& st = log->storage();
  std::vector<rocksdb::ColumnFamilyHandle*> cfs = {st.meta, st.log, st.streams};
  cfs.insert(cfs.end(), st.projections.begin(), st.projections.end());
  REQUIRE(st.db->Flush(rocksdb::FlushOptions(), cfs).ok());
  return dir;
}

void overwrite(const fs::path& file, std::size_t offset, const std::string& bytes) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The largest file in `dir` named prefix*suffix.
fs::path largest_file(const std::string& dir, const std::string& prefix, const std::string& suffix = "") {
  fs::path best;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        (best.empty() || entry.file_size() > fs::file_size(best))) {
      best = entry.path();
    }
  }
  if (best.empty()) FAIL("no file " << prefix << "*" << suffix << " in " << dir);
  return best;
}

// Runs every log command that opens `dir`; each must fail with one line
// containing `reason` and leave the directory as it was.
void expect_clean_failure(const std::string& dir, const std::string& reason) {
  auto before = fs::exists(dir) ? test::snapshot(dir) : std::map<std::string, std::string>{};
  for (const char* cmd : {"verify", "dump", "streams", "stats", "rebuild"}) {
    auto r = run_heimdall({"log", cmd, "--data", dir});
    INFO("heimdall log " << cmd << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::StartsWith("heimdall log: ") && Catch::Contains(reason));
  }
  if (fs::exists(dir)) {
    CHECK(test::snapshot(dir) == before);
  }
}

}  // namespace

TEST_CASE("a missing data directory is an error, not created", "[corruption]") {
  std::string dir = test::scratch_dir("missing") + "/nothing-here";
  expect_clean_failure(dir, "does not exist");
  CHECK_FALSE(fs::exists(dir));
  event_log_options no_create;
  no_create.create_if_missing = false;
  CHECK(event_log::open(dir, no_create).error().code() == errc::not_found);
}

TEST_CASE("a directory that is not a log is never touched", "[corruption]") {
  std::string dir = test::scratch_dir("not-a-log");
  std::ofstream(dir + "/notes.txt") << "precious";
  expect_clean_failure(dir, "is not a heimdall event log");
  auto opened = event_log::open(dir);  // even with create_if_missing
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code() == errc::invalid_argument);
  CHECK(test::snapshot(dir) == std::map<std::string, std::string>{{"notes.txt", "precious"}});
  std::ofstream(dir + "/plain-file") << "x";
  CHECK(event_log::open(dir + "/plain-file").error().code() == errc::invalid_argument);
}

TEST_CASE("a locked log is reported as locked", "[corruption]") {
  std::string dir = test::log_dir("locked");
  auto holder = std::move(event_log::open(dir).value());
  auto second = event_log::open(dir);
  REQUIRE_FALSE(second);
  CHECK(second.error().code() == errc::locked);
  auto r = run_heimdall({"log", "rebuild", "--data", dir});
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("locked by another process"));
}

TEST_CASE("a garbled CURRENT file is reported as corruption", "[corruption]") {
  std::string dir = closed_log("bad-current");
  std::ofstream(dir + "/CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
  expect_clean_failure(dir, "data directory '" + dir + "'");
  CHECK_FALSE(event_log::open(dir));
}

TEST_CASE("a damaged MANIFEST is reported as corruption", "[corruption]") {
  std::string dir = closed_log("bad-manifest");
  overwrite(largest_file(dir, "MANIFEST-"), 20, std::string(64, '\x5a'));
  expect_clean_failure(dir, "is corrupted");
  auto opened = event_log::open(dir);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code() == errc::corruption);
}

TEST_CASE("a damaged table file is found by verify and nothing is changed", "[corruption]") {
  std::string dir = closed_log("bad-sst");
  auto sst = largest_file(dir, "", ".sst");
  overwrite(sst, fs::file_size(sst) / 3, std::string(32, '\x00'));
  auto before = test::snapshot(dir);
  auto r = run_heimdall({"log", "verify", "--data", dir});
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.out + r.err, Catch::Contains("orrupt") || Catch::Contains("hecksum"));
  CHECK(test::snapshot(dir) == before);
}
