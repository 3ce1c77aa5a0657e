// `heimdall serve` as a process, over real loopback HTTP (tests/http_client.h):
// the first admin's token, SIGTERM draining requests and progress streams,
// kill -9 during a scan and the restart that resumes it, and tokens made by
// `heimdall user add`. Every wait has a deadline; a server a test leaves
// running is killed by its pid when the test ends.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/http_client.h"
#include "tests/test_dirs.h"
#include "tests/test_repo.h"

using namespace heimdall::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using clock_type = std::chrono::steady_clock;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The string at JSON `pointer` ("/data/id") in `json`; "" when absent or not a string.
std::string json_string(const std::string& json, const char* pointer) {
  thread_local simdjson::dom::parser parser;
  std::string_view v;
  if (parser.parse(json).at_pointer(pointer).get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

bool json_is_null(const std::string& json, const char* pointer) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element e;
  return parser.parse(json).at_pointer(pointer).get(e) == simdjson::SUCCESS && e.is_null();
}

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

bool is_token(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// One `heimdall serve` process on 127.0.0.1 and a free port, its stdout and
// stderr in files of their own. The constructor returns once the server
// says where it serves (it has recovered its scans and is accepting).
class served {
 public:
  served(const std::string& dir, const std::vector<std::string>& extra) {
    static int counter = 0;
    const std::string base = dir + ".serve" + std::to_string(counter++);
    out_file_ = base + ".out";
    err_file_ = base + ".err";
    std::vector<std::string> args = {"serve", "--data", dir, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = start_heimdall(args, out_file_, err_file_);
    REQUIRE(pid_ > 0);
    const std::string marker = "serving on http://127.0.0.1:";
    const auto deadline = clock_type::now() + 30s;
    for (;;) {
      std::string err = read_text(err_file_);
      if (auto at = err.find(marker); at != std::string::npos && err.find(' ', at + marker.size()) != std::string::npos) {
        port_ = static_cast<unsigned short>(std::stoul(err.substr(at + marker.size())));
        break;
      }
      int wstatus = 0;
      if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL("heimdall serve exited before serving: " << err);
      }
      if (clock_type::now() > deadline) {
        ::kill(pid_, SIGKILL);  // the destructor does not run for a constructor that throws
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        FAIL("heimdall serve did not start within 30 s: " << err);
      }
      std::this_thread::sleep_for(10ms);
    }
  }
  ~served() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  served(const served&) = delete;
  served& operator=(const served&) = delete;

  pid_t pid() const { return pid_; }
  unsigned short port() const { return port_; }
  std::string out() const { return read_text(out_file_); }
  std::string err() const { return read_text(err_file_); }

  // Sends `sig` (SIGTERM asks for a drain) and waits up to `limit` for the
  // exit: its exit code, 128 + the signal when a signal ended it, -1 when
  // it had to be killed after `limit`.
  int stop(int sig, std::chrono::seconds limit = 30s) {
    REQUIRE(pid_ > 0);
    ::kill(pid_, sig);
    const auto deadline = clock_type::now() + limit;
    int wstatus = 0;
    while (waitpid(pid_, &wstatus, WNOHANG) != pid_) {
      if (clock_type::now() > deadline) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, &wstatus, 0);
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(5ms);
    }
    pid_ = -1;
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  }

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string out_file_, err_file_;
};

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }

reply call(unsigned short port, const std::string& token, const std::string& method, const std::string& target,
           const std::string& body = "") {
  http_client c(port);
  return c.send_request(method, target, token.empty() ? "" : bearer(token), body);
}

// The admin token a first start prints, as its last stdout line.
std::string admin_token(const served& s) {
  std::string token = last_line(s.out());
  INFO("stdout: " << s.out());
  REQUIRE(is_token(token));
  return token;
}

// A repository big enough that a scan takes a few seconds here: 2500
// modules of 200 small functions, every 25th with a planted command
// injection, and app.py with one more.
fs::path big_repo(const fs::path& root, int functions_per_file = 200) {
  std::map<std::string, std::string> files;
  std::string body;
  for (int line = 0; line < functions_per_file; ++line) body += "def f" + std::to_string(line) + "(v):\n    return v\n";
  for (int i = 0; i < 2500; ++i) {
    std::string text = body;
    if (i % 25 == 0) text += "\nimport os\ndef run" + std::to_string(i) + "():\n    os.system(input())\n";
    files["m" + std::to_string(i) + ".py"] = text;
  }
  files["app.py"] = "import os\nos.system(input())\n";
  fs::path dir = root / "repos" / "app";
  test_repo(dir).commit(files);
  return dir;
}

