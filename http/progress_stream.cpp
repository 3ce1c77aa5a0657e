// GET /api/scans/{id}/progress/stream: the scan's progress as Server-Sent
// Events (shared/spec; DESIGN.md, SSE contract). A subscriber is fed from
// the log: the scan's stream is replayed (everything after Last-Event-ID is
// sent), then live appends follow through the event hub. Only durable
// events exist to be sent. The stream ends after scan_complete or error; a
// reader too slow to drain its queue is disconnected by the server (see
// stream_options) and never slows the scan or other subscribers.
#include <mutex>

#include "http/api_context.h"
#include "http/metrics.h"
#include "http/progress_events.h"

namespace heimdall::http {
namespace {

// One subscriber: the frames it has been sent, its stream and its watch.
// Lives until the connection closes (the stream's on_close drops it).
struct progress_subscriber : std::enable_shared_from_this<progress_subscriber> {
  progress_subscriber(std::string scan_id, std::uint64_t after) : frames(std::move(scan_id)), after_seq(after) {}

  // Runs on the thread delivering (the set-up's, then the hub's), one event
  // at a time.
  void on_event(const event& e) {
    auto frame = frames.next(e);
    if (!frame || e.seq <= after_seq) {
      // Frames up to Last-Event-ID were sent before: folded, not resent.
      if (frames.ended() && e.seq <= after_seq) stream->end();
      return;
    }
    stream->write(std::move(*frame));
    if (frames.ended()) stream->end();
  }

  void closed() {
    std::unique_ptr<subscription> drop;
    {
      std::lock_guard lock(mu);
      is_closed = true;
      drop = std::move(watch);
    }
  }

  progress_frames frames;
  const std::uint64_t after_seq;
  std::shared_ptr<event_stream> stream;
  std::mutex mu;
  std::unique_ptr<subscription> watch;  // guarded by mu
  bool is_closed = false;               // guarded by mu
};

void open_progress(api_context& ctx, const std::string& scan_id, std::uint64_t after, const caller& who,
                   std::shared_ptr<exchange> ex) {
  auto scan = ctx.owned_scan(scan_id, who.user);
  if (!scan) return ex->send(error_from(scan.error()));
  auto sub = std::make_shared<progress_subscriber>(scan->id, after);
  response head;
  head.content_type = "text/event-stream";
  head.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  stream_options options;
  options.keepalive = ": keepalive\n\n";
  options.keepalive_after = ctx.deps.options.keepalive_after;
  sub->stream = ex->open_stream(std::move(head), std::move(options));
  ctx.deps.metrics.stream_opened();
  api_metrics* metrics = &ctx.deps.metrics;
  sub->stream->on_close([sub, metrics] {
    sub->closed();
    metrics->stream_closed();
  });
  // From the stream's first event: status_change frames carry counts that
  // only a fold from the start can give.
  auto watch = ctx.deps.hub.watch(actors::scan_stream(scan->id), 0,
                                  [weak = std::weak_ptr(sub)](const event& e) {
                                    if (auto s = weak.lock()) s->on_event(e);
                                  });
  if (!watch) {
    sub->stream->end();
    return;
  }
  std::lock_guard lock(sub->mu);
  if (!sub->is_closed) sub->watch = std::move(watch).value();
}

}  // namespace

void add_progress_stream(router& r, api_context& ctx) {
  r.add_stream("GET", "/api/scans/{id}/progress/stream",
               [&ctx](const request& req, const path_params& p, std::shared_ptr<exchange> ex) {
                 auto who = ctx.authenticate(req);
                 if (auto* refusal = std::get_if<response>(&who)) return ex->send(std::move(*refusal));
                 std::uint64_t after = 0;
                 if (auto last = req.header("last-event-id")) {
                   auto seq = parse_decimal(*last, 19);
                   if (!seq) return ex->send(error_response(400, "Last-Event-ID must be an event id (a log seq)"));
                   after = *seq;
                 }
                 // The replay reads the log: off the io thread.
                 auto task = [&ctx, id = p["id"], after, c = std::get<caller>(std::move(who)), ex]() mutable {
                   open_progress(ctx, id, after, c, std::move(ex));
                 };
                 if (!ctx.deps.pool.post(std::move(task))) {
                   ex->send(error_response(503, "Server busy: too many requests waiting; retry shortly"));
                 }
               });
}

}  // namespace heimdall::http
