// append_bench: durable appends through the event log against raw RocksDB
// synced WriteBatches of the same size, on the same disk, in the same run.
//
//   build/bench/append_bench [--events N] [--producers P] [--window W]
//                            [--rate R] [--dir DIR]
//
// 1. Capacity (closed loop): P producer threads each keep W appends of one
//    ~300-byte event in flight (append_async) until N events are
//    acknowledged. Gives events/s, and the average group commit size.
// 2. Raw baseline: the same number of events written with raw RocksDB, one
//    thread, synced WriteBatches holding as many events as the log's average
//    group did, values of the log's average envelope size.
// 3. Latency at rate (open loop): P producers together offer R events/s
//    (default 100,000) for N events, on a fresh log. Each append's latency
//    runs from the moment it was *scheduled* to be sent, so a producer that
//    falls behind counts against the log (no coordinated omission). A closed
//    loop cannot measure this: it runs the log saturated, where latency is
//    just the window divided by the throughput.
// 4. Raw at rate: the same offered load written straight to RocksDB, each
//    producer's due events as one synced WriteBatch: the disk's own latency
//    under that load, to read the log's against.
// 5. Replay: `rebuild` of every projection from the capacity run's log.
//
// Context for reading the latencies (measured alongside, changing nothing
// in the phases above): the log phases also print the log's own WAL fsync
// times (from event_log::metrics(), in doubling buckets, so p50/p99 are
// upper bounds), and every timed phase prints others_cpu_cores, the CPU
// that other processes on the machine used meanwhile (from /proc/stat, minus
// this process). On a shared 2-core machine, a p99 measured while others
// use most of both cores, or while the fsync tail is long, says more about
// the neighbours than about the log.
//
// Last line: ratio=<log/raw> events_per_s=<capacity> p99_ack_ms=<p99 at R/s>
#include <pthread.h>
#include <rocksdb/db.h>
#include <unistd.h>
#include <rocksdb/perf_level.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/machine_cpu.h"
#include "store/event_codec.h"
#include "store/event_log.h"
#include "store/keys.h"

using namespace heimdall;
using bench::others_cores;
using bench::sample_cpu;
using clock_type = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

struct options {
  std::uint64_t events = 400000;
  int producers = 4;
  int window = 64;
  double rate = 100000;
  std::string dir = "bench-data";
};

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

double ms_between(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// The log's WAL fsync times: upper bounds of the p50 and p99 buckets, and
// the maximum, in ms.
std::string fsync_summary(const log_metrics& m) {
  double max_ms = static_cast<double>(m.syncs.micros_max) / 1000.0;
  auto bound_ms = [&](double fraction) {
    auto target = static_cast<std::uint64_t>(fraction * static_cast<double>(m.syncs.count));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i + 1 < kLatencyBuckets; ++i) {
      seen += m.syncs.micros_buckets[i];
      if (seen > target) return std::min(max_ms, static_cast<double>(kLatencyBucketMicros << i) / 1000.0);
    }
    return max_ms;
  };
  char out[160];
  std::snprintf(out, sizeof out, "fsyncs=%llu fsync_p50_ms<=%.2f fsync_p99_ms<=%.2f fsync_max_ms=%.2f",
                static_cast<unsigned long long>(m.syncs.count), bound_ms(0.5), bound_ms(0.99), max_ms);
  return out;
}

// Open loop: when a producer's i-th event is due, sending one every
// `interval_s` seconds from `start`.
clock_type::time_point scheduled_at(clock_type::time_point start, double interval_s, std::uint64_t i) {
  return start + std::chrono::duration_cast<clock_type::duration>(
                     std::chrono::duration<double>(interval_s * static_cast<double>(i)));
}

// Sleeps to the 1 ms tick at or after `due` (if it is still ahead), so a
// producer wakes once per tick and sends everything due by then, rather
// than once per event.
void wait_for_tick(clock_type::time_point start, clock_type::time_point due) {
  if (due > clock_type::now()) {
    std::this_thread::sleep_until(start + std::chrono::ceil<std::chrono::milliseconds>(due - start));
  }
}

// A scan of 100 events per stream: queued, then findings (each updates the
// scan's projection, as real traffic does). Stored envelopes are ~330 bytes.
new_event scan_event(std::uint64_t i) {
  new_event e;
  e.id = uuid::v7();
  if (i % 100 == 0) {
    e.type = "scan.queued";
    e.schema = 2;
    e.data = R"({"repo_id":"01936d2f-8c4e-7890-b123-456789abcdef","scan_type":"full","triggered_by":"01936d2e-1234-5678-9abc-def012345678","commit_sha":null,"base_commit_sha":null,"parent_scan_id":null})";
  } else {
    e.type = "scan.finding_added";
    e.data = R"({"finding_id":")" + uuid::v7().to_string() +
             R"(","title":"SQL injection through string-built query in handler","severity":"high"})";
  }
  return e;
}

struct latency_summary {
  double p50 = 0, p99 = 0, p999 = 0;
};

