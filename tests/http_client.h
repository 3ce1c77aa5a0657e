// http_client: a blocking loopback HTTP/1.1 client on plain POSIX sockets,
// so tests of the server do not pay for Beast. Every send and receive gives
// up after the timeout (5 s by default), so a server that misbehaves fails
// the test instead of hanging it. Not thread-safe; one per connection.
#pragma once

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

  // A header field's value (name matched case-insensitively), or "".
  std::string header(std::string_view name) const;
};

// One Server-Sent Events frame: its fields, or a comment line.
struct sse_frame {
  std::string id, event, data;
  std::string comment;  // ": keepalive" frames: the text after ':'
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class client {
 public:
  // receive_buffer > 0 sets SO_RCVBUF (before connecting, so it bounds the
  // TCP window): a client that reads slowly then holds little in flight.
  explicit client(unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(5),
                  int receive_buffer = 0);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  bool connected() const { return connected_; }

  bool send_all(std::string_view data);

  // Reads one response framed by Content-Length.
  reply read_reply();

  reply get(const std::string& target);
  // Sends one request (Content-Length added when there is a body) and reads
  // the response.
  reply call(const std::string& method, const std::string& target, const header_list& headers = {},
             const std::string& body = "");

  // Sends a request and reads only the response head, for event streams;
  // the status is in the returned reply, its body is empty.
  reply open_stream(const std::string& target, const header_list& headers = {});
  // The next frame of an open event stream; nullopt when the server closed
  // the connection (or the timeout passed) first.
  std::optional<sse_frame> next_frame();

  // True when the server closes the connection (orderly or by reset) before
  // the receive timeout; anything it sends first is discarded.
  bool closed_by_server();

 private:
  bool fill();
  bool read_head(reply& r);

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

// The error envelope the server sends for `code` and `message`.
std::string envelope(unsigned code, const std::string& message);

}  // namespace heimdall::test
