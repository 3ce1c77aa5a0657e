// sse_fanout: N concurrent subscribers of one live scan's progress stream
// (GET /api/scans/{id}/progress/stream), against the whole stack in-process:
// event log, scan service, event hub, worker pool, the API routes and
// http::server on 127.0.0.1 (a free port).
//
//   build/bench/sse_fanout [--subscribers N] [--events E] [--interval-ms T]
//                          [--dir DIR] [--per-event]
//
// 1. A client process is forked first, before any thread exists, and waits
//    on a pipe. The parent builds the stack, registers a user, a token and a
//    repo, and queues a scripted scan (tests/scripted_scan.h: no scheduler
//    runs it; the bench appends its events).
// 2. RSS before: the parent's VmRSS with the stack built and no subscriber.
//    The child then opens N connections with one epoll loop (at most
//    kConnectWindow of them being set up at once, so the server's set-up
//    queue is never full) and reads the replay (scan.queued's frame) on each.
// 3. RSS after: once the child has the replay on all N and the hub has N
//    watchers, and a settling pause. kib_per_sub = (after - before) / N.
// 4. The parent appends E events to the scan, one every T ms: a status
//    change, stage updates, findings, and scan.completed last. Each event's
//    time is taken just before its append() call, keyed by the seq it gets:
//    the subscriber's wait starts when the scan emits the event, so the
//    figure includes the fsync the log does before anything is sent (and any
//    stall of it). The time append() returned is kept too (the `ack`
//    figures): the fan-out alone.
// 5. The child timestamps every frame's arrival (CLOCK_MONOTONIC is one clock
//    for the whole machine, so the two processes' readings compare) and,
//    when every connection has seen scan_complete (or a deadline passed),
//    writes (subscriber, seq, arrival) records to a file the parent reads.
//    Latency = arrival - append for every (subscriber, live event).
//
// Before step 1, a run waits (up to 75 s) for a previous run's TIME_WAIT
// sockets to expire: among 40,000 of them the p99 read 2-4 times higher.
//
// Every wait has a deadline; the child is killed (by its pid) and reaped
// whatever happens. Only loopback addresses are used.
//
// Last line: subscribers=<n> p99_ms=<x> kib_per_sub=<y>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "actors/repos.h"
#include "actors/scan_events.h"
#include "actors/scan_service.h"
#include "actors/users.h"
#include "bench/machine_cpu.h"
#include "http/api_stack.h"
#include "store/event_log.h"
#include "tests/scripted_scan.h"

using namespace heimdall;
namespace fs = std::filesystem;

namespace {

struct options {
  std::size_t subscribers = 10000;
  std::size_t events = 50;
  int interval_ms = 20;
  std::string dir;  // default: a fresh directory under the system's temp dir
  bool per_event = false;  // also print each live event's latencies
};

// Connections being set up at once (connect, request, replay): well below
// the worker pool's queue (1024), which answers 503 when full.
constexpr std::size_t kConnectWindow = 256;
// Tries per subscriber when a connection fails or is refused (503).
constexpr int kConnectTries = 5;
// The client's polling interval while frames arrive (see client_run::run);
// it adds up to this much to a frame's measured latency.
constexpr auto kPollTick = std::chrono::microseconds(1000);
// Deadlines. Together they keep a run within ~2 minutes.
constexpr auto kStartDeadline = std::chrono::seconds(30);     // child: the parent's start line
constexpr auto kConnectDeadline = std::chrono::seconds(45);   // all N streams open
constexpr auto kGoDeadline = std::chrono::seconds(20);         // child: from ready to the first append
constexpr auto kDeliverDeadline = std::chrono::seconds(40);   // from the first append to the last frame
constexpr auto kSettle = std::chrono::milliseconds(1000);     // idle before RSS is read
constexpr auto kTimeWaitDeadline = std::chrono::seconds(75);  // a previous run's TIME_WAIT sockets (60 s)

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// CPU time (user + system) this process has used, in ms.
// This process's CPU time: all of it, and the part spent in the kernel.
double cpu_ms(bool kernel_only = false) {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto to_ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return (kernel_only ? 0 : to_ms(u.ru_utime)) + to_ms(u.ru_stime);
}

void raise_file_limit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
}

