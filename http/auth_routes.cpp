// /api/auth/* and /api/settings/*: accounts, sessions, AI provider settings.
#include <random>

#include "base/json_writer.h"
#include "http/api_context.h"
#include "http/json_body.h"

namespace heimdall::http {
namespace {

std::string user_json(const actors::user_info& u) {
  json_writer w;
  w.begin_object();
  w.key("id").value(u.id);
  w.key("email").value(u.email);
  w.key("role").value(u.role);
  w.key("ai_provider").value(u.ai_provider);
  w.key("ai_base_url").value(u.ai_base_url);
  w.key("api_key_providers").begin_array();
  for (const auto& p : u.api_key_providers) w.value(p);
  w.end_array();
  w.key("created_at").value(u.created_at);
  w.end_object();
  return w.take();
}

std::string random_hex(std::size_t bytes) {
  std::random_device rd;  // the kernel's CSPRNG on Linux
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    auto b = static_cast<unsigned char>(rd());
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// {token, user} with the session and CSRF cookies (double submit: the CSRF
// cookie is readable by the page, which echoes it in X-CSRF-Token).
response session_response(const actors::issued_token& token, const actors::user_info& user, unsigned status,
                          std::chrono::seconds ttl) {
  json_writer w;
  w.begin_object();
  w.key("token").value(token.token);
  w.key("expires_at").value(token.expires_at);
  w.key("user").raw(user_json(user));
  w.end_object();
  response out = data_response(w.take(), status);
  const std::string age = "; Path=/; SameSite=Lax; Max-Age=" + std::to_string(ttl.count());
  out.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + token.token + age + "; HttpOnly");
  out.headers.emplace_back("Set-Cookie", std::string(kCsrfCookie) + "=" + random_hex(32) + age);
  return out;
}

struct credentials {
  std::string email, password;
};
// {email, password}, or the 400 status.
result<credentials> read_credentials(const request& req) {
  json_body body;
  body.parse(req.body);
  credentials c{body.required_string("email"), body.required_string("password")};
  if (!body.error().is_ok()) return body.error();
  return c;
}

response too_many() {
  response out = error_response(429, "Too many attempts from this address; wait a minute");
  out.headers.emplace_back("Retry-After", "60");
  return out;
}

}  // namespace

void add_auth_routes(router& r, api_context& ctx) {
  r.add("POST", "/api/auth/register", route_kind::blocking, [&ctx](const request& req, const path_params&) {
    if (!ctx.allow_auth_attempt(req.peer)) return too_many();
    auto c = read_credentials(req);
    if (!c) return error_from(c.error());
    auto user = actors::register_user(ctx.deps.log, c->email, c->password, "member");
    if (!user) return error_from(user.error());
    auto token = actors::issue_token(ctx.deps.log, user->id, ctx.deps.options.token_ttl);
    if (!token) return error_from(token.error());
    return session_response(*token, *user, 201, ctx.deps.options.token_ttl);
  });
  r.add("POST", "/api/auth/login", route_kind::blocking, [&ctx](const request& req, const path_params&) {
    if (!ctx.allow_auth_attempt(req.peer)) return too_many();
    auto c = read_credentials(req);
    if (!c) return error_from(c.error());
    auto user = actors::check_password(ctx.deps.log, c->email, c->password);
    if (!user) {
      if (user.error().code() == errc::not_found) return error_response(401, "Invalid email or password");
      return error_from(user.error());
    }
    auto token = actors::issue_token(ctx.deps.log, user->id, ctx.deps.options.token_ttl);
    if (!token) return error_from(token.error());
    return session_response(*token, *user, 200, ctx.deps.options.token_ttl);
  });
  r.add("POST", "/api/auth/logout", route_kind::blocking,
        authed(ctx, [&ctx](const request& req, const path_params&, const caller&) {
          std::optional<std::string> token;
          if (auto auth = req.header("authorization"); auth && auth->substr(0, 7) == "Bearer ") {
            token = std::string(auth->substr(7));
          } else {
            token = cookie_value(req, kSessionCookie);
          }
          if (token) {
            if (status s = actors::revoke_token(ctx.deps.log, *token); !s.is_ok()) return error_from(s);
          }
          response out = data_response(R"({"logged_out":true})");
          out.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly");
          out.headers.emplace_back("Set-Cookie", std::string(kCsrfCookie) + "=; Path=/; Max-Age=0");
          return out;
        }));
  r.add("GET", "/api/auth/me", route_kind::quick,
        authed(ctx, [](const request&, const path_params&, const caller& who) {
          return data_response(user_json(who.user));
        }));
  r.add("GET", "/api/settings", route_kind::quick,
        authed(ctx, [](const request&, const path_params&, const caller& who) {
          return data_response(user_json(who.user));
        }));
  r.add("PATCH", "/api/settings/ai-provider", route_kind::blocking,
        authed(ctx, [&ctx](const request& req, const path_params&, const caller& who) {
          json_body body;
          body.parse(req.body);
          std::string provider = body.required_string("provider");
          auto base_url = body.string("base_url");
          if (!body.error().is_ok()) return error_from(body.error());
          if (status s = actors::set_ai_provider(ctx.deps.log, who.user.id, provider, base_url); !s.is_ok()) {
            return error_from(s);
          }
          auto user = actors::find_user(ctx.deps.log, who.user.id);
          if (!user) return error_from(user.error());
          return data_response(user_json(*user));
        }));
  r.add("POST", "/api/settings/api-keys", route_kind::blocking,
        authed(ctx, [&ctx](const request& req, const path_params&, const caller& who) {
          json_body body;
          body.parse(req.body);
          std::string provider = body.required_string("provider"), key = body.required_string("api_key");
          if (!body.error().is_ok()) return error_from(body.error());
          if (status s = actors::store_api_key(ctx.deps.log, ctx.deps.options.master_key_file, who.user.id, provider, key);
              !s.is_ok()) {
            return error_from(s);
          }
          json_writer w;
          w.begin_object().key("provider").value(provider).key("stored").value(true).end_object();
          return data_response(w.take(), 201);
        }));
}

}  // namespace heimdall::http
