#include "http/api_stack.h"

#include <utility>

namespace heimdall::http {

result<std::unique_ptr<api_stack>> api_stack::start(event_log& log, actors::scan_service& scans,
                                                    api_stack_options options) {
  std::unique_ptr<api_stack> s(new api_stack());
  auto hub = actors::event_hub::start(log);
  if (!hub) return hub.error();
  s->hub_ = std::move(hub).value();
  s->pool_ = std::make_unique<worker_pool>(options.workers, options.max_queued);
  s->router_ = build_api_router({log, scans, *s->hub_, *s->pool_, s->metrics_, std::move(options.api)});
  api_metrics& metrics = s->metrics_;
  options.server.on_response = [&metrics](unsigned status) { metrics.responded(status); };
  auto started = server::start(options.server, [&r = *s->router_](request req, std::shared_ptr<exchange> ex) {
    r.dispatch(std::move(req), std::move(ex));
  });
  if (!started) return started.error();
  s->server_ = std::move(started).value();
  return s;
}

api_stack::~api_stack() {
  server_.reset();
  pool_.reset();
  hub_.reset();
}

}  // namespace heimdall::http
