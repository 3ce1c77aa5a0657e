// http::server and http::router over real loopback HTTP, with a plain POSIX
// socket client (tests/http_client.h) so this file does not pay for Beast.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <catch2/catch.hpp>

#include "http/router.h"
#include "http/server.h"
#include "tests/http_client.h"

namespace {

using namespace std::chrono_literals;
using heimdall::http::request;
using heimdall::http::response;
using heimdall::http::router;
using heimdall::http::server;
using heimdall::http::server_options;
using heimdall::test::envelope;
using heimdall::test::reply;
using client = heimdall::test::http_client;

// The read timeout is long by default so that a slow machine (or a sanitizer
// build) cannot turn a test of something else into a timeout.
std::unique_ptr<server> start(heimdall::http::handler handle,
                              std::chrono::milliseconds read_timeout = 10s) {
  server_options options;
  options.port = 0;
  options.read_timeout = read_timeout;
  auto started = server::start(options, std::move(handle));
  REQUIRE(started.is_ok());
  return std::move(started).value();
}

std::shared_ptr<router> health_router(std::uint64_t seq) {
  auto r = std::make_shared<router>();
  heimdall::http::add_health_route(*r, [seq] { return seq; });
  return r;
}

heimdall::http::handler router_at_seq(std::uint64_t seq) {
  return [r = health_router(seq)](request req, std::shared_ptr<heimdall::http::exchange> ex) {
    r->dispatch(std::move(req), std::move(ex));
  };
}

}  // namespace

TEST_CASE("router: GET /health reports last_seq, the query string plays no part", "[http]") {
  auto r = health_router(7);
  response res = r->handle({"GET", "/health?verbose=1", ""});
  CHECK(res.status == 200);
  CHECK(res.content_type == "application/json");
  CHECK(res.body == R"({"success":true,"data":{"status":"ok","last_seq":7}})");
}

TEST_CASE("router: error messages are JSON-escaped", "[http]") {
  auto r = health_router(0);
  response res = r->handle({"GET", "/a\"b\\c", ""});
  CHECK(res.status == 404);
  CHECK(res.body == envelope(404, R"(Route 'GET /a\"b\\c' not found)"));
}

