#include "http/router.h"

#include <utility>

#include "base/json_writer.h"

namespace heimdall::http {

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

// One table, so that 404 and 405 (with its Allow list) follow from the same
// data as dispatch and cannot disagree with it.
const router::route router::routes_[] = {
    {"GET", "/health", &router::health},
};

router::router(std::function<std::uint64_t()> last_seq) : last_seq_(std::move(last_seq)) {}

response router::handle(const request& req) const {
  std::string_view path = req.target;
  path = path.substr(0, path.find('?'));
  std::string allowed;
  for (const route& r : routes_) {
    if (r.path != path) continue;
    if (r.method == req.method) return (this->*r.serve)(req);
    if (!allowed.empty()) allowed += ", ";
    allowed += r.method;
  }
  if (allowed.empty()) {
    return error_response(404, "Route '" + req.method + " " + std::string(path) + "' not found");
  }
  response out = error_response(
      405, "Method '" + req.method + "' not allowed on '" + std::string(path) + "'");
  out.headers.emplace_back("Allow", std::move(allowed));
  return out;
}

response router::health(const request&) const {
  json_writer w;
  w.begin_object();
  w.key("success").value(true);
  w.key("data").begin_object();
  w.key("status").value("ok");
  w.key("last_seq").value(last_seq_());
  w.end_object();
  w.end_object();
  response out;
  out.body = w.take();
  return out;
}

}  // namespace heimdall::http
