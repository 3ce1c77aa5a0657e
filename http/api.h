// api: the routes of the HTTP API (DESIGN.md, HTTP contract; shared/spec),
// added to a router. Each route file adds one group:
//   auth_routes.cpp     /api/auth/*, /api/settings/*
//   repo_routes.cpp     /api/repos*
//   scan_routes.cpp     /api/scans/{id}, cancel, findings, threat model, SARIF, events
//   finding_routes.cpp  /api/findings/*
//   progress_stream.cpp /api/scans/{id}/progress/stream (SSE)
//   metrics.cpp         /metrics
// Every route but /health, /metrics, register and login needs a user
// (bearer token or session cookie); another user's repo, scan or finding
// answers 404, as an unknown one does.
//
// Thread-safety: the routes run on io threads and worker threads at once;
// everything in api_deps must be thread-safe and outlive the router.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "actors/event_hub.h"
#include "actors/scan_service.h"
#include "base/worker_pool.h"
#include "http/router.h"
#include "store/event_log.h"

namespace heimdall::http {

class api_metrics;

struct api_options {
  // Where stored API keys' encryption key lives (created on first use).
  std::filesystem::path master_key_file;
  // Where local-path and file:// repository sources may live.
  std::vector<std::filesystem::path> allowed_roots;
  std::chrono::seconds token_ttl{std::chrono::hours(24 * 30)};
  // SSE ": keepalive" after this much silence on a progress stream.
  std::chrono::milliseconds keepalive_after{std::chrono::seconds(15)};
  // Login and register attempts per client address per minute.
  int auth_attempts_per_minute = 20;
};

struct api_deps {
  event_log& log;
  actors::scan_service& scans;
  actors::event_hub& hub;
  worker_pool& pool;  // the router's blocking pool: also runs stream set-up
  api_metrics& metrics;
  api_options options;
};

// Every route `heimdall serve` has: GET /health, GET /metrics and the API
// above, on a router whose blocking routes run on deps.pool. serve and the
// test that holds schemas/openapi.yaml to the routes both build it here, so
// the document is checked against the routes as served.
std::unique_ptr<router> build_api_router(api_deps deps);

}  // namespace heimdall::http
