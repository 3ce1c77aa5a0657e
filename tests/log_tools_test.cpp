// `heimdall log ...` run as a separate process, as an operator would, also
// while another process holds the log open for writing.
#include <catch2/catch.hpp>

#include <signal.h>
#include <poll.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "store/event_log.h"
#include "store/keys.h"
#include "store/log_storage.h"
#include "tests/test_dirs.h"

using namespace heimdall;
using heimdall::test::make_event;
using heimdall::test::count_lines;
using heimdall::test::run_heimdall;

namespace {

struct populated_log {
  std::string dir = test::log_dir("tools");
  std::unique_ptr<event_log> log = std::move(event_log::open(dir).value());
  std::vector<std::string> scans;

  populated_log() {
    for (int i = 0; i < 3; ++i) {
      scans.push_back(test::scan_stream());
      REQUIRE(log->append(scans.back(), expected_version::no_stream(),
                          {make_event("scan.queued"), make_event("scan.status_changed"),
                           make_event("scan.finding_added"), make_event("scan.completed",
                           R"({"finding_count":1,"critical_count":0,"high_count":1,"medium_count":0,"low_count":0})")}));
    }
  }
};

}  // namespace

TEST_CASE("log tools read a log another process is writing", "[tools]") {
  populated_log p;  // p.log stays open: the "server" is running

  auto streams = run_heimdall({"log", "streams", "--data", p.dir, "--json"});
  INFO(streams.err);
  REQUIRE(streams.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::array listed;
  REQUIRE(parser.parse(streams.out).get(listed) == simdjson::SUCCESS);
  CHECK(listed.size() == 3);
  for (auto entry : listed) {
    CHECK(std::uint64_t(entry["version"]) == 4);
    CHECK(std::string_view(entry["last_time"]).size() == 24);
  }
  auto table = run_heimdall({"log", "streams", "--data", p.dir});
  CHECK_THAT(table.out, Catch::Contains(p.scans[0]));

  auto dump = run_heimdall({"log", "dump", "--data", p.dir});
  REQUIRE(dump.exit_code == 0);
  CHECK(count_lines(dump.out) == 12);
  CHECK(count_lines(run_heimdall({"log", "dump", "--data", p.dir, "--type", "scan.completed"}).out) == 3);
  CHECK(count_lines(run_heimdall({"log", "dump", "--data", p.dir, "--from", "10"}).out) == 3);
  CHECK(count_lines(run_heimdall({"log", "dump", "--data", p.dir, "--stream", p.scans[1]}).out) == 4);

  auto stats = run_heimdall({"log", "stats", "--data", p.dir, "--json"});
  REQUIRE(stats.exit_code == 0);
  simdjson::dom::element s;
  REQUIRE(parser.parse(stats.out).get(s) == simdjson::SUCCESS);
  CHECK(std::uint64_t(s["events"]) == 12);
  CHECK(std::uint64_t(s["last_seq"]) == 12);
  CHECK(std::uint64_t(s["streams"]) == 3);
  CHECK(std::uint64_t(s["events_by_type"]["scan.finding_added"]) == 3);

  auto verify = run_heimdall({"log", "verify", "--data", p.dir});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.out, Catch::StartsWith("ok: 12 events in 3 streams"));

  auto exported = run_heimdall({"log", "export", "--data", p.dir, "--stream", p.scans[2]});
  REQUIRE(exported.exit_code == 0);
  CHECK(count_lines(exported.out) == 4);
  CHECK_THAT(exported.out, Catch::Contains("\"version\":4"));
  CHECK(run_heimdall({"log", "export", "--data", p.dir, "--stream", "scan-none"}).exit_code == 2);

  auto tail = run_heimdall({"log", "tail", "--data", p.dir, "-n", "2"});
  REQUIRE(tail.exit_code == 0);
  CHECK(count_lines(tail.out) == 2);
  CHECK_THAT(tail.out, Catch::Contains("\"seq\":12"));

  // Rebuild needs the log exclusively.
  auto rebuild = run_heimdall({"log", "rebuild", "--data", p.dir});
  CHECK(rebuild.exit_code == 2);
  CHECK_THAT(rebuild.err, Catch::Contains("locked by another process"));
  CHECK(count_lines(rebuild.err) == 1);
}

