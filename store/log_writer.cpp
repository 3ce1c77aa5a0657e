// Group commit. The writer thread takes queued appends, checks each against
// its stream (version, event ids), and writes the group's events, index
// entries and projection updates as one unsynced WriteBatch; the syncer
// thread then fsyncs the WAL once for every group written meanwhile and
// acknowledges them. One writer keeps WAL order equal to seq order, so a
// crash keeps a prefix of the log; acknowledging only after the fsync keeps
// every acknowledged event.
#include <pthread.h>
#include <rocksdb/perf_level.h>

#include "store/event_codec.h"
#include "store/event_log_impl.h"
#include "store/event_types.h"
#include "store/keys.h"

namespace heimdall {
namespace {

// Groups written but not yet synced. One fsync normally covers them all;
// the bound only matters when the disk stalls.
constexpr std::size_t kMaxUnsyncedGroups = 64;

}  // namespace

void event_log::impl::writer_loop() {
  // RocksDB's per-thread perf counters cost a TLS lookup per key compare.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  pthread_setname_np(pthread_self(), "log-writer");
  for (;;) {
    std::vector<queued_append> group;
    {
      std::unique_lock<std::mutex> lock(queue_mu);
      queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;  // stopping, and everything queued is written
      std::size_t n = 0;
      while (!queue.empty() &&
             (group.empty() || n + queue.front().events.size() <= options.max_batch_events)) {
        n += queue.front().events.size();
        group.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      queued_events -= n;
    }
    space_cv.notify_all();
    written_group written = write_group(std::move(group));
    std::unique_lock<std::mutex> lock(sync_mu);
    // Bound the groups awaiting one fsync; each holds its events in memory.
    sync_done_cv.wait(lock, [&] { return unsynced.size() < kMaxUnsyncedGroups; });
    unsynced.push_back(std::move(written));
    ++groups_written;
    lock.unlock();
    sync_cv.notify_one();
  }
}

void event_log::impl::syncer_loop() {
  pthread_setname_np(pthread_self(), "log-syncer");
  for (;;) {
    std::deque<written_group> batch;
    {
      std::unique_lock<std::mutex> lock(sync_mu);
      sync_cv.wait(lock, [&] { return syncer_stopping || !unsynced.empty(); });
      if (unsynced.empty()) return;
      batch.swap(unsynced);
    }
    // One fsync makes every group written so far durable. After a failure,
    // nothing is synced again: the kernel may have dropped the failed pages,
    // so a later fsync could persist newer records without older ones.
    status failure = poison_status();
    bool any_written = std::any_of(batch.begin(), batch.end(),
                                   [](const written_group& g) { return !g.events.empty() && g.failure.is_ok(); });
    if (failure.is_ok() && any_written) {
      auto started = std::chrono::steady_clock::now();
      failure = log_storage::from_rocksdb(st.db->SyncWAL(), "syncing the log in " + dir);
      if (!failure.is_ok()) poison(failure);
      syncs.record(std::chrono::steady_clock::now() - started);
    }
    std::shared_ptr<const rocksdb::Snapshot> durable;
    for (auto& g : batch) {
      status f = g.failure.is_ok() ? failure : g.failure;
      if (!f.is_ok()) {
        for (auto& r : g.results) {
          if (r->is_ok() && !r->value().duplicate) r = f;
        }
      } else if (!g.events.empty()) {
        durable = g.view;
      }
    }
    if (durable) {
      std::lock_guard<std::mutex> lock(view_mu);
      view = durable;
    }
    for (auto& g : batch) {
      if (g.failure.is_ok() && failure.is_ok() && !g.events.empty()) {
        events_appended += g.events.size();
        ++groups_committed;
        publish(std::move(g.events));
      }
      const auto acknowledged = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i < g.requests.size(); ++i) {
        if (g.results[i]->is_ok()) acks.record(acknowledged - g.requests[i].queued_at);
        g.requests[i].done(std::move(*g.results[i]));
      }
    }
    {
      std::lock_guard<std::mutex> lock(sync_mu);
      groups_synced += batch.size();
    }
    sync_done_cv.notify_all();
  }
}

void latency_recorder::record(std::chrono::steady_clock::duration took) {
  auto micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
  std::size_t bucket = 0;
  while (bucket + 1 < kLatencyBuckets && micros >= (kLatencyBucketMicros << bucket)) ++bucket;
  micros_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  count.fetch_add(1, std::memory_order_relaxed);
  micros_sum.fetch_add(micros, std::memory_order_relaxed);
  if (micros > micros_max.load(std::memory_order_relaxed)) micros_max.store(micros, std::memory_order_relaxed);
}

latency_counts latency_recorder::snapshot() const {
  latency_counts c;
  c.count = count.load();
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) c.micros_buckets[i] = micros_buckets[i].load();
  c.micros_max = micros_max.load();
  c.micros_sum = micros_sum.load();
  return c;
}

void event_log::impl::wait_until_synced() {
  std::unique_lock<std::mutex> lock(sync_mu);
  sync_done_cv.wait(lock, [&] { return groups_synced == groups_written; });
}

status event_log::impl::poison_status() {
  std::lock_guard<std::mutex> lock(poison_mu);
  return poisoned;
}

