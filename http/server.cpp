// Modelled on Beast's "advanced server" example: an acceptor on its own strand
// creates one http_session per connection on a strand of its own; each async
// step of a session is a do_x/on_x pair, and the session lives as long as an
// operation of it is pending (it holds a shared_ptr to itself in each one).
#include "http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "http/router.h"

namespace heimdall::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Room for a bearer token, a session cookie and what browsers and proxies add
// (browsers cap cookies near 8 KiB), while 1024 connections stuck mid-header
// pin at most 16 MiB.
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
// The API's request bodies (register a repo, comment on a finding) are a few
// KiB; 1 MiB leaves wide room and still bounds what one request can pin
// (and all of them, with kMaxConnections, at 1 GiB).
constexpr std::uint64_t kMaxBodyBytes = 1024 * 1024;
// A client that does not take a response this long after it was sent is gone
// or hostile; the bound also caps how long stop() waits for a response.
constexpr auto kWriteTimeout = 30s;
// Each connection costs a file descriptor and up to the two limits above in
// memory; 1024 is far beyond what a self-hosted team uses, and bounds that
// cost when a client opens connections in a loop.
constexpr std::size_t kMaxConnections = 1024;
// After answering with `Connection: close` we read and discard until the
// client closes, for at most this long: closing a socket with unread input
// resets the connection, and the reset can destroy the response before the
// client reads it (the 413 of a client still sending its body, say).
constexpr auto kLingerTimeout = 2s;
constexpr std::size_t kLingerReadBytes = 4096;
// accept() fails when the process is out of file descriptors; retrying at
// once would spin, and giving up would leave the server deaf.
constexpr auto kAcceptRetryDelay = 100ms;

// The expected endings of a connection are silent: we closed it
// (operation_aborted), the client closed it (end_of_stream), or a deadline
// passed (timeout; beast::tcp_stream has already closed the socket).
void fail(beast::error_code ec, std::string_view who, const char* what) {
  if (ec == net::error::operation_aborted || ec == bhttp::error::end_of_stream ||
      ec == beast::error::timeout) {
    return;
  }
  std::fprintf(stderr, "heimdall: http: %.*s: %s: %s\n", static_cast<int>(who.size()), who.data(),
               what, ec.message().c_str());
}

// Beast's HTTP error category holds the parser's complaints about the bytes.
bool is_parse_error(beast::error_code ec) {
  static const beast::error_category& parser = make_error_code(bhttp::error::bad_method).category();
  return ec.category() == parser;
}

std::string endpoint_name(const tcp::endpoint& e) {
  std::string host = e.address().to_string();
  if (e.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(e.port());
}

}  // namespace

struct server::impl {
  class http_session;

  impl(server_options opts, handler h)
      : options(std::move(opts)),
        handle(std::move(h)),
        ioc(options.io_threads),
        acceptor(net::make_strand(ioc)),
        accept_retry(acceptor.get_executor()) {}

  status listen();
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void on_accept_retry(beast::error_code ec);
  // Registers a new session unless the connection cap is reached.
  bool enlist(const std::shared_ptr<http_session>& session);
  void stop();

  const server_options options;
  const handler handle;
  // Set once by stop(), before it closes anything: sessions read it to
  // answer with `Connection: close` and not wait for another request.
  std::atomic<bool> stopping{false};

  std::mutex sessions_mu;
  std::list<std::weak_ptr<http_session>> sessions;  // guarded by sessions_mu

  // Declared after `sessions`: destroying the io_context destroys any
  // session still held by a pending handler, which unregisters itself.
  net::io_context ioc;
  tcp::acceptor acceptor;  // on its own strand, with accept_retry
  net::steady_timer accept_retry;
  unsigned short port = 0;
  std::vector<std::thread> threads;
};