std::string register_repo(unsigned short port, const std::string& token, const fs::path& source) {
  reply r = call(port, token, "POST", "/api/repos",
                 R"({"name":"app","source_url":")" + source.string() + R"("})");
  INFO(r.head << r.body);
  REQUIRE(r.status == 201);
  std::string id = json_string(r.body, "/data/id");
  REQUIRE_FALSE(id.empty());
  return id;
}

std::string trigger_scan(unsigned short port, const std::string& token, const std::string& repo_id) {
  reply r = call(port, token, "POST", "/api/repos/" + repo_id + "/scan");
  INFO(r.head << r.body);
  REQUIRE(r.status == 202);
  CHECK(json_string(r.body, "/data/status") == "queued");
  std::string id = json_string(r.body, "/data/id");
  REQUIRE_FALSE(id.empty());
  return id;
}

const std::vector<std::string> kStatusOrder = {"queued",   "running", "ingesting", "modeling",
                                               "analyzing", "hunting", "validating", "reporting"};

bool terminal_status(const std::string& s) { return s == "completed" || s == "failed" || s == "cancelled"; }

int rank_of(const std::string& status) {
  auto at = std::find(kStatusOrder.begin(), kStatusOrder.end(), status);
  return at == kStatusOrder.end() ? static_cast<int>(kStatusOrder.size()) : static_cast<int>(at - kStatusOrder.begin());
}

// GET /api/scans/{id}'s body, polled until `done(status)` holds; fails the
// test after `limit`.
std::string poll_scan(unsigned short port, const std::string& token, const std::string& scan_id,
                      const std::function<bool(const std::string&)>& done, std::chrono::seconds limit) {
  const auto deadline = clock_type::now() + limit;
  std::string last;
  for (;;) {
    reply r = call(port, token, "GET", "/api/scans/" + scan_id);
    if (r.status == 200) {
      last = r.body;
      if (done(json_string(r.body, "/data/status"))) return r.body;
    }
    if (clock_type::now() > deadline) FAIL("scan " << scan_id << " did not get there in time; last: " << last);
    std::this_thread::sleep_for(2ms);
  }
}

void check_log_verifies(const std::string& dir) {
  auto verify = run_heimdall({"log", "verify", "--data", dir});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}

}  // namespace

TEST_CASE("serve: a fresh data dir prints the admin token once and it works on /api/auth/me", "[serve][http]") {
  const std::string dir = log_dir("serve-admin");
  std::string token;
  {
    served first(dir, {});
    const std::string out = first.out();
    CHECK(out.find("created the admin user admin@heimdall.local") != std::string::npos);
    CHECK(count_lines(out) == 2);  // the message, then the token as its last line
    token = admin_token(first);
    reply me = call(first.port(), token, "GET", "/api/auth/me");
    INFO(me.body);
    CHECK(me.status == 200);
    CHECK(json_string(me.body, "/data/email") == "admin@heimdall.local");
    CHECK(json_string(me.body, "/data/role") == "admin");
    reply anonymous = call(first.port(), "", "GET", "/api/auth/me");
    CHECK(anonymous.status == 401);
    CHECK(json_string(anonymous.body, "/message") == "Authentication required");
    reply wrong = call(first.port(), std::string(64, 'a'), "GET", "/api/auth/me");
    CHECK(wrong.status == 401);
    CHECK(first.stop(SIGTERM) == 0);
    CHECK(first.out() == out);  // nothing more on stdout
  }
  {
    served second(dir, {});
    reply me = call(second.port(), token, "GET", "/api/auth/me");
    CHECK(me.status == 200);
    CHECK(second.stop(SIGTERM) == 0);
    CHECK(second.out().empty());
    CHECK(second.err().find("created the admin user") == std::string::npos);
  }
  check_log_verifies(dir);
}

