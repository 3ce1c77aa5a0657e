#include "http/api_context.h"

#include "actors/findings.h"
#include "actors/scan_service.h"
#include "base/json_writer.h"
#include "http/metrics.h"
#include "store/event_codec.h"

namespace heimdall::http {
namespace {

bool unsafe_method(const std::string& m) { return m == "POST" || m == "PATCH" || m == "DELETE" || m == "PUT"; }

// Constant-time comparison: the CSRF token is a secret of the session.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

response events_response(const std::vector<event>& events) {
  json_writer w;
  w.begin_array();
  for (const event& e : events) w.raw(encode_envelope(e));
  w.end_array();
  return data_response(w.take());
}

response error_from(const status& s) {
  switch (s.code()) {
    case errc::not_found: return error_response(404, s.message());
    case errc::invalid_argument: return error_response(400, s.message());
    case errc::conflict: return error_response(409, s.message());
    case errc::read_only:
    case errc::closed: return error_response(503, "Service unavailable: " + s.message());
    default: return error_response(500, s.message());
  }
}

std::optional<std::string> cookie_value(const request& req, std::string_view name) {
  auto header = req.header("cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    std::size_t semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

std::variant<paging, response> read_paging(const request& req) {
  paging p;
  if (auto page = query_value(req, "page")) {
    auto n = parse_decimal(*page, 9);
    if (!n || *n < 1) return error_response(400, "page must be a whole number from 1, not '" + *page + "'");
    p.page = *n;
  }
  if (auto per = query_value(req, "per_page")) {
    auto n = parse_decimal(*per, 9);
    if (!n || *n < 1 || *n > 100) return error_response(400, "per_page must be a whole number from 1 to 100, not '" + *per + "'");
    p.per_page = *n;
  }
  return p;
}

response page_response(const std::vector<std::string>& items_json, const paging& p, std::uint64_t total) {
  json_writer w;
  w.begin_object();
  w.key("success").value(true);
  w.key("data").begin_array();
  for (const auto& item : items_json) w.raw(item);
  w.end_array();
  w.key("meta").begin_object();
  w.key("page").value(p.page).key("per_page").value(p.per_page).key("total").value(total);
  w.end_object();
  w.end_object();
  response out;
  out.body = w.take();
  return out;
}

std::variant<caller, response> api_context::authenticate(const request& req) const {
  std::optional<std::string> token;
  bool by_cookie = false;
  if (auto auth = req.header("authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->substr(0, kBearer.size()) == kBearer) token = std::string(auth->substr(kBearer.size()));
  }
  if (!token) {
    token = cookie_value(req, kSessionCookie);
    by_cookie = token.has_value();
  }
  if (!token || token->empty()) return error_response(401, "Authentication required");
  auto user = actors::authenticate(deps.log, *token, std::chrono::system_clock::now());
  if (!user) {
    if (user.error().code() == errc::not_found) return error_response(401, "Authentication required");
    return error_from(user.error());
  }
  if (by_cookie && unsafe_method(req.method)) {
    auto cookie = cookie_value(req, kCsrfCookie);
    auto header = req.header(kCsrfHeader);
    if (!cookie || cookie->empty() || !header || !same_secret(*cookie, *header)) {
      return error_response(403, "CSRF token missing or invalid: send the heimdall_csrf cookie's value in X-CSRF-Token");
    }
  }
  return caller{std::move(user).value(), by_cookie};
}

bool api_context::allow_auth_attempt(const std::string& peer) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(attempts_mu_);
  // Forget stale windows now and then, so a scan of addresses cannot grow
  // the table without bound.
  if (attempts_.size() > 10000) {
    for (auto it = attempts_.begin(); it != attempts_.end();) {
      it = now - it->second.start >= std::chrono::minutes(1) ? attempts_.erase(it) : std::next(it);
    }
  }
  window& w = attempts_[peer];
  if (now - w.start >= std::chrono::minutes(1)) w = {now, 0};
  return ++w.count <= deps.options.auth_attempts_per_minute;
}

result<actors::repo_info> api_context::owned_repo(const std::string& repo_id, const actors::user_info& user) const {
  auto repo = actors::find_repo(deps.log, repo_id);
  if (!repo) return repo.error();
  if (repo->owner_id != user.id) return status(errc::not_found, "Repo '" + repo_id + "' not found");
  return repo;
}

result<scan_record> api_context::owned_scan(const std::string& scan_id, const actors::user_info& user) const {
  auto scan = actors::get_scan(deps.log, scan_id);
  if (!scan) return status(errc::not_found, "Scan '" + scan_id + "' not found");
  auto owner = actors::repo_owner(deps.log, scan->repo_id);
  if (!owner || *owner != user.id) return status(errc::not_found, "Scan '" + scan_id + "' not found");
  return scan;
}

result<std::string> api_context::owned_finding(const std::string& finding_id, const actors::user_info& user) const {
  auto finding = actors::find_finding(deps.log, finding_id);
  if (!finding) return finding.error();
  auto repo_id = actors::finding_member(*finding, "repo_id");
  if (!repo_id) return status(errc::not_found, "Finding '" + finding_id + "' not found");
  if (auto owner = actors::repo_owner(deps.log, *repo_id); !owner || *owner != user.id) {
    return status(errc::not_found, "Finding '" + finding_id + "' not found");
  }
  return finding;
}

answer_fn authed(const api_context& ctx, authed_fn f) {
  return [&ctx, f = std::move(f)](const request& req, const path_params& params) {
    auto who = ctx.authenticate(req);
    if (auto* refusal = std::get_if<response>(&who)) return std::move(*refusal);
    return f(req, params, std::get<caller>(who));
  };
}

std::unique_ptr<router> build_api_router(api_deps deps) {
  auto r = std::make_unique<router>(&deps.pool);
  add_health_route(*r, [&log = deps.log] { return log.last_seq(); });
  add_metrics_route(*r, deps.metrics, deps.log);
  // The context lives as long as the routes that refer to it.
  auto ctx = std::make_shared<api_context>(std::move(deps));
  r->own(ctx);
  add_auth_routes(*r, *ctx);
  add_repo_routes(*r, *ctx);
  add_scan_routes(*r, *ctx);
  add_finding_routes(*r, *ctx);
  add_progress_stream(*r, *ctx);
  return r;
}

}  // namespace heimdall::http