latency_summary summarize(std::vector<std::vector<double>>& per_producer) {
  std::vector<double> all;
  for (auto& l : per_producer) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  if (all.empty()) return {};
  return {all[all.size() / 2], all[all.size() * 99 / 100], all[all.size() * 999 / 1000]};
}

// How a producer paces itself: closed loop (a window of appends in flight)
// or open loop (each append at its scheduled time).
struct pacing {
  int window = 0;      // closed loop when > 0
  double interval_s = 0;  // open loop: seconds between one producer's appends
};

// Runs P producers against `log`; returns each append's latency in ms.
std::vector<std::vector<double>> drive(event_log& log, const options& o, pacing pace, int& errors) {
  std::uint64_t per_producer = o.events / static_cast<std::uint64_t>(o.producers);
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(o.producers));
  std::atomic<int> failed{0};
  auto start = clock_type::now();
  std::vector<std::thread> producers;
  for (int p = 0; p < o.producers; ++p) {
    producers.emplace_back([&, p] {
      pthread_setname_np(pthread_self(), "producer");
      rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
      // Acknowledgements wake the producer only once half its window has
      // drained (or at the end), as a real pipelining client would, so the
      // benchmark measures the log rather than a futex wake per event.
      std::mutex mu;
      std::condition_variable cv;
      std::atomic<std::uint64_t> in_flight{0};
      auto& lat = latencies[static_cast<std::size_t>(p)];
      lat.assign(per_producer, 0.0);
      std::string stream;
      for (std::uint64_t i = 0; i < per_producer; ++i) {
        if (i % 100 == 0) stream = "scan-" + uuid::v7().to_string();
        auto scheduled = clock_type::now();
        if (pace.window > 0) {
          if (in_flight.load() >= static_cast<std::uint64_t>(pace.window)) {
            std::unique_lock<std::mutex> lock(mu);
            cv.wait(lock, [&] { return in_flight.load() <= static_cast<std::uint64_t>(pace.window / 2); });
          }
          scheduled = clock_type::now();
        } else {
          scheduled = scheduled_at(start, pace.interval_s, i);
          wait_for_tick(start, scheduled);
        }
        ++in_flight;
        log.append_async(stream, expected_version::any(), {scan_event(i)},
                         [&, scheduled, i](result<append_result> r) {
                           lat[i] = ms_between(scheduled, clock_type::now());
                           if (!r) ++failed;
                           std::uint64_t left = --in_flight;
                           if (left == static_cast<std::uint64_t>(pace.window / 2) || left == 0) {
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
  errors = failed.load();
  return latencies;
}

struct capacity_result {
  double events_per_s = 0, avg_group = 0;
  std::size_t envelope_bytes = 300;
};

capacity_result run_capacity(const options& o, const std::string& dir) {
  auto log = std::move(event_log::open(dir).value());
  int errors = 0;
  auto cpu_before = sample_cpu();
  auto start = clock_type::now();
  auto latencies = drive(*log, o, pacing{o.window, 0}, errors);
  double secs = seconds_since(start);
  double others = others_cores(cpu_before, sample_cpu());
  auto lat = summarize(latencies);
  auto m = log->metrics();
  capacity_result r;
  r.events_per_s = static_cast<double>(m.events_appended) / secs;
  r.avg_group = static_cast<double>(m.events_appended) / static_cast<double>(std::max<std::uint64_t>(1, m.groups_committed));
  // The raw baseline writes values of the log's average envelope size.
  auto sample = log->read_all(1, 1000, data_form::stored);
  if (sample && !sample->empty()) {
    std::size_t bytes = 0;
    for (const auto& e : *sample) bytes += encode_envelope(e).size();
    r.envelope_bytes = bytes / sample->size();
  }
  std::printf("capacity: events=%llu errors=%d seconds=%.2f events_per_s=%.0f groups=%llu avg_group=%.1f "
              "p50_ack_ms=%.2f p99_ack_ms=%.2f (closed loop, %d x %d in flight) %s others_cpu_cores=%.2f\n",
              static_cast<unsigned long long>(m.events_appended), errors, secs, r.events_per_s,
              static_cast<unsigned long long>(m.groups_committed), r.avg_group, lat.p50, lat.p99, o.producers,
              o.window, fsync_summary(m).c_str(), others);
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
  auto cpu_before = sample_cpu();
  auto start = clock_type::now();
  while (seq <= o.events) {
    rocksdb::WriteBatch wb;
    for (std::size_t k = 0; k < batch_events && seq <= o.events; ++k, ++seq) wb.Put(keys::seq_key(seq), value);
    auto sent = clock_type::now();
    if (!db->Write(sync, &wb).ok()) {
      std::fprintf(stderr, "append_bench: raw write failed\n");
      std::exit(2);
    }
    batch_ms.push_back(ms_between(sent, clock_type::now()));
  }
  double secs = seconds_since(start);
  double others = others_cores(cpu_before, sample_cpu());
  double eps = static_cast<double>(o.events) / secs;
  // The disk's own tail, for reading the log's p99 against.
  std::sort(batch_ms.begin(), batch_ms.end());
  std::printf("raw: events=%llu batch_events=%zu value_bytes=%zu seconds=%.2f events_per_s=%.0f "
              "p50_batch_ms=%.2f p99_batch_ms=%.2f others_cpu_cores=%.2f\n",
              static_cast<unsigned long long>(o.events), batch_events, value_bytes, secs, eps,
              batch_ms[batch_ms.size() / 2], batch_ms[batch_ms.size() * 99 / 100], others);
  return eps;
}

double run_at_rate(const options& o, const std::string& dir) {
  auto log = std::move(event_log::open(dir).value());
  int errors = 0;
  auto cpu_before = sample_cpu();
  auto start = clock_type::now();
  auto latencies = drive(*log, o, pacing{0, static_cast<double>(o.producers) / o.rate}, errors);
  double secs = seconds_since(start);
  double others = others_cores(cpu_before, sample_cpu());
  auto lat = summarize(latencies);
  auto m = log->metrics();
  std::printf("at_rate: offered_per_s=%.0f achieved_per_s=%.0f errors=%d p50_ack_ms=%.2f p99_ack_ms=%.2f "
              "p999_ack_ms=%.2f (open loop) %s others_cpu_cores=%.2f\n",
              o.rate, static_cast<double>(m.events_appended) / secs, errors, lat.p50, lat.p99, lat.p999,
              fsync_summary(m).c_str(), others);
  return lat.p99;
}

// The disk's latency at the same offered rate, without the log: each
// producer writes the events due in its tick as one synced WriteBatch, and
// RocksDB's own group commit combines concurrent producers.
double run_raw_at_rate(const options& o, const std::string& dir, std::size_t value_bytes) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(db_options, dir, &raw).ok()) std::exit(2);
  std::unique_ptr<rocksdb::DB> db(raw);
  std::uint64_t per_producer = o.events / static_cast<std::uint64_t>(o.producers);
  double interval_s = static_cast<double>(o.producers) / o.rate;
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(o.producers));
  std::atomic<std::uint64_t> next_key{1};
  auto cpu_before = sample_cpu();
  auto start = clock_type::now();
  std::vector<std::thread> producers;
  for (int p = 0; p < o.producers; ++p) {
    producers.emplace_back([&, p] {
      rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
      std::string value(value_bytes, 'x');
      rocksdb::WriteOptions sync;
      sync.sync = true;
      auto& lat = latencies[static_cast<std::size_t>(p)];
      for (std::uint64_t i = 0; i < per_producer;) {
        wait_for_tick(start, scheduled_at(start, interval_s, i));
        rocksdb::WriteBatch wb;
        std::uint64_t first = i;
        for (auto now = clock_type::now(); i < per_producer && scheduled_at(start, interval_s, i) <= now; ++i) {
          wb.Put(keys::seq_key(next_key++), value);
        }
        if (!db->Write(sync, &wb).ok()) std::exit(2);
        auto done = clock_type::now();
        for (std::uint64_t k = first; k < i; ++k) lat.push_back(ms_between(scheduled_at(start, interval_s, k), done));
      }
    });
  }
  for (auto& t : producers) t.join();
  double others = others_cores(cpu_before, sample_cpu());
  auto lat = summarize(latencies);
  std::printf("raw_at_rate: offered_per_s=%.0f p50_ack_ms=%.2f p99_ack_ms=%.2f p999_ack_ms=%.2f (open loop) "
              "others_cpu_cores=%.2f\n",
              o.rate, lat.p50, lat.p99, lat.p999, others);
  return lat.p99;
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
    else if (name == "--rate") o.rate = std::stod(value);
    else if (name == "--dir") o.dir = value;
    else {
      std::fprintf(stderr, "usage: append_bench [--events N] [--producers P] [--window W] [--rate R] [--dir DIR]\n");
      return 2;
    }
  }
  if (argc % 2 == 0 || o.producers < 1 || o.window < 2 || o.rate <= 0) {
    std::fprintf(stderr, "usage: append_bench [--events N] [--producers P] [--window W>=2] [--rate R] [--dir DIR]\n");
    return 2;
  }
  fs::remove_all(o.dir);
  fs::create_directories(o.dir);
  auto capacity = run_capacity(o, o.dir + "/log");
  double raw = run_raw(o, o.dir + "/raw", static_cast<std::size_t>(std::max(1.0, capacity.avg_group + 0.5)),
                       capacity.envelope_bytes);
  double p99 = run_at_rate(o, o.dir + "/at-rate");
  run_raw_at_rate(o, o.dir + "/raw-at-rate", capacity.envelope_bytes);
  run_replay(o.dir + "/log");
  fs::remove_all(o.dir);
  std::printf("ratio=%.2f events_per_s=%.0f p99_ack_ms=%.2f\n", capacity.events_per_s / raw, capacity.events_per_s,
              p99);
  return 0;
}
