#include "tests/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <strings.h>

#include <cerrno>
#include <string>

namespace heimdall::test {

std::optional<std::string> reply::header(std::string_view name) const {
  std::size_t at = head.find("\r\n");
  while (at != std::string::npos && at + 2 < head.size()) {
    std::size_t end = head.find("\r\n", at + 2);
    std::string_view line = std::string_view(head).substr(at + 2, end - at - 2);
    std::size_t colon = line.find(':');
    if (colon == name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    at = end;
  }
  return std::nullopt;
}

http_client::http_client(unsigned short port, std::chrono::milliseconds limit, int receive_buffer)
    : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  timeval tv{static_cast<time_t>(limit.count() / 1000), static_cast<suseconds_t>((limit.count() % 1000) * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

http_client::~http_client() { ::close(fd_); }

bool http_client::send_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

reply http_client::read_head() {
  reply r;
  std::size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return r;
  }
  r.head = pending_.substr(0, end + 2);
  pending_.erase(0, end + 4);
  r.status = std::stoi(r.head.substr(9, 3));  // "HTTP/1.1 200 OK"
  return r;
}

reply http_client::read_reply() {
  reply r = read_head();
  if (r.status == 0) return r;
  std::size_t length = 0;
  if (auto len = r.header("Content-Length")) length = std::stoul(*len);
  while (pending_.size() < length) {
    if (!fill()) return reply{};
  }
  r.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return r;
}

reply http_client::get(const std::string& target) {
  send_all("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
  return read_reply();
}

reply http_client::send_request(const std::string& method, const std::string& target, const std::string& headers,
                                const std::string& body) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headers;
  if (!body.empty() || method == "POST" || method == "PATCH") {
    text += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n" + body;
  if (!send_all(text)) return {};
  return read_reply();
}

reply http_client::call(const std::string& method, const std::string& target, const header_list& headers,
                         const std::string& body) {
  std::string lines;
  for (const auto& [name, value] : headers) lines += name + ": " + value + "\r\n";
  return send_request(method, target, lines, body);
}

reply http_client::open_stream(const std::string& target, const header_list& headers) {
  std::string text = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (!send_all(text + "\r\n")) return {};
  reply r = read_head();
  if (auto len = r.header("Content-Length")) {
    const std::size_t length = std::stoul(*len);
    while (pending_.size() < length && fill()) {
    }
    r.body = pending_.substr(0, length);
    pending_.erase(0, r.body.size());
  }
  return r;
}

std::optional<sse_frame> http_client::next_frame() {
  std::size_t end;
  while ((end = pending_.find("\n\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  std::string_view text = std::string_view(pending_).substr(0, end + 1);
  sse_frame f;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    auto field = [&line](std::string_view name) { return line.substr(0, name.size()) == name; };
    if (field(": ")) {
      f.comment = line.substr(2);
    } else if (field("id: ")) {
      f.id = line.substr(4);
    } else if (field("event: ")) {
      f.event = line.substr(7);
    } else if (field("data: ")) {
      f.data = line.substr(6);
    }
  }
  pending_.erase(0, end + 2);
  return f;
}

bool http_client::read_until(std::string_view needle, std::string& got) {
  bool found = true;
  while (pending_.find(needle) == std::string::npos) {
    if (!fill()) {
      found = false;
      break;
    }
  }
  got += pending_;
  pending_.clear();
  return found;
}

stream_end http_client::read_to_end() {
  stream_end out;
  for (;;) {
    ssize_t n = 0;
    int err = 0;
    if (fill(&n, &err)) continue;
    out.orderly = n == 0;
    out.timed_out = n < 0 && (err == EAGAIN || err == EWOULDBLOCK);
    break;
  }
  out.bytes = std::move(pending_);
  pending_.clear();
  return out;
}

bool http_client::closed_by_server() {
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
}

bool http_client::fill(ssize_t* result, int* err) {
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (result) *result = n;
  if (err) *err = n < 0 ? errno : 0;
  if (n <= 0) return false;
  pending_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::string envelope(unsigned code, const std::string& message) {
  std::string c = std::to_string(code);
  return R"({"success":false,"code":)" + c + R"(,"message":")" + message + R"(","error":{"code":)" + c +
         R"(,"message":")" + message + R"("}})";
}

}  // namespace heimdall::test
