#include "store/event_log.h"

#include <rocksdb/perf_level.h>
#include <rocksdb/slice_transform.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "store/event_codec.h"
#include "store/event_types.h"
#include "store/keys.h"
#include "store/log_storage.h"
#include "store/projection.h"
#include "store/stream_cache.h"

namespace heimdall {
namespace fs = std::filesystem;
namespace {

// Largest single append: one request must fit comfortably in one WriteBatch.
constexpr std::size_t kMaxEventsPerAppend = 10000;
// Recently committed events kept in memory so live subscribers are fed
// without reading the disk; a subscriber further behind reads storage.
constexpr std::size_t kRecentEvents = 65536;
// Events one subscriber is given per dispatcher pass, so one subscriber
// catching up on a long history does not starve the others.
constexpr std::size_t kDeliveryBudget = 4096;
// Events per WriteBatch when replaying the log into projections.
constexpr std::size_t kReplayChunk = 50000;
// Event ids the writer keeps in memory for idempotency checks (about 50
// bytes each); a stream evicted past this is reloaded from its index.
constexpr std::size_t kMaxCachedIds = 1 << 20;
// Groups written but not yet synced. One fsync normally covers them all;
// the bound only matters when the disk stalls.
constexpr std::size_t kMaxUnsyncedGroups = 64;

// RocksDB's own diagnostics, warnings and worse, go to stderr instead of a
// LOG file in the data directory: a failed open must leave the directory
// exactly as it found it. They are muted until the open succeeds, because
// an open failure is reported once, as the status open() returns.
class stderr_logger : public rocksdb::Logger {
 public:
  stderr_logger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  std::atomic<bool> enabled{false};
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (!enabled) return;
    std::fprintf(stderr, "rocksdb: ");
    std::vfprintf(stderr, format, ap);
    std::fputc('\n', stderr);
  }
};

struct queued_append {
  std::string stream;
  expected_version expected;
  std::vector<new_event> events;
  event_log::append_callback done;
};

// A group the writer has written but the syncer has not yet made durable.
struct written_group {
  std::vector<queued_append> requests;
  std::vector<std::optional<result<append_result>>> results;  // parallel to requests
  std::vector<event> events;  // appended by this group, in seq order
  std::shared_ptr<const rocksdb::Snapshot> view;  // the log including this group
  status failure;  // the group could not be written
};

struct subscriber {
  std::function<void(const event&)> on_event;
  std::atomic<std::uint64_t> next_seq;
  std::recursive_mutex deliver_mu;  // held while its callback runs
  bool cancelled = false;           // guarded by deliver_mu
};

std::string be64(std::uint64_t v) { return keys::seq_key(v); }

// The prefix of a streams key: the stream id and its '|'. Within a stream,
// versions arrive in ascending order, so the memtable can insert each key
// next to the previous one of its stream.
class stream_prefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "heimdall.stream_prefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.ToStringView().find('|') + 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return key.ToStringView().find('|') != std::string_view::npos;
  }
};

enum class key_order { none, sequential, per_stream };

rocksdb::ColumnFamilyOptions cf_options(key_order order = key_order::none) {
  rocksdb::ColumnFamilyOptions o;
  if (order != key_order::none) {
    // The log and its index take every append: bigger memtables mean fewer
    // flushes competing with the writer for CPU.
    o.write_buffer_size = 128 << 20;
  }
  // Insert hints turn the memtable's skiplist search into an append for
  // keys that follow the previous one: most of the cost of a group commit.
  if (order == key_order::sequential) {
    o.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
  } else if (order == key_order::per_stream) {
    o.memtable_insert_with_hint_prefix_extractor = std::make_shared<stream_prefix>();
  }
  return o;
}

// Creating a log takes several steps (RocksDB's files, column families, the
// format marker). This file exists from before the first step until the
// format marker is durable, so an open that finds it knows the directory
// holds nothing but an unfinished creation and may start over.
constexpr const char* kCreatingMarker = "HEIMDALL-CREATING";

status sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return status(errc::io_error, "cannot sync directory '" + dir + "': " + std::strerror(errno));
  }
  ::close(fd);
  return status::ok();
}

status begin_creation(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename() != kCreatingMarker) fs::remove_all(entry.path(), ec);
  }
  std::string marker = (fs::path(dir) / kCreatingMarker).string();
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return status(errc::io_error, "cannot create a log in '" + dir + "': " + std::strerror(errno));
  }
  ::close(fd);
  return sync_directory(dir);
}

status finish_creation(const std::string& dir) {
  std::error_code ec;
  fs::remove(fs::path(dir) / kCreatingMarker, ec);
  if (ec) return status(errc::io_error, "cannot finish creating the log in '" + dir + "': " + ec.message());
  return sync_directory(dir);
}

}  // namespace

std::string checkpoint_key(std::string_view projection) {
  return "checkpoint/" + std::string(projection);
}
std::string rebuilding_key(std::string_view projection) {
  return "rebuilding/" + std::string(projection);
}

rocksdb::ColumnFamilyHandle* log_storage::projection_cf(std::string_view name) const {
  const auto& list = all_projections();
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i]->name() == name) return projections[i];
  }
  return nullptr;
}

status log_storage::from_rocksdb(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return status::ok();
  std::string detail = s.ToString();
  if (s.IsNotFound()) return status(errc::not_found, what + ": " + detail);
  if (s.IsCorruption()) return status(errc::corruption, what + " is corrupted: " + detail);
  if (s.IsIOError() && detail.find("lock") != std::string::npos) {
    return status(errc::locked, what + " is locked by another process (is a heimdall server running? "
                                       "`heimdall log` tools open it read-only)");
  }
  if (s.IsNoSpace()) return status(errc::io_error, what + ": no space left on device: " + detail);
  return status(errc::io_error, what + ": " + detail);
}

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
  stream_cache streams{[this](std::string_view stream) { return load_stream(stream); }, kMaxCachedIds};
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

  // --- subscriptions ---
  std::mutex sub_mu;
  std::condition_variable sub_cv;
  std::vector<std::shared_ptr<subscriber>> subscribers;
  std::deque<std::shared_ptr<const std::vector<event>>> recent;
  std::size_t recent_events = 0;
  std::atomic<std::uint64_t> committed_seq{0};
  bool dispatcher_stopping = false;
  std::thread dispatcher;
  std::thread::id dispatcher_id;

  ~impl();

  status open_db(bool is_new);
  status recover_projections();
  status replay_projections(const std::vector<std::size_t>& which, std::uint64_t from_seq);
  // Caller holds commit_mu.
  status rebuild_projections(const std::vector<std::size_t>& which);
  projection_reader reader_for(rocksdb::ColumnFamilyHandle* cf, status* error) const;

  // The stream's version as of `ro` (the writer reads the latest state,
  // readers the durable view).
  result<std::uint64_t> stored_version(std::string_view stream, const rocksdb::ReadOptions& ro) const;
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

// ---------------------------------------------------------------- open/close

result<std::unique_ptr<event_log>> event_log::open(const std::string& dir, event_log_options options) {
  std::error_code ec;
  bool is_new = false;
  bool may_create = options.create_if_missing && !options.read_only;
  if (!fs::exists(dir, ec)) {
    if (!may_create) return status(errc::not_found, "data directory '" + dir + "' does not exist");
    fs::create_directories(dir, ec);
    if (ec) return status(errc::io_error, "cannot create data directory '" + dir + "': " + ec.message());
    is_new = true;
  } else if (!fs::is_directory(dir, ec)) {
    return status(errc::invalid_argument, "'" + dir + "' is not a directory");
  } else if (fs::exists(fs::path(dir) / kCreatingMarker, ec)) {
    if (options.read_only) {
      return status(errc::invalid_argument, "creation of the log in '" + dir +
                                                "' was interrupted; open it for writing (e.g. heimdall serve) to finish");
    }
    is_new = true;  // restart the interrupted creation from scratch
  } else if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    if (!fs::is_empty(dir, ec) || !may_create) {
      return status(errc::invalid_argument,
                    "'" + dir + "' is not a heimdall event log (no CURRENT file); refusing to touch it");
    }
    is_new = true;
  }
  if (is_new) {
    if (status s = begin_creation(dir); !s.is_ok()) return s;
  }
  if (!options.clock) options.clock = system_clock_ms;

  auto state = std::make_unique<impl>();
  state->dir = dir;
  state->options = std::move(options);
  if (status s = state->open_db(is_new); !s.is_ok()) return s;
  if (!state->options.read_only) {
    if (status s = state->recover_projections(); !s.is_ok()) return s;
    state->view = state->take_snapshot();
    impl* raw = state.get();
    state->writer = std::thread([raw] { raw->writer_loop(); });
    state->syncer = std::thread([raw] { raw->syncer_loop(); });
  }
  return std::unique_ptr<event_log>(new event_log(std::move(state)));
}

