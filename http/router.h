// router: the HTTP API as a table of routes, from request to response.
//
// It knows nothing of sockets (server.h calls dispatch()), so every route can
// be tested by calling handle() directly. A route matches the request's
// method and its path; a pattern segment "{name}" matches any one non-empty
// segment and hands it to the route as a parameter; the query string plays
// no part in matching. A path that is served, but not for the request's
// method, answers 405 with an Allow header; any other path answers 404.
//
// Route kinds say where a route runs: `quick` ones (a projection read) on
// the io thread that read the request; `blocking` ones (anything that waits
// for an append's fsync) on the worker pool, answering 503 when its queue is
// full; `stream` ones get the exchange itself and answer when they like.
//
// Errors, from here and from the server alike, are error_response()s.
//
// Thread-safety: add() before serving; dispatch() and handle() are const and
// run on several threads at once, so the routes must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/worker_pool.h"
#include "http/server.h"

namespace heimdall::http {

// The error envelope: HTTP `status` and the JSON body
// {"success":false,"code":N,"message":M,"error":{"code":N,"message":M}}
// (the flat fields serve the spec's examples, the nested object serves clients
// of the original service). `message` names the object and the reason.
response error_response(unsigned status, std::string message);

// The success envelope {"success":true,"data":<data_json>} with `status`.
response data_response(std::string data_json, unsigned status = 200);

// A query parameter, percent-decoded ('+' is a space); nullopt when absent.
std::optional<std::string> query_value(const request& req, std::string_view name);

// The parameters a route's pattern captured, by name.
class path_params {
 public:
  void add(std::string_view name, std::string value) { values_.emplace_back(name, std::move(value)); }
  // "" when the pattern has no such parameter.
  const std::string& operator[](std::string_view name) const;

 private:
  std::vector<std::pair<std::string_view, std::string>> values_;
};

enum class route_kind { quick, blocking, stream };

using answer_fn = std::function<response(const request&, const path_params&)>;
using stream_fn = std::function<void(const request&, const path_params&, std::shared_ptr<exchange>)>;

class router {
 public:
  // `blocking_pool` runs the blocking routes; nullptr runs them inline
  // (tests that call handle()). Not owned; must outlive the router.
  explicit router(worker_pool* blocking_pool = nullptr);

  void add(std::string method, std::string pattern, route_kind kind, answer_fn answer);
  void add_stream(std::string method, std::string pattern, stream_fn stream);

  // The server's handler.
  void dispatch(request req, std::shared_ptr<exchange> ex) const;
  // Answers on the calling thread; a stream route answers 500 here.
  response handle(const request& req) const;

  // Keeps `state` (what routes refer to) alive as long as the router.
  void own(std::shared_ptr<void> state) { owned_.push_back(std::move(state)); }

  // (method, pattern) of every route, in the order added.
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct route {
    std::string method;
    std::vector<std::string> segments;  // "{id}" captures
    std::string pattern;
    route_kind kind;
    answer_fn answer;
    stream_fn stream;
  };
  // The route for req, or the 404/405 response.
  const route* match(const request& req, path_params& params, response& refusal) const;

  worker_pool* pool_;
  std::vector<route> routes_;
  std::vector<std::shared_ptr<void>> owned_;
};

// GET /health → 200 {"success":true,"data":{"status":"ok","last_seq":N}},
// where last_seq is the event log's highest acknowledged seq.
void add_health_route(router& r, std::function<std::uint64_t()> last_seq);

}  // namespace heimdall::http
