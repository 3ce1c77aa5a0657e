#include "actors/event_hub.h"

#include <atomic>
#include <list>
#include <thread>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace heimdall::actors {

// A watcher is "replaying" until its history is delivered: live events for
// its stream wait in `pending` meanwhile, so none is lost or reordered at
// the seam between the history read and the live feed.
struct watcher {
  std::string stream;
  std::list<std::shared_ptr<watcher>>::iterator at;  // its place in the hub's list; guarded by the hub's mu
  event_hub::on_event_fn on_event;
  std::uint64_t delivered = 0;  // the last seq handed to on_event
  bool replaying = true;
  std::vector<event> pending;
  std::mutex delivering;  // held while on_event runs; cancel() takes it to wait
  std::atomic<std::thread::id> delivering_thread{};
  bool stopped = false;  // guarded by `delivering`
};

struct event_hub::impl {
  event_log& log;
  mutable std::mutex mu;
  // Each stream's watchers, in a list so that a watcher leaves in O(1):
  // 10,000 subscribers of one scan leaving at its end must not cost
  // 10,000 scans of 10,000 entries under the lock the feed needs.
  std::unordered_map<std::string, std::list<std::shared_ptr<watcher>>> by_stream;  // guarded by mu
  std::size_t count = 0;  // watchers in by_stream; guarded by mu
  std::uint64_t position = 0;  // the last seq the hub's subscription delivered; guarded by mu
  std::unique_ptr<subscription> feed;

  explicit impl(event_log& l) : log(l) {}

  void on_log_event(const event& e) {
    std::vector<std::shared_ptr<watcher>> live;
    {
      std::lock_guard lock(mu);
      position = e.seq;
      auto found = by_stream.find(e.stream);
      if (found == by_stream.end()) return;
      live.reserve(found->second.size());
      for (const auto& w : found->second) {
        if (w->replaying) {
          w->pending.push_back(e);
        } else {
          live.push_back(w);
        }
      }
    }
    for (const auto& w : live) deliver(*w, e);
  }

  static void deliver(watcher& w, const event& e) {
    std::lock_guard lock(w.delivering);
    if (w.stopped || e.seq <= w.delivered) return;
    w.delivered = e.seq;
    w.delivering_thread = std::this_thread::get_id();
    w.on_event(e);
    w.delivering_thread = std::thread::id();
  }

  void add(const std::shared_ptr<watcher>& w) {  // with mu held
    auto& list = by_stream[w->stream];
    w->at = list.insert(list.end(), w);
    ++count;
  }

  // Once per watcher (hub_watch::cancel).
  void remove(const std::shared_ptr<watcher>& w) {
    std::lock_guard lock(mu);
    auto found = by_stream.find(w->stream);
    if (found == by_stream.end()) return;
    found->second.erase(w->at);
    --count;
    if (found->second.empty()) by_stream.erase(found);
  }
};

namespace {

class hub_watch : public subscription {
 public:
  hub_watch(std::weak_ptr<event_hub::impl> hub, std::shared_ptr<watcher> w) : hub_(std::move(hub)), w_(std::move(w)) {}
  ~hub_watch() override { cancel(); }
  void cancel() override {
    if (done_) return;
    done_ = true;
    if (auto hub = hub_.lock()) hub->remove(w_);
    // From inside on_event this thread already holds `delivering`;
    // otherwise wait for a delivery in progress to end.
    if (w_->delivering_thread == std::this_thread::get_id()) {
      w_->stopped = true;
      return;
    }
    std::lock_guard lock(w_->delivering);
    w_->stopped = true;
  }

 private:
  std::weak_ptr<event_hub::impl> hub_;
  std::shared_ptr<watcher> w_;
  bool done_ = false;
};

}  // namespace

result<std::unique_ptr<event_hub>> event_hub::start(event_log& log) {
  auto state = std::make_shared<impl>(log);
  std::weak_ptr<impl> weak = state;
  {
    std::lock_guard lock(state->mu);
    state->position = log.last_seq();
  }
  auto feed = log.subscribe(state->position, [weak](const event& e) {
    if (auto hub = weak.lock()) hub->on_log_event(e);
  });
  if (!feed) return feed.error();
  state->feed = std::move(feed).value();
  return std::unique_ptr<event_hub>(new event_hub(std::move(state)));
}

event_hub::event_hub(std::shared_ptr<impl> state) : impl_(std::move(state)) {}

event_hub::~event_hub() {
  if (impl_->feed) impl_->feed->cancel();
}

std::size_t event_hub::watchers() const {
  std::lock_guard lock(impl_->mu);
  return impl_->count;
}

result<std::unique_ptr<subscription>> event_hub::watch(std::string stream, std::uint64_t after_seq,
                                                       on_event_fn on_event) {
  auto w = std::make_shared<watcher>();
  w->stream = stream;
  w->on_event = std::move(on_event);
  w->delivered = after_seq;
  std::uint64_t seen;
  {
    std::lock_guard lock(impl_->mu);
    seen = impl_->position;
    impl_->add(w);
  }
  auto handle = std::make_unique<hub_watch>(impl_, w);
  // History: everything up to `seen` is durable and readable; later events
  // reach `pending` through the feed.
  constexpr std::size_t kPage = 1024;
  for (std::uint64_t version = 1;;) {
    auto page = impl_->log.read_stream(stream, version, kPage);
    if (!page) return page.error();
    bool past = false;
    for (const event& e : page.value()) {
      if (e.seq > seen) {
        past = true;
        break;
      }
      if (e.seq > after_seq) impl::deliver(*w, e);
    }
    if (past || page->size() < kPage) break;
    version = page->back().version + 1;
  }
  // The seam: drain what the feed held back, then go live, under the hub's
  // lock so no event slips between the two.
  std::vector<event> held;
  for (;;) {
    {
      std::lock_guard lock(impl_->mu);
      held.swap(w->pending);
      if (held.empty()) {
        w->replaying = false;
        break;
      }
    }
    for (const event& e : held) impl::deliver(*w, e);
    held.clear();
  }
  return std::unique_ptr<subscription>(std::move(handle));
}

}  // namespace heimdall::actors
