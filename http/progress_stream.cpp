// GET /api/scans/{id}/progress/stream: the scan's progress as Server-Sent
// Events (shared/spec; DESIGN.md, SSE contract). A subscriber is fed from
// the log: the scan's stream is replayed (everything after Last-Event-ID is
// sent), then live appends follow through the event hub. Only durable
// events exist to be sent. The stream ends after scan_complete or error; a
// reader too slow to drain its queue is disconnected by the server (see
// stream_options) and never slows the scan or other subscribers.
#include <algorithm>
#include <cassert>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/api_context.h"
#include "http/metrics.h"
#include "http/progress_events.h"

namespace heimdall::http {
namespace {

// The frames of one scan's stream, translated once for all its subscribers.
// Every subscriber watches the stream from its first event and receives its
// events in order, so the frame of seq s is the same for all of them, and the
// first subscriber to receive s has received, and so had translated,
// everything before it: the fold here sees the stream in order. With 10,000
// subscribers this turns 10,000 JSON parses and writes per event into one.
// Holds every frame of the scan (a few hundred bytes each) while anyone
// watches it; the subscribers share it, and it goes with the last of them.
class scan_frames {
 public:
  explicit scan_frames(const std::string& scan_id) : fold_(scan_id) {}

  struct frame {
    std::shared_ptr<const std::string> bytes;  // null: the event has no frame
    bool ends = false;                         // the terminal frame
  };

  // Thread-safe; `e` must come in stream order per caller (the hub's).
  frame of(const event& e) {
    std::lock_guard lock(mu_);
    if (e.seq > folded_) {
      folded_ = e.seq;
      frame f;
      if (auto text = fold_.next(e)) f.bytes = std::make_shared<const std::string>(std::move(*text));
      f.ends = fold_.ended();
      by_seq_.push_back({e.seq, f});
      return f;
    }
    auto it = std::lower_bound(by_seq_.begin(), by_seq_.end(), e.seq,
                               [](const auto& entry, std::uint64_t seq) { return entry.first < seq; });
    // Everything up to folded_ was folded, each seq once.
    assert(it != by_seq_.end() && it->first == e.seq);
    return it != by_seq_.end() && it->first == e.seq ? it->second : frame{};
  }

 private:
  std::mutex mu_;
  progress_frames fold_;                                   // guarded by mu_
  std::uint64_t folded_ = 0;                               // guarded by mu_
  std::vector<std::pair<std::uint64_t, frame>> by_seq_;    // ascending seq; guarded by mu_
};

// The scan_frames of the scans being watched, by scan id; an entry goes
// when its last subscriber does.
class scan_frames_registry : public std::enable_shared_from_this<scan_frames_registry> {
 public:
  std::shared_ptr<scan_frames> acquire(const std::string& scan_id) {
    std::lock_guard lock(mu_);
    if (auto live = by_scan_[scan_id].lock()) return live;
    std::shared_ptr<scan_frames> made(new scan_frames(scan_id),
                                      [weak = weak_from_this(), scan_id](scan_frames* gone) {
                                        delete gone;
                                        if (auto registry = weak.lock()) registry->forget(scan_id);
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

  std::mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<scan_frames>> by_scan_;  // guarded by mu_
};

// One subscriber: its scan's frames, its stream and its watch. Lives until
// the connection closes (the stream's on_close drops it).
struct progress_subscriber : std::enable_shared_from_this<progress_subscriber> {
  progress_subscriber(std::shared_ptr<scan_frames> f, std::uint64_t after) : frames(std::move(f)), after_seq(after) {}

  // Runs on the thread delivering (the set-up's, then the hub's), one event
  // at a time.
  void on_event(const event& e) {
    auto frame = frames->of(e);
    if (!frame.bytes || e.seq <= after_seq) {
      // Frames up to Last-Event-ID were sent before: folded, not resent.
      if (frame.ends && e.seq <= after_seq) stream->end();
      return;
    }
    stream->write(std::move(frame.bytes));
    if (frame.ends) stream->end();
  }

  void closed() {
    std::unique_ptr<subscription> drop;
    {
      std::lock_guard lock(mu);
      is_closed = true;
      drop = std::move(watch);
    }
  }

  const std::shared_ptr<scan_frames> frames;
  const std::uint64_t after_seq;
  std::shared_ptr<event_stream> stream;
  std::mutex mu;
  std::unique_ptr<subscription> watch;  // guarded by mu
  bool is_closed = false;               // guarded by mu
};

void open_progress(api_context& ctx, scan_frames_registry& registry, const std::string& scan_id, std::uint64_t after,
                   const caller& who, std::shared_ptr<exchange> ex) {
  auto scan = ctx.owned_scan(scan_id, who.user);
  if (!scan) return ex->send(error_from(scan.error()));
  auto sub = std::make_shared<progress_subscriber>(registry.acquire(scan->id), after);
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
  auto registry = std::make_shared<scan_frames_registry>();
  r.add_stream("GET", "/api/scans/{id}/progress/stream",
               [&ctx, registry](const request& req, const path_params& p, std::shared_ptr<exchange> ex) {
                 auto who = ctx.authenticate(req);
                 if (auto* refusal = std::get_if<response>(&who)) return ex->send(std::move(*refusal));
                 std::uint64_t after = 0;
                 if (auto last = req.header("last-event-id")) {
                   auto seq = parse_decimal(*last, 19);
                   if (!seq) return ex->send(error_response(400, "Last-Event-ID must be an event id (a log seq)"));
                   after = *seq;
                 }
                 // The replay reads the log: off the io thread.
                 auto task = [&ctx, registry, id = p["id"], after, c = std::get<caller>(std::move(who)), ex]() mutable {
                   open_progress(ctx, *registry, id, after, c, std::move(ex));
                 };
                 if (!ctx.deps.pool.post(std::move(task))) {
                   ex->send(error_response(503, "Server busy: too many requests waiting; retry shortly"));
                 }
               });
}

}  // namespace heimdall::http
