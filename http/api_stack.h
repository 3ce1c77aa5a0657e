// api_stack: the HTTP side of `heimdall serve` as one object: the event hub
// the progress streams are fed from, the worker pool the blocking routes run
// on, the metrics, every route (build_api_router) and the server. serve, the
// API tests and bench/sse_fanout all start it here, so they run the same
// wiring.
//
// Destruction is the shutdown order: the server stops (finishing requests,
// ending event streams), then the pool runs what it still holds, then the
// hub stops feeding. The log and the scan service must outlive the stack.
// Thread-safety: the accessors may be called from any thread.
#pragma once

#include <cstddef>
#include <memory>

#include "actors/event_hub.h"
#include "actors/scan_service.h"
#include "base/result.h"
#include "base/worker_pool.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "store/event_log.h"

namespace heimdall::http {

struct api_stack_options {
  server_options server;  // on_response is the stack's (metrics)
  api_options api;
  // Blocking requests (an append's fsync, a stream's replay) run on these
  // threads. 4: appends mostly wait on the disk, and group commit lets
  // concurrent ones share an fsync. 1024 queued is a burst far beyond a
  // team's use that still bounds memory; past it requests answer 503.
  std::size_t workers = 4;
  std::size_t max_queued = 1024;
};

class api_stack {
 public:
  // Errors: the hub's (a read-only log) and the server's (the address).
  static result<std::unique_ptr<api_stack>> start(event_log& log, actors::scan_service& scans,
                                                  api_stack_options options);
  ~api_stack();

  unsigned short port() const { return server_->port(); }
  const api_metrics& metrics() const { return metrics_; }
  const actors::event_hub& hub() const { return *hub_; }

 private:
  api_stack() = default;

  std::unique_ptr<actors::event_hub> hub_;
  std::unique_ptr<worker_pool> pool_;
  api_metrics metrics_;
  std::unique_ptr<router> router_;
  std::unique_ptr<server> server_;
};

}  // namespace heimdall::http