std::size_t file_limit() {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  return static_cast<std::size_t>(files.rlim_cur);
}

// VmRSS of this process, in KiB.
std::uint64_t rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// Pages the kernel holds in TCP buffers, machine-wide (/proc/net/sockstat):
// outside RSS, so reported beside it.
std::uint64_t tcp_mem_pages() {
  std::ifstream in("/proc/net/sockstat");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("TCP:", 0) != 0) continue;
    auto at = line.find(" mem ");
    if (at != std::string::npos) return std::strtoull(line.c_str() + at + 5, nullptr, 10);
  }
  return 0;
}

// Writes all of `text` to a pipe.
bool write_line(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Lines from a pipe, each read with a deadline.
class line_reader {
 public:
  explicit line_reader(int fd) : fd_(fd) {}
  // The next line (without '\n'), or nullopt at EOF or past `deadline`.
  std::optional<std::string> next(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      if (auto nl = buf_.find('\n'); nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return std::nullopt;
      char chunk[4096];
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  // Bytes already read past the last line (the child's epoll loop takes
  // over the pipe after the start line).
  bool has_pending() const { return !buf_.empty(); }

 private:
  int fd_;
  std::string buf_;
};

// ---------------------------------------------------------------- client

// One arrival: which subscriber, which frame (its id: the event's seq), when.
struct arrival {
  std::uint32_t sub;
  std::uint32_t seq;
  std::int64_t at_ns;
};

enum class conn_state : std::uint8_t { idle, connecting, awaiting_head, replaying, live, ended, failed };

// Per subscriber: a descriptor, a state, and the bytes of a frame cut in
// two by a read (usually empty).
struct conn {
  int fd = -1;
  conn_state state = conn_state::idle;
  std::uint8_t tries = 0;
  std::string carry;
};

class client_run {
 public:
  client_run(std::size_t n, unsigned short port, std::string token, std::string scan_id, int from_parent,
             int to_parent)
      : conns_(n), from_parent_(from_parent), to_parent_(to_parent) {
    request_ = "GET /api/scans/" + scan_id + "/progress/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
               "Authorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n";
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(port);
    addr_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (std::size_t i = 0; i < n; ++i) waiting_.push_back(static_cast<std::uint32_t>(i));
  }

  int run(const std::string& records_path, std::size_t events) {
    epoll_ = epoll_create1(0);
    if (epoll_ < 0) return fail_with("epoll_create1");
    add(from_parent_, EPOLLIN, kParentTag);
    arrivals_.reserve(conns_.size() * (events + 2));
    const std::int64_t began = now_ns();
    auto deadline = std::chrono::steady_clock::now() + kConnectDeadline;
    bool reported_ready = false, going = false, busy = false;
    std::vector<epoll_event> ready(1024);
    while (ended_ + failed_ < conns_.size()) {
      while (in_setup_ < kConnectWindow && !waiting_.empty()) open_next();
      if (!reported_ready && replayed_ + failed_ >= conns_.size()) {
        reported_ready = true;
        deadline = std::chrono::steady_clock::now() + kGoDeadline;
        char line[128];
        std::snprintf(line, sizeof line, "ready %zu %zu %.1f\n", replayed_, failed_, ms(now_ns() - began));
        if (!write_line(to_parent_, line)) return fail_with("report to the parent");
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      int timeout = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count());
      // While frames flow, poll every kPollTick instead of sleeping in
      // epoll_wait: each frame that finds this thread asleep makes the
      // server's send wake it, a cost 10,000 remote clients would not put
      // on the server. Blocks again once a tick finds nothing.
      int got = epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), 0);
      if (got == 0 && !busy) got = epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), std::min(timeout, 100));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return fail_with("epoll_wait");
      busy = got > 0;
      if (busy && static_cast<std::size_t>(got) < ready.size()) std::this_thread::sleep_for(kPollTick);
      for (int i = 0; i < got; ++i) {
        std::uint64_t tag = ready[static_cast<std::size_t>(i)].data.u64;
        if (tag == kParentTag) {
          char cmd[64];
          ssize_t r = ::read(from_parent_, cmd, sizeof cmd);
          if (r <= 0 || std::string_view(cmd, static_cast<std::size_t>(r)).find("stop") != std::string_view::npos) {
            deadline = std::chrono::steady_clock::now();  // the parent gave up (or died)
          } else if (!going) {
            going = true;  // "go": the appends begin
            cpu_at_go_ = cpu_ms();
            deadline = std::chrono::steady_clock::now() + kDeliverDeadline;
          }
          continue;
        }
        on_ready(static_cast<std::uint32_t>(tag), ready[static_cast<std::size_t>(i)].events);
      }
    }
    if (!reported_ready) {
      char line[128];
      std::snprintf(line, sizeof line, "ready %zu %zu %.1f\n", replayed_, failed_ + (conns_.size() - replayed_ - failed_ - ended_),
                    ms(now_ns() - began));
      write_line(to_parent_, line);
    }
    for (auto& c : conns_) {
      if (c.fd >= 0) ::close(c.fd);
    }
    std::FILE* out = std::fopen(records_path.c_str(), "wb");
    if (!out) return fail_with("open " + records_path);
    std::fwrite(arrivals_.data(), sizeof(arrival), arrivals_.size(), out);
    std::fclose(out);
    char line[160];
    std::snprintf(line, sizeof line, "done %zu %zu %zu %.0f\n", arrivals_.size(), ended_, failed_,
                  going ? cpu_ms() - cpu_at_go_ : 0.0);
    write_line(to_parent_, line);
    return 0;
  }

 private:
  static constexpr std::uint64_t kParentTag = ~std::uint64_t{0};

  int fail_with(const std::string& what) {
    std::fprintf(stderr, "sse_fanout client: %s: %s\n", what.c_str(), std::strerror(errno));
    return 1;
  }

  void add(int fd, std::uint32_t events, std::uint64_t tag) {
    epoll_event e{};
    e.events = events;
    e.data.u64 = tag;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &e);
  }

  void open_next() {
    std::uint32_t i = waiting_.front();
    waiting_.pop_front();
    conn& c = conns_[i];
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return retry(i);
    int r = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_);
    if (r < 0 && errno != EINPROGRESS) return retry(i);
    c.state = conn_state::connecting;
    ++in_setup_;
    add(c.fd, EPOLLOUT | EPOLLIN, i);
  }

  // Closes a connection that failed while being set up and queues it again,
  // up to kConnectTries.
  void retry(std::uint32_t i) {
    conn& c = conns_[i];
    if (c.state == conn_state::connecting || c.state == conn_state::awaiting_head ||
        c.state == conn_state::replaying) {
      --in_setup_;
    }
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    c.carry.clear();
    if (c.state == conn_state::live || ++c.tries >= kConnectTries) {
      c.state = conn_state::failed;
      ++failed_;
      return;
    }
    c.state = conn_state::idle;
    waiting_.push_back(i);
  }

  void on_ready(std::uint32_t i, std::uint32_t events) {
    conn& c = conns_[i];
    if (c.state == conn_state::connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return retry(i);
      // The request is ~200 bytes: one write into an empty socket buffer.
      if (::send(c.fd, request_.data(), request_.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request_.size())) {
        return retry(i);
      }
      c.state = conn_state::awaiting_head;
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &e);
      return;
    }
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    for (;;) {
      ssize_t n = ::recv(c.fd, buf_, sizeof buf_, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) return closed(i);
      const std::int64_t at = now_ns();
      c.carry.append(buf_, static_cast<std::size_t>(n));
      if (!consume(i, at)) return;
      // A short read drained the socket: epoll (level-triggered) reports
      // the next bytes; another recv() would only say EAGAIN.
      if (static_cast<std::size_t>(n) < sizeof buf_) return;
    }
  }

  // The server closed the connection (after scan_complete, or cutting us
  // off), or it failed.
  void closed(std::uint32_t i) {
    conn& c = conns_[i];
    if (c.state == conn_state::ended) {
      ::close(c.fd);
      c.fd = -1;
      return;
    }
    retry(i);
  }

  // Takes the complete frames (and the response head) off c.carry. False
  // when the connection was given up.
  bool consume(std::uint32_t i, std::int64_t at) {
    conn& c = conns_[i];
    std::size_t pos = 0;
    if (c.state == conn_state::awaiting_head) {
      auto end = c.carry.find("\r\n\r\n");
      if (end == std::string::npos) return true;
      if (c.carry.compare(0, 12, "HTTP/1.1 200") != 0) {
        retry(i);  // 503 (set-up queue full) or worse
        return false;
      }
      c.state = conn_state::replaying;
      pos = end + 4;
    }
    for (;;) {
      auto end = c.carry.find("\n\n", pos);
      if (end == std::string::npos) break;
      std::string_view frame(c.carry.data() + pos, end - pos);
      pos = end + 2;
      if (frame.rfind("id: ", 0) != 0) continue;  // ": keepalive"
      std::uint32_t seq = static_cast<std::uint32_t>(std::strtoul(frame.data() + 4, nullptr, 10));
      arrivals_.push_back({i, seq, at});
      if (c.state == conn_state::replaying) {
        c.state = conn_state::live;
        --in_setup_;
        ++replayed_;
      }
      if (frame.find("\nevent: scan_complete\n") != std::string_view::npos ||
          frame.find("\nevent: error\n") != std::string_view::npos) {
        c.state = conn_state::ended;
        ++ended_;
      }
    }
    c.carry.erase(0, pos);
    if (c.carry.capacity() > 4096 && c.carry.size() < 1024) c.carry.shrink_to_fit();
    return true;
  }

  std::vector<conn> conns_;
  std::deque<std::uint32_t> waiting_;
  std::vector<arrival> arrivals_;
  std::string request_;
  sockaddr_in addr_{};
  int from_parent_, to_parent_;
  int epoll_ = -1;
  std::size_t in_setup_ = 0, replayed_ = 0, ended_ = 0, failed_ = 0;
  double cpu_at_go_ = 0;
  char buf_[16384];
};