class server::impl::http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket&& socket, impl& owner) : stream_(std::move(socket)), owner_(owner) {
    beast::error_code ec;
    tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? std::string("unknown peer") : endpoint_name(peer);
  }

  ~http_session() {
    if (!registered_) return;
    std::lock_guard lock(owner_.sessions_mu);
    owner_.sessions.erase(registration_);
  }

  void registered(std::list<std::weak_ptr<http_session>>::iterator at) {
    registration_ = at;
    registered_ = true;
  }

  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_read, shared_from_this()));
  }

  // From stop(): closes the connection if it is waiting for a request. One
  // busy with a request finishes it and then sees owner_.stopping.
  void shut_down() {
    net::post(stream_.get_executor(),
              beast::bind_front_handler(&http_session::on_shut_down, shared_from_this()));
  }

 private:
  void on_shut_down() {
    if (closing_ || !awaiting_request_) return;
    closing_ = true;
    stream_.close();
  }

  void do_read() {
    if (owner_.stopping) return do_close();
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(kMaxBodyBytes);
    awaiting_request_ = true;
    stream_.expires_after(owner_.options.read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&http_session::on_read_header, shared_from_this()));
  }

  // The header is read apart from the body so that stop() can tell a
  // connection with a request in flight from an idle one.
  void on_read_header(beast::error_code ec, std::size_t) {
    awaiting_request_ = false;
    if (closing_) return;
    if (ec) return on_read_error(ec);
    if (parser_->is_done()) return handle_request();
    stream_.expires_after(owner_.options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&http_session::on_read_body, shared_from_this()));
  }

  void on_read_body(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    handle_request();
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return reject(413, "Request body exceeds " + std::to_string(kMaxBodyBytes) + " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return reject(431, "Request header exceeds " + std::to_string(kMaxHeaderBytes) + " bytes");
    }
    // The client closed its end in the middle of a request: nobody to answer.
    if (ec == bhttp::error::partial_message) return;
    if (ec != bhttp::error::end_of_stream && is_parse_error(ec)) {
      return reject(400, "Malformed HTTP request: " + ec.message());
    }
    fail(ec, peer_, "read");
  }

  void handle_request() {
    bhttp::request<bhttp::string_body> msg = parser_->release();
    request req{std::string(msg.method_string()), std::string(msg.target()),
                std::move(msg.body())};
    response out;
    // An exception must not unwind through the io thread (it would end the
    // process); it fails this request alone.
    try {
      out = owner_.handle(req);
    } catch (const std::exception& e) {
      // The path only: a query string may carry a token.
      std::string path = req.target.substr(0, req.target.find('?'));
      std::fprintf(stderr, "heimdall: http: %s %s: %s\n", req.method.c_str(), path.c_str(),
                   e.what());
      out = error_response(500, "Internal server error");
    }
    do_write(std::move(out), msg.version(), msg.keep_alive() && !owner_.stopping);
  }

  // Answers a request that could not be read; what is left of it on the
  // connection cannot be parsed, so the connection closes after the answer.
  void reject(unsigned status, std::string message) {
    do_write(error_response(status, std::move(message)), 11, false);
  }

  void do_write(response out, unsigned version, bool keep_alive) {
    res_ = {};
    res_.version(version);
    res_.result(out.status);
    res_.set(bhttp::field::server, "heimdall");
    res_.set(bhttp::field::content_type, out.content_type);
    for (const auto& [name, value] : out.headers) res_.set(name, value);
    res_.body() = std::move(out.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    stream_.expires_after(kWriteTimeout);
    bhttp::async_write(stream_, res_,
                       beast::bind_front_handler(&http_session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, peer_, "write");
    if (!res_.keep_alive()) return do_close();
    do_read();
  }

  // Half-closes, then lingers (see kLingerTimeout); the socket closes when
  // the last operation ends and the session is destroyed.
  void do_close() {
    closing_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return;
    stream_.expires_after(kLingerTimeout);
    do_linger();
  }

  void do_linger() {
    buffer_.clear();
    stream_.async_read_some(
        buffer_.prepare(kLingerReadBytes),
        beast::bind_front_handler(&http_session::on_linger, shared_from_this()));
  }

  void on_linger(beast::error_code ec, std::size_t) {
    if (ec) return;  // the client closed, or the linger deadline passed
    do_linger();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;  // kept alive until its write ends
  impl& owner_;
  std::string peer_;  // "127.0.0.1:50312", for log lines
  std::list<std::weak_ptr<http_session>>::iterator registration_;
  bool registered_ = false;
  bool awaiting_request_ = false;  // reading a header, which may have begun to arrive
  bool closing_ = false;
};

status server::impl::listen() {
  const std::string where = options.host + ":" + std::to_string(options.port);
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  auto found = resolver.resolve(options.host, std::to_string(options.port),
                                tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty()) {
    return status(errc::invalid_argument,
                  "cannot resolve listen address " + where + ": " +
                      (ec ? ec.message() : std::string("no address")));
  }
  tcp::endpoint endpoint = found.begin()->endpoint();
  auto failed = [&](const char* step) {
    return status(errc::io_error,
                  "cannot listen on " + where + ": " + step + ": " + ec.message());
  };
  if (acceptor.open(endpoint.protocol(), ec)) return failed("open");
  // Lets a restarted server bind while connections of the previous one sit
  // in TIME_WAIT; it does not let two servers share the port.
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec)) return failed("setsockopt");
  if (acceptor.bind(endpoint, ec)) return failed("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec)) return failed("listen");
  port = acceptor.local_endpoint(ec).port();
  if (ec) return failed("getsockname");
  return status::ok();
}

void server::impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        beast::bind_front_handler(&impl::on_accept, this));
}

