// Subscriptions: history then live appends, in order, exactly once.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/event_log.h"
#include "tests/test_dirs.h"

using namespace heimdall;
using heimdall::test::make_event;

namespace {

// Collects delivered seqs; wait_for() blocks until a count is reached.
struct collector {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::uint64_t> seqs;

  void add(const event& e) {
    std::lock_guard<std::mutex> lock(mu);
    seqs.push_back(e.seq);
    cv.notify_all();
  }
  bool wait_for(std::size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return seqs.size() >= n; });
  }
  std::vector<std::uint64_t> snapshot() {
    std::lock_guard<std::mutex> lock(mu);
    return seqs;
  }
};

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (auto s = first; s <= last; ++s) out.push_back(s);
  return out;
}

void append_n(event_log& log, int n) {
  for (int i = 0; i < n; ++i) {
    REQUIRE(log.append(test::scan_stream(), expected_version::any(), {make_event("scan.stage_updated")}));
  }
}

}  // namespace

TEST_CASE("a subscriber gets history, then live appends, each once and in order", "[subscription]") {
  auto log = std::move(event_log::open(test::log_dir("subscribe")).value());
  append_n(*log, 25);
  collector from_start, from_ten;
  auto s1 = log->subscribe(0, [&](const event& e) { from_start.add(e); });
  auto s2 = log->subscribe(10, [&](const event& e) { from_ten.add(e); });
  REQUIRE(s1);
  REQUIRE(s2);
  append_n(*log, 25);
  REQUIRE(from_start.wait_for(50));
  REQUIRE(from_ten.wait_for(40));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // would reveal duplicates
  CHECK(from_start.snapshot() == range(1, 50));
  CHECK(from_ten.snapshot() == range(11, 50));
}

TEST_CASE("subscribers keep up with concurrent producers without gaps", "[subscription]") {
  auto log = std::move(event_log::open(test::log_dir("subscribe-concurrent")).value());
  std::vector<collector> collectors(4);
  std::vector<std::unique_ptr<subscription>> subs;
  for (auto& c : collectors) subs.push_back(std::move(log->subscribe(0, [&c](const event& e) { c.add(e); }).value()));
  std::vector<std::thread> producers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (!log->append(test::scan_stream(), expected_version::any(), {make_event("scan.stage_updated")})) ++failures;
      }
    });
  }
  for (auto& p : producers) p.join();
  REQUIRE(failures == 0);
  for (auto& c : collectors) {
    REQUIRE(c.wait_for(2000));
    CHECK(c.snapshot() == range(1, 2000));
  }
}

TEST_CASE("a subscriber far behind catches up from storage", "[subscription]") {
  auto log = std::move(event_log::open(test::log_dir("subscribe-history")).value());
  // More than the in-memory window of recent events.
  constexpr int kEvents = 70000;
  std::vector<std::thread> producers;
  for (int t = 0; t < 2; ++t) {
    producers.emplace_back([&] {
      std::vector<new_event> batch;
      for (int i = 0; i < kEvents / 2; i += 500) {
        std::vector<new_event> events;
        for (int k = 0; k < 500; ++k) events.push_back(make_event("scan.stage_updated"));
        log->append(test::scan_stream(), expected_version::any(), std::move(events));
      }
    });
  }
  for (auto& p : producers) p.join();
  REQUIRE(log->last_seq() == kEvents);
  collector c;
  auto sub = log->subscribe(0, [&](const event& e) { c.add(e); });
  REQUIRE(c.wait_for(kEvents));
  CHECK(c.snapshot() == range(1, kEvents));
}

TEST_CASE("after cancel() no callback runs", "[subscription]") {
  auto log = std::move(event_log::open(test::log_dir("subscribe-cancel")).value());
  collector c;
  auto sub = std::move(log->subscribe(0, [&](const event& e) { c.add(e); }).value());
  append_n(*log, 3);
  REQUIRE(c.wait_for(3));
  sub->cancel();
  append_n(*log, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(c.snapshot().size() == 3);

  // A callback may cancel its own subscription.
  std::atomic<subscription*> self{nullptr};
  std::atomic<int> calls{0};
  auto handle = std::move(log->subscribe(0, [&](const event&) {
                             if (++calls != 2) return;
                             while (self.load() == nullptr) std::this_thread::yield();
                             self.load()->cancel();
                           }).value());
  self = handle.get();
  append_n(*log, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(calls == 2);
}
