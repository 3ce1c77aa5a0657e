// append_bench: durable appends through the event log against raw RocksDB
// synced WriteBatches of the same size, on the same disk, in the same run.
//
//   build/bench/append_bench [--events N] [--producers P] [--window W] [--dir DIR]
//
// Phase 1 drives the log with P producer threads, each keeping W appends of
// one ~300-byte event in flight (append_async), and records each append's
// acknowledgement latency. Phase 2 writes the same number of events with
// raw RocksDB, one thread, synced WriteBatches holding as many events as the
// log's average group commit did. Phase 3 times `rebuild` (replay of every
// event into the projections). Last line:
//   ratio=<log/raw> events_per_s=<n> p99_ack_ms=<x>
#include <rocksdb/db.h>
#include <rocksdb/perf_level.h>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/event_codec.h"
#include "store/event_log.h"
#include "store/keys.h"

using namespace heimdall;
using clock_type = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

struct options {
  std::uint64_t events = 400000;
  int producers = 4;
  int window = 64;
  std::string dir = "bench-data";
};

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// A finding event whose stored envelope is about 300 bytes.
new_event finding_event() {
  new_event e;
  e.id = uuid::v7();
  e.type = "scan.finding_added";
  e.data = R"({"finding_id":")" + uuid::v7().to_string() +
           R"(","title":"SQL injection through string-built query in handler","severity":"high"})";
  return e;
}

new_event queued_event() {
  new_event e;
  e.id = uuid::v7();
  e.type = "scan.queued";
  e.schema = 2;
  e.data = R"({"repo_id":"01936d2f-8c4e-7890-b123-456789abcdef","scan_type":"full","triggered_by":"01936d2e-1234-5678-9abc-def012345678","commit_sha":null,"base_commit_sha":null,"parent_scan_id":null})";
  return e;
}

struct log_result {
  double events_per_s = 0, p50_ms = 0, p99_ms = 0, p999_ms = 0, avg_group = 0;
  std::uint64_t groups = 0;
  std::size_t envelope_bytes = 0;
};

log_result run_log(const options& o, const std::string& dir) {
  auto log = std::move(event_log::open(dir).value());
  std::uint64_t per_producer = o.events / static_cast<std::uint64_t>(o.producers);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(o.producers));
  std::atomic<int> errors{0};
  auto start = clock_type::now();
  std::vector<std::thread> producers;
  for (int p = 0; p < o.producers; ++p) {
    producers.emplace_back([&, p] {
      pthread_setname_np(pthread_self(), "producer");
      // A client with a window of appends in flight. Acknowledgements only
      // wake the producer once half the window has drained, as a real
      // pipelining client would, so the benchmark measures the log rather
      // than a futex wake per event.
      std::mutex mu;
      std::condition_variable cv;
      std::atomic<int> in_flight{0};
      auto& lat = latencies[static_cast<std::size_t>(p)];
      lat.assign(per_producer, 0.0);
      std::string stream;
      for (std::uint64_t i = 0; i < per_producer; ++i) {
        // A scan of 100 events: queued, then findings (each updates the
        // scan's projection, as real traffic does).
        bool first = i % 100 == 0;
        if (first) stream = "scan-" + uuid::v7().to_string();
        if (in_flight.load() >= o.window) {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return in_flight.load() <= o.window / 2; });
        }
        ++in_flight;
        auto sent = clock_type::now();
        log->append_async(stream, expected_version::any(), {first ? queued_event() : finding_event()},
                          [&, sent, i](result<append_result> r) {
                            lat[i] = std::chrono::duration<double, std::milli>(clock_type::now() - sent).count();
                            if (!r) ++errors;
                            int left = --in_flight;
                            if (left == o.window / 2 || left == 0) {
                              std::lock_guard<std::mutex> lock(mu);
                              cv.notify_one();
                            }
                          });
      }
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return in_flight.load() == 0; });
    });
  }
  for (auto& t : producers) t.join();
  double secs = seconds_since(start);
  if (errors > 0) std::fprintf(stderr, "append_bench: %d appends failed\n", errors.load());

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  log_result r;
  r.events_per_s = static_cast<double>(all.size()) / secs;
  r.p50_ms = all[all.size() / 2];
  r.p99_ms = all[all.size() * 99 / 100];
  r.p999_ms = all[all.size() * 999 / 1000];
  auto m = log->metrics();
  r.groups = m.groups_committed;
  r.avg_group = static_cast<double>(m.events_appended) / static_cast<double>(std::max<std::uint64_t>(1, m.groups_committed));
  auto sample = log->read_all(2, 1, data_form::stored);
  r.envelope_bytes = sample && !sample->empty() ? encode_envelope(sample->front()).size() : 300;
  std::printf("log: events=%zu seconds=%.2f events_per_s=%.0f groups=%llu avg_group=%.1f p50_ack_ms=%.2f "
              "p99_ack_ms=%.2f p999_ack_ms=%.2f\n",
              all.size(), secs, r.events_per_s, static_cast<unsigned long long>(r.groups), r.avg_group, r.p50_ms,
              r.p99_ms, r.p999_ms);
  return r;
}

