// Delivery to subscribers: one dispatcher thread serves them all, from the
// in-memory window of recent groups when a subscriber is live, from storage
// when it is behind.
#include <pthread.h>

#include <algorithm>
#include <cstdio>

#include "store/event_log_impl.h"
#include "store/keys.h"

namespace heimdall {
namespace {

// Recently committed events kept in memory so live subscribers are fed
// without reading the disk; a subscriber further behind reads storage.
constexpr std::size_t kRecentEvents = 65536;
// Events one subscriber is given per dispatcher pass, so one subscriber
// catching up on a long history does not starve the others.
constexpr std::size_t kDeliveryBudget = 4096;

}  // namespace

void event_log::impl::publish(std::vector<event> events) {
  std::uint64_t last = events.back().seq;
  {
    std::lock_guard<std::mutex> lock(sub_mu);
    recent_events += events.size();
    recent.push_back(std::make_shared<const std::vector<event>>(std::move(events)));
    while (recent.size() > 1 && recent_events - recent.front()->size() >= kRecentEvents) {
      recent_events -= recent.front()->size();
      recent.pop_front();
    }
    committed_seq = last;
  }
  sub_cv.notify_all();
}

result<std::unique_ptr<subscription>> event_log::subscribe(std::uint64_t after_seq,
                                                           std::function<void(const event&)> on_event) {
  if (impl_->options.read_only) {
    return status(errc::read_only, "subscriptions need the primary log; poll a read-only log with catch_up()");
  }
  auto sub = std::make_shared<subscriber>();
  sub->on_event = std::move(on_event);
  sub->next_seq = after_seq + 1;
  {
    std::lock_guard<std::mutex> lock(impl_->sub_mu);
    impl_->subscribers.push_back(sub);
    if (!impl_->dispatcher.joinable()) {
      impl* raw = impl_.get();
      impl_->dispatcher = std::thread([raw] { raw->dispatcher_loop(); });
    }
  }
  impl_->sub_cv.notify_all();
  return std::unique_ptr<subscription>(new impl::subscription_handle(impl_.get(), std::move(sub)));
}

void event_log::impl::cancel(const std::shared_ptr<subscriber>& sub) {
  {
    // Waits out a callback running on the dispatcher; re-entrant when a
    // callback cancels its own subscription.
    std::lock_guard<std::recursive_mutex> hold(sub->deliver_mu);
    sub->cancelled = true;
  }
  std::lock_guard<std::mutex> lock(sub_mu);
  subscribers.erase(std::remove(subscribers.begin(), subscribers.end(), sub), subscribers.end());
}

void event_log::impl::dispatcher_loop() {
  pthread_setname_np(pthread_self(), "log-dispatch");
  std::unique_lock<std::mutex> lock(sub_mu);
  for (;;) {
    sub_cv.wait(lock, [&] {
      if (dispatcher_stopping) return true;
      std::uint64_t committed = committed_seq.load();
      return std::any_of(subscribers.begin(), subscribers.end(),
                         [&](const auto& s) { return s->next_seq.load() <= committed; });
    });
    if (dispatcher_stopping) return;
    auto subs = subscribers;
    auto batches = recent;
    std::uint64_t committed = committed_seq.load();
    lock.unlock();
    for (auto& sub : subs) deliver_some(*sub, committed, batches);
    lock.lock();
  }
}

void event_log::impl::deliver_some(subscriber& sub, std::uint64_t committed,
                                   const std::deque<std::shared_ptr<const std::vector<event>>>& batches) {
  std::lock_guard<std::recursive_mutex> hold(sub.deliver_mu);
  std::size_t budget = kDeliveryBudget;
  auto deliver = [&](const event& e) {
    if (sub.cancelled || e.seq != sub.next_seq.load()) return false;
    sub.on_event(e);
    sub.next_seq = e.seq + 1;
    --budget;
    return budget > 0;
  };
  while (!sub.cancelled && budget > 0 && sub.next_seq.load() <= committed) {
    std::uint64_t next = sub.next_seq.load();
    if (!batches.empty() && next >= batches.front()->front().seq) {
      // Live: find the batch holding `next` and deliver from memory.
      auto it = std::upper_bound(batches.begin(), batches.end(), next,
                                 [](std::uint64_t s, const auto& b) { return s < b->front().seq; });
      --it;
      bool more = true;
      for (; it != batches.end() && more; ++it) {
        for (std::size_t k = next - (*it)->front().seq; k < (*it)->size() && more; ++k) {
          more = deliver((**it)[k]);
        }
        next = sub.next_seq.load();
      }
      return;
    }
    // Catching up: the events are older than the in-memory window.
    rocksdb::ReadOptions ro;
    std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(ro, st.log));
    for (it->Seek(keys::seq_key(next)); it->Valid() && budget > 0; it->Next()) {
      auto seq = keys::parse_seq_key(it->key().ToStringView());
      if (!seq || *seq > committed) break;
      auto e = read_event(it->value().ToStringView(), *seq);
      if (!e) {
        std::fprintf(stderr, "heimdall: subscription stopped at seq %llu: %s\n",
                     static_cast<unsigned long long>(*seq), e.error().to_string().c_str());
        sub.cancelled = true;
        return;
      }
      if (!deliver(e.value())) break;
    }
    if (sub.next_seq.load() == next) return;  // nothing readable yet; retry on the next wake-up
  }
}

}  // namespace heimdall