TEST_CASE("server: GET /health answers 200, twice on one connection", "[http]") {
  auto srv = start(router_at_seq(42));
  client c(srv->port());
  REQUIRE(c.connected());
  for (int i = 0; i < 2; ++i) {
    reply r = c.get("/health");
    CHECK(r.status == 200);
    CHECK(r.head.find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(r.body == R"({"success":true,"data":{"status":"ok","last_seq":42}})");
  }
}

TEST_CASE("server: an unknown route answers 404 in the error envelope", "[http]") {
  auto srv = start(router_at_seq(0));
  client c(srv->port());
  reply r = c.get("/nope");
  CHECK(r.status == 404);
  CHECK(r.body == envelope(404, "Route 'GET /nope' not found"));
}

TEST_CASE("server: a known path with the wrong method answers 405 with Allow", "[http]") {
  auto srv = start(router_at_seq(0));
  client c(srv->port());
  c.send_all("DELETE /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  reply r = c.read_reply();
  CHECK(r.status == 405);
  CHECK(r.head.find("Allow: GET\r\n") != std::string::npos);
  CHECK(r.body == envelope(405, "Method 'DELETE' not allowed on '/health'"));
}

TEST_CASE("server: a body over 1 MiB answers 413 and closes", "[http]") {
  auto srv = start(router_at_seq(0));
  client c(srv->port());
  const std::string body(2 * 1024 * 1024, 'x');
  SECTION("announced by Content-Length, and sent anyway") {
    c.send_all("POST /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n");
    c.send_all(body);
  }
  SECTION("found while reading a chunked body") {
    c.send_all("POST /health HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (std::size_t sent = 0; sent < body.size(); sent += 64 * 1024) {
      if (!c.send_all("10000\r\n" + body.substr(0, 64 * 1024) + "\r\n")) break;
    }
  }
  reply r = c.read_reply();
  CHECK(r.status == 413);
  CHECK(r.head.find("Connection: close\r\n") != std::string::npos);
  CHECK(r.body == envelope(413, "Request body exceeds 1048576 bytes"));
  CHECK(c.closed_by_server());
}

TEST_CASE("server: oversize and malformed requests answer 431 and 400 in the envelope", "[http]") {
  auto srv = start(router_at_seq(0));
  client c(srv->port());
  SECTION("a header over 16 KiB") {
    c.send_all("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(20000, 'a') +
               "\r\n\r\n");
    reply r = c.read_reply();
    CHECK(r.status == 431);
    CHECK(r.head.find("Connection: close\r\n") != std::string::npos);
    CHECK(r.body == envelope(431, "Request header exceeds 16384 bytes"));
  }
  SECTION("bytes that are not HTTP") {
    c.send_all("\x01\x02 nonsense\r\n\r\n");
    reply r = c.read_reply();
    CHECK(r.status == 400);
    CHECK(r.head.find("Connection: close\r\n") != std::string::npos);
    CHECK(r.body.find(R"("code":400,"message":"Malformed HTTP request: )") != std::string::npos);
  }
}

TEST_CASE("server: a client that sends half a header is dropped at the read timeout", "[http]") {
  auto srv = start(router_at_seq(0), 300ms);
  client c(srv->port());
  REQUIRE(c.send_all("GET /health HTTP/1.1\r\nHost: loc"));
  auto began = std::chrono::steady_clock::now();
  CHECK(c.closed_by_server());
  auto waited = std::chrono::steady_clock::now() - began;
  CHECK(waited >= 250ms);
  CHECK(waited < 3s);
}

TEST_CASE("server: an idle keep-alive connection is dropped at the read timeout", "[http]") {
  auto srv = start(router_at_seq(0), 300ms);
  client c(srv->port());
  CHECK(c.get("/health").status == 200);
  CHECK(c.closed_by_server());
}

TEST_CASE("server: stop() finishes the request in flight and closes idle connections", "[http]") {
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  auto inner = health_router(0);
  // A long read timeout: stop() must close the idle connection itself.
  auto srv = start(heimdall::http::answer_with([&](const request& req) {
                     if (req.target != "/slow") return inner->handle(req);
                     entered.set_value();
                     released.wait_for(10s);  // bounded, so a failed check cannot hang stop()
                     return response{200, "text/plain", "done", {}};
                   }),
                   30s);
  const unsigned short port = srv->port();

  client idle(port);
  REQUIRE(idle.get("/health").status == 200);
  std::optional<client> busy(std::in_place, port);
  REQUIRE(busy->send_all("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  REQUIRE(entered.get_future().wait_for(5s) == std::future_status::ready);

  std::atomic<bool> stopped{false};
  auto began = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    srv->stop();
    stopped = true;
  });
  // stop() has begun once the port refuses connections.
  bool refused = false;
  for (int i = 0; i < 500 && !refused; ++i) {
    refused = !client(port).connected();
    if (!refused) std::this_thread::sleep_for(10ms);
  }
  CHECK(refused);
  CHECK(idle.closed_by_server());
  CHECK_FALSE(stopped);

  release.set_value();
  reply r = busy->read_reply();
  CHECK(r.status == 200);
  CHECK(r.body == "done");
  CHECK(r.head.find("Connection: close\r\n") != std::string::npos);
  CHECK(busy->closed_by_server());
  busy.reset();  // the server lingers until the client closes too
  stopper.join();
  CHECK(stopped);
  CHECK(std::chrono::steady_clock::now() - began < 5s);  // not the 30 s read timeout
}

TEST_CASE("server: a port in use fails start() with io_error naming the address", "[http]") {
  auto first = start(router_at_seq(0));
  server_options options;
  options.port = first->port();
  auto second = server::start(options, router_at_seq(0));
  REQUIRE_FALSE(second.is_ok());
  CHECK(second.error().code() == heimdall::errc::io_error);
  CHECK_THAT(second.error().message(),
             Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(first->port())));
}

TEST_CASE("server: connections past max_connections are closed at once, those within it are served", "[http]") {
  server_options options;
  options.port = 0;
  options.max_connections = 2;
  auto started = server::start(options, router_at_seq(3));
  REQUIRE(started.is_ok());
  auto srv = std::move(started).value();
  client a(srv->port()), b(srv->port());
  REQUIRE(a.get("/health").status == 200);
  REQUIRE(b.get("/health").status == 200);
  client over(srv->port());
  CHECK(over.closed_by_server());
  CHECK(a.get("/health").status == 200);
}

TEST_CASE("broadcast: members get their backlog, then every write in order, across io threads, end() ends them all",
          "[http]") {
  auto live = std::make_shared<heimdall::http::broadcast>();
  auto srv = start([live](request req, std::shared_ptr<heimdall::http::exchange> ex) {
    response head;
    head.content_type = "text/plain";
    auto stream = ex->open_stream(std::move(head), {});
    // The backlog names the member, so each can tell its own from the rest.
    live->join(stream, {std::make_shared<const std::string>("backlog " + req.target + "\n")});
  });
  // Connections are spread over the io threads in turn: 4 cover both.
  std::vector<std::unique_ptr<client>> members;
  for (int i = 0; i < 4; ++i) {
    members.push_back(std::make_unique<client>(srv->port()));
    REQUIRE(members.back()->open_stream("/m" + std::to_string(i)).status == 200);
  }
  live->write(std::make_shared<const std::string>("one\n"));
  live->write(std::make_shared<const std::string>("two\n"));
  for (int i = 0; i < 4; ++i) {
    std::string got;
    REQUIRE(members[i]->read_until("two\n", got));
    CHECK(got == "backlog /m" + std::to_string(i) + "\none\ntwo\n");
  }

  // One member leaves; the others go on. A member joining now gets its
  // backlog and only what is written after it joined.
  members.pop_back();
  client late(srv->port());
  REQUIRE(late.open_stream("/late").status == 200);
  live->write(std::make_shared<const std::string>("three\n"));
  std::string late_got;
  REQUIRE(late.read_until("three\n", late_got));
  CHECK(late_got == "backlog /late\nthree\n");

  live->end();
  live->write(std::make_shared<const std::string>("after the end\n"));
  for (auto& m : members) {
    auto rest = m->read_to_end();
    CHECK(rest.orderly);
    CHECK(rest.bytes == "three\n");
  }
  auto late_rest = late.read_to_end();
  CHECK(late_rest.orderly);
  CHECK(late_rest.bytes.empty());

  // Joining an ended broadcast sends the backlog and ends the stream.
  client after(srv->port());
  REQUIRE(after.open_stream("/after").status == 200);
  auto after_rest = after.read_to_end();
  CHECK(after_rest.orderly);
  CHECK(after_rest.bytes == "backlog /after\n");
}

TEST_CASE("broadcast: members joining and leaving while writes flow each get every write from where they joined",
          "[http]") {
  auto live = std::make_shared<heimdall::http::broadcast>();
  constexpr int kWrites = 2000;
  std::atomic<int> written{0};  // writes whose write() has returned
  std::mutex mu;
  std::map<std::string, int> written_at_join;  // by target: writes returned when join() had
  auto srv = start([&](request req, std::shared_ptr<heimdall::http::exchange> ex) {
    response head;
    head.content_type = "text/plain";
    live->join(ex->open_stream(std::move(head), {}), {std::make_shared<const std::string>("joined\n")});
    int at = written.load();
    std::lock_guard lock(mu);
    written_at_join[req.target] = at;
  });
  // Writes from another thread while members join and leave: walks take
  // calls midway and joins come between walks.
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      live->write(std::make_shared<const std::string>(std::to_string(i) + "\n"));
      ++written;
      if (i % 10 == 0) std::this_thread::sleep_for(1ms);
    }
  });
  std::vector<std::unique_ptr<client>> members;
  for (int i = 0; i < 120; ++i) {
    members.push_back(std::make_unique<client>(srv->port()));
    REQUIRE(members.back()->open_stream("/m" + std::to_string(i)).status == 200);
    if (i % 7 == 3) members[static_cast<std::size_t>(i - 2)].reset();  // leaves midway
  }
  writer.join();
  live->end();
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!members[i]) continue;
    auto rest = members[i]->read_to_end();
    REQUIRE(rest.orderly);
    // The backlog, then every write from the first one made after join()
    // returned (or earlier), in order, to the last. When join() returned,
    // `expected` writes had returned and one more may have been under way:
    // the one after that began after the join.
    std::string_view bytes = rest.bytes;
    REQUIRE(bytes.substr(0, 7) == "joined\n");
    bytes.remove_prefix(7);
    int expected;
    {
      std::lock_guard lock(mu);
      expected = written_at_join.at("/m" + std::to_string(i));
    }
    std::optional<int> previous;
    while (!bytes.empty()) {
      auto eol = bytes.find('\n');
      REQUIRE(eol != std::string_view::npos);
      int n = std::stoi(std::string(bytes.substr(0, eol)));
      if (previous) REQUIRE(n == *previous + 1);
      if (!previous) REQUIRE(n <= expected + 1);
      previous = n;
      bytes.remove_prefix(eol + 1);
    }
    CHECK(previous.value_or(kWrites - 1) == kWrites - 1);
    if (!previous) CHECK(expected >= kWrites - 1);
  }
}

