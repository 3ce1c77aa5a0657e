// http::server: the HTTP/1.1 front door (Boost.Beast): sockets and nothing else.
//
// start() binds host:port and passes each request to the handler with an
// exchange to answer it through; the handler knows nothing of sockets
// (router.h builds it). Connections are persistent (keep-alive); the
// requests on one connection are answered one at a time, in order. An answer
// may also be an event stream (open_stream), which then owns the connection.
//
// Bounds (named constants in server.cpp, each with its reason): header size
// (larger → 431), body size (larger → 413), a read deadline on every request
// (server_options::read_timeout; a client trickling its request is dropped),
// a write deadline, and a cap on open connections
// (server_options::max_connections; connections beyond it are accepted and
// closed at once). A request Beast cannot parse gets 400. These
// answers use the error envelope of router.h's error_response().
//
// Thread-safety: the handler runs on the io threads, concurrently, so it must
// be thread-safe; while it runs it occupies one of the few io threads, each
// serving its share of the connections (assigned in turn as they are
// accepted), so it must be quick (see `handler`). port() may be
// called from any thread. stop() and
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
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
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
// Each connection costs a file descriptor and up to the header and body
// limits in memory; 1024 is far beyond what a self-hosted team uses, and
// bounds that cost when a client opens connections in a loop. A deployment
// (or the SSE fan-out benchmark) that expects more idle event streams raises
// it, along with RLIMIT_NOFILE.
inline constexpr std::size_t kDefaultMaxConnections = 1024;

struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0 = any free port; see server::port()
  int io_threads = 2;
  // Deadline for reading the header of a request, and again for its body.
  std::chrono::milliseconds read_timeout = kDefaultReadTimeout;
  // Connections beyond this many open ones are accepted and closed at once.
  std::size_t max_connections = kDefaultMaxConnections;
  // Told the status of every response (and event stream) sent, on an io
  // thread; for metrics. Must be thread-safe and quick.
  std::function<void(unsigned status)> on_response;
};

struct request {
  std::string method;  // as sent: "GET"
  std::string target;  // as sent, query string included: "/health?verbose=1"
  std::string body;
  // Header fields with lower-case names, in the order sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string peer;  // the client's address, without the port: "127.0.0.1"

  // The first field named `name` (lower case), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Further header fields, e.g. {"Allow", "GET"}. Framing fields
  // (Content-Length, Connection) are the server's.
  std::vector<std::pair<std::string, std::string>> headers;
};

// The body of a response that is sent as it is produced (Server-Sent
// Events): the connection carries nothing else and closes when it ends.
// Thread-safe: write() and end() may be called from any thread.
class event_stream {
 public:
  virtual ~event_stream() = default;
  // Queues bytes to send. Returns false once the stream is closed: the
  // client went away, the server is stopping, end() was called, or this
  // write would take the queue past stream_options::max_queued_bytes (a
  // reader too slow to keep up), which closes the stream. Never blocks.
  virtual bool write(std::shared_ptr<const std::string> bytes) = 0;
  // The same bytes may be queued on many streams (one event's frame for
  // every subscriber); this overload is for bytes of this stream alone.
  bool write(std::string bytes) { return write(std::make_shared<const std::string>(std::move(bytes))); }
  // Sends what is queued, then closes the connection.
  virtual void end() = 0;
  // `closed` runs once, on an io thread, when the stream closes for any
  // reason; at once (on an io thread) if it already has. Call it once,
  // before relying on it.
  virtual void on_close(std::function<void()> closed) = 0;
};

struct stream_options {
  // Sent when nothing else was sent for `keepalive_after` (an SSE comment
  // such as ": keepalive\n\n"), so proxies and clients see a live link.
  std::string keepalive;
  std::chrono::milliseconds keepalive_after{std::chrono::seconds(15)};
  // The most bytes a stream may hold unsent; past it the stream closes.
  std::size_t max_queued_bytes = 256 * 1024;
};

// A broadcast queues the same bytes on many event streams of one server
// (every subscriber of one scan's progress). A write costs one post per io
// thread, not one per stream: each io thread walks the members it serves and
// sends each what it has not had yet in one system call, so writes that
// arrive while an io thread is busy reach each member in one send, not one
// each. A write that arrives during a walk reaches the members still ahead in
// that walk; a write waits at most about one walk and a short pause (see
// server.cpp).
//
// Order: a stream that joins receives `backlog`, then every write() made
// after join() returned, in order. end() ends every member once its queue is
// sent, and every stream that joins later once its backlog is; writes after
// end() are dropped. A member leaves when its stream closes (the slow-reader
// bound of stream_options applies to each member alone).
//
// Thread-safety: all methods from any thread; calls are applied in the order
// they return. Streams must come from http::server (open_stream); others are
// ended at once. Calls made after that server is destroyed are dropped.
class broadcast {
 public:
  broadcast();
  ~broadcast();
  broadcast(const broadcast&) = delete;
  broadcast& operator=(const broadcast&) = delete;

  void join(const std::shared_ptr<event_stream>& stream, std::vector<std::shared_ptr<const std::string>> backlog);
  void write(std::shared_ptr<const std::string> bytes);
  void end();

  struct impl;  // public only so server.cpp's sessions can name it

 private:
  std::unique_ptr<impl> impl_;
};

// One request's answer. The handler (or whoever it hands the exchange to)
// calls exactly one of send() or open_stream(), once, from any thread; an
// exchange destroyed unanswered answers 500. The connection reads no
// further request until the answer is sent.
class exchange {
 public:
  virtual ~exchange() = default;
  virtual void send(response res) = 0;
  // Sends `head`'s status and header fields (no body, no Content-Length)
  // and returns the stream the body is written to.
  virtual std::shared_ptr<event_stream> open_stream(response head, stream_options options) = 0;
};

// Called on an io thread for every request; it must return quickly: work
// that blocks (an fsync, a long read) belongs on another thread, which
// answers through the exchange when done.
using handler = std::function<void(request req, std::shared_ptr<exchange> ex)>;

// A handler that answers every request at once with handle(req).
handler answer_with(std::function<response(const request&)> handle);

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
  // arrived with `Connection: close`, ends every event stream once what is
  // queued on it is sent, and joins the io threads. Returns when every
  // connection is closed: at once for idle ones, after its answer for a
  // busy one, bounded by the read and write deadlines and by a 2 s linger
  // for a client that keeps its end open after the answer. An exchange held
  // elsewhere must be answered for stop() to return. Idempotent.
  void stop();

  struct impl;  // public only so server.cpp's broadcast can name its sessions

 private:
  explicit server(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace heimdall::http
