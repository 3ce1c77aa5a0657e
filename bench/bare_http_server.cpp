// bare_http_server: the baseline of bench/http_bench.sh. A Boost.Beast
// server with nothing behind it: every request on 127.0.0.1 gets 200 with
// the same Server and Content-Type fields and the same body bytes as the
// route being measured, on the same number of io threads as heimdall serve,
// with async keep-alive sessions like http/server.cpp. What heimdall's rate
// is compared against: the cost of HTTP itself on this machine.
//
//   bare_http_server BODY_FILE PORT_FILE [IO_THREADS]
//
// Listens on a free port, writes it to PORT_FILE, serves until killed.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket&& socket, const std::string& body) : stream_(std::move(socket)), body_(body) {}
  void run() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&session::do_read, shared_from_this())); }

 private:
  void do_read() {
    req_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    bhttp::async_read(stream_, buffer_, req_, beast::bind_front_handler(&session::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;
    res_ = {};
    res_.version(req_.version());
    res_.result(200);
    res_.set(bhttp::field::server, "heimdall");
    res_.set(bhttp::field::content_type, "application/json");
    res_.body() = body_;
    res_.keep_alive(req_.keep_alive());
    res_.prepare_payload();
    bhttp::async_write(stream_, res_, beast::bind_front_handler(&session::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec || !res_.keep_alive()) return;
    do_read();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> req_;
  bhttp::response<bhttp::string_body> res_;
  const std::string& body_;
};

class listener {
 public:
  listener(net::io_context& ioc, const std::string& body) : ioc_(ioc), acceptor_(net::make_strand(ioc)), body_(body) {
    tcp::endpoint at(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(at.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) std::make_shared<session>(std::move(socket), body_)->run();
      do_accept();
    });
  }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  const std::string& body_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bare_http_server BODY_FILE PORT_FILE [IO_THREADS]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  const int threads = argc > 3 ? std::max(1, std::atoi(argv[3])) : 2;
  net::io_context ioc(threads);
  listener l(ioc, body);
  l.do_accept();
  std::ofstream(argv[2]) << l.port() << "\n";
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}
