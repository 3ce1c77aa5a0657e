// `heimdall user add EMAIL`: creates a user in the event log and prints an
// API token for it, the token alone on the last line of stdout (so scripts
// can take `tail -n 1`). Needs the log exclusively: run it while the server
// is stopped (the server creates the first admin itself).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "actors/users.h"
#include "store/event_log.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace heimdall::tools {
namespace {

constexpr const char* kUsage =
    "usage: heimdall user add EMAIL [--data DIR] [--role admin|member] [--password-stdin] [--ttl-days N]\n"
    "\n"
    "Creates a user in the event log in DIR (default ./data; created when missing)\n"
    "and prints an API token for it as the last line of stdout. Run it while the\n"
    "server is stopped.\n"
    "\n"
    "options:\n"
    "  --data DIR         the data directory (default ./data)\n"
    "  --role ROLE        admin or member (default member)\n"
    "  --password-stdin   read the password from stdin (one trailing newline is\n"
    "                     dropped); without it a random password is generated\n"
    "                     and printed\n"
    "  --ttl-days N       the token's lifetime in days, 1-3650 (default 90)\n"
    "  --help             show this help\n";

constexpr std::uint64_t kDefaultTtlDays = 90;

int fail(const std::string& message) {
  std::fprintf(stderr, "heimdall user: %s\n", message.c_str());
  return 2;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "heimdall user: %s\n%s", message.c_str(), kUsage);
  return 2;
}

int run_add(const args& a) {
  if (a.positional().size() != 2) return usage_error("user add takes one EMAIL");
  const std::string email = a.positional()[1];
  const std::string role = a.get_or("--role", "member");
  auto days = parse_u64(a.get_or("--ttl-days", std::to_string(kDefaultTtlDays)));
  if (!days || *days < 1 || *days > 3650) return usage_error("--ttl-days takes a whole number from 1 to 3650");

  std::string password;
  bool generated = !a.has("--password-stdin");
  if (generated) {
    password = actors::random_password();
  } else {
    password.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (!password.empty() && password.back() == '\n') password.pop_back();
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) return fail("no password on stdin");
  }

  auto opened = event_log::open(a.get_or("--data", "./data"));
  if (!opened) return fail(opened.error().to_string());
  std::unique_ptr<event_log> log = std::move(opened).value();
  auto user = actors::register_user(*log, email, password, role);
  if (!user) {
    if (user.error().code() == errc::conflict) return fail("email '" + email + "' is already registered");
    return fail(user.error().message());
  }
  auto token = actors::issue_token(*log, user->id, std::chrono::hours(24 * *days));
  if (!token) return fail("user " + user->id + " was created, but no token was issued: " + token.error().to_string());
  std::printf("created %s user %s (%s)\n", user->role.c_str(), user->email.c_str(), user->id.c_str());
  if (generated) std::printf("password: %s\n", password.c_str());
  std::printf("token (expires %s):\n%s\n", token->expires_at.c_str(), token->token.c_str());
  return 0;
}

}  // namespace

int run_user(const std::vector<std::string>& words) {
  args a({"--data", "--role", "--ttl-days"}, {"--password-stdin", "--help"});
  if (auto err = a.parse(words)) return usage_error(*err);
  if (a.has("--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (a.positional().empty() || a.positional()[0] != "add") {
    return usage_error(a.positional().empty() ? "a command is needed" : "unknown command '" + a.positional()[0] + "'");
  }
  return run_add(a);
}

}  // namespace heimdall::tools
