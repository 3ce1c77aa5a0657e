#include "tests/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace heimdall::test {

std::optional<std::string> reply::header(std::string_view name) const {
  const std::string field = "\r\n" + std::string(name) + ": ";
  auto at = head.find(field);
  if (at == std::string::npos) return std::nullopt;
  at += field.size();
  return head.substr(at, head.find("\r\n", at) - at);
}

http_client::http_client(unsigned short port, std::chrono::milliseconds limit)
    : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
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
  if (auto at = r.head.find("Content-Length: "); at != std::string::npos) {
    length = std::stoul(r.head.substr(at + 16));
  }
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

}  // namespace heimdall::test
