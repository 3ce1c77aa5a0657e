// heimdall serve: opens the event log and serves the HTTP API until SIGINT or
// SIGTERM, then stops accepting, finishes the requests in flight and closes
// the log (destroying it writes everything queued).
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/scan_service.h"
#include "actors/users.h"
#include "http/api.h"
#include "http/api_stack.h"
#include "store/event_log.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/scan_options.h"

namespace heimdall::tools {
namespace {

const std::string kUsage = std::string(
    "usage: heimdall serve [--data DIR] [--listen HOST:PORT] [options]\n"
    "\n"
    "Serves the HTTP API over the event log in DIR and runs its scans until\n"
    "SIGINT or SIGTERM. Scans a previous run left unfinished are resumed.\n"
    "\n"
    "options:\n"
    "  --data DIR          the data directory (default ./data): the event log,\n"
    "                      and scan workspaces in DIR/workspaces\n"
    "  --listen HOST:PORT  the address to serve on (default 127.0.0.1:8080);\n"
    "                      PORT 0 picks a free port; an IPv6 HOST goes in [ ]\n"
    "  --keepalive-ms N    a progress stream's ': keepalive' after N ms of\n"
    "                      silence (default 15000)\n"
    "\n"
    "On the first start with no users, an admin user (admin@heimdall.local) is\n"
    "created and its API token printed once on stdout.\n") +
    kScanOptionsHelp + "  --help              show this help\n";

struct listen_address {
  std::string host;
  unsigned short port = 0;
};

std::optional<listen_address> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto port = parse_u64(text.substr(colon + 1));
  if (host.empty() || !port || *port > 65535) return std::nullopt;
  return listen_address{host, static_cast<unsigned short>(*port)};
}

std::string url_host(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

// On a log with no users, creates admin@heimdall.local with a random password and
// prints an API token for it once: the only way in on a fresh install.
status bootstrap_admin(event_log& log) {
  auto users = actors::count_users(log);
  if (!users) return users.error();
  if (users.value() > 0) return status::ok();
  // Nobody is told this password: the token is the way in.
  auto admin = actors::register_user(log, "admin@heimdall.local", actors::random_password(), "admin");
  if (!admin) return admin.error();
  auto token = actors::issue_token(log, admin->id, std::chrono::hours(24 * 365));
  if (!token) return token.error();
  std::printf("heimdall: created the admin user admin@heimdall.local; its API token (shown once):\n%s\n",
              token->token.c_str());
  std::fflush(stdout);
  return status::ok();
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "heimdall: %s\n%s", message.c_str(), kUsage.c_str());
  return 2;
}

}  // namespace

int run_serve(const std::vector<std::string>& words) {
  auto valued = scan_option_names();
  valued.insert({"--data", "--listen", "--keepalive-ms"});
  args a(valued, {"--help"});
  if (auto err = a.parse(words)) return usage_error(*err);
  if (a.has("--help")) {
    std::fputs(kUsage.c_str(), stdout);
    return 0;
  }
  if (!a.positional().empty()) {
    return usage_error("unexpected argument '" + a.positional()[0] + "'");
  }
  const std::string dir = a.get_or("--data", "./data");
  const std::string listen_text = a.get_or("--listen", "127.0.0.1:8080");
  auto listen = parse_listen(listen_text);
  if (!listen) {
    return usage_error("--listen expects HOST:PORT with PORT in 0-65535, not '" + listen_text +
                       "'");
  }
  actors::scan_service_options scan_options;
  if (auto err = parse_scan_options(a, dir, scan_options)) return usage_error(*err);
  http::api_options api_options;
  api_options.allowed_roots = scan_options.settings.allowed_roots;
  api_options.master_key_file = std::filesystem::path(dir) / "secret.key";
  if (auto text = a.get("--keepalive-ms")) {
    auto ms = parse_u64(*text);
    if (!ms || *ms == 0) return usage_error("--keepalive-ms takes a positive whole number, not '" + *text + "'");
    api_options.keepalive_after = std::chrono::milliseconds(*ms);
  }

  // Blocked before the log and the server start their threads, which inherit
  // the mask: the signals then wait for sigwait() below instead of landing
  // on an arbitrary thread, and shutting down runs as ordinary code.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // fails only for a bad `how`

  // Each connection is a descriptor and RocksDB keeps its files open: the
  // usual soft limit of 1024 is below the connection cap alone.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  auto opened = event_log::open(dir);
  if (!opened) {
    std::fprintf(stderr, "heimdall: %s\n", opened.error().to_string().c_str());
    return 2;
  }
  std::unique_ptr<event_log> log = std::move(opened).value();
  auto scans = actors::scan_service::start(*log, scan_options);
  if (!scans) {
    std::fprintf(stderr, "heimdall: %s\n", scans.error().to_string().c_str());
    return 2;
  }
  std::unique_ptr<actors::scan_service> scan_service = std::move(scans).value();
  const auto& recovered = scan_service->recovered();
  if (!recovered.requeued.empty() || !recovered.resumed.empty()) {
    std::fprintf(stderr, "heimdall: recovering %zu queued and %zu interrupted scans\n", recovered.requeued.size(),
                 recovered.resumed.size());
  }

  if (auto admin = bootstrap_admin(*log); !admin.is_ok()) {
    std::fprintf(stderr, "heimdall: creating the first user: %s\n", admin.to_string().c_str());
    return 2;
  }
  http::api_stack_options stack_options;
  stack_options.server.host = listen->host;
  stack_options.server.port = listen->port;
  stack_options.api = api_options;
  auto started = http::api_stack::start(*log, *scan_service, std::move(stack_options));
  if (!started) {
    std::fprintf(stderr, "heimdall: %s\n", started.error().to_string().c_str());
    return 2;
  }
  std::unique_ptr<http::api_stack> server = std::move(started).value();
  std::fprintf(stderr, "heimdall: serving on http://%s:%u (data: %s, log at seq %llu)\n",
               url_host(listen->host).c_str(), static_cast<unsigned>(server->port()), dir.c_str(),
               static_cast<unsigned long long>(log->last_seq()));

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);  // fails only for an invalid signal in the set
  std::fprintf(stderr, "heimdall: %s received: finishing requests in flight and closing the log\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  // The HTTP side stops first (finishing its requests and ending the
  // progress streams, see api_stack.h): it reads the log.
  server.reset();
  scan_service.reset();  // interrupted scans resume on the next start
  log.reset();
  return 0;
}

}  // namespace heimdall::tools