TEST_CASE("read-only log tools leave the directory byte for byte unchanged", "[tools]") {
  std::string dir;
  {
    populated_log p;
    dir = p.dir;
  }
  auto before = test::snapshot(dir);
  for (auto args : std::vector<std::vector<std::string>>{
           {"log", "streams", "--data", dir}, {"log", "dump", "--data", dir}, {"log", "stats", "--data", dir},
           {"log", "verify", "--data", dir}, {"log", "tail", "--data", dir}, {"log", "export", "--data", dir, "--stream", "scan-x"}}) {
    run_heimdall(args);
  }
  CHECK(test::snapshot(dir) == before);

  auto rebuild = run_heimdall({"log", "rebuild", "--data", dir});
  INFO(rebuild.err);
  CHECK(rebuild.exit_code == 0);
  CHECK_THAT(rebuild.out, Catch::Contains("rebuilt projections from 12 events"));
  CHECK(run_heimdall({"log", "verify", "--data", dir}).exit_code == 0);
}

TEST_CASE("log tail -f follows appends made by another process", "[tools]") {
  populated_log p;
  int out[2];
  REQUIRE(pipe(out) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(HEIMDALL_BIN, HEIMDALL_BIN, "log", "tail", "-f", "-n", "0", "--data", p.dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it open and print the (empty) backlog
  for (int i = 0; i < 3; ++i) {
    REQUIRE(p.log->append(test::scan_stream(), expected_version::any(), {make_event("scan.cancelled")}));
  }
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (count_lines(text) < 3 && std::chrono::steady_clock::now() < deadline) {
    pollfd fd{out[0], POLLIN, 0};
    if (poll(&fd, 1, 100) > 0) {
      char buf[4096];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
    }
  }
  kill(pid, SIGTERM);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  close(out[0]);
  CHECK(count_lines(text) == 3);
  CHECK_THAT(text, Catch::Contains("\"seq\":13") && Catch::Contains("\"seq\":15"));
  CHECK(WIFEXITED(wstatus));
  CHECK(WEXITSTATUS(wstatus) == 0);
}

TEST_CASE("verify names each inconsistency precisely", "[tools]") {
  std::string dir;
  std::string stream;
  {
    populated_log p;
    dir = p.dir;
    stream = p.scans[0];
    const auto& st = p.log->storage();
    rocksdb::WriteOptions sync;
    sync.sync = true;
    // Lose one index entry, change one projection value, and drop seq 6.
    REQUIRE(st.db->Delete(sync, st.streams, keys::stream_key(stream, 2)).ok());
    REQUIRE(st.db->Put(sync, st.projection_cf("scans"), stream.substr(5), R"({"status":"tampered"})").ok());
    REQUIRE(st.db->Delete(sync, st.log, keys::seq_key(6)).ok());
  }
  auto verify = run_heimdall({"log", "verify", "--data", dir});
  CHECK(verify.exit_code == 1);
  CHECK_THAT(verify.out, Catch::Contains("(" + stream + " v2): stream index entry is missing"));
  CHECK_THAT(verify.out, Catch::Contains("seq gap: expected seq 6, found 7"));
  CHECK_THAT(verify.out, Catch::Contains("projection scans: key '" + stream.substr(5) + "' is stored as {\"status\":\"tampered\"}"));
  CHECK_THAT(verify.out, Catch::Contains("FAILED:"));
}

TEST_CASE("log commands explain their usage and reject bad words", "[tools]") {
  for (const char* cmd : {"streams", "dump", "tail", "stats", "verify", "rebuild", "export", "types"}) {
    auto help = run_heimdall({"log", cmd, "--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::StartsWith(std::string("usage: heimdall log ") + cmd));
  }
  CHECK(run_heimdall({"log", "--help"}).exit_code == 0);
  CHECK(run_heimdall({"log", "frobnicate"}).exit_code == 2);
  auto bad_option = run_heimdall({"log", "dump", "--bogus"});
  CHECK(bad_option.exit_code == 2);
  CHECK_THAT(bad_option.err, Catch::Contains("unknown option '--bogus'"));
  auto bad_number = run_heimdall({"log", "dump", "--from", "ten", "--data", "/nonexistent"});
  CHECK(bad_number.exit_code == 2);
  CHECK_THAT(bad_number.err, Catch::Contains("--from takes a whole number"));
  auto types = run_heimdall({"log", "types", "--json"});
  CHECK(types.exit_code == 0);
  CHECK_THAT(types.out, Catch::Contains(R"({"type":"scan.queued","current_schema":2})"));
}