double run_raw(const options& o, const std::string& dir, std::size_t batch_events, std::size_t value_bytes) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_options, dir, &raw);
  if (!s.ok()) {
    std::fprintf(stderr, "append_bench: raw RocksDB: %s\n", s.ToString().c_str());
    std::exit(2);
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value(value_bytes, 'x');
  // Same setting the log's writer uses: no per-thread perf counters.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  std::uint64_t seq = 1;
  std::vector<double> batch_ms;
  auto start = clock_type::now();
  while (seq <= o.events) {
    rocksdb::WriteBatch wb;
    for (std::size_t k = 0; k < batch_events && seq <= o.events; ++k, ++seq) wb.Put(keys::seq_key(seq), value);
    auto sent = clock_type::now();
    if (!db->Write(sync, &wb).ok()) {
      std::fprintf(stderr, "append_bench: raw write failed\n");
      std::exit(2);
    }
    batch_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - sent).count());
  }
  double secs = seconds_since(start);
  double eps = static_cast<double>(o.events) / secs;
  // The disk's own tail, for reading the log's p99 against.
  std::sort(batch_ms.begin(), batch_ms.end());
  std::printf("raw: events=%llu batch_events=%zu value_bytes=%zu seconds=%.2f events_per_s=%.0f "
              "p50_batch_ms=%.2f p99_batch_ms=%.2f\n",
              static_cast<unsigned long long>(o.events), batch_events, value_bytes, secs, eps,
              batch_ms[batch_ms.size() / 2], batch_ms[batch_ms.size() * 99 / 100]);
  return eps;
}

double run_replay(const std::string& dir) {
  auto log = std::move(event_log::open(dir).value());
  auto start = clock_type::now();
  if (status s = log->rebuild_projections(); !s.is_ok()) {
    std::fprintf(stderr, "append_bench: rebuild: %s\n", s.to_string().c_str());
    std::exit(2);
  }
  double eps = static_cast<double>(log->last_seq()) / seconds_since(start);
  std::printf("replay_events_per_s=%.0f\n", eps);
  return eps;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i], value = argv[i + 1];
    if (name == "--events") o.events = std::stoull(value);
    else if (name == "--producers") o.producers = std::stoi(value);
    else if (name == "--window") o.window = std::stoi(value);
    else if (name == "--dir") o.dir = value;
    else {
      std::fprintf(stderr, "usage: append_bench [--events N] [--producers P] [--window W] [--dir DIR]\n");
      return 2;
    }
  }
  fs::remove_all(o.dir);
  fs::create_directories(o.dir);
  std::string log_dir = o.dir + "/log", raw_dir = o.dir + "/raw";
  auto ours = run_log(o, log_dir);
  double raw = run_raw(o, raw_dir, static_cast<std::size_t>(std::max(1.0, ours.avg_group + 0.5)), ours.envelope_bytes);
  run_replay(log_dir);
  fs::remove_all(o.dir);
  std::printf("ratio=%.2f events_per_s=%.0f p99_ack_ms=%.2f\n", ours.events_per_s / raw, ours.events_per_s, ours.p99_ms);
  return 0;
}
