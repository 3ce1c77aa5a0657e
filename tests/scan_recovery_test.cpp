// kill -9 during a scan, then a restart of the server on the same data
// directory: the scan resumes (or ends "interrupted"), nothing is recorded
// twice, and `heimdall log verify` passes.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "tests/test_dirs.h"
#include "tests/test_repo.h"
#include "store/event_log.h"

using namespace heimdall;
using namespace heimdall::test;
namespace fs = std::filesystem;

namespace {

std::string member(const std::string& json, const char* key) {
  thread_local simdjson::dom::parser parser;
  std::string_view v;
  if (parser.parse(json)[key].get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

// Polls the log of another process (read-only) until `done` holds for its
// events; fails the test after `limit`.
std::vector<event> watch(const std::string& dir, const std::function<bool(const std::vector<event>&)>& done,
                         std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::unique_ptr<event_log> log;
  for (;;) {
    if (!log) {
      event_log_options o;
      o.read_only = true;
      o.create_if_missing = false;
      if (auto opened = event_log::open(dir, o)) log = std::move(opened.value());
    }
    if (log) {
      REQUIRE(log->catch_up().is_ok());
      auto events = log->read_all(1, SIZE_MAX);
      REQUIRE(events);
      if (done(events.value())) return events.value();
    }
    if (std::chrono::steady_clock::now() > deadline) FAIL("timed out watching " << dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool terminal(const std::vector<event>& events) {
  for (const auto& e : events) {
    if (e.type == "scan.completed" || e.type == "scan.failed" || e.type == "scan.cancelled") return true;
  }
  return false;
}

}  // namespace

TEST_CASE("kill -9 during a scan, after a restart the scan resumes or ends interrupted", "[scan][crash]") {
  fs::path root = scratch_dir("scan-kill");
  std::map<std::string, std::string> files;
  std::string body;
  for (int line = 0; line < 200; ++line) body += "def f" + std::to_string(line) + "(v):\n    return v\n";
  for (int i = 0; i < 2500; ++i) files["m" + std::to_string(i) + ".py"] = body;
  files["app.py"] = "import os\nos.system(input())\n";
  test_repo(root / "repos" / "app").commit(files);

  std::mt19937 rng(std::random_device{}());
  const char* stages[] = {"ingest", "tyr", "static_analysis", "hunt"};
  int resumed = 0;
  for (int round = 0; round < 4; ++round) {
    std::string dir = log_dir("scan-kill-" + std::to_string(round));
    std::string output = root.string() + "/round" + std::to_string(round) + ".out";
    std::string stage = stages[round % 4];
    pid_t scan = start_heimdall({"scan", (root / "repos" / "app").string(), "--data", dir, "--quiet"}, output);
    REQUIRE(scan > 0);
    watch(dir, [&](const std::vector<event>& events) {
      for (const auto& e : events) {
        if (e.type == "scan.stage_updated" && member(e.data, "stage") == stage) return true;
      }
      return terminal(events);
    }, std::chrono::seconds(120));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 30)(rng)));
    kill(scan, SIGKILL);
    int wstatus = 0;
    waitpid(scan, &wstatus, 0);

    pid_t server = start_heimdall({"serve", "--data", dir, "--listen", "127.0.0.1:0", "--repo-root",
                                   (root / "repos").string()}, output);
    REQUIRE(server > 0);
    auto events = watch(dir, terminal, std::chrono::seconds(180));
    kill(server, SIGTERM);
    waitpid(server, &wstatus, 0);
    CHECK(WIFEXITED(wstatus));
    CHECK(WEXITSTATUS(wstatus) == 0);

    // One terminal event; completed, or failed as interrupted; no finding twice.
    std::string status, error;
    int terminals = 0, starts = 0;
    std::set<std::string> fingerprints;
    for (const auto& e : events) {
      if (e.stream.rfind("scan-", 0) != 0) continue;
      if (e.type == "scan.status_changed" && member(e.data, "status") == "running") ++starts;
      if (e.type == "scan.finding_added") CHECK(fingerprints.insert(member(e.data, "fingerprint")).second);
      if (e.type == "scan.completed" || e.type == "scan.failed" || e.type == "scan.cancelled") {
        ++terminals;
        status = e.type;
        error = member(e.data, "error");
      }
    }
    INFO("round " << round << " killed in " << stage << ": " << status << " " << error);
    CHECK(terminals == 1);
    CHECK((status == "scan.completed" || (status == "scan.failed" && error.rfind("interrupted", 0) == 0)));
    if (starts > 1) ++resumed;
    auto verify = run_heimdall({"log", "verify", "--data", dir});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);
    if (fs::exists(fs::path(dir) / "workspaces")) CHECK(fs::is_empty(fs::path(dir) / "workspaces"));
  }
  // A kill that landed after the scan finished resumes nothing; most do.
  CHECK(resumed >= 2);
}
