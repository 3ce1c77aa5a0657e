// http_client: a blocking HTTP/1.1 client over a plain POSIX loopback
// socket, for tests of the server (http_server_test, http_api_test) and of
// the `heimdall serve` binary (serve_test), so none pays for Beast. Every
// send and receive gives up after the client's time limit, so a server that
// misbehaves fails the test instead of hanging it. Not thread-safe: one
// client per thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heimdall::test {

struct reply {
  int status = 0;    // 0: the connection ended before a whole response
  std::string head;  // status line and header fields
  std::string body;

  // The first header field `name` (matched case-insensitively), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

// How an event stream (or any response read to the connection's end) ended.
struct stream_end {
  std::string bytes;       // everything received after the response head
  bool orderly = false;    // the server closed its end (FIN), not a reset
  bool timed_out = false;  // the time limit passed with the connection open
};

// One Server-Sent Events frame: its fields, or a comment.
struct sse_frame {
  std::string id, event, data;
  std::string comment;  // ": keepalive" frames: the text after ": "
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class http_client {
 public:
  // receive_buffer > 0 sets SO_RCVBUF before connecting, so it bounds the
  // TCP window: a client that reads slowly then holds little in flight.
  explicit http_client(unsigned short port, std::chrono::milliseconds limit = std::chrono::seconds(5),
                       int receive_buffer = 0);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  bool connected() const { return connected_; }

  bool send_all(std::string_view data);

  // Reads one response framed by Content-Length.
  reply read_reply();

  reply get(const std::string& target);
  // `headers`: further header lines, each ending in "\r\n". A body (and any
  // POST or PATCH) gets its Content-Length.
  reply send_request(const std::string& method, const std::string& target, const std::string& headers = "",
                     const std::string& body = "");
  // The same with the header fields as (name, value) pairs.
  reply call(const std::string& method, const std::string& target, const header_list& headers = {},
             const std::string& body = "");

  // Reads a response's status line and header fields only (an event
  // stream's); status 0 when the connection ended first.
  reply read_head();
  // Sends GET `target` and reads the head; a refusal (which has a
  // Content-Length) is read whole.
  reply open_stream(const std::string& target, const header_list& headers = {});
  // The next frame of an open event stream; nullopt when the connection
  // ended (or the limit passed) first.
  std::optional<sse_frame> next_frame();
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

// The error envelope the server answers `code` and `message` with.
std::string envelope(unsigned code, const std::string& message);

}  // namespace heimdall::test
