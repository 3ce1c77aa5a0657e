// Crash safety: a child appends from several threads and reports every
// acknowledged append; we kill -9 it at random moments, reopen, and check
// that nothing acknowledged was lost and the log is consistent.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <sstream>

#include "store/event_log.h"
#include "store/log_inspect.h"
#include "tests/test_dirs.h"

using namespace heimdall;

namespace {

struct acked_append {
  std::uint64_t first_seq, last_seq, last_version;
  std::string stream;
  std::vector<std::string> ids;
};

// Starts crash_writer on `dir`, lets it run `run_ms`, kills it with SIGKILL
// and returns every append it acknowledged before dying.
std::vector<acked_append> run_and_kill(const std::string& dir, int run_ms) {
  int out[2];
  REQUIRE(pipe(out) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(CRASH_WRITER_BIN, CRASH_WRITER_BIN, dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[65536];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) > 0) {
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
    }
  }
  kill(pid, SIGKILL);
  // Lines written before the kill are still in the pipe: they count.
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(out[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  INFO("crash_writer exited on its own with status " << wstatus);
  REQUIRE(WIFSIGNALED(wstatus));

  std::vector<acked_append> acked;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (lines.eof()) break;  // a line cut short by the kill was never fully reported
    std::istringstream fields(line);
    acked_append a;
    std::string ids;
    fields >> a.first_seq >> a.last_seq >> a.stream >> a.last_version >> ids;
    std::stringstream split(ids);
    for (std::string id; std::getline(split, id, ',');) a.ids.push_back(id);
    acked.push_back(std::move(a));
  }
  return acked;
}

}  // namespace

TEST_CASE("kill -9 at random moments never loses an acknowledged event", "[crash]") {
  std::string dir = test::log_dir("crash");
  std::mt19937 rng(Catch::rngSeed());
  std::size_t total_acked = 0;
  constexpr int kKills = 50;
  for (int round = 0; round < kKills; ++round) {
    // Mostly mid-append; sometimes so early the child is still opening.
    int run_ms = round % 10 == 0 ? static_cast<int>(rng() % 15) : 30 + static_cast<int>(rng() % 150);
    auto acked = run_and_kill(dir, run_ms);
    total_acked += acked.size();

    auto log = event_log::open(dir);
    INFO("round " << round << ": " << (log ? "" : log.error().to_string()));
    REQUIRE(log);
    auto all = (*log)->read_all(1, SIZE_MAX);
    REQUIRE(all);
    REQUIRE(all->size() == (*log)->last_seq());
    for (const auto& a : acked) {
      REQUIRE(a.last_seq <= all->size());
      for (std::size_t k = 0; k < a.ids.size(); ++k) {
        const event& e = (*all)[a.first_seq - 1 + k];
        INFO("round " << round << ", acknowledged seq " << e.seq);
        CHECK(e.stream == a.stream);
        CHECK(e.id.to_string() == a.ids[k]);
        CHECK(e.version == a.last_version - a.ids.size() + 1 + k);
      }
    }
    auto report = verify_log(**log);
    REQUIRE(report);
    INFO((report->problems.empty() ? "" : report->problems.front()));
    REQUIRE(report->ok());
  }
  CHECK(total_acked > 500);  // the kills landed while appends were happening

  // The operator's tool agrees, from a separate process.
  auto verify = test::run_heimdall({"log", "verify", "--data", dir});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}
