// The HTTP API end to end over loopback: the whole stack in-process (event
// log, scan service, event hub, router, server) and a plain socket client.
// Covers the spec pages field for field, every route's success and error
// answers, ownership, cookies and CSRF, triage carried over by
// fingerprint, and the progress stream (replay, Last-Event-ID, keepalive,
// live tail across 100 reconnects, slow-reader disconnect).
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/scan_events.h"
#include "actors/users.h"
#include "base/uuid.h"
#include "http/api_stack.h"
#include "http/metrics.h"
#include "tests/http_client.h"
#include "tests/scan_fixture.h"
#include "tests/scripted_scan.h"
#include "tests/test_dirs.h"
#include "tests/test_repo.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace heimdall;
using client = heimdall::test::http_client;
using heimdall::test::envelope;
using heimdall::test::header_list;
using heimdall::test::reply;
using heimdall::test::scripted_scan;

namespace {

// A member of a JSON document by JSON pointer ("/data/id"), as text: a
// string's value, or any other value's JSON; "" when absent.
std::string at(const std::string& json, const char* pointer) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(json).at_pointer(pointer).get(e) != simdjson::SUCCESS) return "";
  std::string_view s;
  if (e.get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(e);
}

std::size_t array_size(const std::string& json, const char* pointer) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array a;
  if (parser.parse(json).at_pointer(pointer).get(a) != simdjson::SUCCESS) return 0;
  return a.size();
}

// The whole stack on a free port. Users are created directly in the log.
class api_server {
 public:
  api_server(const std::string& name, const fs::path& repo_root, std::chrono::milliseconds keepalive = 15s)
      : scans_(name, test::scan_options(repo_root, fs::path(test::scratch_dir(name + "-ws")))) {
    http::api_stack_options options;
    options.server.port = 0;
    options.api.allowed_roots = {repo_root};
    options.api.master_key_file = fs::path(test::scratch_dir(name + "-key")) / "secret.key";
    options.api.keepalive_after = keepalive;
    options.api.auth_attempts_per_minute = 8;
    auto started = http::api_stack::start(scans_.log(), scans_.service(), std::move(options));
    REQUIRE(started);
    stack_ = std::move(started).value();
  }

  unsigned short port() const { return stack_->port(); }
  event_log& log() { return scans_.log(); }
  test::scan_fixture& scans() { return scans_; }
  const http::api_metrics& metrics() const { return stack_->metrics(); }

  struct user {
    std::string id, token;
    header_list auth() const { return {{"Authorization", "Bearer " + token}}; }
  };
  user add_user(const std::string& email) {
    auto u = actors::register_user(log(), email, "correct horse battery", "member");
    REQUIRE(u);
    auto t = actors::issue_token(log(), u->id, std::chrono::hours(1));
    REQUIRE(t);
    return {u->id, t->token};
  }

  reply call(const std::string& method, const std::string& target, const header_list& headers = {},
             const std::string& body = "") {
    client c(port());
    REQUIRE(c.connected());
    return c.call(method, target, headers, body);
  }

 private:
  test::scan_fixture scans_;
  std::unique_ptr<http::api_stack> stack_;  // declared after scans_: stops first
};

// A repository with findings of several severities and a clean file.
std::string vulnerable_repo(const fs::path& dir) {
  test::test_repo repo(dir);
  return repo.commit({
      {"app.py",
       "import os, sqlite3\nfrom flask import Flask, request\napp = Flask(__name__)\n\n"
       "@app.route('/run')\ndef run():\n    os.system(request.args['cmd'])\n    return 'ok'\n\n"
       "@app.route('/user')\ndef user():\n    db = sqlite3.connect('x.db')\n"
       "    return str(db.execute(\"SELECT * FROM users WHERE name = '\" + request.args['name'] + \"'\").fetchall())\n"},
      {"Dockerfile", "FROM ubuntu\nRUN apt-get install -y curl\n"},
      {"clean.py", "def add(a, b):\n    return a + b\n"},
  });
}

std::string register_repo(api_server& api, const api_server::user& u, const fs::path& source) {
  reply r = api.call("POST", "/api/repos", u.auth(),
                     R"({"name":"team/app","source_url":")" + source.string() + R"("})");
  REQUIRE(r.status == 201);
  return at(r.body, "/data/id");
}

std::string trigger(api_server& api, const api_server::user& u, const std::string& repo_id) {
  reply r = api.call("POST", "/api/repos/" + repo_id + "/scan", u.auth());
  REQUIRE(r.status == 202);
  return at(r.body, "/data/id");
}

