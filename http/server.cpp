// Modelled on Beast's "advanced server" example: an acceptor on its own strand
// creates one http_session per connection on a strand of its own; each async
// step of a session is a do_x/on_x pair, and the session lives as long as an
// operation of it is pending (it holds a shared_ptr to itself in each one).
// Unlike the example, each io thread runs an io_context of its own (an
// io_lane) and a connection stays on the lane it was accepted onto: a
// broadcast then reaches every stream of a lane with one post, and the lane's
// thread queues the bytes on each of them directly.
#include "http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <deque>
#include <sstream>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <algorithm>
#include <array>
#include <cctype>
#include <list>
#include <mutex>
#include <optional>
#include <span>
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
// (and all of them, with the default connection cap, at 1 GiB).
constexpr std::uint64_t kMaxBodyBytes = 1024 * 1024;
// A client that does not take a response this long after it was sent is gone
// or hostile; the bound also caps how long stop() waits for a response.
constexpr auto kWriteTimeout = 30s;
// After answering with `Connection: close` we read and discard until the
// client closes, for at most this long: closing a socket with unread input
// resets the connection, and the reset can destroy the response before the
// client reads it (the 413 of a client still sending its body, say).
constexpr auto kLingerTimeout = 2s;
constexpr std::size_t kLingerReadBytes = 4096;
// accept() fails when the process is out of file descriptors; retrying at
// once would spin, and giving up would leave the server deaf.
constexpr auto kAcceptRetryDelay = 100ms;
// The most queued chunks of an event stream written in one system call
// (writev takes up to 1024); 64 frames of a few hundred bytes fill a
// socket buffer's worth.
constexpr std::size_t kMaxGatherWrite = 64;

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

// One io thread's io_context. Broadcasts share it, and post through post():
// once the server is destroyed `ioc` is null and their posts are dropped
// rather than put into a freed context.
struct io_lane {
  std::mutex mu;  // guards ioc's reset against post()
  std::unique_ptr<net::io_context> ioc = std::make_unique<net::io_context>(1);

  template <class Fn>
  void post(Fn&& fn) {
    std::lock_guard lock(mu);
    if (ioc) net::post(*ioc, std::forward<Fn>(fn));
  }
  // The timer lives only while it waits: held by its own handler, it goes
  // with the context if that goes first.
  template <class Fn>
  void post_at(std::chrono::steady_clock::time_point at, Fn&& fn) {
    std::lock_guard lock(mu);
    if (!ioc) return;
    auto timer = std::make_shared<net::steady_timer>(*ioc, at);
    timer->async_wait([timer, fn = std::forward<Fn>(fn)](beast::error_code) mutable { fn(); });
  }
};

}  // namespace

struct server::impl {
  class http_session;

  impl(server_options opts, handler h) : options(std::move(opts)), handle(std::move(h)) {
    for (int i = 0; i < options.io_threads; ++i) {
      lanes.push_back(std::make_shared<io_lane>());
      keep_running.emplace_back(lanes.back()->ioc->get_executor());
    }
    acceptor.emplace(net::make_strand(*lanes.front()->ioc));
    accept_retry.emplace(acceptor->get_executor());
  }
  // Everything bound to a lane's io_context goes before it; the contexts go
  // before `sessions`, since destroying one destroys the sessions its pending
  // handlers hold, which unregister themselves.
  ~impl() {
    accept_retry.reset();
    acceptor.reset();
    keep_running.clear();
    for (auto& lane : lanes) {
      std::lock_guard lock(lane->mu);
      lane->ioc.reset();
    }
  }

  status listen();
  void do_accept();
  void on_accept(std::size_t lane, beast::error_code ec, tcp::socket socket);
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

  std::vector<std::shared_ptr<io_lane>> lanes;  // one per io thread; fixed after start
  // A lane with no connection yet must not let its thread's run() return;
  // stop() lets them go.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  std::optional<tcp::acceptor> acceptor;  // on a strand of the first lane, with accept_retry
  std::optional<net::steady_timer> accept_retry;
  std::size_t next_lane = 0;  // the lane of the next accepted connection; on the acceptor's strand
  unsigned short port = 0;
  std::vector<std::thread> threads;
};

