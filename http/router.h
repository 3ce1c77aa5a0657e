// router: the HTTP API as a function from request to response.
//
// It knows nothing of sockets (server.h calls it), so every route can be
// tested by calling handle() directly. A route matches the request's method
// and its path exactly; the query string plays no part in matching. A path
// that is served, but not for the request's method, answers 405 with an Allow
// header; any other path answers 404.
//
// Routes: GET /health → 200 {"success":true,"data":{"status":"ok","last_seq":N}}.
//
// Errors, from here and from the server alike, are error_response()s.
//
// Thread-safety: handle() is const and runs on several io threads at once, so
// the functions given at construction must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "http/server.h"

namespace heimdall::http {

// The error envelope: HTTP `status` and the JSON body
// {"success":false,"code":N,"message":M,"error":{"code":N,"message":M}}
// (the flat fields serve the spec's examples, the nested object serves clients
// of the original service). `message` names the object and the reason.
response error_response(unsigned status, std::string message);

class router {
 public:
  // last_seq: the event log's highest acknowledged seq, reported by /health.
  explicit router(std::function<std::uint64_t()> last_seq);

  response handle(const request& req) const;

 private:
  struct route {
    std::string_view method;
    std::string_view path;
    response (router::*serve)(const request&) const;
  };
  static const route routes_[];

  response health(const request& req) const;

  std::function<std::uint64_t()> last_seq_;
};

}  // namespace heimdall::http