void event_log::impl::poison(const status& failure) {
  std::lock_guard<std::mutex> lock(poison_mu);
  if (poisoned.is_ok()) {
    poisoned = status(errc::read_only, "log " + dir + " stopped accepting appends after a write error (" +
                                           failure.message() + "); reopen it to recover");
  }
}

std::shared_ptr<const rocksdb::Snapshot> event_log::impl::take_snapshot() {
  rocksdb::DB* db = st.db.get();
  return std::shared_ptr<const rocksdb::Snapshot>(db->GetSnapshot(),
                                                  [db](const rocksdb::Snapshot* s) { db->ReleaseSnapshot(s); });
}

rocksdb::ReadOptions event_log::impl::read_options(std::shared_ptr<const rocksdb::Snapshot>& hold) const {
  {
    std::lock_guard<std::mutex> lock(view_mu);
    hold = view;
  }
  rocksdb::ReadOptions ro;
  ro.snapshot = hold.get();
  return ro;
}

projection_reader event_log::impl::reader_for(rocksdb::ColumnFamilyHandle* cf, status* error) const {
  return [this, cf, error](std::string_view key) -> std::optional<std::string> {
    std::string value;
    auto s = st.db->Get(rocksdb::ReadOptions(), cf, rocksdb::Slice(key.data(), key.size()), &value);
    if (s.ok()) return value;
    if (!s.IsNotFound() && error->is_ok()) *error = log_storage::from_rocksdb(s, "reading a projection");
    return std::nullopt;
  };
}

written_group event_log::impl::write_group(std::vector<queued_append> group) {
  std::lock_guard<std::mutex> commit_lock(commit_mu);
  written_group out;
  out.requests = std::move(group);
  auto& requests = out.requests;
  auto& results = out.results;
  results.resize(requests.size());
  if (status p = poison_status(); !p.is_ok()) {
    out.failure = p;
    for (auto& r : results) r = p;
    return out;
  }

  const auto& projections = all_projections();
  status read_error;
  std::vector<std::unique_ptr<projection_batch>> batches;
  for (std::size_t j = 0; j < projections.size(); ++j) {
    batches.push_back(projections[j]->begin(reader_for(st.projections[j], &read_error)));
  }
  rocksdb::WriteBatch wb;
  std::vector<event>& committed = out.events;
  std::uint64_t seq = next_seq;
  const std::string time = format_time_ms(options.clock());

  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto& req = requests[i];
    auto cached = streams.get(req.stream);
    if (!cached) {
      results[i] = cached.error();
      continue;
    }
    cached_stream& stream = **cached;
    // Idempotency: an append whose ids are all in the stream already is a
    // retry of one that succeeded; a partial overlap is a client error.
    std::size_t seen = 0;
    std::uint64_t first_seen = UINT64_MAX, last_seen = 0;
    for (const auto& e : req.events) {
      if (auto it = stream.ids.find(e.id); it != stream.ids.end()) {
        ++seen;
        first_seen = std::min(first_seen, it->second);
        last_seen = std::max(last_seen, it->second);
      }
    }
    if (seen == req.events.size()) {
      results[i] = append_result{first_seen, last_seen, stream.version, true};
      continue;
    }
    if (seen > 0) {
      results[i] = status(errc::conflict, std::to_string(seen) + " of the " + std::to_string(req.events.size()) +
                                              " event ids are already in stream " + req.stream +
                                              "; a retry must repeat the original append exactly");
      continue;
    }
    if (!req.expected.accepts(stream.version)) {
      results[i] = status(errc::conflict, "stream " + req.stream + " is at version " + std::to_string(stream.version) +
                                              ", the append expected " + req.expected.to_string());
      continue;
    }
    append_result ok{seq, 0, 0, false};
    for (auto& ne : req.events) {
      // The cache runs ahead of the disk; a failed write poisons the log,
      // so nothing ever acts on the entries of a group that was not written.
      streams.add(stream, ne.id, seq);
      event e{seq, req.stream, stream.version, ne.id, std::move(ne.type), ne.schema, time, std::move(ne.data)};
      wb.Put(st.log, keys::seq_key(seq), encode_envelope(e));
      wb.Put(st.streams, keys::stream_key(req.stream, e.version), keys::index_value(seq, e.id));
      upcast(e);  // cannot fail: the type and schema were validated on entry
      for (auto& b : batches) b->apply(e);
      committed.push_back(std::move(e));
      ++seq;
    }
    ok.last_seq = seq - 1;
    ok.stream_version = stream.version;
    results[i] = ok;
  }

  if (committed.empty()) return out;
  for (std::size_t j = 0; j < projections.size(); ++j) {
    auto* cf = st.projections[j];
    batches[j]->finish([&](const std::string& key, const std::optional<std::string>& value) {
      if (value) wb.Put(cf, key, *value);
      else wb.Delete(cf, key);
    });
    wb.Put(st.meta, checkpoint_key(projections[j]->name()), keys::seq_key(seq - 1));
  }
  out.failure = read_error;
  if (out.failure.is_ok()) {
    // Not synced here: the syncer's next fsync covers this group.
    out.failure = log_storage::from_rocksdb(st.db->Write(rocksdb::WriteOptions(), &wb), "appending to " + dir);
  }
  if (!out.failure.is_ok()) {
    poison(out.failure);
    return out;
  }
  out.view = take_snapshot();
  next_seq = seq;
  streams.trim();
  return out;
}

}  // namespace heimdall
