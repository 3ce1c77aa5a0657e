// Projection maintenance outside the append path: catching up or
// rebuilding on open, and the operator's rebuild.
#include "store/event_log_impl.h"
#include "store/keys.h"

namespace heimdall {
namespace {

// Events per WriteBatch when replaying the log into projections.
constexpr std::size_t kReplayChunk = 50000;

}  // namespace

status event_log::impl::recover_projections() {
  const auto& projections = all_projections();
  std::vector<std::size_t> rebuild;
  std::vector<std::pair<std::size_t, std::uint64_t>> behind;  // projection, first seq to apply
  std::uint64_t last = committed_seq.load();
  for (std::size_t j = 0; j < projections.size(); ++j) {
    std::string value;
    auto s = st.db->Get(rocksdb::ReadOptions(), st.meta, rebuilding_key(projections[j]->name()), &value);
    bool interrupted = s.ok();
    s = st.db->Get(rocksdb::ReadOptions(), st.meta, checkpoint_key(projections[j]->name()), &value);
    if (!s.ok() && !s.IsNotFound()) return log_storage::from_rocksdb(s, "reading projection checkpoints");
    if (interrupted || (s.IsNotFound() && last > 0)) {
      rebuild.push_back(j);
    } else if (s.ok() && keys::get_be64(value) < last) {
      behind.emplace_back(j, keys::get_be64(value) + 1);
    }
  }
  for (auto [j, from] : behind) {
    if (status s = replay_projections({j}, from); !s.is_ok()) return s;
  }
  if (rebuild.empty()) return status::ok();
  std::lock_guard<std::mutex> commit_lock(commit_mu);
  return rebuild_projections(rebuild);
}

status event_log::impl::rebuild_projections(const std::vector<std::size_t>& which) {
  const auto& projections = all_projections();
  // The marker makes an interrupted rebuild restart on the next open rather
  // than leave a half-replayed projection behind a stale checkpoint.
  rocksdb::WriteBatch wb;
  for (std::size_t j : which) wb.Put(st.meta, rebuilding_key(projections[j]->name()), "1");
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (auto s = st.db->Write(sync, &wb); !s.ok()) return log_storage::from_rocksdb(s, "starting a rebuild");
  for (std::size_t j : which) {
    std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(rocksdb::ReadOptions(), st.projections[j]));
    it->SeekToFirst();
    if (!it->Valid()) continue;
    std::string first = it->key().ToString();
    it->SeekToLast();
    std::string end = it->key().ToString() + '\0';
    if (auto s = st.db->DeleteRange(rocksdb::WriteOptions(), st.projections[j], first, end); !s.ok()) {
      return log_storage::from_rocksdb(s, "clearing projection " + std::string(projections[j]->name()));
    }
  }
  return replay_projections(which, 1);
}

status event_log::impl::replay_projections(const std::vector<std::size_t>& which, std::uint64_t from_seq) {
  const auto& projections = all_projections();
  rocksdb::ReadOptions ro;
  ro.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(ro, st.log));
  it->Seek(keys::seq_key(from_seq));
  std::uint64_t applied = from_seq - 1;
  bool done = false;
  while (!done) {
    status read_error;
    std::vector<std::unique_ptr<projection_batch>> batches;
    for (std::size_t j : which) batches.push_back(projections[j]->begin(reader_for(st.projections[j], &read_error)));
    std::size_t n = 0;
    for (; it->Valid() && n < kReplayChunk; it->Next(), ++n) {
      auto seq = keys::parse_seq_key(it->key().ToStringView());
      if (!seq) return status(errc::corruption, "malformed log key during replay");
      auto e = read_event(it->value().ToStringView(), *seq);
      if (!e) return e.error();
      for (auto& b : batches) b->apply(e.value());
      applied = *seq;
    }
    if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "replaying the log");
    done = !it->Valid();
    rocksdb::WriteBatch wb;
    for (std::size_t k = 0; k < which.size(); ++k) {
      auto* cf = st.projections[which[k]];
      batches[k]->finish([&](const std::string& key, const std::optional<std::string>& value) {
        if (value) wb.Put(cf, key, *value);
        else wb.Delete(cf, key);
      });
      wb.Put(st.meta, checkpoint_key(projections[which[k]]->name()), keys::seq_key(applied));
      if (done) wb.Delete(st.meta, rebuilding_key(projections[which[k]]->name()));
    }
    if (!read_error.is_ok()) return read_error;
    rocksdb::WriteOptions wo;
    wo.sync = done;  // the last chunk's sync makes every earlier one durable too
    if (auto s = st.db->Write(wo, &wb); !s.ok()) return log_storage::from_rocksdb(s, "writing projections");
  }
  return status::ok();
}

status event_log::rebuild_projections() {
  if (impl_->options.read_only) return status(errc::read_only, "rebuild needs the log open for writing");
  std::vector<std::size_t> all(all_projections().size());
  for (std::size_t j = 0; j < all.size(); ++j) all[j] = j;
  std::lock_guard<std::mutex> commit_lock(impl_->commit_mu);
  impl_->wait_until_synced();
  status s = impl_->rebuild_projections(all);
  auto fresh = impl_->take_snapshot();
  std::lock_guard<std::mutex> lock(impl_->view_mu);
  impl_->view = std::move(fresh);
  return s;
}

}  // namespace heimdall