status event_log::impl::open_db(bool is_new) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = is_new;
  db_options.max_open_files = -1;  // required by secondary instances; harmless here
  auto logger = std::make_shared<stderr_logger>();
  db_options.info_log = logger;
  if (options.env != nullptr) db_options.env = options.env;
  // Flushes and compactions can wait; appends cannot. Let the writer and
  // syncer win the CPU when both want it (a 128 MiB memtable gives a flush
  // seconds of slack at full append rate).
  db_options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW);
  db_options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::HIGH);

  std::vector<std::string> existing;
  if (!is_new) {
    auto s = rocksdb::DB::ListColumnFamilies(db_options, dir, &existing);
    if (!s.ok()) return log_storage::from_rocksdb(s, "data directory '" + dir + "'");
    for (const char* required : {kLogCf, kStreamsCf}) {
      if (std::find(existing.begin(), existing.end(), required) == existing.end()) {
        return status(errc::invalid_argument, "'" + dir + "' is not a heimdall event log (column family '" +
                                                  required + "' is missing)");
      }
    }
  }
  // A projection added by a newer build gets its column family created (and
  // is then rebuilt by recover_projections).
  db_options.create_missing_column_families = !options.read_only;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, cf_options()},
      {kLogCf, cf_options(key_order::sequential)},
      {kStreamsCf, cf_options(key_order::per_stream)},
  };
  std::vector<int> projection_slot(all_projections().size(), -1);
  for (std::size_t i = 0; i < all_projections().size(); ++i) {
    std::string name = std::string(kProjectionCfPrefix) + std::string(all_projections()[i]->name());
    bool present = is_new || std::find(existing.begin(), existing.end(), name) != existing.end();
    if (present || !options.read_only) {
      projection_slot[i] = static_cast<int>(descriptors.size());
      descriptors.emplace_back(name, cf_options());
    }
  }
  std::size_t known = descriptors.size();
  if (!options.read_only) {  // a primary must open every column family there is
    for (const auto& name : existing) {
      bool listed = std::any_of(descriptors.begin(), descriptors.end(),
                                [&](const auto& d) { return d.name == name; });
      if (!listed) descriptors.emplace_back(name, cf_options());
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    char scratch[] = "/tmp/heimdall-reader-XXXXXX";
    if (mkdtemp(scratch) == nullptr) return status(errc::io_error, "cannot create a scratch directory in /tmp");
    secondary_dir = scratch;
    s = rocksdb::DB::OpenAsSecondary(db_options, dir, secondary_dir, descriptors, &handles, &raw);
  } else {
    s = rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  }
  if (!s.ok()) return log_storage::from_rocksdb(s, "data directory '" + dir + "'");
  st.db.reset(raw);
  st.meta = handles[0];
  st.log = handles[1];
  st.streams = handles[2];
  for (std::size_t i = 0; i < projection_slot.size(); ++i) {
    st.projections.push_back(projection_slot[i] < 0 ? nullptr : handles[projection_slot[i]]);
  }
  other_cfs.assign(handles.begin() + static_cast<long>(known), handles.end());

  std::string format;
  s = st.db->Get(rocksdb::ReadOptions(), st.meta, kFormatKey, &format);
  if (s.IsNotFound() && is_new) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = st.db->Put(sync, st.meta, kFormatKey, kFormatValue);
    if (!s.ok()) return log_storage::from_rocksdb(s, "data directory '" + dir + "'");
    if (status done = finish_creation(dir); !done.is_ok()) return done;
  } else if (s.IsNotFound()) {
    // A damaged table can hide the marker; say so rather than "not a log".
    if (auto check = st.db->VerifyChecksum(); !check.ok()) return log_storage::from_rocksdb(check, "data directory '" + dir + "'");
    return status(errc::invalid_argument, "'" + dir + "' is not a heimdall event log (no format marker; if it held one, its files are damaged)");
  } else if (!s.ok()) {
    return log_storage::from_rocksdb(s, "data directory '" + dir + "'");
  } else if (format != kFormatValue) {
    return status(errc::invalid_argument, "'" + dir + "' holds log format '" + format +
                                              "', this build reads '" + kFormatValue + "'");
  }

  std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(rocksdb::ReadOptions(), st.log));
  it->SeekToLast();
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "data directory '" + dir + "'");
  std::uint64_t last = 0;
  if (it->Valid()) {
    auto seq = keys::parse_seq_key(it->key().ToStringView());
    if (!seq) return status(errc::corruption, "data directory '" + dir + "' has a malformed log key");
    last = *seq;
  }
  committed_seq = last;
  next_seq = last + 1;
  logger->enabled = true;
  return status::ok();
}