class server::impl::http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket&& socket, impl& owner, std::size_t lane)
      : stream_(std::move(socket)), owner_(owner), lane_(lane), stream_timer_(stream_.get_executor()) {
    beast::error_code ec;
    tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? std::string("unknown peer") : endpoint_name(peer);
    peer_address_ = ec ? std::string() : peer.address().to_string();
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

  // From stop(): closes the connection if it is waiting for a request, and
  // ends an event stream once its queue is sent. One busy with a request
  // finishes it and then sees owner_.stopping.
  void shut_down() {
    net::post(stream_.get_executor(),
              beast::bind_front_handler(&http_session::on_shut_down, shared_from_this()));
  }

  // The exchange's answers, posted to this session's strand from any thread.
  void answer(response out, unsigned version, bool keep_alive) {
    net::post(stream_.get_executor(),
              [self = shared_from_this(), out = std::move(out), version, keep_alive]() mutable {
                self->do_write(std::move(out), version, keep_alive && !self->owner_.stopping);
              });
  }
  void start_stream(response head, stream_options options, unsigned version) {
    net::post(stream_.get_executor(), [self = shared_from_this(), head = std::move(head),
                                       options = std::move(options), version]() mutable {
      self->on_start_stream(std::move(head), std::move(options), version);
    });
  }
  void stream_write(std::shared_ptr<const std::string> bytes) {
    net::post(stream_.get_executor(), [self = shared_from_this(), bytes = std::move(bytes)]() mutable {
      self->enqueue(std::move(bytes));
    });
  }
  void stream_end() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->end_stream(); });
  }
  void stream_on_close(std::function<void()> closed) {
    net::post(stream_.get_executor(), [self = shared_from_this(), closed = std::move(closed)]() mutable {
      if (self->stream_closed_) return closed();
      self->on_stream_closed_ = std::move(closed);
    });
  }
  // Read by event_stream::write() on other threads for a cheap early answer.
  std::atomic<bool> stream_gone{false};

  // For broadcasts, which call the rest only on this session's lane thread:
  // queue_stream_bytes() queues without sending, and flush_stream() sends
  // what is queued, so many writes leave in one system call.
  const std::shared_ptr<io_lane>& lane() const { return owner_.lanes[lane_]; }
  void queue_stream_bytes(std::shared_ptr<const std::string> bytes) {
    if (stream_closed_ || stream_ending_) return;
    if (queued_bytes_ + bytes->size() > stream_options_.max_queued_bytes) {
      // A walk queues a burst at once: first give the socket what it takes.
      if (streaming_ && !stream_writing_) do_stream_write();
      if (stream_closed_) return;
    }
    if (queued_bytes_ + bytes->size() > stream_options_.max_queued_bytes) {
      // A reader too slow to drain its queue: dropping it protects everyone
      // else; it resumes with Last-Event-ID.
      return close_stream();
    }
    queued_bytes_ += bytes->size();
    out_queue_.push_back(std::move(bytes));
  }
  void flush_stream() {
    // Before on_start_stream (a broadcast's join may overtake it), what is
    // queued waits for the header.
    if (streaming_ && !stream_writing_ && !stream_closed_ && !out_queue_.empty()) do_stream_write();
  }
  // Sends `frames` after what is queued: straight from them in one system
  // call when nothing is (the usual case in a broadcast's walk, which then
  // takes no copy of a frame's pointer per stream). What the socket does not
  // take is queued, within the slow-reader bound, and written asynchronously.
  void send_frames(std::span<const std::shared_ptr<const std::string>> frames) {
    if (frames.empty()) return;
    if (!streaming_ || stream_writing_ || stream_ending_ || stream_closed_ || !out_queue_.empty()) {
      for (const auto& bytes : frames) queue_stream_bytes(bytes);
      return flush_stream();
    }
    std::array<net::const_buffer, kMaxGatherWrite> gathered;
    const std::size_t n = std::min(frames.size(), gathered.size());
    for (std::size_t i = 0; i < n; ++i) gathered[i] = net::buffer(*frames[i]);
    beast::error_code ec;
    std::size_t sent = stream_.socket().write_some(std::span<const net::const_buffer>(gathered.data(), n), ec);
    if (ec && ec != net::error::would_block) {
      fail(ec, peer_, "stream write");
      return close_stream();
    }
    last_stream_write_ = std::chrono::steady_clock::now();
    std::size_t whole = 0;
    for (; whole < n && sent >= frames[whole]->size(); ++whole) sent -= frames[whole]->size();
    if (whole == frames.size()) return;
    for (std::size_t i = whole; i < frames.size(); ++i) {
      queued_bytes_ += frames[i]->size();
      out_queue_.push_back(frames[i]);
    }
    // A reader too slow to drain its queue: see queue_stream_bytes.
    if (queued_bytes_ > stream_options_.max_queued_bytes) return close_stream();
    write_queued_async(sent);
  }
  void end_stream() {
    if (stream_closed_ || stream_ending_) return;
    stream_ending_ = true;
    // Otherwise on_start_stream or on_stream_write goes on from here.
    if (streaming_ && !stream_writing_) do_stream_write();
  }
  bool stream_closed() const { return stream_closed_; }

  class stream_impl;

 private:
  class exchange_impl;

  void on_shut_down() {
    if (streaming_) return end_stream();
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

  void handle_request();

  // Answers a request that could not be read; what is left of it on the
  // connection cannot be parsed, so the connection closes after the answer.
  void reject(unsigned status, std::string message) {
    do_write(error_response(status, std::move(message)), 11, false);
  }

  void do_write(response out, unsigned version, bool keep_alive) {
    // No read is pending while a request is answered, so nothing else uses
    // the stream's deadline.
    res_ = {};
    res_.version(version);
    res_.result(out.status);
    res_.set(bhttp::field::server, "heimdall");
    res_.set(bhttp::field::content_type, out.content_type);
    // insert, not set: a field may repeat (two Set-Cookie).
    for (const auto& [name, value] : out.headers) res_.insert(name, value);
    res_.body() = std::move(out.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    if (owner_.options.on_response) owner_.options.on_response(out.status);
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

  // Event streams. The header goes out as the first queued chunk; a read
  // stays pending on the raw socket (outside the stream's deadline, which
  // times the writes) so a client that goes away is noticed at once.
  void on_start_stream(response head, stream_options options, unsigned version) {
    streaming_ = true;
    stream_options_ = std::move(options);
    if (owner_.options.on_response) owner_.options.on_response(head.status);
    bhttp::response<bhttp::empty_body> header;
    header.version(version);
    header.result(head.status);
    header.set(bhttp::field::server, "heimdall");
    header.set(bhttp::field::content_type, head.content_type);
    for (const auto& [name, value] : head.headers) header.insert(name, value);
    header.keep_alive(false);
    std::ostringstream text;
    text << header.base();
    // Released: an idle stream should hold as little as possible.
    parser_.reset();
    buffer_ = beast::flat_buffer();
    res_ = {};
    stream_.expires_never();
    beast::error_code ec;
    // Frames are small and each should leave at once: Nagle would hold one
    // back until the previous one's ACK, which the reader may delay 40 ms.
    stream_.socket().set_option(tcp::no_delay(true), ec);
    if (!ec) stream_.socket().non_blocking(true, ec);  // see do_stream_write
    if (ec) {
      fail(ec, peer_, "stream set-up");
      return close_stream();
    }
    // First on the wire, ahead of anything a broadcast queued already.
    auto header_bytes = std::make_shared<const std::string>(text.str());
    queued_bytes_ += header_bytes->size();
    out_queue_.push_front(std::move(header_bytes));
    last_stream_write_ = std::chrono::steady_clock::now();
    do_stream_read();
    if (!stream_options_.keepalive.empty()) arm_keepalive();
    do_stream_write();  // last: it may end the stream
  }

  void do_stream_read() {
    stream_.socket().async_read_some(
        net::buffer(discard_),
        beast::bind_front_handler(&http_session::on_stream_read, shared_from_this()));
  }

  void on_stream_read(beast::error_code ec, std::size_t) {
    if (stream_closed_) return;
    // Whatever a client sends on an event stream is ignored; its end of the
    // connection closing ends the stream.
    if (ec) return close_stream();
    do_stream_read();
  }

  void enqueue(std::shared_ptr<const std::string> bytes) {
    queue_stream_bytes(std::move(bytes));
    flush_stream();
  }

  // Sends what is queued, up to kMaxGatherWrite chunks per system call, so a
  // stream that fell behind catches up in one call, not one per frame. The
  // socket is non-blocking: what its buffer takes leaves at once, with no
  // handler and no deadline to set (the usual case, and the cost of a
  // broadcast to 10,000 streams); only the rest waits in an asynchronous
  // write timed by kWriteTimeout. Ends the stream once all is sent, if asked.
  void do_stream_write() {
    // Once per call, not per frame queued: a walk makes 10,000 of them.
    if (!out_queue_.empty()) last_stream_write_ = std::chrono::steady_clock::now();
    while (!out_queue_.empty()) {
      std::array<net::const_buffer, kMaxGatherWrite> gathered;
      std::size_t n = 0;
      for (auto it = out_queue_.begin(); it != out_queue_.end() && n < gathered.size(); ++it) {
        gathered[n++] = net::buffer(**it);
      }
      std::span<const net::const_buffer> chunks(gathered.data(), n);
      beast::error_code ec;
      std::size_t sent = stream_.socket().write_some(chunks, ec);
      if (ec && ec != net::error::would_block) {
        fail(ec, peer_, "stream write");
        return close_stream();
      }
      std::size_t whole = 0;
      for (; whole < n && sent >= chunks[whole].size(); ++whole) {
        sent -= chunks[whole].size();
        queued_bytes_ -= out_queue_.front()->size();
        out_queue_.pop_front();
      }
      if (whole < n) return write_queued_async(sent);
    }
    if (stream_ending_) finish_stream();
  }

  // Writes the front of the queue (up to kMaxGatherWrite chunks; the first
  // `front_sent` bytes of the first have left already) in an asynchronous
  // write timed by kWriteTimeout.
  void write_queued_async(std::size_t front_sent) {
    std::vector<net::const_buffer> chunks;
    chunks.reserve(std::min(out_queue_.size(), kMaxGatherWrite));
    for (auto it = out_queue_.begin(); it != out_queue_.end() && chunks.size() < kMaxGatherWrite; ++it) {
      chunks.push_back(net::buffer(**it));
    }
    chunks.front() += front_sent;
    stream_writing_ = true;
    writing_chunks_ = chunks.size();
    stream_.expires_after(kWriteTimeout);
    net::async_write(stream_, std::move(chunks),
                     beast::bind_front_handler(&http_session::on_stream_write, shared_from_this()));
  }

  void on_stream_write(beast::error_code ec, std::size_t) {
    stream_writing_ = false;
    if (stream_closed_) {
      out_queue_.clear();  // what mark_stream_closed() left for this write
      writing_chunks_ = 0;
      return;
    }
    if (ec) {
      fail(ec, peer_, "stream write");
      return close_stream();
    }
    for (; writing_chunks_ > 0; --writing_chunks_) {
      queued_bytes_ -= out_queue_.front()->size();
      out_queue_.pop_front();
    }
    stream_.expires_never();
    do_stream_write();
  }

  void arm_keepalive() {
    auto due = last_stream_write_ + stream_options_.keepalive_after;
    stream_timer_.expires_at(due);
    stream_timer_.async_wait(
        beast::bind_front_handler(&http_session::on_keepalive, shared_from_this()));
  }

  void on_keepalive(beast::error_code ec) {
    if (ec || stream_closed_ || stream_ending_) return;
    if (std::chrono::steady_clock::now() - last_stream_write_ >= stream_options_.keepalive_after) {
      enqueue(std::make_shared<const std::string>(stream_options_.keepalive));
    }
    if (!stream_closed_) arm_keepalive();
  }

  // Everything queued is sent: half-close and let the pending read see the
  // client close, within the linger bound.
  void finish_stream() {
    mark_stream_closed();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_timer_.expires_after(kLingerTimeout);
    stream_timer_.async_wait([self = shared_from_this()](beast::error_code) { self->stream_.close(); });
  }

  void close_stream() {
    if (stream_closed_) return;
    mark_stream_closed();
    stream_timer_.cancel();
    stream_.close();
  }

  void mark_stream_closed() {
    stream_closed_ = true;
    stream_gone = true;
    // A write in flight still reads its chunks: they go when it ends.
    out_queue_.erase(out_queue_.begin() + static_cast<std::ptrdiff_t>(stream_writing_ ? writing_chunks_ : 0),
                     out_queue_.end());
    queued_bytes_ = 0;
    if (auto closed = std::move(on_stream_closed_)) closed();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;  // kept alive until its write ends
  impl& owner_;
  const std::size_t lane_;  // index in owner_.lanes
  std::string peer_;  // "127.0.0.1:50312", for log lines
  std::string peer_address_;  // "127.0.0.1", for the handler
  std::list<std::weak_ptr<http_session>>::iterator registration_;
  bool registered_ = false;
  bool awaiting_request_ = false;  // reading a header, which may have begun to arrive
  bool closing_ = false;

  // Event stream state, on the strand.
  bool streaming_ = false;
  bool stream_writing_ = false;
  bool stream_ending_ = false;
  bool stream_closed_ = false;
  stream_options stream_options_;
  std::deque<std::shared_ptr<const std::string>> out_queue_;
  std::size_t writing_chunks_ = 0;  // the front of out_queue_ being written
  std::size_t queued_bytes_ = 0;
  std::chrono::steady_clock::time_point last_stream_write_;
  net::steady_timer stream_timer_;  // keepalive, then the linger bound
  std::function<void()> on_stream_closed_;
  std::array<char, 512> discard_{};
};

class server::impl::http_session::stream_impl : public event_stream {
 public:
  explicit stream_impl(std::weak_ptr<http_session> session) : session_(std::move(session)) {}
  bool write(std::shared_ptr<const std::string> bytes) override {
    auto s = session_.lock();
    if (!s || s->stream_gone) return false;
    s->stream_write(std::move(bytes));
    return true;
  }
  void end() override {
    if (auto s = session_.lock()) s->stream_end();
  }
  void on_close(std::function<void()> closed) override {
    if (auto s = session_.lock()) return s->stream_on_close(std::move(closed));
    closed();  // the session is gone, so its stream closed long ago
  }
  const std::weak_ptr<http_session>& session() const { return session_; }

 private:
  // Weak: the session lives as long as its socket operations, so a holder
  // that forgets the stream cannot keep a dead connection open.
  std::weak_ptr<http_session> session_;
};

class server::impl::http_session::exchange_impl : public exchange {
 public:
  exchange_impl(std::shared_ptr<http_session> session, unsigned version, bool keep_alive, std::string what)
      : work_(session->lane()->ioc->get_executor()),
        session_(std::move(session)),
        version_(version),
        keep_alive_(keep_alive),
        what_(std::move(what)) {}
  ~exchange_impl() override {
    if (answered_.exchange(true)) return;
    std::fprintf(stderr, "heimdall: http: %s: the handler gave no answer\n", what_.c_str());
    session_->answer(error_response(500, "Internal server error"), version_, false);
  }
  void send(response res) override {
    if (answered_.exchange(true)) return;
    session_->answer(std::move(res), version_, keep_alive_);
  }
  std::shared_ptr<event_stream> open_stream(response head, stream_options options) override {
    auto stream = std::make_shared<stream_impl>(session_);
    if (answered_.exchange(true)) return stream;
    session_->start_stream(std::move(head), std::move(options), version_);
    return stream;
  }

 private:
  // The io threads run until every exchange is gone: an answer posted by a
  // worker thread must find them running. Declared before session_, so it
  // is released after it: the session's destructor needs the server.
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::shared_ptr<http_session> session_;
  unsigned version_;
  bool keep_alive_;
  std::string what_;  // "GET /path", for the log line of an unanswered request
  std::atomic<bool> answered_{false};
};

// A broadcast keeps, per lane, the members that lane serves, the calls
// waiting for its thread, and the writes some member has yet to be given (a
// shard). A call goes to every shard's inbox; the first call into an empty
// inbox posts a drain. A drain applies the calls waiting, then walks the
// members, giving each the writes it has not had yet, in one send.
//
// Walks are paced: a lane starts one no sooner than the last one's duration
// after that one ended, and at most kMaxWalkGap after. A walk over 5,000
// streams takes ~40 ms of a core, about three quarters of it in the
// kernel's send (a loopback send also runs the receiving side); back to
// back, walks would take the machine from everything else (the rest of the
// server, and the readers when they share it) and each event would cost a
// send per stream. Paced, the
// events that arrive meanwhile leave together, one send per stream. The cap
// bounds what the pause adds to a write's wait, which a walk slowed by a busy
// machine would otherwise double. A walk over a few streams takes
// microseconds: small audiences see no delay.
//
// A walk also takes the calls that arrive while it runs (every
// kInboxCheckEvery members): the members it has still to visit get a write
// in this walk, not the next, and those it has passed get it first thing in
// the next. So a write waits at most one walk and one gap, wherever its
// member sits in the walk.
constexpr auto kMaxWalkGap = std::chrono::milliseconds(10);
constexpr std::size_t kInboxCheckEvery = 16;
// A stream served its last frames closes this much later, once the other
// lanes have sent theirs and the readers have taken them. A close costs
// several sends (the FIN, the reader's close coming back): 5,000 of them
// inside a walk, or beside another lane's walk, held back the last frames of
// everyone served after them, and a final event's p99 read 2x any other
// event's. Nothing waits on a close; the reader has the end already.
constexpr auto kCloseAfterEnd = std::chrono::milliseconds(100);

struct broadcast::impl {
  using session = server::impl::http_session;
  using bytes_ptr = std::shared_ptr<const std::string>;

  struct call {
    enum class kind { join, write, end } what;
    std::weak_ptr<session> member;  // join
    std::vector<bytes_ptr> bytes;   // join: the backlog; write: the bytes
  };

  struct shard : std::enable_shared_from_this<shard> {
    shard(std::shared_ptr<io_lane> l, bool e) : lane(std::move(l)), end_at(e ? std::optional<std::uint64_t>(0) : std::nullopt) {}

    void push(call c) {
      bool post;
      {
        std::lock_guard lock(mu);
        inbox.push_back(std::move(c));
        post = !drain_posted;
        drain_posted = true;
      }
      has_calls.store(true, std::memory_order_release);
      if (post) lane->post([self = shared_from_this()] { self->drain(); });
    }

    // On the lane's thread. A member closing (a reader too slow) runs its
    // stream's on_close here, which may call the broadcast: no lock is held.
    void drain() {
      auto began = std::chrono::steady_clock::now();
      if (began < next_walk) {
        return lane->post_at(next_walk, [self = shared_from_this()] { self->drain(); });
      }
      const std::size_t had = members.size();
      take_calls(/*from_drain=*/true);
      // Joins alone (subscribers connecting) need no walk over the members
      // that have had everything: each join costs its own send, not one per
      // member.
      const bool walk_all = !(caught_up && log_end() == caught_up_to && end_at.has_value() == caught_up_end);
      bool taken_midway = false;
      // By index: members that join during the walk are appended, and
      // visited in it.
      for (std::size_t i = walk_all ? 0 : had; i < members.size(); ++i) {
        if (i % kInboxCheckEvery == 0 && has_calls.load(std::memory_order_acquire)) {
          take_calls(/*from_drain=*/false);
          taken_midway = true;
        }
        serve(members[i]);
      }
      auto ended_at = std::chrono::steady_clock::now();
      // The streams this walk served to the end close kCloseAfterEnd later.
      if (!ending.empty()) {
        lane->post_at(ended_at + kCloseAfterEnd, [ending = std::move(ending)] {
          for (const std::shared_ptr<session>& s : ending) s->end_stream();
        });
        ending.clear();
      }
      // Only a walk moves cursors or finds members gone (a joiner that
      // closed already); a drain of joins alone passes over no one else.
      if (walk_all || taken_midway) forget_delivered();
      if (any_gone) {
        std::erase_if(members, [](const member& m) { return m.gone; });
        any_gone = false;
      }
      caught_up = !taken_midway;
      caught_up_to = log_end();
      caught_up_end = end_at.has_value();
      next_walk = ended_at + std::min<std::chrono::steady_clock::duration>(ended_at - began, kMaxWalkGap);
      // Calls taken midway reached only the members after them; the others
      // need another walk, which no push will post.
      if (taken_midway) {
        std::lock_guard lock(mu);
        if (!drain_posted) {
          drain_posted = true;
          lane->post_at(next_walk, [self = shared_from_this()] { self->drain(); });
        }
      }
    }

    const std::shared_ptr<io_lane> lane;

   private:
    struct member {
      std::weak_ptr<session> stream;
      std::uint64_t next;  // index in the log of the first write it has not had
      bool gone = false;
    };

    std::uint64_t log_end() const { return log_base + log.size(); }

    // Applies the calls waiting, in order: writes extend the log, an end
    // marks where it stops, and a join queues the member's backlog and
    // starts it at the log's end (what was written before it joined is in
    // the backlog). Only a drain starting clears drain_posted: calls taken
    // mid-walk are then ahead of a drain that is still to come.
    void take_calls(bool from_drain) {
      std::vector<call> calls;
      {
        std::lock_guard lock(mu);
        calls.swap(inbox);
        has_calls.store(false, std::memory_order_relaxed);
        if (from_drain) drain_posted = false;
      }
      for (call& c : calls) {
        switch (c.what) {
          case call::kind::join:
            if (auto s = c.member.lock()) {
              for (bytes_ptr& b : c.bytes) s->queue_stream_bytes(std::move(b));
              members.push_back({s, log_end()});
            }
            break;
          case call::kind::write:
            if (!end_at) log.push_back(std::move(c.bytes.front()));
            break;
          case call::kind::end:
            if (!end_at) end_at = log_end();
            break;
        }
      }
    }

    // Gives a member the writes it has not had (and what it has queued); one
    // at the log's end is added to `ending`.
    void serve(member& m) {
      auto s = m.stream.lock();
      if (!s || s->stream_closed()) {
        m.gone = any_gone = true;
        return;
      }
      if (m.next < log_end()) {
        s->send_frames(std::span<const bytes_ptr>(log).subspan(m.next - log_base));
        m.next = log_end();
      }
      s->flush_stream();
      if (end_at && m.next == *end_at) ending.push_back(std::move(s));
    }

    // Drops the writes every member has had.
    void forget_delivered() {
      std::uint64_t keep_from = log_end();
      for (const member& m : members) keep_from = std::min(keep_from, m.next);
      log.erase(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(keep_from - log_base));
      log_base = keep_from;
    }

    std::mutex mu;
    std::vector<call> inbox;    // guarded by mu
    bool drain_posted = false;  // guarded by mu
    std::atomic<bool> has_calls{false};  // inbox is not empty (a hint, read without mu)
    // On the lane's thread only.
    std::vector<member> members;
    std::vector<bytes_ptr> log;  // writes from log_base on; a few at a time
    std::vector<std::shared_ptr<session>> ending;  // served to the end in this walk
    std::uint64_t log_base = 0;
    std::optional<std::uint64_t> end_at;  // the log index where the broadcast ended
    // Whether every member has had the log up to caught_up_to, and the end
    // if caught_up_end: true after a walk that took no call midway.
    bool any_gone = false;  // some member has m.gone set
    bool caught_up = true;
    std::uint64_t caught_up_to = 0;
    bool caught_up_end = false;
    std::chrono::steady_clock::time_point next_walk;  // see kMaxWalkGap
  };

  // With mu held.
  shard& shard_of(const std::shared_ptr<io_lane>& lane) {
    for (const auto& s : shards) {
      if (s->lane == lane) return *s;
    }
    return *shards.emplace_back(std::make_shared<shard>(lane, ended));
  }

  std::mutex mu;  // orders the calls: every shard sees them in one order
  bool ended = false;                          // guarded by mu
  std::vector<std::shared_ptr<shard>> shards;  // guarded by mu
};

broadcast::broadcast() : impl_(std::make_unique<impl>()) {}
broadcast::~broadcast() = default;

void broadcast::join(const std::shared_ptr<event_stream>& stream, std::vector<std::shared_ptr<const std::string>> backlog) {
  auto* ours = dynamic_cast<server::impl::http_session::stream_impl*>(stream.get());
  if (!ours) return stream->end();
  auto member = ours->session().lock();
  if (!member) return;  // closed, long ago
  std::lock_guard lock(impl_->mu);
  impl_->shard_of(member->lane()).push({impl::call::kind::join, member, std::move(backlog)});
}

void broadcast::write(std::shared_ptr<const std::string> bytes) {
  std::lock_guard lock(impl_->mu);
  if (impl_->ended) return;
  // A copy per lane: 10,000 streams taking a reference to one string from
  // two threads would fight over the cache line of its count.
  for (const auto& s : impl_->shards) {
    auto own = impl_->shards.size() > 1 ? std::make_shared<const std::string>(*bytes) : bytes;
    s->push({impl::call::kind::write, {}, {std::move(own)}});
  }
}

void broadcast::end() {
  std::lock_guard lock(impl_->mu);
  if (impl_->ended) return;
  impl_->ended = true;
  for (const auto& s : impl_->shards) s->push({impl::call::kind::end, {}, {}});
}

void server::impl::http_session::handle_request() {
  bhttp::request<bhttp::string_body> msg = parser_->release();
  request req{std::string(msg.method_string()), std::string(msg.target()), std::move(msg.body()), {},
              peer_address_};
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  // The path only: a query string may carry a token.
  std::string what = req.method + " " + req.target.substr(0, req.target.find('?'));
  auto ex = std::make_shared<exchange_impl>(shared_from_this(), msg.version(), msg.keep_alive(), what);
  // An exception must not unwind through the io thread (it would end the
  // process); it fails this request alone.
  try {
    owner_.handle(std::move(req), ex);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "heimdall: http: %s: %s\n", what.c_str(), e.what());
    ex->send(error_response(500, "Internal server error"));
  }
}

status server::impl::listen() {
  const std::string where = options.host + ":" + std::to_string(options.port);
  beast::error_code ec;
  tcp::resolver resolver(*lanes.front()->ioc);
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
  if (acceptor->open(endpoint.protocol(), ec)) return failed("open");
  // Lets a restarted server bind while connections of the previous one sit
  // in TIME_WAIT; it does not let two servers share the port.
  if (acceptor->set_option(net::socket_base::reuse_address(true), ec)) return failed("setsockopt");
  if (acceptor->bind(endpoint, ec)) return failed("bind");
  if (acceptor->listen(net::socket_base::max_listen_connections, ec)) return failed("listen");
  port = acceptor->local_endpoint(ec).port();
  if (ec) return failed("getsockname");
  return status::ok();
}

void server::impl::do_accept() {
  std::size_t lane = next_lane;
  next_lane = (next_lane + 1) % lanes.size();
  acceptor->async_accept(net::make_strand(*lanes[lane]->ioc),
                         beast::bind_front_handler(&impl::on_accept, this, lane));
}

void server::impl::on_accept(std::size_t lane, beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // stop() closed the acceptor
  if (ec) {
    fail(ec, "listener", "accept");
    if (stopping) return;
    accept_retry->expires_after(kAcceptRetryDelay);
    accept_retry->async_wait(beast::bind_front_handler(&impl::on_accept_retry, this));
    return;
  }
  auto session = std::make_shared<http_session>(std::move(socket), *this, lane);
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
  if (sessions.size() >= options.max_connections) return false;
  session->registered(sessions.insert(sessions.end(), session));
  return true;
}

void server::impl::stop() {
  if (!stopping.exchange(true)) {
    net::post(acceptor->get_executor(), [this] {
      beast::error_code ignored;
      acceptor->close(ignored);
      accept_retry->cancel();
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
    // The shut-downs just posted are work of their own.
    keep_running.clear();
  }
  // Nothing keeps a lane's io_context alive now but the acceptor and the
  // sessions, so run() returns in each thread once its last connection has
  // closed.
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
    raw->threads.emplace_back([lane = raw->lanes[i]] { lane->ioc->run(); });
  }
  return std::unique_ptr<server>(new server(std::move(state)));
}

std::optional<std::string_view> request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

handler answer_with(std::function<response(const request&)> handle) {
  return [handle = std::move(handle)](request req, std::shared_ptr<exchange> ex) { ex->send(handle(req)); };
}

server::server(std::unique_ptr<impl> state) : impl_(std::move(state)) {}

server::~server() { stop(); }

unsigned short server::port() const { return impl_->port; }

void server::stop() { impl_->stop(); }

}  // namespace heimdall::http
