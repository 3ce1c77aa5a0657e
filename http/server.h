// http::server: the HTTP/1.1 front door (Boost.Beast): sockets and nothing else.
//
// start() binds host:port and answers each request by calling the handler,
// which takes a request and returns a response and knows nothing of sockets
// (router.h is the handler). Connections are persistent (keep-alive); the
// requests on one connection are answered one at a time, in order.
//
// Bounds (named constants in server.cpp, each with its reason): header size
// (larger → 431), body size (larger → 413), a read deadline on every request
// (server_options::read_timeout; a client trickling its request is dropped),
// a write deadline, and a cap on open connections (connections beyond it are
// accepted and closed at once). A request Beast cannot parse gets 400. These
// answers use the error envelope of router.h's error_response().
//
// Thread-safety: the handler runs on the io threads, concurrently, so it must
// be thread-safe; while it runs it occupies one of the few io threads that
// serve every connection, so it must be quick. port() may be called from any thread. stop() and
// the destructor belong to the owner's thread and must never run on an io
// thread (i.e. not from inside the handler): they join those threads.
//
// Ownership: the server owns its sockets and io threads and a copy of the
// handler; whatever the handler refers to must outlive stop().
//
// Errors: start() returns errc::invalid_argument for unusable options (a host
// that does not resolve, io_threads < 1) and errc::io_error when the address
// cannot be bound; the message names host:port and the reason. Errors of one
// connection close that connection only; the unexpected ones are reported on
// stderr with the peer's address. A handler that throws answers 500.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace heimdall::http {

// A client that has not sent a whole request this long after the previous
// response (or after connecting) is disconnected. 30 s is ample for a real
// client on a slow link, and bounds how long an idle or trickling client holds
// one of the capped connection slots.
inline constexpr std::chrono::milliseconds kDefaultReadTimeout = std::chrono::seconds(30);

struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0 = any free port; see server::port()
  int io_threads = 2;
  // Deadline for reading the header of a request, and again for its body.
  std::chrono::milliseconds read_timeout = kDefaultReadTimeout;
};

struct request {
  std::string method;  // as sent: "GET"
  std::string target;  // as sent, query string included: "/health?verbose=1"
  std::string body;
};

struct response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Further header fields, e.g. {"Allow", "GET"}. Framing fields
  // (Content-Length, Connection) are the server's.
  std::vector<std::pair<std::string, std::string>> headers;
};

using handler = std::function<response(const request&)>;

class server {
 public:
  // Listening when it returns; the io threads are running.
  static result<std::unique_ptr<server>> start(server_options options, handler handle);
  // Calls stop().
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // The bound port: options.port, or the one the system chose for port 0.
  unsigned short port() const;

  // Stops accepting, closes idle connections (including ones whose request
  // header has not fully arrived), answers the requests whose header has
  // arrived with `Connection: close`, and joins the io threads. Returns when
  // every connection is closed: at once for idle ones, after its answer for a
  // busy one, bounded by the read and write deadlines and by a 2 s linger for
  // a client that keeps its end open after the answer. Idempotent.
  void stop();

 private:
  struct impl;
  explicit server(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace heimdall::http
