// api_context: what every route file of the API shares: the dependencies,
// who is calling (bearer token or session cookie, with the CSRF check for
// cookies), ownership lookups that answer 404 for another user's objects,
// and the mapping of errors to HTTP statuses. Internal to http/.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include "actors/repos.h"
#include "actors/users.h"
#include "http/api.h"
#include "http/router.h"
#include "store/scan_record.h"

namespace heimdall::http {

inline constexpr const char* kSessionCookie = "heimdall_session";
inline constexpr const char* kCsrfCookie = "heimdall_csrf";
inline constexpr const char* kCsrfHeader = "x-csrf-token";

// errc -> HTTP status: not_found 404, invalid_argument 400, conflict 409,
// read_only / closed 503, the rest 500; the body names the reason.
response error_from(const status& s);

// A cookie's value from the Cookie header, nullopt when absent.
std::optional<std::string> cookie_value(const request& req, std::string_view name);

struct caller {
  actors::user_info user;
  bool by_cookie = false;
};

// A decimal number of at most `max_digits` digits, nothing else.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::size_t max_digits);

// {"success":true,"data":[envelope...]}: events as stored, for audit.
response events_response(const std::vector<event>& events);

// page and per_page from the query (defaults 1 and 20, per_page at most
// 100), or the 400 response.
struct paging {
  std::uint64_t page = 1, per_page = 20;
};
std::variant<paging, response> read_paging(const request& req);
// {"success":true,"data":[items...],"meta":{"page","per_page","total"}}
response page_response(const std::vector<std::string>& items_json, const paging& p, std::uint64_t total);

class api_context {
 public:
  explicit api_context(api_deps d) : deps(std::move(d)) {}

  api_deps deps;

  // The calling user, or the 401 (no or bad credentials) or 403 (cookie
  // without its CSRF token on a POST, PATCH or DELETE) response.
  std::variant<caller, response> authenticate(const request& req) const;

  // Counts an attempt from `peer`; false past the per-minute allowance.
  bool allow_auth_attempt(const std::string& peer);

  // The object, when it exists and belongs to `user`; not_found otherwise.
  result<actors::repo_info> owned_repo(const std::string& repo_id, const actors::user_info& user) const;
  result<scan_record> owned_scan(const std::string& scan_id, const actors::user_info& user) const;
  result<std::string> owned_finding(const std::string& finding_id, const actors::user_info& user) const;

 private:
  std::mutex attempts_mu_;
  struct window {
    std::chrono::steady_clock::time_point start;
    int count = 0;
  };
  std::unordered_map<std::string, window> attempts_;  // guarded by attempts_mu_
};

using authed_fn = std::function<response(const request&, const path_params&, const caller&)>;
// Authenticates, then calls `f`; answers 401/403 itself.
answer_fn authed(const api_context& ctx, authed_fn f);

void add_auth_routes(router& r, api_context& ctx);
void add_repo_routes(router& r, api_context& ctx);
void add_scan_routes(router& r, api_context& ctx);
void add_finding_routes(router& r, api_context& ctx);
void add_progress_stream(router& r, api_context& ctx);

}  // namespace heimdall::http