// The child: waits for "start PORT TOKEN SCAN_ID RECORDS_PATH", then runs.
int run_child(const options& opt, int from_parent, int to_parent) {
  raise_file_limit();
  // The client shares the 2 cores with the server. Woken at its normal
  // priority by every frame, it preempts the io threads mid-fan-out
  // (~50,000 times in 150,000 frames); as a batch task it does not preempt
  // on wakeup and reads what has arrived when the server yields. Frames wait
  // in the socket buffers meanwhile, and that wait counts in the latency.
  sched_param batch{};
  sched_setscheduler(0, SCHED_BATCH, &batch);
  line_reader lines(from_parent);
  auto start = lines.next(std::chrono::steady_clock::now() + kStartDeadline);
  if (!start || start->rfind("start ", 0) != 0) return 1;
  std::istringstream in(start->substr(6));
  unsigned port = 0;
  std::string token, scan_id, records;
  in >> port >> token >> scan_id >> records;
  if (!in || lines.has_pending()) return 1;
  client_run run(opt.subscribers, static_cast<unsigned short>(port), token, scan_id, from_parent, to_parent);
  return run.run(records, opt.events);
}

// ---------------------------------------------------------------- server

struct stats {
  double p50 = 0, p99 = 0, max = 0;
};

stats summarize(std::vector<double>& v) {
  stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))]; };
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.max = v.back();
  return s;
}

