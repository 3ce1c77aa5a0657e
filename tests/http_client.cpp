#include "tests/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

namespace heimdall::test {

std::string reply::header(std::string_view name) const {
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
  return "";
}

client::client(unsigned short port, std::chrono::milliseconds timeout, int receive_buffer)
    : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  timeval limit{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

client::~client() { ::close(fd_); }

bool client::send_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool client::read_head(reply& r) {
  std::size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return false;
  }
  r.head = pending_.substr(0, end + 2);
  pending_.erase(0, end + 4);
  r.status = std::stoi(r.head.substr(9, 3));  // "HTTP/1.1 200 OK"
  return true;
}

reply client::read_reply() {
  reply r;
  if (!read_head(r)) return {};
  std::size_t length = 0;
  if (std::string len = r.header("Content-Length"); !len.empty()) length = std::stoul(len);
  while (pending_.size() < length) {
    if (!fill()) return {};
  }
  r.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return r;
}

reply client::get(const std::string& target) {
  send_all("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
  return read_reply();
}

namespace {

std::string request_text(const std::string& method, const std::string& target, const header_list& headers,
                         const std::string& body) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH") {
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return text + "\r\n" + body;
}

}  // namespace

reply client::call(const std::string& method, const std::string& target, const header_list& headers,
                   const std::string& body) {
  if (!send_all(request_text(method, target, headers, body))) return {};
  return read_reply();
}

reply client::open_stream(const std::string& target, const header_list& headers) {
  reply r;
  if (!send_all(request_text("GET", target, headers, ""))) return r;
  if (!read_head(r)) return {};
  // A refusal is an ordinary response with a body.
  if (std::string len = r.header("Content-Length"); !len.empty()) {
    while (pending_.size() < std::stoul(len)) {
      if (!fill()) break;
    }
    r.body = pending_.substr(0, std::stoul(len));
    pending_.erase(0, r.body.size());
  }
  return r;
}

std::optional<sse_frame> client::next_frame() {
  std::size_t end;
  while ((end = pending_.find("\n\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  std::string text = pending_.substr(0, end + 1);
  pending_.erase(0, end + 2);
  sse_frame f;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl - at);
    at = nl + 1;
    if (line.rfind(":", 0) == 0) {
      f.comment = line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1);
    } else if (line.rfind("id: ", 0) == 0) {
      f.id = line.substr(4);
    } else if (line.rfind("event: ", 0) == 0) {
      f.event = line.substr(7);
    } else if (line.rfind("data: ", 0) == 0) {
      f.data = line.substr(6);
    }
  }
  return f;
}

bool client::closed_by_server() {
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
}

bool client::fill() {
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
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