TEST_CASE("serve: SIGTERM ends progress streams cleanly, answers the request in flight, exits 0", "[serve][http]") {
  const fs::path root = scratch_dir("serve-drain");
  // ~40 MB: the scan must still be running at the SIGTERM, a few seconds on.
  const fs::path source = big_repo(root, 800);
  const std::string dir = log_dir("serve-drain");
  served server(dir, {"--max-scans", "1", "--repo-root", (root / "repos").string()});
  const std::string token = admin_token(server);
  const std::string repo = register_repo(server.port(), token, source);
  // One scan at a time: the first is running (for seconds), the second waits.
  const std::string running = trigger_scan(server.port(), token, repo);
  const std::string waiting = trigger_scan(server.port(), token, repo);
  poll_scan(server.port(), token, running, [](const std::string& s) { return s != "queued"; }, 20s);

  // A stream on each: the running scan's has live frames, the waiting one's
  // only its replay.
  struct progress {
    std::unique_ptr<http_client> client;
    std::string frames;
  };
  std::vector<progress> streams;
  for (const std::string& id : {running, waiting}) {
    progress p{std::make_unique<http_client>(server.port(), 10s), ""};
    REQUIRE(p.client->send_all("GET /api/scans/" + id + "/progress/stream HTTP/1.1\r\nHost: localhost\r\n" +
                               bearer(token) + "\r\n"));
    reply head = p.client->read_head();
    INFO(head.head);
    REQUIRE(head.status == 200);
    CHECK(head.header("Content-Type") == std::optional<std::string>("text/event-stream"));
    CHECK(head.header("Cache-Control") == std::optional<std::string>("no-cache"));
    REQUIRE(p.client->read_until("event: status_change\n", p.frames));  // scan.queued, replayed from the log
    streams.push_back(std::move(p));
  }
  REQUIRE(streams[0].client->read_until("event: stage_update\n", streams[0].frames));

  // A request whose header has arrived but not yet its body is in flight:
  // the server must wait for the body and answer it.
  const std::string body = R"({"name":"late","source_url":")" + source.string() + R"("})";
  http_client busy(server.port(), 10s);
  REQUIRE(busy.send_all("POST /api/repos HTTP/1.1\r\nHost: localhost\r\n" + bearer(token) +
                        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n"));
  std::this_thread::sleep_for(500ms);  // for the server to read that header

  reply before = call(server.port(), token, "GET", "/api/scans/" + waiting);
  CHECK(json_string(before.body, "/data/status") == "queued");
  before = call(server.port(), token, "GET", "/api/scans/" + running);
  INFO("the running scan at SIGTERM: " << before.body);
  CHECK_FALSE(terminal_status(json_string(before.body, "/data/status")));
  ::kill(server.pid(), SIGTERM);
  // The drain has begun once the port refuses new connections.
  bool refused = false;
  for (auto deadline = clock_type::now() + 10s; !refused && clock_type::now() < deadline;) {
    refused = !http_client(server.port()).connected();
    if (!refused) std::this_thread::sleep_for(10ms);
  }
  CHECK(refused);

  REQUIRE(busy.send_all(body));
  reply late = busy.read_reply();
  INFO(late.head << late.body);
  CHECK(late.status == 201);
  CHECK(late.header("Connection") == std::optional<std::string>("close"));
  CHECK(json_string(late.body, "/data/name") == "late");

  // Each stream: what was queued, whole frames, then the server's FIN.
  for (progress& p : streams) {
    stream_end end = p.client->read_to_end();
    const std::string frames = p.frames + end.bytes;
    INFO(frames);
    CHECK(end.orderly);
    CHECK_FALSE(end.timed_out);
    REQUIRE(frames.size() >= 2);
    CHECK(frames.substr(frames.size() - 2) == "\n\n");
    CHECK(frames.find("id: ") == 0);
    CHECK(frames.find("event: scan_complete") == std::string::npos);  // it ended because the server did
    CHECK(frames.find("event: error") == std::string::npos);
  }

  CHECK(server.stop(SIGTERM) == 0);  // already signalled: this waits for the exit
  INFO(server.err());
  CHECK(server.err().find("SIGTERM received") != std::string::npos);
  check_log_verifies(dir);
}

TEST_CASE("serve: kill -9 during a scan, then a restart: it completes or fails interrupted, with one terminal event", "[serve][http][crash]") {
  const fs::path root = scratch_dir("serve-kill");
  const fs::path source = big_repo(root);
  std::mt19937 rng(std::random_device{}());
  // Where each round kills: the first status at or past it.
  const std::string targets[] = {"ingesting", "analyzing", "hunting"};
  int killed_mid_scan = 0;
  for (int round = 0; round < 3; ++round) {
    const std::string dir = log_dir("serve-kill-" + std::to_string(round));
    const std::vector<std::string> options = {"--repo-root", (root / "repos").string()};
    std::string token, scan, killed_at;
    {
      served server(dir, options);
      token = admin_token(server);
      const std::string repo = register_repo(server.port(), token, source);
      scan = trigger_scan(server.port(), token, repo);
      const int target = rank_of(targets[round]);
      std::string seen = poll_scan(server.port(), token, scan, [&](const std::string& s) {
        return terminal_status(s) || rank_of(s) >= target;
      }, 30s);
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 30)(rng)));
      killed_at = json_string(seen, "/data/status");
      CHECK(server.stop(SIGKILL) == 128 + SIGKILL);
    }
    if (!terminal_status(killed_at)) ++killed_mid_scan;

    served restarted(dir, options);
    CHECK(restarted.out().empty());  // the admin exists: no second token
    const std::string final_scan = poll_scan(restarted.port(), token, scan, terminal_status, 60s);
    const std::string status = json_string(final_scan, "/data/status");
    const std::string error = json_string(final_scan, "/data/error_message");
    INFO("round " << round << ", killed at " << killed_at << ": " << status << " " << error);
    CHECK((status == "completed" || (status == "failed" && error.rfind("interrupted", 0) == 0)));
    if (status == "completed") {
      CHECK(json_is_null(final_scan, "/data/error_message"));
    }

    reply events = call(restarted.port(), token, "GET", "/api/scans/" + scan + "/events");
    REQUIRE(events.status == 200);
    simdjson::dom::parser parser;
    simdjson::dom::array list;
    REQUIRE(parser.parse(events.body).at_pointer("/data").get(list) == simdjson::SUCCESS);
    int terminals = 0, starts = 0;
    std::set<std::string> finding_ids;
    for (auto e : list) {
      std::string_view type, value;
      REQUIRE(e["type"].get(type) == simdjson::SUCCESS);
      if (type == "scan.completed" || type == "scan.failed" || type == "scan.cancelled") ++terminals;
      if (type == "scan.status_changed" && e["data"]["status"].get(value) == simdjson::SUCCESS && value == "running") {
        ++starts;
      }
      std::string_view finding;
      if (type == "scan.finding_added" && e["data"]["finding_id"].get(finding) == simdjson::SUCCESS) {
        CHECK(finding_ids.insert(std::string(finding)).second);  // nothing recorded twice
      }
    }
    CHECK(terminals == 1);
    // Killed mid-scan, it ran again after the restart (or gave up as interrupted).
    if (!terminal_status(killed_at)) CHECK((starts >= 2 || status == "failed"));
    CHECK(restarted.stop(SIGTERM) == 0);
    check_log_verifies(dir);
  }
  // A kill that landed after the scan ended tests nothing; nearly all land mid-scan.
  CHECK(killed_mid_scan >= 2);
}