// The parent's side: everything but the child. Returns the exit code.
int run_parent(const options& opt, int to_child, int from_child) {
  raise_file_limit();
  if (file_limit() < opt.subscribers + 512) {
    std::fprintf(stderr, "sse_fanout: RLIMIT_NOFILE %zu is too low for %zu subscribers\n", file_limit(), opt.subscribers);
    return 2;
  }
  const fs::path dir = opt.dir.empty() ? fs::temp_directory_path() / ("sse_fanout-" + std::to_string(getpid())) : fs::path(opt.dir);
  fs::remove_all(dir);
  fs::create_directories(dir / "workspaces");
  auto opened = event_log::open((dir / "log").string());
  if (!opened) {
    std::fprintf(stderr, "sse_fanout: %s\n", opened.error().to_string().c_str());
    return 2;
  }
  std::unique_ptr<event_log> log = std::move(opened).value();
  actors::scan_service_options scan_options;
  scan_options.rules_dir = HEIMDALL_RULES_DIR;
  scan_options.settings.workspaces_dir = dir / "workspaces";
  scan_options.max_concurrent_scans = 1;
  auto scans = actors::scan_service::start(*log, scan_options);
  if (!scans) {
    std::fprintf(stderr, "sse_fanout: %s\n", scans.error().to_string().c_str());
    return 2;
  }
  std::unique_ptr<actors::scan_service> service = std::move(scans).value();
  http::api_stack_options stack_options;  // as heimdall serve has it
  stack_options.api.master_key_file = dir / "secret.key";
  stack_options.server.host = "127.0.0.1";
  stack_options.server.port = 0;
  stack_options.server.max_connections = opt.subscribers + 64;
  const int io_threads = stack_options.server.io_threads;
  auto started = http::api_stack::start(*log, *service, std::move(stack_options));
  if (!started) {
    std::fprintf(stderr, "sse_fanout: %s\n", started.error().to_string().c_str());
    return 2;
  }
  std::unique_ptr<http::api_stack> server = std::move(started).value();
  const http::api_metrics& metrics = server->metrics();

  auto user = actors::register_user(*log, "bench@heimdall.local", actors::random_password(), "member");
  if (!user) return std::fprintf(stderr, "sse_fanout: %s\n", user.error().to_string().c_str()), 2;
  auto token = actors::issue_token(*log, user->id, std::chrono::hours(1));
  if (!token) return std::fprintf(stderr, "sse_fanout: %s\n", token.error().to_string().c_str()), 2;
  auto repo = actors::register_repo(*log, user->id, "bench/app", "https://127.0.0.1/bench/app.git", std::nullopt);
  if (!repo) return std::fprintf(stderr, "sse_fanout: %s\n", repo.error().to_string().c_str()), 2;
  test::scripted_scan scan(*log, repo->id, user->id);

  const std::uint64_t rss_before = rss_kib();
  const std::uint64_t tcp_before = tcp_mem_pages();
  const std::string records = (dir / "arrivals.bin").string();
  std::printf("stack: 127.0.0.1:%u, %d io threads, scan %s; RSS before subscribers %.1f MiB\n",
              static_cast<unsigned>(server->port()), io_threads, scan.id.c_str(), rss_before / 1024.0);
  std::fflush(stdout);
  if (!write_line(to_child, "start " + std::to_string(server->port()) + " " + token->token + " " + scan.id + " " +
                                records + "\n")) {
    std::fprintf(stderr, "sse_fanout: the client is gone\n");
    return 1;
  }
  line_reader from(from_child);
  auto ready = from.next(std::chrono::steady_clock::now() + kConnectDeadline + std::chrono::seconds(5));
  std::size_t connected = 0, refused = 0;
  double connect_ms = 0;
  if (!ready || std::sscanf(ready->c_str(), "ready %zu %zu %lf", &connected, &refused, &connect_ms) != 3) {
    std::fprintf(stderr, "sse_fanout: the client did not report its connections\n");
    write_line(to_child, "stop\n");
    return 1;
  }
  // The hub's watches are taken after the replay the client has seen; wait
  // for all of them, then let the server go idle.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server->hub().watchers() < connected && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double cpu_before_settle = cpu_ms();
  std::this_thread::sleep_for(kSettle);
  const double idle_cpu = cpu_ms() - cpu_before_settle;
  const std::uint64_t rss_after = rss_kib();
  const std::uint64_t tcp_after = tcp_mem_pages();
  const std::size_t watchers = server->hub().watchers();
  const double kib_per_sub = connected ? static_cast<double>(rss_after - rss_before) / static_cast<double>(connected) : 0;
  std::printf("connect: %zu of %zu subscribers streaming in %.0f ms (%zu gave up), hub watchers %zu, open streams %" PRId64 "\n",
              connected, opt.subscribers, connect_ms, refused, watchers, metrics.open_streams());
  std::printf("memory: RSS %.1f MiB before, %.1f MiB with %zu idle subscribers: %.1f KiB each\n", rss_before / 1024.0,
              rss_after / 1024.0, connected, kib_per_sub);
  std::printf("idle: the server used %.0f ms of CPU in %.0f ms with every subscriber connected\n", idle_cpu,
              static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(kSettle).count()));
  std::printf("kernel TCP buffers (both ends, not in RSS): %.1f MiB before, %.1f MiB idle\n", tcp_before * 4 / 1024.0,
              tcp_after * 4 / 1024.0);
  std::fflush(stdout);

  // The live part: E events, one every interval.
  write_line(to_child, "go\n");
  const double cpu_at_go = cpu_ms(), kernel_cpu_at_go = cpu_ms(/*kernel_only=*/true);
  const bench::cpu_sample machine_at_go = bench::sample_cpu();
  std::map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> appended;  // seq -> (before append, returned)
  const char* severities[] = {"critical", "high", "medium", "low"};
  const std::int64_t t0 = now_ns();
  for (std::size_t i = 0; i < opt.events; ++i) {
    const std::int64_t due = t0 + static_cast<std::int64_t>(i) * opt.interval_ms * 1000000;
    while (now_ns() < due) std::this_thread::sleep_for(std::chrono::microseconds(200));
    std::int64_t before = now_ns();
    std::uint64_t seq;
    if (i + 1 == opt.events) {
      seq = scan.append(actors::completed_event({}));
    } else if (i == 0) {
      seq = scan.append(actors::status_event("running"));
    } else if (i % 8 == 1) {
      seq = scan.append(actors::stage_event(actors::kStages[(i / 8) % actors::kStages.size()], "running"));
    } else {
      seq = scan.finding(severities[i % 4]);
    }
    appended[seq] = {before, now_ns()};
  }
  const double append_span_ms = ms(now_ns() - t0);
  auto done = from.next(std::chrono::steady_clock::now() + kDeliverDeadline + std::chrono::seconds(5));
  const double server_cpu = cpu_ms() - cpu_at_go, server_kernel_cpu = cpu_ms(/*kernel_only=*/true) - kernel_cpu_at_go;
  const bench::cpu_sample machine_at_done = bench::sample_cpu();
  std::size_t records_n = 0, ended = 0, failed = 0;
  double client_cpu = 0;
  if (!done || std::sscanf(done->c_str(), "done %zu %zu %zu %lf", &records_n, &ended, &failed, &client_cpu) != 4) {
    std::fprintf(stderr, "sse_fanout: the client did not report its deliveries\n");
    write_line(to_child, "stop\n");
    return 1;
  }

  // Deliveries.
  std::vector<arrival> arrivals(records_n);
  if (std::FILE* in = std::fopen(records.c_str(), "rb")) {
    arrivals.resize(std::fread(arrivals.data(), sizeof(arrival), records_n, in));
    std::fclose(in);
  }
  std::vector<double> from_call, from_ack;
  from_call.reserve(arrivals.size());
  from_ack.reserve(arrivals.size());
  std::vector<std::uint32_t> per_sub(opt.subscribers, 0);
  std::vector<std::uint32_t> last_seq(opt.subscribers, 0);
  std::size_t out_of_order = 0, replayed = 0;
  std::map<std::uint64_t, std::int64_t> last_arrival;  // seq -> the latest subscriber's arrival
  std::map<std::uint64_t, std::vector<double>> by_event;  // seq -> every latency (--per-event)
  for (const arrival& a : arrivals) {
    if (a.seq <= last_seq[a.sub]) ++out_of_order;
    last_seq[a.sub] = a.seq;
    auto it = appended.find(a.seq);
    if (it == appended.end()) {
      ++replayed;
      continue;
    }
    ++per_sub[a.sub];
    from_call.push_back(ms(a.at_ns - it->second.first));
    if (opt.per_event) by_event[a.seq].push_back(from_call.back());
    from_ack.push_back(ms(a.at_ns - it->second.second));
    auto& latest = last_arrival[a.seq];
    latest = std::max(latest, a.at_ns);
  }
  const std::size_t delivered = from_call.size();
  const std::size_t expected = opt.subscribers * opt.events;
  const std::size_t complete = static_cast<std::size_t>(
      std::count(per_sub.begin(), per_sub.end(), static_cast<std::uint32_t>(opt.events)));
  std::vector<double> append_ms, fan_ms;
  for (const auto& [seq, t] : appended) {
    append_ms.push_back(ms(t.second - t.first));
    if (auto it = last_arrival.find(seq); it != last_arrival.end()) fan_ms.push_back(ms(it->second - t.first));
  }
  stats call = summarize(from_call), ack = summarize(from_ack), app = summarize(append_ms), fan = summarize(fan_ms);
  std::printf("events: %zu appended over %.0f ms (every %d ms); append() p50 %.2f / p99 %.2f / max %.2f ms\n",
              opt.events, append_span_ms, opt.interval_ms, app.p50, app.p99, app.max);
  std::printf("delivered: %zu/%zu live frames (+%zu replayed), %zu/%zu subscribers got every event, %zu ended, %zu failed, %zu out of order\n",
              delivered, expected, replayed, complete, opt.subscribers, ended, failed, out_of_order);
  std::printf("latency from append call: p50 %.2f / p99 %.2f / max %.2f ms\n", call.p50, call.p99, call.max);
  std::printf("latency from append return: p50 %.2f / p99 %.2f / max %.2f ms\n", ack.p50, ack.p99, ack.max);
  std::printf("cpu from the first append to the last frame: server %.0f ms (%.2f us per frame, %.0f%% in the kernel), "
              "client %.0f ms (%.2f us per frame), others_cpu_cores=%.2f (other processes on the machine meanwhile)\n",
              server_cpu, delivered ? server_cpu * 1e3 / static_cast<double>(delivered) : 0.0,
              server_cpu > 0 ? 100.0 * server_kernel_cpu / server_cpu : 0.0, client_cpu,
              delivered ? client_cpu * 1e3 / static_cast<double>(delivered) : 0.0,
              bench::others_cores(machine_at_go, machine_at_done, client_cpu / 1e3));
  std::printf("per event, append call to its last subscriber: p50 %.2f / p99 %.2f / max %.2f ms\n", fan.p50, fan.p99, fan.max);
  std::size_t event_index = 0;
  for (auto& [seq, latencies] : by_event) {
    const double appended_at = ms(appended[seq].first - t0);
    stats e = summarize(latencies);
    std::printf("event %zu (seq %" PRIu64 ", appended at %.0f ms): p50 %.2f / p99 %.2f / max %.2f ms over %zu\n",
                event_index++, seq, appended_at, e.p50, e.p99, e.max, latencies.size());
  }
  std::fflush(stdout);

  server.reset();
  service.reset();
  log.reset();
  if (opt.dir.empty()) fs::remove_all(dir);
  std::printf("subscribers=%zu p99_ms=%.2f kib_per_sub=%.1f\n", complete, call.p99, kib_per_sub);
  return complete == opt.subscribers ? 0 : 1;
}