event_log::impl::~impl() {
  {
    std::lock_guard<std::mutex> lock(queue_mu);
    stopping = true;
  }
  queue_cv.notify_all();
  space_cv.notify_all();
  if (writer.joinable()) writer.join();
  {
    std::lock_guard<std::mutex> lock(sync_mu);
    syncer_stopping = true;
  }
  sync_cv.notify_all();
  if (syncer.joinable()) syncer.join();
  {
    std::lock_guard<std::mutex> lock(sub_mu);
    dispatcher_stopping = true;
  }
  sub_cv.notify_all();
  if (dispatcher.joinable()) dispatcher.join();
  view.reset();  // releases its snapshot while the database is open
  if (st.db) {
    std::vector<rocksdb::ColumnFamilyHandle*> all = {st.meta, st.log, st.streams};
    all.insert(all.end(), st.projections.begin(), st.projections.end());
    all.insert(all.end(), other_cfs.begin(), other_cfs.end());
    for (auto* h : all) {
      if (h != nullptr) st.db->DestroyColumnFamilyHandle(h);
    }
    st.db->Close();
    st.db.reset();
  }
  if (!secondary_dir.empty()) {
    std::error_code ec;
    fs::remove_all(secondary_dir, ec);
  }
}

event_log::event_log(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
event_log::~event_log() = default;

log_metrics event_log::metrics() const {
  return {impl_->events_appended.load(), impl_->groups_committed.load()};
}
bool event_log::read_only() const { return impl_->options.read_only; }
const std::string& event_log::dir() const { return impl_->dir; }
const log_storage& event_log::storage() const { return impl_->st; }

// ---------------------------------------------------------------- reads

result<event> event_log::impl::read_event(std::string_view envelope, std::uint64_t seq, data_form form) const {
  auto decoded = decode_envelope(envelope);
  if (!decoded) return decoded.error();
  if (decoded->seq != seq) {
    return status(errc::corruption, "log key seq " + std::to_string(seq) + " holds an envelope with seq " +
                                        std::to_string(decoded->seq));
  }
  if (form == data_form::current) {
    if (status s = upcast(decoded.value()); !s.is_ok()) return s;
  }
  return decoded;
}

result<std::vector<event>> event_log::read_all(std::uint64_t from_seq, std::size_t max_count,
                                               data_form form) const {
  std::vector<event> out;
  std::shared_ptr<const rocksdb::Snapshot> hold;
  std::unique_ptr<rocksdb::Iterator> it(impl_->st.db->NewIterator(impl_->read_options(hold), impl_->st.log));
  for (it->Seek(keys::seq_key(from_seq)); it->Valid() && out.size() < max_count; it->Next()) {
    auto seq = keys::parse_seq_key(it->key().ToStringView());
    if (!seq) return status(errc::corruption, "malformed log key");
    auto e = impl_->read_event(it->value().ToStringView(), *seq, form);
    if (!e) return e.error();
    out.push_back(std::move(e.value()));
  }
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "reading the log");
  return out;
}