TEST_CASE("serve: a token from `heimdall user add` works against the server on the same data dir", "[serve][http]") {
  // The log has one writer at a time: `user add` runs before the server
  // starts (or after it stops); while it runs, `user add` is refused.
  const std::string dir = log_dir("serve-user-add");
  auto added = run_heimdall({"user", "add", "alice@example.com", "--data", dir});
  INFO(added.out << added.err);
  REQUIRE(added.exit_code == 0);
  const std::string alice = last_line(added.out);
  REQUIRE(is_token(alice));
  std::string bob;
  {
    served server(dir, {});
    CHECK(server.out().empty());  // a user exists: no admin is created
    reply me = call(server.port(), alice, "GET", "/api/auth/me");
    INFO(me.body);
    CHECK(me.status == 200);
    CHECK(json_string(me.body, "/data/email") == "alice@example.com");
    CHECK(json_string(me.body, "/data/role") == "member");

    auto refused = run_heimdall({"user", "add", "bob@example.com", "--data", dir});
    CHECK(refused.exit_code == 2);
    CHECK(refused.out.empty());
    CHECK_THAT(refused.err, Catch::Contains("locked"));
    CHECK(server.stop(SIGTERM) == 0);
  }
  auto later = run_heimdall({"user", "add", "bob@example.com", "--data", dir});
  INFO(later.out << later.err);
  REQUIRE(later.exit_code == 0);
  bob = last_line(later.out);
  REQUIRE(is_token(bob));
  {
    served server(dir, {});
    for (const auto& [token, email] : {std::pair{alice, "alice@example.com"}, std::pair{bob, "bob@example.com"}}) {
      reply me = call(server.port(), token, "GET", "/api/auth/me");
      CHECK(me.status == 200);
      CHECK(json_string(me.body, "/data/email") == email);
    }
    CHECK(server.stop(SIGTERM) == 0);
  }
  check_log_verifies(dir);
}