void server::impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // stop() closed the acceptor
  if (ec) {
    fail(ec, "listener", "accept");
    if (stopping) return;
    accept_retry.expires_after(kAcceptRetryDelay);
    accept_retry.async_wait(beast::bind_front_handler(&impl::on_accept_retry, this));
    return;
  }
  auto session = std::make_shared<http_session>(std::move(socket), *this);
  // Over the cap the session is dropped here, which closes the socket.
  if (enlist(session)) session->run();
  if (!stopping) do_accept();
}

void server::impl::on_accept_retry(beast::error_code ec) {
  if (ec || stopping) return;
  do_accept();
}

bool server::impl::enlist(const std::shared_ptr<http_session>& session) {
  std::lock_guard lock(sessions_mu);
  if (sessions.size() >= kMaxConnections) return false;
  session->registered(sessions.insert(sessions.end(), session));
  return true;
}

void server::impl::stop() {
  if (!stopping.exchange(true)) {
    net::post(acceptor.get_executor(), [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      accept_retry.cancel();
    });
    // A session enlisted after this snapshot was enlisted after `stopping`
    // was set (the mutex orders them), so its first do_read closes it.
    std::vector<std::shared_ptr<http_session>> live;
    {
      std::lock_guard lock(sessions_mu);
      for (const auto& weak : sessions) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
      }
    }
    for (const auto& session : live) session->shut_down();
  }
  // Nothing keeps the io_context alive but the acceptor and the sessions, so
  // run() returns in each thread once the last connection has closed.
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
}

result<std::unique_ptr<server>> server::start(server_options options, handler handle) {
  if (options.io_threads < 1) {
    return status(errc::invalid_argument,
                  "io_threads must be at least 1, not " + std::to_string(options.io_threads));
  }
  auto state = std::make_unique<impl>(std::move(options), std::move(handle));
  if (status s = state->listen(); !s.is_ok()) return s;
  state->do_accept();
  impl* raw = state.get();
  for (int i = 0; i < raw->options.io_threads; ++i) {
    raw->threads.emplace_back([raw] { raw->ioc.run(); });
  }
  return std::unique_ptr<server>(new server(std::move(state)));
}

server::server(std::unique_ptr<impl> state) : impl_(std::move(state)) {}

server::~server() { stop(); }

unsigned short server::port() const { return impl_->port; }

void server::stop() { impl_->stop(); }

}  // namespace heimdall::http