result<std::vector<event>> event_log::read_stream(std::string_view stream, std::uint64_t from_version,
                                                  std::size_t max_count, data_form form) const {
  if (status s = validate_stream_name(stream); !s.is_ok()) return s;
  const auto& st = impl_->st;
  std::string prefix = keys::stream_prefix(stream);
  std::vector<std::string> seq_keys;
  std::shared_ptr<const rocksdb::Snapshot> hold;
  rocksdb::ReadOptions ro = impl_->read_options(hold);
  std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(ro, st.streams));
  for (it->Seek(keys::stream_key(stream, from_version));
       it->Valid() && it->key().starts_with(prefix) && seq_keys.size() < max_count; it->Next()) {
    auto entry = keys::parse_index_value(it->value().ToStringView());
    if (!entry) return status(errc::corruption, "malformed index entry of stream " + std::string(stream));
    seq_keys.push_back(keys::seq_key(entry->seq));
  }
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "reading stream " + std::string(stream));
  std::vector<event> out;
  out.reserve(seq_keys.size());
  for (const auto& key : seq_keys) {
    std::string envelope;
    auto s = st.db->Get(ro, st.log, key, &envelope);
    std::uint64_t seq = keys::get_be64(key);
    if (s.IsNotFound()) {
      return status(errc::corruption, "stream " + std::string(stream) + " indexes seq " + std::to_string(seq) +
                                          ", which the log does not hold");
    }
    if (!s.ok()) return log_storage::from_rocksdb(s, "reading seq " + std::to_string(seq));
    auto e = impl_->read_event(envelope, seq, form);
    if (!e) return e.error();
    out.push_back(std::move(e.value()));
  }
  return out;
}

std::uint64_t event_log::last_seq() const { return impl_->committed_seq.load(); }

result<std::uint64_t> event_log::impl::stored_version(std::string_view stream,
                                                      const rocksdb::ReadOptions& ro) const {
  std::string prefix = keys::stream_prefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(ro, st.streams));
  it->SeekForPrev(keys::stream_key(stream, UINT64_MAX));
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "reading stream " + std::string(stream));
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::uint64_t{0};
  auto pos = keys::parse_stream_key(it->key().ToStringView());
  if (!pos) return status(errc::corruption, "malformed index key of stream " + std::string(stream));
  return pos->version;
}

result<std::uint64_t> event_log::stream_version(std::string_view stream) const {
  if (status s = validate_stream_name(stream); !s.is_ok()) return s;
  std::shared_ptr<const rocksdb::Snapshot> hold;
  return impl_->stored_version(stream, impl_->read_options(hold));
}

result<cached_stream> event_log::impl::load_stream(std::string_view stream) const {
  cached_stream out;
  std::string prefix = keys::stream_prefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(rocksdb::ReadOptions(), st.streams));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto entry = keys::parse_index_value(it->value().ToStringView());
    if (!entry) return status(errc::corruption, "malformed index entry of stream " + std::string(stream));
    out.ids.emplace(entry->id, entry->seq);
    ++out.version;
  }
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "reading stream " + std::string(stream));
  return out;
}