// The repo of vulnerable_repo() registered by `u` and scanned to the end.
struct scanned {
  std::string repo, scan;
};
scanned completed_scan(api_server& api, const api_server::user& u, const fs::path& root) {
  vulnerable_repo(root / "app");
  const std::string repo = register_repo(api, u, root / "app");
  const std::string scan = trigger(api, u, repo);
  REQUIRE(api.scans().wait(scan).status == "completed");
  return {repo, scan};
}

}  // namespace

TEST_CASE("api: POST /api/repos/{id}/scan answers exactly as the spec page", "[api]") {
  const fs::path root = test::scratch_dir("api-spec-repos");
  vulnerable_repo(root / "app");
  api_server api("api-spec", root);
  auto alice = api.add_user("alice@example.com");
  auto bob = api.add_user("bob@example.com");
  const std::string repo = register_repo(api, alice, root / "app");

  SECTION("202 with the scan object, queued, every field in the spec's order") {
    reply r = api.call("POST", "/api/repos/" + repo + "/scan", alice.auth());
    REQUIRE(r.status == 202);
    const std::string id = at(r.body, "/data/id"), created = at(r.body, "/data/created_at");
    CHECK(uuid::parse(id));
    CHECK(r.body == R"({"success":true,"data":{"id":")" + id + R"(","repo_id":")" + repo +
                        R"(","scan_type":"full","status":"queued","triggered_by":")" + alice.id +
                        R"(","commit_sha":null,"base_commit_sha":null,"parent_scan_id":null,"finding_count":0,)"
                        R"("critical_count":0,"high_count":0,"medium_count":0,"low_count":0,"started_at":null,)"
                        R"("completed_at":null,"error_message":null,"created_at":")" +
                        created + R"(","updated_at":")" + created + R"("}})");
    CHECK_FALSE(r.header("HX-Redirect"));
    api.scans().wait(id);
  }
  SECTION("HX-Request adds HX-Redirect: /scans/{id}") {
    reply r = api.call("POST", "/api/repos/" + repo + "/scan", {alice.auth()[0], {"HX-Request", "true"}});
    REQUIRE(r.status == 202);
    CHECK(r.header("HX-Redirect") == "/scans/" + at(r.body, "/data/id"));
    api.scans().wait(at(r.body, "/data/id"));
  }
  SECTION("401 without credentials, or with a token that is not one") {
    CHECK(api.call("POST", "/api/repos/" + repo + "/scan").body == envelope(401, "Authentication required"));
    reply r = api.call("POST", "/api/repos/" + repo + "/scan", {{"Authorization", "Bearer " + std::string(64, 'a')}});
    CHECK(r.status == 401);
    CHECK(r.body == R"({"success":false,"code":401,"message":"Authentication required","error":{"code":401,"message":"Authentication required"}})");
  }
  SECTION("404 for an unknown repo and for another user's") {
    const std::string unknown = "01936d2f-8c4e-7890-b123-456789abcdef";
    reply r = api.call("POST", "/api/repos/" + unknown + "/scan", alice.auth());
    CHECK(r.status == 404);
    CHECK(r.body == envelope(404, "Repo '" + unknown + "' not found"));
    reply foreign = api.call("POST", "/api/repos/" + repo + "/scan", bob.auth());
    CHECK(foreign.status == 404);
    CHECK(foreign.body == envelope(404, "Repo '" + repo + "' not found"));
  }
  SECTION("503 when the user's AI provider is not configured, and no scan is created") {
    REQUIRE(actors::set_ai_provider(api.log(), alice.id, "openai", std::nullopt).is_ok());
    reply r = api.call("POST", "/api/repos/" + repo + "/scan", alice.auth());
    CHECK(r.status == 503);
    CHECK(r.body == envelope(503, "AI service unavailable. Please configure your API keys."));
    CHECK(at(api.call("GET", "/api/repos/" + repo + "/scans", alice.auth()).body, "/meta/total") == "0");
    // With a key stored the provider is ready.
    reply key = api.call("POST", "/api/settings/api-keys", alice.auth(), R"({"provider":"openai","api_key":"sk-test-123"})");
    CHECK(key.status == 201);
    CHECK(key.body.find("sk-test-123") == std::string::npos);
    reply ok = api.call("POST", "/api/repos/" + repo + "/scan", alice.auth());
    CHECK(ok.status == 202);
    api.scans().wait(at(ok.body, "/data/id"));
  }
  SECTION("400 for a body that is not JSON or names a bad scan type") {
    CHECK(api.call("POST", "/api/repos/" + repo + "/scan", alice.auth(), "{nope").status == 400);
    reply r = api.call("POST", "/api/repos/" + repo + "/scan", alice.auth(), R"({"scan_type":"deep"})");
    CHECK(r.status == 400);
    CHECK(at(r.body, "/message").find("scan_type") != std::string::npos);
  }
}