// Waits up to `limit` for the child to exit, then kills it; always reaps.
void reap(pid_t child, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    pid_t r = waitpid(child, &status, WNOHANG);
    if (r == child || (r < 0 && errno != EINTR)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
}

std::optional<std::size_t> positive(const char* text) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (!text[0] || *end || v == 0) return std::nullopt;
  return static_cast<std::size_t>(v);
}

int usage() {
  std::fprintf(stderr, "usage: sse_fanout [--subscribers N] [--events E] [--interval-ms T] [--dir DIR] [--per-event]\n");
  return 2;
}

// The TCP sockets in TIME_WAIT on this machine (/proc/net/sockstat), or -1.
long time_wait_sockets() {
  std::ifstream in("/proc/net/sockstat");
  std::string word;
  while (in >> word) {
    if (word == "tw") {
      long n = -1;
      in >> n;
      return n;
    }
  }
  return -1;
}

// A previous run leaves two sockets per subscriber in TIME_WAIT for 60 s;
// they crowd the table every packet is looked up in, and a run started among
// 40,000 of them measured 2-4 times the p99 of one started without. So a
// run waits (at most kTimeWaitDeadline) until fewer than a tenth of its own
// count are left, and says so.
void wait_for_time_wait_to_clear(std::size_t subscribers) {
  const long limit = static_cast<long>(subscribers / 10);
  long n = time_wait_sockets();
  if (n <= limit) return;
  std::printf("waiting for %ld TIME_WAIT sockets (a previous run's) to expire\n", n);
  std::fflush(stdout);
  auto deadline = std::chrono::steady_clock::now() + kTimeWaitDeadline;
  while ((n = time_wait_sockets()) > limit && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (n > limit) std::printf("still %ld TIME_WAIT sockets: the latency may read high\n", n);
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--per-event") {
      opt.per_event = true;
      continue;
    }
    if (i + 1 >= argc) return usage();
    auto v = positive(argv[++i]);
    if (a == "--dir") {
      opt.dir = argv[i];
      continue;
    }
    if (!v) return usage();
    if (a == "--subscribers") opt.subscribers = *v;
    else if (a == "--events" && *v >= 2) opt.events = *v;
    else if (a == "--interval-ms") opt.interval_ms = static_cast<int>(*v);
    else return usage();
  }

  wait_for_time_wait_to_clear(opt.subscribers);

  // The client is forked before any thread exists (RocksDB, CAF, the io
  // threads): a child of a threaded process may only call async-signal-safe
  // functions, and the client is ordinary code.
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) {
    std::perror("sse_fanout: pipe");
    return 2;
  }
  std::fflush(stdout);
  pid_t child = fork();
  if (child < 0) {
    std::perror("sse_fanout: fork");
    return 2;
  }
  if (child == 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    std::fflush(stdout);
    _exit(run_child(opt, to_child[0], from_child[1]));
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  signal(SIGPIPE, SIG_IGN);
  int rc = 2;
  try {
    rc = run_parent(opt, to_child[1], from_child[0]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sse_fanout: %s\n", e.what());
  }
  write_line(to_child[1], "stop\n");
  ::close(to_child[1]);
  reap(child, std::chrono::seconds(5));
  return rc;
}