result<std::optional<std::string>> event_log::projection_get(std::string_view projection,
                                                             std::string_view key) const {
  auto* cf = impl_->st.projection_cf(projection);
  if (cf == nullptr) return status(errc::not_found, "no projection named '" + std::string(projection) + "'");
  std::string value;
  std::shared_ptr<const rocksdb::Snapshot> hold;
  auto s = impl_->st.db->Get(impl_->read_options(hold), cf, rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return log_storage::from_rocksdb(s, "reading projection " + std::string(projection));
  return std::optional<std::string>(std::move(value));
}

status event_log::catch_up() {
  if (!impl_->options.read_only) return status::ok();
  auto s = impl_->st.db->TryCatchUpWithPrimary();
  if (!s.ok()) return log_storage::from_rocksdb(s, "catching up with " + impl_->dir);
  std::unique_ptr<rocksdb::Iterator> it(impl_->st.db->NewIterator(rocksdb::ReadOptions(), impl_->st.log));
  it->SeekToLast();
  if (it->Valid()) {
    if (auto seq = keys::parse_seq_key(it->key().ToStringView())) impl_->committed_seq = *seq;
  }
  return log_storage::from_rocksdb(it->status(), "catching up with " + impl_->dir);
}

// ---------------------------------------------------------------- appends

void event_log::append_async(std::string stream, expected_version expected, std::vector<new_event> events,
                             append_callback done) {
  auto reject = [&](errc code, std::string message) { done(status(code, std::move(message))); };
  if (impl_->options.read_only) return reject(errc::read_only, "log '" + impl_->dir + "' is open read-only");
  if (status s = validate_stream_name(stream); !s.is_ok()) return done(s);
  if (events.empty()) return reject(errc::invalid_argument, "append to stream " + stream + " has no events");
  if (events.size() > kMaxEventsPerAppend) {
    return reject(errc::invalid_argument, "append to stream " + stream + " has " + std::to_string(events.size()) +
                                              " events; the limit is " + std::to_string(kMaxEventsPerAppend));
  }
  // Validation and minifying run here, on the producer's thread, so the
  // single writer thread only assembles batches.
  std::unordered_set<std::string_view> ids;
  for (auto& e : events) {
    if (status s = validate_event_type(e.type, e.schema); !s.is_ok()) return done(s);
    auto data = minify_json_object(e.data);
    if (!data) return reject(errc::invalid_argument, e.type + " event for stream " + stream + ": " + data.error().message());
    e.data = std::move(data.value());
    if (!ids.insert(e.id.raw()).second) {
      return reject(errc::invalid_argument, "append to stream " + stream + " repeats event id " + e.id.to_string());
    }
  }
  std::size_t n = events.size();
  std::unique_lock<std::mutex> lock(impl_->queue_mu);
  impl_->space_cv.wait(lock, [&] {
    return impl_->stopping || impl_->queued_events < impl_->options.max_queued_events;
  });
  if (impl_->stopping) {
    lock.unlock();
    return reject(errc::closed, "log '" + impl_->dir + "' is closing");
  }
  impl_->queue.push_back({std::move(stream), expected, std::move(events), std::move(done)});
  impl_->queued_events += n;
  lock.unlock();
  impl_->queue_cv.notify_one();
}

result<append_result> event_log::append(std::string stream, expected_version expected,
                                        std::vector<new_event> events) {
  std::promise<result<append_result>> promise;
  auto future = promise.get_future();
  append_async(std::move(stream), expected, std::move(events),
               [&promise](result<append_result> r) { promise.set_value(std::move(r)); });
  return future.get();
}

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
      failure = log_storage::from_rocksdb(st.db->SyncWAL(), "syncing the log in " + dir);
      if (!failure.is_ok()) poison(failure);
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
      for (std::size_t i = 0; i < g.requests.size(); ++i) g.requests[i].done(std::move(*g.results[i]));
    }
    {
      std::lock_guard<std::mutex> lock(sync_mu);
      groups_synced += batch.size();
    }
    sync_done_cv.notify_all();
  }
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
    wb.Put(st.meta, checkpoint_key(projections[j]->name()), be64(seq - 1));
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

// ---------------------------------------------------------------- subscriptions

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
      impl_->dispatcher_id = impl_->dispatcher.get_id();
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

// ---------------------------------------------------------------- projections

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
      wb.Put(st.meta, checkpoint_key(projections[which[k]]->name()), be64(applied));
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