TEST_CASE("api: repos are created, listed in pages, read and deleted by their owner only", "[api]") {
  const fs::path root = test::scratch_dir("api-repos-root");
  vulnerable_repo(root / "app");
  api_server api("api-repos", root);
  auto alice = api.add_user("alice@example.com");
  auto bob = api.add_user("bob@example.com");

  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(register_repo(api, alice, root / "app"));
  reply page1 = api.call("GET", "/api/repos?per_page=2", alice.auth());
  CHECK(page1.status == 200);
  CHECK(array_size(page1.body, "/data") == 2);
  CHECK(at(page1.body, "/meta/total") == "3");
  CHECK(at(page1.body, "/data/0/id") == ids[0]);
  reply page2 = api.call("GET", "/api/repos?per_page=2&page=2", alice.auth());
  CHECK(array_size(page2.body, "/data") == 1);
  CHECK(at(page2.body, "/data/0/id") == ids[2]);
  CHECK(at(api.call("GET", "/api/repos", bob.auth()).body, "/meta/total") == "0");
  CHECK(api.call("GET", "/api/repos?per_page=101", alice.auth()).status == 400);
  CHECK(api.call("GET", "/api/repos?page=0", alice.auth()).status == 400);

  reply one = api.call("GET", "/api/repos/" + ids[1], alice.auth());
  CHECK(one.status == 200);
  CHECK(at(one.body, "/data/source_url") == (root / "app").string());
  CHECK(api.call("GET", "/api/repos/" + ids[1], bob.auth()).status == 404);
  CHECK(api.call("DELETE", "/api/repos/" + ids[1], bob.auth()).status == 404);
  CHECK(api.call("GET", "/api/repos/not-a-uuid", alice.auth()).status == 404);

  SECTION("sources outside the accepted kinds and roots are refused with 400") {
    for (const std::string& bad : {std::string("ftp://example.com/x.git"), std::string("/etc"),
                                   std::string("https://user:secret@example.com/x.git"), std::string("")}) {
      reply r = api.call("POST", "/api/repos", alice.auth(), R"({"name":"x","source_url":")" + bad + R"("})");
      CHECK(r.status == 400);
      CHECK(r.body.find("secret") == std::string::npos);
    }
    CHECK(api.call("POST", "/api/repos", alice.auth(), R"({"source_url":"https://example.com/x.git"})").status == 400);
    CHECK(api.call("POST", "/api/repos", alice.auth(), R"({"name":7,"source_url":"https://example.com/x.git"})").status == 400);
    CHECK(api.call("POST", "/api/repos", alice.auth(), R"([1,2])").status == 400);
    reply ok = api.call("POST", "/api/repos", alice.auth(), R"({"name":"remote","source_url":"git@example.com:team/x.git","default_branch":"dev"})");
    CHECK(ok.status == 201);
    CHECK(at(ok.body, "/data/default_branch") == "dev");
  }
  SECTION("DELETE removes the repo from reads and lists") {
    reply del = api.call("DELETE", "/api/repos/" + ids[1], alice.auth());
    CHECK(del.status == 200);
    CHECK(api.call("GET", "/api/repos/" + ids[1], alice.auth()).status == 404);
    CHECK(api.call("DELETE", "/api/repos/" + ids[1], alice.auth()).status == 404);
    CHECK(at(api.call("GET", "/api/repos", alice.auth()).body, "/meta/total") == "2");
    CHECK(api.call("POST", "/api/repos/" + ids[1] + "/scan", alice.auth()).status == 404);
  }
  SECTION("unknown routes, wrong methods and bad bodies use the error envelope") {
    reply nope = api.call("GET", "/api/nothing", alice.auth());
    CHECK(nope.body == envelope(404, "Route 'GET /api/nothing' not found"));
    reply wrong = api.call("PUT", "/api/repos", alice.auth());
    CHECK(wrong.status == 405);
    CHECK(wrong.header("Allow") == "POST, GET");
    CHECK(at(api.call("POST", "/api/repos", alice.auth(), "{\"name\":").body, "/message").rfind("Malformed JSON", 0) == 0);
  }
}

TEST_CASE("api: a scan's record, findings, triage, threat model, SARIF and history", "[api]") {
  const fs::path root = test::scratch_dir("api-scan-root");
  api_server api("api-scan", root);
  auto alice = api.add_user("alice@example.com");
  auto bob = api.add_user("bob@example.com");
  const auto [repo, scan] = completed_scan(api, alice, root);

  reply record = api.call("GET", "/api/scans/" + scan, alice.auth());
  CHECK(record.status == 200);
  CHECK(at(record.body, "/data/status") == "completed");
  const std::string count = at(record.body, "/data/finding_count");
  CHECK(std::stoi(count) >= 3);

  reply all = api.call("GET", "/api/scans/" + scan + "/findings?per_page=100", alice.auth());
  REQUIRE(all.status == 200);
  CHECK(at(all.body, "/meta/total") == count);
  const std::map<std::string, int> rank = {{"critical", 0}, {"high", 1}, {"medium", 2}, {"low", 3}};
  int last = 0;
  for (std::size_t i = 0; i < array_size(all.body, "/data"); ++i) {
    const std::string base = "/data/" + std::to_string(i);
    int r = rank.at(at(all.body, (base + "/severity").c_str()));
    CHECK(r >= last);
    last = r;
    CHECK(at(all.body, (base + "/status").c_str()) == "open");
    CHECK(at(all.body, (base + "/scan_id").c_str()) == scan);
    CHECK(uuid::parse(at(all.body, (base + "/id").c_str())));
    CHECK(!at(all.body, (base + "/fingerprint").c_str()).empty());
    CHECK(!at(all.body, (base + "/remediation").c_str()).empty());
  }
  const std::string top = at(all.body, "/data/0/id");
  const std::string top_fingerprint = at(all.body, "/data/0/fingerprint");
  CHECK(at(all.body, "/data/0/severity") == "critical");

  reply critical = api.call("GET", "/api/scans/" + scan + "/findings?severity=critical", alice.auth());
  for (std::size_t i = 0; i < array_size(critical.body, "/data"); ++i) {
    CHECK(at(critical.body, ("/data/" + std::to_string(i) + "/severity").c_str()) == "critical");
  }
  CHECK(api.call("GET", "/api/scans/" + scan + "/findings?severity=urgent", alice.auth()).status == 400);
  CHECK(api.call("GET", "/api/scans/" + scan + "/findings?status=maybe", alice.auth()).status == 400);
  CHECK(api.call("GET", "/api/scans/" + scan + "/findings?per_page=1000", alice.auth()).status == 400);

  // Triage: every change an event naming the user.
  reply confirmed = api.call("PATCH", "/api/findings/" + top + "/status", alice.auth(),
                             R"({"status":"confirmed","comment":"reproduced"})");
  CHECK(confirmed.status == 200);
  CHECK(at(confirmed.body, "/data/status") == "confirmed");
  CHECK(api.call("PATCH", "/api/findings/" + top + "/status", alice.auth(), R"({"status":"wontfix"})").status == 400);
  reply lowered = api.call("PATCH", "/api/findings/" + top + "/severity", alice.auth(), R"({"severity":"medium"})");
  CHECK(at(lowered.body, "/data/severity") == "medium");
  CHECK(api.call("POST", "/api/findings/" + top + "/comments", alice.auth(), R"({"comment":"fix in #12"})").status == 201);
  CHECK(api.call("POST", "/api/findings/" + top + "/comments", alice.auth(), R"({"comment":""})").status == 400);
  reply history = api.call("GET", "/api/findings/" + top + "/events", alice.auth());
  CHECK(array_size(history.body, "/data") == 4);
  CHECK(at(history.body, "/data/0/type") == "scan.finding_added");
  CHECK(at(history.body, "/data/1/type") == "finding.status_changed");
  CHECK(at(history.body, "/data/1/data/actor") == alice.id);
  CHECK(at(history.body, "/data/3/data/comment") == "fix in #12");
  CHECK(at(api.call("GET", "/api/scans/" + scan + "/findings?status=confirmed", alice.auth()).body, "/meta/total") == "1");
  // The severity change moved it out of the critical page.
  CHECK(at(api.call("GET", "/api/findings/" + top, alice.auth()).body, "/data/severity") == "medium");

  reply model = api.call("GET", "/api/scans/" + scan + "/threat-model", alice.auth());
  CHECK(model.status == 200);
  CHECK(!at(model.body, "/data/summary").empty());
  reply sarif = api.call("GET", "/api/scans/" + scan + "/sarif", alice.auth());
  CHECK(sarif.status == 200);
  CHECK(sarif.header("Content-Type") == "application/sarif+json");
  CHECK(at(sarif.body, "/version") == "2.1.0");
  reply events = api.call("GET", "/api/scans/" + scan + "/events", alice.auth());
  CHECK(at(events.body, "/data/0/type") == "scan.queued");
  CHECK(at(events.body, ("/data/" + std::to_string(array_size(events.body, "/data") - 1) + "/type").c_str()) ==
        "scan.completed");
  reply again = api.call("POST", "/api/scans/" + scan + "/cancel", alice.auth());
  CHECK(again.status == 409);

  // Another user sees none of it.
  for (const std::string& target :
       {"/api/scans/" + scan, "/api/scans/" + scan + "/findings", "/api/scans/" + scan + "/threat-model",
        "/api/scans/" + scan + "/sarif", "/api/scans/" + scan + "/events", "/api/findings/" + top,
        "/api/findings/" + top + "/events"}) {
    CHECK(api.call("GET", target, bob.auth()).status == 404);
  }
  CHECK(api.call("PATCH", "/api/findings/" + top + "/status", bob.auth(), R"({"status":"fixed"})").status == 404);
  CHECK(api.call("POST", "/api/scans/" + scan + "/cancel", bob.auth()).status == 404);

  SECTION("the triage status carries over to the same fingerprint in the repo's next scan") {
    const std::string next = trigger(api, alice, repo);
    REQUIRE(api.scans().wait(next).status == "completed");
    reply found = api.call("GET", "/api/scans/" + next + "/findings?status=confirmed", alice.auth());
    REQUIRE(at(found.body, "/meta/total") == "1");
    CHECK(at(found.body, "/data/0/fingerprint") == top_fingerprint);
    CHECK(at(found.body, "/data/0/id") != top);
  }
}

TEST_CASE("api: register, login, cookies with CSRF, logout, rate limits", "[api]") {
  const fs::path root = test::scratch_dir("api-auth-root");
  api_server api("api-auth", root);

  reply reg = api.call("POST", "/api/auth/register", {}, R"({"email":"carol@example.com","password":"s3cret-enough"})");
  REQUIRE(reg.status == 201);
  const std::string token = at(reg.body, "/data/token");
  CHECK(token.size() == 64);
  CHECK(at(reg.body, "/data/user/email") == "carol@example.com");
  CHECK(reg.body.find("s3cret") == std::string::npos);
  CHECK(api.call("POST", "/api/auth/register", {}, R"({"email":"CAROL@example.com","password":"another-pass"})").status == 409);
  CHECK(api.call("POST", "/api/auth/register", {}, R"({"email":"nobody","password":"another-pass"})").status == 400);

  CHECK(api.call("POST", "/api/auth/login", {}, R"({"email":"carol@example.com","password":"wrong-password"})").status == 401);
  reply login = api.call("POST", "/api/auth/login", {}, R"({"email":"carol@example.com","password":"s3cret-enough"})");
  REQUIRE(login.status == 200);
  // Two Set-Cookie fields: the HttpOnly session and the readable CSRF token.
  const std::string session = at(login.body, "/data/token");
  CHECK(login.head.find("Set-Cookie: heimdall_session=" + session + "; Path=/; SameSite=Lax") != std::string::npos);
  CHECK(login.head.find("; HttpOnly") != std::string::npos);
  auto csrf_at = login.head.find("Set-Cookie: heimdall_csrf=");
  REQUIRE(csrf_at != std::string::npos);
  const std::string csrf = login.head.substr(csrf_at + 26, 64);
  const std::string cookies = "heimdall_session=" + session + "; heimdall_csrf=" + csrf;

  reply me = api.call("GET", "/api/auth/me", {{"Cookie", cookies}});
  CHECK(me.status == 200);
  CHECK(at(me.body, "/data/email") == "carol@example.com");
  const std::string body = R"({"name":"x","source_url":"https://example.com/x.git"})";
  CHECK(api.call("POST", "/api/repos", {{"Cookie", cookies}}, body).status == 403);
  CHECK(api.call("POST", "/api/repos", {{"Cookie", cookies}, {"X-CSRF-Token", std::string(64, '0')}}, body).status == 403);
  CHECK(api.call("POST", "/api/repos", {{"Cookie", cookies}, {"X-CSRF-Token", csrf}}, body).status == 201);
  // Bearer requests need no CSRF token.
  CHECK(api.call("POST", "/api/repos", {{"Authorization", "Bearer " + token}}, body).status == 201);

  CHECK(api.call("POST", "/api/auth/logout", {{"Cookie", cookies}, {"X-CSRF-Token", csrf}}).status == 200);
  CHECK(api.call("GET", "/api/auth/me", {{"Cookie", cookies}}).status == 401);
  CHECK(api.call("GET", "/api/auth/me", {{"Authorization", "Bearer " + token}}).status == 200);

  // 8 attempts a minute per address (this server's setting); 2 were made
  // by register above plus 2 logins: the 9th attempt is refused.
  int refused = 0;
  for (int i = 0; i < 8; ++i) {
    reply r = api.call("POST", "/api/auth/login", {}, R"({"email":"carol@example.com","password":"wrong-password"})");
    if (r.status == 429) {
      ++refused;
      CHECK(r.header("Retry-After") == "60");
    }
  }
  CHECK(refused >= 3);
  CHECK(api.call("GET", "/api/auth/me", {{"Authorization", "Bearer " + token}}).status == 200);
}

TEST_CASE("api: the progress stream replays a finished scan as the spec's events, then ends", "[api][sse]") {
  const fs::path root = test::scratch_dir("api-sse-root");
  api_server api("api-sse", root);
  auto alice = api.add_user("alice@example.com");
  auto bob = api.add_user("bob@example.com");
  const std::string scan = completed_scan(api, alice, root).scan;
  const std::string path = "/api/scans/" + scan + "/progress/stream";

  client c(api.port());
  reply head = c.open_stream(path, alice.auth());
  REQUIRE(head.status == 200);
  CHECK(head.header("Content-Type") == "text/event-stream");
  CHECK(head.header("Cache-Control") == "no-cache");
  std::vector<test::sse_frame> frames;
  while (auto f = c.next_frame()) frames.push_back(*f);
  REQUIRE(frames.size() >= 10);
  CHECK(frames.front().event == "status_change");
  CHECK(frames.front().data.find(R"("status":"queued")") != std::string::npos);
  CHECK(frames.back().event == "scan_complete");
  const auto record = api.scans().wait(scan);
  CHECK(frames.back().data == R"({"scan_id":")" + scan + R"(","finding_count":)" + std::to_string(record.finding_count) +
                                  R"(,"critical":)" + std::to_string(record.counts.critical) + R"(,"high":)" +
                                  std::to_string(record.counts.high) + R"(,"medium":)" +
                                  std::to_string(record.counts.medium) + R"(,"low":)" +
                                  std::to_string(record.counts.low) + R"(,"timestamp":")" +
                                  at(frames.back().data, "/timestamp") + R"("})");
  // Ids are the log seqs of the scan's events, increasing.
  std::set<std::string> seqs;
  for (const auto& e : api.scans().events(scan)) seqs.insert(std::to_string(e.seq));
  std::uint64_t previous = 0;
  std::size_t findings = 0;
  for (const auto& f : frames) {
    CHECK(seqs.count(f.id) == 1);
    CHECK(std::stoull(f.id) > previous);
    previous = std::stoull(f.id);
    if (f.event == "finding_added") {
      ++findings;
      CHECK(f.data.rfind(R"({"scan_id":")" + scan + R"(","finding_id":")", 0) == 0);
    }
    if (f.event == "stage_update") CHECK(f.data.find(R"("stage":")") != std::string::npos);
  }
  CHECK(findings >= record.finding_count);

  SECTION("Last-Event-ID resumes exactly after that event") {
    const std::size_t k = frames.size() / 2;
    client again(api.port());
    REQUIRE(again.open_stream(path, {alice.auth()[0], {"Last-Event-ID", frames[k].id}}).status == 200);
    std::vector<test::sse_frame> rest;
    while (auto f = again.next_frame()) rest.push_back(*f);
    REQUIRE(rest.size() == frames.size() - k - 1);
    for (std::size_t i = 0; i < rest.size(); ++i) {
      CHECK(rest[i].id == frames[k + 1 + i].id);
      CHECK(rest[i].data == frames[k + 1 + i].data);
    }
  }
  SECTION("refusals: 401, 404 for another user's or an unknown scan, 400 for a bad Last-Event-ID") {
    CHECK(client(api.port()).open_stream(path).status == 401);
    client foreign(api.port());
    reply r = foreign.open_stream(path, bob.auth());
    CHECK(r.status == 404);
    CHECK(r.body == envelope(404, "Scan '" + scan + "' not found"));
    CHECK(client(api.port()).open_stream("/api/scans/" + uuid::v7().to_string() + "/progress/stream", alice.auth()).status == 404);
    CHECK(client(api.port()).open_stream(path, {alice.auth()[0], {"Last-Event-ID", "soon"}}).status == 400);
  }
}

TEST_CASE("api: a live stream sends keepalives in silence and every event exactly once across 100 reconnects",
          "[api][sse]") {
  const fs::path root = test::scratch_dir("api-live-root");
  api_server api("api-live", root, 150ms);
  auto alice = api.add_user("alice@example.com");
  const std::string repo = register_repo(api, alice, root);
  scripted_scan scan(api.log(), repo, alice.id);
  const std::string path = "/api/scans/" + scan.id + "/progress/stream";

  SECTION("': keepalive' after the configured silence") {
    client c(api.port());
    REQUIRE(c.open_stream(path, alice.auth()).status == 200);
    auto first = c.next_frame();
    REQUIRE(first);
    CHECK(first->event == "status_change");
    auto began = std::chrono::steady_clock::now();
    auto quiet = c.next_frame();
    REQUIRE(quiet);
    CHECK(quiet->comment == "keepalive");
    CHECK(std::chrono::steady_clock::now() - began >= 100ms);
    // And live events still follow.
    scan.append(actors::status_event("running"));
    auto live = c.next_frame();
    while (live && !live->comment.empty()) live = c.next_frame();
    REQUIRE(live);
    CHECK(live->data.find(R"("status":"running")") != std::string::npos);
  }

  SECTION("100 disconnects at random moments lose and repeat nothing") {
    std::atomic<bool> writing{true};
    std::vector<std::uint64_t> appended;  // seqs of events that have frames
    std::thread writer([&] {
      std::mt19937 rng(7);
      appended.push_back(scan.append(actors::status_event("running")));
      for (int i = 0; i < 400; ++i) {
        appended.push_back(i % 50 == 0 ? scan.append(actors::stage_event(actors::stage::hunt, "running"))
                                       : scan.finding(i % 3 ? "high" : "low"));
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
      }
      appended.push_back(scan.append(actors::completed_event({})));
      writing = false;
    });
    std::mt19937 rng(11);
    std::vector<std::uint64_t> received;
    std::string last_id;
    int reconnects = 0;
    bool ended = false;
    while (!ended) {
      client c(api.port());
      header_list headers = alice.auth();
      if (!last_id.empty()) headers.emplace_back("Last-Event-ID", last_id);
      REQUIRE(c.open_stream(path, headers).status == 200);
      // Read a random number of frames, then drop the connection (until
      // 100 reconnects are done; then read to the end).
      std::size_t budget = reconnects < 100 ? rng() % 8 : SIZE_MAX;
      for (std::size_t n = 0; n < budget; ++n) {
        auto f = c.next_frame();
        if (!f) break;
        if (!f->comment.empty()) continue;
        received.push_back(std::stoull(f->id));
        last_id = f->id;
        if (f->event == "scan_complete") {
          ended = true;
          break;
        }
      }
      ++reconnects;
      REQUIRE(reconnects < 1000);
    }
    writer.join();
    CHECK(reconnects >= 100);
    std::vector<std::uint64_t> expected = {1};  // scan.queued's frame
    expected[0] = received.empty() ? 0 : received.front();
    expected.insert(expected.end(), appended.begin(), appended.end());
    CHECK(received == expected);
  }
}

TEST_CASE("api: subscribers of one scan share its frames: one that joins late gets the same bytes and counts",
          "[api][sse]") {
  const fs::path root = test::scratch_dir("api-share-root");
  api_server api("api-share", root);
  auto alice = api.add_user("alice@example.com");
  const std::string repo = register_repo(api, alice, root);
  scripted_scan scan(api.log(), repo, alice.id);
  const std::string path = "/api/scans/" + scan.id + "/progress/stream";

  client early(api.port());
  REQUIRE(early.open_stream(path, alice.auth()).status == 200);
  auto first = early.next_frame();
  REQUIRE(first);
  scan.append(actors::status_event("running"));
  scan.finding("high");
  scan.finding("low");
  // Joins with three frames already translated; reads them from the
  // scan's shared frames while the early one goes on live.
  client late(api.port());
  REQUIRE(late.open_stream(path, alice.auth()).status == 200);
  scan.finding("critical");
  scan.append(actors::status_event("running"));
  scan.append(actors::completed_event({}));
  auto read_all = [](client& c) {
    std::vector<std::string> frames;
    while (auto f = c.next_frame()) frames.push_back(f->id + "|" + f->event + "|" + f->data);
    return frames;
  };
  std::vector<std::string> early_frames = {first->id + "|" + first->event + "|" + first->data};
  for (auto& f : read_all(early)) early_frames.push_back(std::move(f));
  CHECK(early_frames.size() == 7);
  CHECK(read_all(late) == early_frames);
  // The second status_change counts the three findings folded before it.
  CHECK(early_frames[5].find(R"("finding_count":3,"critical":1,"high":1,"medium":0,"low":1)") != std::string::npos);
}

TEST_CASE("api: a subscriber that does not read is disconnected and slows neither the scan nor others",
          "[api][sse]") {
  const fs::path root = test::scratch_dir("api-slow-root");
  api_server api("api-slow", root);
  auto alice = api.add_user("alice@example.com");
  const std::string repo = register_repo(api, alice, root);
  scripted_scan scan(api.log(), repo, alice.id);
  const std::string path = "/api/scans/" + scan.id + "/progress/stream";

  client slow(api.port(), 20s, 4096);
  REQUIRE(slow.open_stream(path, alice.auth()).status == 200);
  client fast(api.port());
  REQUIRE(fast.open_stream(path, alice.auth()).status == 200);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (api.metrics().open_streams() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  REQUIRE(api.metrics().open_streams() == 2);

  // ~8 MB of frames, far past the 256 KiB queue plus the sockets' buffers.
  std::size_t fast_frames = 0;
  std::thread reader([&] {
    while (auto f = fast.next_frame()) {
      if (f->event == "scan_complete") break;
      ++fast_frames;
    }
  });
  auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 400; ++i) scan.finding("low", 20000);
  scan.append(actors::completed_event({}));
  auto took = std::chrono::steady_clock::now() - began;
  reader.join();
  CHECK(fast_frames == 401);  // the queued frame and 400 findings
  CHECK(took < 20s);
  // The slow one was cut off: it holds far less than everything.
  std::size_t slow_frames = 0;
  while (auto f = slow.next_frame()) ++slow_frames;
  CHECK(slow_frames < 300);
  deadline = std::chrono::steady_clock::now() + 10s;
  while (api.metrics().open_streams() > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  CHECK(api.metrics().open_streams() == 0);
}

TEST_CASE("api: AI provider settings and API keys, never returned", "[api]") {
  const fs::path root = test::scratch_dir("api-settings-root");
  api_server api("api-settings", root);
  auto alice = api.add_user("alice@example.com");
  reply before = api.call("GET", "/api/settings", alice.auth());
  CHECK(at(before.body, "/data/ai_provider") == "builtin");
  CHECK(api.call("PATCH", "/api/settings/ai-provider", alice.auth(), R"({"provider":"skynet"})").status == 400);
  CHECK(api.call("PATCH", "/api/settings/ai-provider", alice.auth(), R"({"provider":"ollama","base_url":"ftp://x"})").status == 400);
  reply ollama = api.call("PATCH", "/api/settings/ai-provider", alice.auth(),
                          R"({"provider":"ollama","base_url":"http://127.0.0.1:11434"})");
  CHECK(ollama.status == 200);
  CHECK(at(ollama.body, "/data/ai_base_url") == "http://127.0.0.1:11434");
  CHECK(api.call("POST", "/api/settings/api-keys", alice.auth(), R"({"provider":"anthropic"})").status == 400);
  CHECK(api.call("POST", "/api/settings/api-keys", alice.auth(), R"({"provider":"anthropic","api_key":"sk-ant-xyz"})").status == 201);
  reply after = api.call("GET", "/api/settings", alice.auth());
  CHECK(at(after.body, "/data/api_key_providers") == R"(["anthropic"])");
  CHECK(after.body.find("sk-ant-xyz") == std::string::npos);
  CHECK(api.call("GET", "/api/settings").status == 401);
}

TEST_CASE("api: /health and /metrics need no credentials", "[api]") {
  const fs::path root = test::scratch_dir("api-metrics-root");
  api_server api("api-metrics", root);
  CHECK(api.call("GET", "/health").status == 200);
  reply m = api.call("GET", "/metrics");
  CHECK(m.status == 200);
  CHECK(m.header("Content-Type").value_or("").rfind("text/plain", 0) == 0);
  CHECK(m.body.find("heimdall_http_responses_total{code=\"200\"} 1") != std::string::npos);
  CHECK(m.body.find("heimdall_scans{status=\"completed\"} 0") != std::string::npos);
  CHECK(m.body.find("heimdall_sse_open_streams 0") != std::string::npos);
  CHECK(m.body.find("heimdall_events_appended_total") != std::string::npos);
  CHECK(m.body.find("heimdall_append_latency_seconds_bucket{le=\"+Inf\"} ") != std::string::npos);
  CHECK(m.body.find("heimdall_append_latency_seconds_count ") != std::string::npos);
}