TEST_CASE("broadcast: a member whose socket takes the writes in part gets every byte in order", "[http]") {
  auto live = std::make_shared<heimdall::http::broadcast>();
  auto srv = start([live](request, std::shared_ptr<heimdall::http::exchange> ex) {
    response head;
    head.content_type = "text/plain";
    heimdall::http::stream_options options;
    options.max_queued_bytes = 16 << 20;  // room for the writes below, so none is cut off
    live->join(ex->open_stream(std::move(head), std::move(options)), {});
  });
  client small(srv->port(), 5s, 4096);  // a small window: sends are cut short
  REQUIRE(small.open_stream("/small").status == 200);
  // Writes far larger than the window and the socket buffers, while the
  // reader pauses: a send leaves inside a write, the rest of it and the
  // writes after wait in the queue, and follow in order.
  auto write_text = [](int i) {
    std::string text;
    for (int k = 0; text.size() < (1u << 20); ++k) text += std::to_string(i) + "." + std::to_string(k) + " ";
    return text + "\n";
  };
  constexpr int kWrites = 6;
  std::string expected;
  for (int i = 0; i < kWrites; ++i) {
    live->write(std::make_shared<const std::string>(write_text(i)));
    expected += write_text(i);
    if (i == 0) std::this_thread::sleep_for(20ms);  // the first send fills the buffers
  }
  live->end();
  auto rest = small.read_to_end();
  REQUIRE(rest.orderly);
  CHECK(rest.bytes.size() == expected.size());
  CHECK(rest.bytes == expected);
}

TEST_CASE("broadcast: a member too slow to drain its queue is cut off, the others get every write", "[http]") {
  auto live = std::make_shared<heimdall::http::broadcast>();
  auto srv = start([live](request, std::shared_ptr<heimdall::http::exchange> ex) {
    response head;
    head.content_type = "text/plain";
    heimdall::http::stream_options options;
    options.max_queued_bytes = 64 * 1024;
    live->join(ex->open_stream(std::move(head), std::move(options)), {});
  });
  client slow(srv->port(), 5s, 4096);  // reads nothing, with a small window
  client reader(srv->port());
  REQUIRE(slow.open_stream("/slow").status == 200);
  REQUIRE(reader.open_stream("/reader").status == 200);
  const std::string chunk(1024, 'x');
  std::string got;
  std::size_t expected = 0;
  for (int i = 0; i < 4096; ++i) {  // 4 MiB: far past what the slow one's buffers and queue hold
    live->write(std::make_shared<const std::string>(chunk));
    expected += chunk.size();
    if (i % 64 == 63) {
      while (got.size() < expected) REQUIRE(reader.read_until(std::string(1, 'x'), got));
    }
  }
  CHECK(got.size() == expected);
  CHECK(slow.closed_by_server());
}
