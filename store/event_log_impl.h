// event_log::impl: the state behind an event_log, shared by the files that
// implement it (internal to store/):
//   event_log.cpp          open, close, reads, the append entry point
//   log_writer.cpp         group commit: the writer and syncer threads
//   log_subscriptions.cpp  delivery to subscribers
//   log_projections.cpp    projection recovery, replay and rebuild
//
// Threads: producers call append_async; one writer thread validates and
// writes groups; one syncer thread fsyncs and acknowledges them; one
// dispatcher thread (started by the first subscribe) feeds subscribers.
// Each field's comment says which thread owns it or which mutex guards it.
#pragma once

#include <rocksdb/db.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/event_log.h"
#include "store/log_storage.h"
#include "store/projection.h"
#include "store/stream_cache.h"

namespace heimdall {

// One append waiting for the writer.
struct queued_append {
  std::string stream;
  expected_version expected;
  std::vector<new_event> events;
  event_log::append_callback done;
  std::chrono::steady_clock::time_point queued_at;  // for log_metrics::acks
};

// The atomics behind a latency_counts: one thread records, any reads.
struct latency_recorder {
  std::atomic<std::uint64_t> count{0}, micros_max{0}, micros_sum{0};
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets> micros_buckets{};

  void record(std::chrono::steady_clock::duration took);
  latency_counts snapshot() const;
};

// A group the writer has written but the syncer has not yet made durable.
struct written_group {
  std::vector<queued_append> requests;
  std::vector<std::optional<result<append_result>>> results;  // parallel to requests
  std::vector<event> events;  // appended by this group, in seq order
  std::shared_ptr<const rocksdb::Snapshot> view;  // the log including this group
  status failure;  // the group could not be written
};

// One subscription's state, shared by its handle and the dispatcher.
struct subscriber {
  std::function<void(const event&)> on_event;
  std::atomic<std::uint64_t> next_seq;
  std::recursive_mutex deliver_mu;  // held while its callback runs
  bool cancelled = false;           // guarded by deliver_mu
};

struct event_log::impl {
  std::string dir;
  event_log_options options;
  log_storage st;
  std::string secondary_dir;  // read-only mode: RocksDB's scratch directory
  std::vector<rocksdb::ColumnFamilyHandle*> other_cfs;  // opened because RocksDB requires it

  // --- writer (group commit) ---
  // Two threads pipeline each group: the writer validates it and writes it
  // to RocksDB without syncing (WAL order = seq order, one writer), then
  // hands it to the syncer, which fsyncs the WAL once for every group
  // written meanwhile and only then acknowledges them. Readers see the log
  // through `view`, a snapshot the syncer advances after each fsync, so no
  // reader ever sees an event that is not durable.
  std::mutex queue_mu;
  std::condition_variable queue_cv;  // the writer waits for work
  std::condition_variable space_cv;  // producers wait for queue space
  std::deque<queued_append> queue;
  std::size_t queued_events = 0;
  bool stopping = false;
  std::thread writer;
  // Held by the writer around each group and by rebuild_projections.
  std::mutex commit_mu;
  // Owned by the writer thread (or by whoever holds commit_mu).
  stream_cache streams{[this](std::string_view stream) { return load_stream(stream); },
                       options.max_cached_event_ids};
  std::uint64_t next_seq = 1;

  std::mutex sync_mu;
  std::condition_variable sync_cv;        // the syncer waits for written groups
  std::condition_variable sync_done_cv;   // the writer waits for the syncer to catch up
  std::deque<written_group> unsynced;
  std::uint64_t groups_written = 0, groups_synced = 0;
  bool syncer_stopping = false;
  std::thread syncer;

  std::mutex poison_mu;
  status poisoned;  // set once by a failed write or sync; every later append fails with it

  mutable std::mutex view_mu;
  std::shared_ptr<const rocksdb::Snapshot> view;  // the durable state; null on read-only logs

  std::atomic<std::uint64_t> events_appended{0}, groups_committed{0};
  // Written by the syncer only, read by metrics().
  latency_recorder syncs, acks;

  // --- subscriptions ---
  std::mutex sub_mu;
  std::condition_variable sub_cv;
  std::vector<std::shared_ptr<subscriber>> subscribers;
  std::deque<std::shared_ptr<const std::vector<event>>> recent;
  std::size_t recent_events = 0;
  std::atomic<std::uint64_t> committed_seq{0};
  bool dispatcher_stopping = false;
  std::thread dispatcher;

  ~impl();

  status open_db(bool is_new);
  status recover_projections();
  status replay_projections(const std::vector<std::size_t>& which, std::uint64_t from_seq);
  // Caller holds commit_mu.
  status rebuild_projections(const std::vector<std::size_t>& which);
  projection_reader reader_for(rocksdb::ColumnFamilyHandle* cf, status* error) const;

  // A stream's version and event ids, from its index (latest state).
  result<cached_stream> load_stream(std::string_view stream) const;
  result<event> read_event(std::string_view envelope, std::uint64_t seq,
                           data_form form = data_form::current) const;

  void writer_loop();
  written_group write_group(std::vector<queued_append> group);
  void syncer_loop();
  void wait_until_synced();
  status poison_status();
  void poison(const status& failure);
  std::shared_ptr<const rocksdb::Snapshot> take_snapshot();
  rocksdb::ReadOptions read_options(std::shared_ptr<const rocksdb::Snapshot>& hold) const;
  void publish(std::vector<event> events);

  void dispatcher_loop();
  void deliver_some(subscriber& sub, std::uint64_t committed,
                    const std::deque<std::shared_ptr<const std::vector<event>>>& batches);
  void cancel(const std::shared_ptr<subscriber>& sub);
  struct subscription_handle;
};

struct event_log::impl::subscription_handle : subscription {
  subscription_handle(impl* owner, std::shared_ptr<subscriber> sub) : owner(owner), sub(std::move(sub)) {}
  ~subscription_handle() override { cancel(); }
  void cancel() override { owner->cancel(sub); }

  impl* owner;
  std::shared_ptr<subscriber> sub;
};

}  // namespace heimdall
