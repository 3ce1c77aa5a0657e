// http_client: a blocking HTTP/1.1 client over a plain POSIX loopback
// socket, for tests of the server (http_server_test) and of the `heimdall
// serve` binary (serve_test), so neither pays for Beast. Every send and
// receive gives up after the client's time limit, so a server that
// misbehaves fails the test instead of hanging it. Not thread-safe: one
// client per thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::test {

struct reply {
  int status = 0;    // 0: the connection ended before a whole response
  std::string head;  // status line and header fields
  std::string body;

  // The first header field `name` (as sent, case-sensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

// How an event stream (or any response read to the connection's end) ended.
struct stream_end {
  std::string bytes;       // everything received after the response head
  bool orderly = false;    // the server closed its end (FIN), not a reset
  bool timed_out = false;  // the time limit passed with the connection open
};

class http_client {
 public:
  explicit http_client(unsigned short port, std::chrono::milliseconds limit = std::chrono::seconds(5));
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  bool connected() const { return connected_; }

  bool send_all(std::string_view data);

  // Reads one response framed by Content-Length.
  reply read_reply();

  reply get(const std::string& target);
  // `headers`: further header lines, each ending in "\r\n". A body gets its
  // Content-Length.
  reply send_request(const std::string& method, const std::string& target, const std::string& headers = "",
                     const std::string& body = "");

  // Reads a response's status line and header fields only (an event
  // stream's); status 0 when the connection ended first.
  reply read_head();
  // Reads until `needle` has arrived after the head, or the connection
  // ends, or the limit passes; false unless it arrived. Everything read
  // (also past `needle`) is appended to `got` and consumed.
  bool read_until(std::string_view needle, std::string& got);
  // Reads until the server ends the connection (or the limit passes once
  // with nothing arriving).
  stream_end read_to_end();

  // True when the server closes the connection (orderly or by reset) before
  // the receive limit; anything it sends first is discarded.
  bool closed_by_server();

 private:
  // Appends what one recv() brings; false on the connection's end, an error
  // or the limit, with recv's result in `n` and its errno in `err`.
  bool fill(ssize_t* n = nullptr, int* err = nullptr);

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

}  // namespace heimdall::test
