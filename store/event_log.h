// event_log: the append-only, durable event log every other part stands on.
//
// Appends: append(stream, expected_version, events) either writes all the
// events, contiguously in the stream and in the global order, or none. Appends
// from many threads are combined into one WriteBatch per group (group
// commit), which also carries the projection updates derived from those
// events. A writer thread writes each group; a syncer thread fsyncs the WAL
// for every group written meanwhile and only then acknowledges them. Reads
// see the log as of the last fsync, so nothing is visible before it is
// durable.
//
// Failure model: a conflict or invalid input fails that append alone and
// writes nothing. A write error (disk full, I/O error) fails the whole
// group, and the log then refuses further appends (errc::read_only) until it
// is reopened: RocksDB may or may not have persisted the failed batch, and
// reusing its seqs could split a stream. Reopening recovers to a consistent
// state that contains the failed batch either whole or not at all.
//
// Read-only mode (options.read_only) opens the directory as a RocksDB
// secondary: it works while another process has the log open, never writes
// to the log's directory, and sees new appends after catch_up().
//
// Thread-safety: all methods may be called from any thread. Callbacks
// (append_async, subscribe) run on the log's own threads and must be quick.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "store/event.h"
#include "base/result.h"

namespace rocksdb {
class Env;
}

namespace heimdall {

struct log_storage;  // RocksDB handles, for store/'s own operator code

// How reads return `data`: upcast to the type's current schema (what code
// should consume), or exactly as stored (what an audit wants to see).
enum class data_form { current, stored };

struct event_log_options {
  // Create a new log when `dir` does not exist or is an empty directory.
  // A non-empty directory that is not a log is never touched.
  bool create_if_missing = true;
  // Open as a read-only follower (see above).
  bool read_only = false;
  // All file I/O goes through this Env, so tests can inject faults. Not
  // owned; must outlive the log. nullptr = the default Env.
  rocksdb::Env* env = nullptr;
  // Stamps each group of appended events. Default: the system clock.
  clock_fn clock;
  // Upper bound on the events in one group commit: bounds the latency one
  // fsync adds to the appends queued behind it.
  std::size_t max_batch_events = 2048;
  // Appends queued and not yet written; append_async blocks beyond this so a
  // burst of producers cannot exhaust memory.
  std::size_t max_queued_events = 65536;
  // Event ids the writer keeps in memory (about 50 bytes each) to check
  // expected versions and idempotency without reading the disk; streams
  // beyond it are evicted and reloaded from their index when next used.
  std::size_t max_cached_event_ids = 1 << 20;
};

// Delivery to one subscriber; destroying it (or cancel()) stops delivery.
class subscription {
 public:
  virtual ~subscription() = default;
  // After cancel() returns, the callback is not running and never runs
  // again (unless cancel() is called from inside the callback itself, in
  // which case no further call is made after it returns).
  virtual void cancel() = 0;
};

// Durations in buckets that double: bucket i counts those that took less
// than kLatencyBucketMicros << i and at least half that (bucket 0: anything
// shorter; the last bucket: anything longer).
inline constexpr std::size_t kLatencyBuckets = 16;
inline constexpr std::uint64_t kLatencyBucketMicros = 64;  // 64 us ... 1 s and more

struct latency_counts {
  std::uint64_t count = 0;
  std::array<std::uint64_t, kLatencyBuckets> micros_buckets{};
  std::uint64_t micros_max = 0;
  std::uint64_t micros_sum = 0;
};

// Counters since open; cheap to read from any thread.
struct log_metrics {
  std::uint64_t events_appended = 0;  // acknowledged, excluding duplicates
  std::uint64_t groups_committed = 0; // synced WriteBatches (group commits)
  // The syncer's WAL fsyncs. One covers every group written since the
  // previous one, so there are at most as many syncs as groups. An
  // acknowledgement waits for its own group's fsync and possibly the one
  // before it: these are the disk's share of the append latency.
  latency_counts syncs;
  // Each acknowledged append (not each event), from append_async to its
  // acknowledgement: what a producer waits.
  latency_counts acks;
};

class event_log {
 public:
  // Errors: errc::not_found (no such directory and not creating),
  // errc::invalid_argument (not a log), errc::locked (another process holds
  // it), errc::corruption, errc::io_error. Nothing is written on failure.
  static result<std::unique_ptr<event_log>> open(const std::string& dir,
                                                 event_log_options options = {});
  // Writes every append already queued, then stops the log's threads.
  ~event_log();

  event_log(const event_log&) = delete;
  event_log& operator=(const event_log&) = delete;

  using append_callback = std::function<void(result<append_result>)>;

  // Queues an append; `done` runs on the writer thread once the group
  // holding it is synced or rejected (at once on the calling thread when
  // the input is invalid or the log is read-only or closing). Re-appending event ids the stream already holds is a no-op
  // reported with duplicate = true and the original positions.
  void append_async(std::string stream, expected_version expected, std::vector<new_event> events,
                    append_callback done);
  // Blocking form of append_async.
  result<append_result> append(std::string stream, expected_version expected,
                               std::vector<new_event> events);

  // Up to max_count events with seq >= from_seq, in seq order ("$all").
  result<std::vector<event>> read_all(std::uint64_t from_seq, std::size_t max_count,
                                      data_form form = data_form::current) const;
  // Up to max_count events of `stream` with version >= from_version.
  result<std::vector<event>> read_stream(std::string_view stream, std::uint64_t from_version,
                                         std::size_t max_count,
                                         data_form form = data_form::current) const;
  // The highest acknowledged seq (0 for an empty log).
  std::uint64_t last_seq() const;
  // 0 when the stream does not exist.
  result<std::uint64_t> stream_version(std::string_view stream) const;

  // A projection's stored value (see projection.h for the names and keys).
  result<std::optional<std::string>> projection_get(std::string_view projection,
                                                    std::string_view key) const;

  // Calls visit(key, value) for each pair of a projection whose key starts
  // with `prefix`, in key order, from one consistent view, until visit
  // returns false.
  status projection_for_each(std::string_view projection, std::string_view prefix,
                             const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Delivers every event with seq > after_seq, in order and exactly once,
  // first from storage and then as appends are acknowledged. Any number of
  // subscribers may exist. Not available on a read-only log (poll with
  // catch_up() and read_all() there).
  result<std::unique_ptr<subscription>> subscribe(std::uint64_t after_seq,
                                                  std::function<void(const event&)> on_event);

  // Read-only logs: pick up what the primary has written since the last call.
  status catch_up();

  // Drops every projection and replays the whole log into them; appends
  // wait while it runs. Interrupted by a crash, it resumes on the next open.
  status rebuild_projections();

  log_metrics metrics() const;
  bool read_only() const;
  // ok while appends are accepted; after a write error, the read_only status
  // every append now fails with (see the failure model above). For those who
  // wait on events that can no longer come.
  status append_health() const;
  const std::string& dir() const;
  // RocksDB handles for store/'s operator code (log_inspect.h); not for use
  // outside store/.
  const log_storage& storage() const;

 private:
  struct impl;
  explicit event_log(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace heimdall
