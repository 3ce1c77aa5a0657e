// event_log: appends, optimistic concurrency, idempotency, reads, reopen,
// concurrency and upcasting.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "store/event_log.h"
#include "store/log_inspect.h"
#include "tests/test_dirs.h"

using namespace heimdall;
using heimdall::test::make_event;

namespace {

std::unique_ptr<event_log> open_or_fail(const std::string& dir, event_log_options options = {}) {
  auto log = event_log::open(dir, options);
  INFO((log ? std::string() : log.error().to_string()));
  REQUIRE(log);
  return std::move(log.value());
}

}  // namespace

TEST_CASE("appends get gap-free seqs and per-stream versions", "[event_log]") {
  auto log = open_or_fail(test::log_dir("append"));
  CHECK(log->last_seq() == 0);
  std::string a = test::scan_stream(), b = test::scan_stream();
  auto r1 = log->append(a, expected_version::no_stream(),
                        {make_event("scan.queued"), make_event("scan.status_changed")});
  REQUIRE(r1);
  CHECK(r1->first_seq == 1);
  CHECK(r1->last_seq == 2);
  CHECK(r1->stream_version == 2);
  CHECK_FALSE(r1->duplicate);
  auto r2 = log->append(b, expected_version::any(), {make_event("scan.queued")});
  REQUIRE(r2);
  CHECK(r2->first_seq == 3);
  CHECK(r2->stream_version == 1);
  auto r3 = log->append(a, expected_version::exact(2), {make_event("scan.cancelled")});
  REQUIRE(r3);
  CHECK(r3->first_seq == 4);
  CHECK(r3->stream_version == 3);
  CHECK(log->last_seq() == 4);

  auto all = log->read_all(1, 100);
  REQUIRE(all);
  REQUIRE(all->size() == 4);
  for (std::size_t i = 0; i < all->size(); ++i) CHECK((*all)[i].seq == i + 1);
  CHECK((*all)[3].stream == a);
  CHECK((*all)[3].version == 3);
  CHECK((*all)[3].type == "scan.cancelled");
  CHECK((*all)[0].time.size() == 24);

  auto stream_a = log->read_stream(a, 1, 100);
  REQUIRE(stream_a);
  REQUIRE(stream_a->size() == 3);
  CHECK((*stream_a)[2].seq == 4);
  auto from_two = log->read_stream(a, 2, 1);
  REQUIRE(from_two);
  REQUIRE(from_two->size() == 1);
  CHECK((*from_two)[0].version == 2);
  CHECK(*log->stream_version(a) == 3);
  CHECK(*log->stream_version("scan-none") == 0);
  auto page = log->read_all(2, 2);
  REQUIRE(page);
  REQUIRE(page->size() == 2);
  CHECK((*page)[0].seq == 2);
  CHECK((*page)[1].seq == 3);
}

TEST_CASE("a version mismatch is a conflict and writes nothing", "[event_log]") {
  auto log = open_or_fail(test::log_dir("conflict"));
  std::string s = test::scan_stream();
  REQUIRE(log->append(s, expected_version::no_stream(), {make_event("scan.queued")}));

  auto again = log->append(s, expected_version::no_stream(), {make_event("scan.queued")});
  REQUIRE_FALSE(again);
  CHECK(again.error().code() == errc::conflict);
  CHECK_THAT(again.error().message(), Catch::Contains("is at version 1"));

  auto stale = log->append(s, expected_version::exact(0), {make_event("scan.cancelled")});
  REQUIRE_FALSE(stale);
  CHECK(stale.error().code() == errc::conflict);
  auto ahead = log->append(s, expected_version::exact(5), {make_event("scan.cancelled")});
  CHECK(ahead.error().code() == errc::conflict);
  CHECK(log->last_seq() == 1);
  CHECK(*log->stream_version(s) == 1);
}

TEST_CASE("re-appending the same event ids is idempotent", "[event_log]") {
  auto log = open_or_fail(test::log_dir("idempotent"));
  std::string s = test::scan_stream();
  std::vector<new_event> batch = {make_event("scan.queued"), make_event("scan.status_changed")};
  auto first = log->append(s, expected_version::no_stream(), batch);
  REQUIRE(first);
  REQUIRE(log->append(s, expected_version::exact(2), {make_event("scan.stage_updated")}));

  // A retry of the first append, with its original expected version.
  auto retry = log->append(s, expected_version::no_stream(), batch);
  REQUIRE(retry);
  CHECK(retry->duplicate);
  CHECK(retry->first_seq == first->first_seq);
  CHECK(retry->last_seq == first->last_seq);
  CHECK(log->last_seq() == 3);

  // Overlapping ids with new ones: a client error, nothing written.
  auto mixed = log->append(s, expected_version::any(), {batch[0], make_event("scan.cancelled")});
  REQUIRE_FALSE(mixed);
  CHECK(mixed.error().code() == errc::conflict);

  // The same id in one append, and the same id in two appends of one group.
  auto twice = log->append(s, expected_version::any(), {batch[0], batch[0]});
  CHECK(twice.error().code() == errc::invalid_argument);

  // The same id may appear in a different stream.
  auto other = log->append(test::scan_stream(), expected_version::any(), {batch[0]});
  REQUIRE(other);
  CHECK_FALSE(other->duplicate);
  CHECK(log->last_seq() == 4);
}

