#include "http/router.h"

#include <cstdio>
#include <exception>
#include <utility>

#include "base/json_writer.h"

namespace heimdall::http {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at < path.size()) {
    if (path[at] == '/') {
      ++at;
      continue;
    }
    std::size_t end = path.find('/', at);
    if (end == std::string_view::npos) end = path.size();
    parts.emplace_back(path.substr(at, end - at));
    at = end;
  }
  return parts;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

response error_response(unsigned status, std::string message) {
  json_writer w;
  w.begin_object();
  w.key("success").value(false);
  w.key("code").value(static_cast<std::uint64_t>(status));
  w.key("message").value(message);
  w.key("error").begin_object();
  w.key("code").value(static_cast<std::uint64_t>(status));
  w.key("message").value(message);
  w.end_object();
  w.end_object();
  response out;
  out.status = status;
  out.body = w.take();
  return out;
}

response data_response(std::string data_json, unsigned status) {
  response out;
  out.status = status;
  out.body = R"({"success":true,"data":)" + data_json + "}";
  return out;
}

std::optional<std::string> query_value(const request& req, std::string_view name) {
  auto q = req.target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view query = std::string_view(req.target).substr(q + 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    std::size_t eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) == name) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

const std::string& path_params::operator[](std::string_view name) const {
  static const std::string none;
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return none;
}

router::router(worker_pool* blocking_pool) : pool_(blocking_pool) {}

void router::add(std::string method, std::string pattern, route_kind kind, answer_fn answer) {
  auto segments = split_path(pattern);
  routes_.push_back({std::move(method), std::move(segments), std::move(pattern), kind, std::move(answer), {}});
}

void router::add_stream(std::string method, std::string pattern, stream_fn stream) {
  auto segments = split_path(pattern);
  routes_.push_back(
      {std::move(method), std::move(segments), std::move(pattern), route_kind::stream, {}, std::move(stream)});
}

std::vector<std::pair<std::string, std::string>> router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const route& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

// One table, so that 404 and 405 (with its Allow list) follow from the same
// data as dispatch and cannot disagree with it.
const router::route* router::match(const request& req, path_params& params, response& refusal) const {
  std::string_view path = req.target;
  path = path.substr(0, path.find('?'));
  const auto parts = split_path(path);
  std::string allowed;
  for (const route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    path_params captured;
    bool same = true;
    for (std::size_t i = 0; i < parts.size() && same; ++i) {
      const std::string& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        captured.add(std::string_view(seg).substr(1, seg.size() - 2), percent_decode(parts[i]));
      } else {
        same = seg == parts[i];
      }
    }
    if (!same) continue;
    if (r.method == req.method) {
      params = std::move(captured);
      return &r;
    }
    if (allowed.find(r.method) == std::string::npos) {
      if (!allowed.empty()) allowed += ", ";
      allowed += r.method;
    }
  }
  if (allowed.empty()) {
    refusal = error_response(404, "Route '" + req.method + " " + std::string(path) + "' not found");
  } else {
    refusal = error_response(405, "Method '" + req.method + "' not allowed on '" + std::string(path) + "'");
    refusal.headers.emplace_back("Allow", std::move(allowed));
  }
  return nullptr;
}

void router::dispatch(request req, std::shared_ptr<exchange> ex) const {
  path_params params;
  response refusal;
  const route* r = match(req, params, refusal);
  if (!r) return ex->send(std::move(refusal));
  switch (r->kind) {
    case route_kind::quick:
      return ex->send(r->answer(req, params));
    case route_kind::stream:
      return r->stream(req, params, std::move(ex));
    case route_kind::blocking:
      if (!pool_) return ex->send(r->answer(req, params));
      auto task = [r, req = std::move(req), params = std::move(params), ex]() mutable {
        // As on the io threads: an exception fails this request alone.
        try {
          ex->send(r->answer(req, params));
        } catch (const std::exception& e) {
          std::fprintf(stderr, "heimdall: http: %s %s: %s\n", req.method.c_str(), r->pattern.c_str(), e.what());
          ex->send(error_response(500, "Internal server error"));
        }
      };
      if (!pool_->post(std::move(task))) {
        ex->send(error_response(503, "Server busy: too many requests waiting; retry shortly"));
      }
      return;
  }
}

response router::handle(const request& req) const {
  path_params params;
  response refusal;
  const route* r = match(req, params, refusal);
  if (!r) return refusal;
  if (r->kind == route_kind::stream) return error_response(500, "A stream route needs a connection");
  return r->answer(req, params);
}

void add_health_route(router& r, std::function<std::uint64_t()> last_seq) {
  r.add("GET", "/health", route_kind::quick, [last_seq = std::move(last_seq)](const request&, const path_params&) {
    json_writer w;
    w.begin_object();
    w.key("status").value("ok");
    w.key("last_seq").value(last_seq());
    w.end_object();
    return data_response(w.take());
  });
}

}  // namespace heimdall::http
