// GET /api/scans/{id}/progress/stream: the scan's progress as Server-Sent
// Events (shared/spec; DESIGN.md, SSE contract). A subscriber is fed from
// the log: the scan's stream is replayed (everything after Last-Event-ID is
// sent), then live appends follow through the event hub. Only durable
// events exist to be sent. The stream ends after scan_complete or error; a
// reader too slow to drain its queue is disconnected by the server (see
// stream_options) and never slows the scan or other subscribers.
#include <algorithm>
#include <cstdio>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/api_context.h"
#include "http/metrics.h"
#include "http/progress_events.h"

namespace heimdall::http {
namespace {

// The progress of one scan, for all its subscribers: one hub watch of the
// scan's stream from its first event (the fold must see the whole stream:
// status_change counts), each event translated once, the frames kept for
// subscribers that join later, and a broadcast to the live ones. With 10,000
// subscribers an event costs one parse and one post per io thread, not
// 10,000 of each. Holds every frame of the scan (a few hundred bytes each)
// while anyone watches it; it goes with the last subscriber.
class scan_feed : public std::enable_shared_from_this<scan_feed> {
 public:
  scan_feed(actors::event_hub& hub, std::string scan_id) : hub_(hub), scan_id_(scan_id), fold_(std::move(scan_id)) {}

  // Sends `stream` the frames after `after_seq`, then the live ones; the
  // stream ends after the terminal frame (at once when that was sent
  // before). The first call reads the scan's history from the log: a
  // worker's job. Errors: the log's, reading it.
  status join(const std::shared_ptr<event_stream>& stream, std::uint64_t after_seq) {
    {
      std::lock_guard lock(start_mu_);
      if (!watch_) {
        auto watch = hub_.watch(actors::scan_stream(scan_id_), 0, [weak = weak_from_this()](const event& e) {
          if (auto feed = weak.lock()) feed->on_event(e);
        });
        if (!watch) return watch.error();
        watch_ = std::move(watch).value();
      }
    }
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<const std::string>> backlog;
    auto first = std::upper_bound(frames_.begin(), frames_.end(), after_seq,
                                  [](std::uint64_t seq, const auto& frame) { return seq < frame.first; });
    for (auto it = first; it != frames_.end(); ++it) backlog.push_back(it->second);
    // Under mu_, so no frame falls between the backlog and the live writes.
    live_.join(stream, std::move(backlog));
    return status::ok();
  }

 private:
  // On the thread delivering (the first joiner's, then the hub's), in stream
  // order, each event once.
  void on_event(const event& e) {
    std::lock_guard lock(mu_);
    if (auto text = fold_.next(e)) {
      auto bytes = std::make_shared<const std::string>(std::move(*text));
      frames_.emplace_back(e.seq, bytes);
      live_.write(std::move(bytes));
    }
    if (fold_.ended()) live_.end();
  }

  actors::event_hub& hub_;
  const std::string scan_id_;
  std::mutex start_mu_;                  // held while the first join starts the watch
  std::unique_ptr<subscription> watch_;  // guarded by start_mu_
  std::mutex mu_;
  progress_frames fold_;                                                         // guarded by mu_
  std::vector<std::pair<std::uint64_t, std::shared_ptr<const std::string>>> frames_;  // ascending seq; guarded by mu_
  broadcast live_;
};

// The feeds of the scans being watched, by scan id; an entry goes when its
// last subscriber does.
class scan_feeds : public std::enable_shared_from_this<scan_feeds> {
 public:
  explicit scan_feeds(actors::event_hub& hub) : hub_(hub) {}

  std::shared_ptr<scan_feed> acquire(const std::string& scan_id) {
    std::lock_guard lock(mu_);
    if (auto live = by_scan_[scan_id].lock()) return live;
    std::shared_ptr<scan_feed> made(new scan_feed(hub_, scan_id), [weak = weak_from_this(), scan_id](scan_feed* gone) {
      delete gone;
      if (auto feeds = weak.lock()) feeds->forget(scan_id);
    });
    by_scan_[scan_id] = made;
    return made;
  }

 private:
  void forget(const std::string& scan_id) {
    std::lock_guard lock(mu_);
    auto it = by_scan_.find(scan_id);
    if (it != by_scan_.end() && it->second.expired()) by_scan_.erase(it);
  }

  actors::event_hub& hub_;
  std::mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<scan_feed>> by_scan_;  // guarded by mu_
};

void open_progress(api_context& ctx, scan_feeds& feeds, const std::string& scan_id, std::uint64_t after,
                   const caller& who, std::shared_ptr<exchange> ex) {
  auto scan = ctx.owned_scan(scan_id, who.user);
  if (!scan) return ex->send(error_from(scan.error()));
  auto feed = feeds.acquire(scan->id);
  response head;
  head.content_type = "text/event-stream";
  head.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  stream_options options;
  options.keepalive = ": keepalive\n\n";
  options.keepalive_after = ctx.deps.options.keepalive_after;
  auto stream = ex->open_stream(std::move(head), std::move(options));
  ctx.deps.metrics.stream_opened();
  // The feed lives while one of its streams is open.
  stream->on_close([feed, metrics = &ctx.deps.metrics] { metrics->stream_closed(); });
  if (status joined = feed->join(stream, after); !joined.is_ok()) {
    std::fprintf(stderr, "heimdall: progress stream of scan %s: %s\n", scan->id.c_str(), joined.message().c_str());
    stream->end();
  }
}

}  // namespace

void add_progress_stream(router& r, api_context& ctx) {
  auto feeds = std::make_shared<scan_feeds>(ctx.deps.hub);
  r.add_stream("GET", "/api/scans/{id}/progress/stream",
               [&ctx, feeds](const request& req, const path_params& p, std::shared_ptr<exchange> ex) {
                 auto who = ctx.authenticate(req);
                 if (auto* refusal = std::get_if<response>(&who)) return ex->send(std::move(*refusal));
                 std::uint64_t after = 0;
                 if (auto last = req.header("last-event-id")) {
                   auto seq = parse_decimal(*last, 19);
                   if (!seq) return ex->send(error_response(400, "Last-Event-ID must be an event id (a log seq)"));
                   after = *seq;
                 }
                 // The replay reads the log: off the io thread.
                 auto task = [&ctx, feeds, id = p["id"], after, c = std::get<caller>(std::move(who)), ex]() mutable {
                   open_progress(ctx, *feeds, id, after, c, std::move(ex));
                 };
                 if (!ctx.deps.pool.post(std::move(task))) {
                   ex->send(error_response(503, "Server busy: too many requests waiting; retry shortly"));
                 }
               });
}

}  // namespace heimdall::http