TEST_CASE("invalid appends are rejected with a clear error", "[event_log]") {
  auto log = open_or_fail(test::log_dir("invalid"));
  auto bad_stream = log->append("scan|1", expected_version::any(), {make_event("scan.queued")});
  CHECK(bad_stream.error().code() == errc::invalid_argument);
  auto empty = log->append(test::scan_stream(), expected_version::any(), {});
  CHECK(empty.error().code() == errc::invalid_argument);
  auto unknown = make_event("scan.queued");
  unknown.type = "scan.exploded";
  CHECK(log->append(test::scan_stream(), expected_version::any(), {unknown}).error().code() == errc::invalid_argument);
  auto not_object = make_event("scan.failed", "[1,2]");
  auto r = log->append(test::scan_stream(), expected_version::any(), {not_object});
  CHECK(r.error().code() == errc::invalid_argument);
  CHECK_THAT(r.error().message(), Catch::Contains("JSON object"));
  auto broken = make_event("scan.failed", R"({"error": )");
  CHECK(log->append(test::scan_stream(), expected_version::any(), {broken}).error().code() == errc::invalid_argument);
  CHECK(log->last_seq() == 0);
}

TEST_CASE("a reopened log keeps its events and continues the sequence", "[event_log]") {
  std::string dir = test::log_dir("reopen");
  std::string s = test::scan_stream();
  {
    auto log = open_or_fail(dir);
    REQUIRE(log->append(s, expected_version::no_stream(), {make_event("scan.queued")}));
    REQUIRE(log->append(s, expected_version::exact(1), {make_event("scan.status_changed")}));
  }
  auto log = open_or_fail(dir);
  CHECK(log->last_seq() == 2);
  auto r = log->append(s, expected_version::exact(2), {make_event("scan.cancelled")});
  REQUIRE(r);
  CHECK(r->first_seq == 3);
  CHECK(r->stream_version == 3);
}

TEST_CASE("concurrent producers get one gap-free order with streams in order", "[event_log]") {
  auto log = open_or_fail(test::log_dir("concurrent"));
  constexpr int kThreads = 8, kAppends = 300;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::map<std::uint64_t, std::pair<std::string, std::uint64_t>> acked;  // seq -> (stream, version)
  std::vector<std::string> failures;  // Catch2 assertions are not thread-safe
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::string own = test::scan_stream();
      std::uint64_t version = 0;
      for (int i = 0; i < kAppends; ++i) {
        // Alternate: an own stream with exact versions, and a shared one with `any`.
        bool shared = i % 3 == 0;
        std::string stream = shared ? "scan-shared" : own;
        auto expected = shared ? expected_version::any() : expected_version::exact(version);
        auto r = log->append(stream, expected, {make_event("scan.stage_updated"), make_event("scan.stage_updated")});
        std::lock_guard<std::mutex> lock(mu);
        if (!r) {
          failures.push_back(r.error().to_string());
          return;
        }
        if (!shared) version = r->stream_version;
        acked[r->first_seq] = {stream, r->stream_version - 1};
        acked[r->last_seq] = {stream, r->stream_version};
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(failures.empty());
  std::uint64_t total = std::uint64_t{kThreads} * kAppends * 2;
  CHECK(log->last_seq() == total);
  auto all = log->read_all(1, total + 10);
  REQUIRE(all);
  REQUIRE(all->size() == total);
  std::map<std::string, std::uint64_t> versions;
  for (std::size_t i = 0; i < all->size(); ++i) {
    const auto& e = (*all)[i];
    CHECK(e.seq == i + 1);
    CHECK(e.version == ++versions[e.stream]);
  }
  for (const auto& [seq, where] : acked) {
    CHECK((*all)[seq - 1].stream == where.first);
    CHECK((*all)[seq - 1].version == where.second);
  }
  auto report = verify_log(*log);
  REQUIRE(report);
  CHECK(report->ok());
}

TEST_CASE("metrics count the fsyncs and the acknowledgements, and how long they took", "[event_log]") {
  auto log = open_or_fail(test::log_dir("metrics"));
  CHECK(log->metrics().syncs.count == 0);
  std::string stream = test::scan_stream();
  new_event last = make_event("scan.stage_updated");
  for (int i = 0; i < 4; ++i) REQUIRE(log->append(stream, expected_version::any(), {make_event("scan.stage_updated")}));
  REQUIRE(log->append(stream, expected_version::any(), {last}));
  // A duplicate is answered without writing, so it needs no fsync.
  auto again = log->append(stream, expected_version::any(), {last});
  REQUIRE(again);
  CHECK(again->duplicate);
  auto m = log->metrics();
  CHECK(m.events_appended == 5);
  // Each blocking append waits for its own fsync: one group, one sync each.
  CHECK(m.groups_committed == 5);
  CHECK(m.syncs.count == 5);
  std::uint64_t counted = 0;
  for (auto n : m.syncs.micros_buckets) counted += n;
  CHECK(counted == m.syncs.count);
  // The slowest fsync lies in the highest non-empty bucket.
  std::size_t top = kLatencyBuckets - 1;
  while (top > 0 && m.syncs.micros_buckets[top] == 0) --top;
  if (top + 1 < kLatencyBuckets) CHECK(m.syncs.micros_max < (kLatencyBucketMicros << top));
  if (top > 0) CHECK(m.syncs.micros_max >= (kLatencyBucketMicros << (top - 1)));
  // Every acknowledged append is timed, the duplicate too; each waited for
  // its own fsync, so the slowest wait is no shorter than the slowest sync.
  CHECK(m.acks.count == 6);
  CHECK(m.acks.micros_max >= m.syncs.micros_max);
  CHECK(m.acks.micros_sum >= m.syncs.micros_sum);
}

TEST_CASE("old schema versions are upcast on read and kept as stored", "[event_log]") {
  auto log = open_or_fail(test::log_dir("upcast"));
  auto old = make_event("scan.queued", R"({"repo_id":"01936d2f-8c4e-7890-b123-456789abcdef","scan_type":"full","triggered_by":"01936d2e-1234-5678-9abc-def012345678"})");
  old.schema = 1;
  std::string s = test::scan_stream();
  REQUIRE(log->append(s, expected_version::no_stream(), {old}));
  auto current = log->read_stream(s, 1, 1);
  REQUIRE(current);
  CHECK((*current)[0].schema == 2);
  CHECK_THAT((*current)[0].data, Catch::Contains(R"("parent_scan_id":null)"));
  auto stored = log->read_all(1, 1, data_form::stored);
  REQUIRE(stored);
  CHECK((*stored)[0].schema == 1);
  CHECK((*stored)[0].data == old.data);
  // Projections see the upcast form.
  auto scan = log->projection_get("scans", s.substr(5));
  REQUIRE(scan);
  REQUIRE(*scan);
  CHECK_THAT(**scan, Catch::Contains(R"("commit_sha":null)"));
}

TEST_CASE("a read-only log sees the primary's appends after catch_up and cannot write", "[event_log]") {
  std::string dir = test::log_dir("secondary");
  auto primary = open_or_fail(dir);
  std::string s = test::scan_stream();
  REQUIRE(primary->append(s, expected_version::no_stream(), {make_event("scan.queued")}));
  event_log_options ro;
  ro.read_only = true;
  auto reader = open_or_fail(dir, ro);
  CHECK(reader->last_seq() == 1);
  REQUIRE(primary->append(s, expected_version::exact(1), {make_event("scan.status_changed")}));
  REQUIRE(reader->catch_up().is_ok());
  CHECK(reader->last_seq() == 2);
  auto events = reader->read_stream(s, 1, 10);
  REQUIRE(events);
  CHECK(events->size() == 2);
  auto write = reader->append(s, expected_version::any(), {make_event("scan.cancelled")});
  CHECK(write.error().code() == errc::read_only);
  CHECK(reader->subscribe(0, [](const event&) {}).error().code() == errc::read_only);
}

TEST_CASE("idempotency and versions hold for streams evicted from the writer's cache", "[event_log]") {
  event_log_options options;
  options.max_cached_event_ids = 4;  // every group evicts the streams it does not need
  auto log = open_or_fail(test::log_dir("evicted"), options);
  std::vector<std::string> streams;
  std::vector<std::vector<new_event>> first_appends;
  for (int i = 0; i < 6; ++i) {
    streams.push_back(test::scan_stream());
    first_appends.push_back({make_event("scan.queued"), make_event("scan.status_changed")});
    REQUIRE(log->append(streams[i], expected_version::no_stream(), first_appends[i]));
  }
  for (int i = 0; i < 6; ++i) {
    // Reloaded from the index: the retry is recognised, versions are right.
    auto retry = log->append(streams[i], expected_version::no_stream(), first_appends[i]);
    REQUIRE(retry);
    CHECK(retry->duplicate);
    CHECK(retry->stream_version == 2);
    CHECK(log->append(streams[i], expected_version::exact(1), {make_event("scan.cancelled")}).error().code() ==
          errc::conflict);
    auto next = log->append(streams[i], expected_version::exact(2), {make_event("scan.cancelled")});
    REQUIRE(next);
    CHECK(next->stream_version == 3);
  }
  CHECK(log->last_seq() == 18);
}
