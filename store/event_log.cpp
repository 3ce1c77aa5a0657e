#include "store/event_log.h"

#include <fcntl.h>
#include <rocksdb/slice_transform.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <unordered_set>

#include "store/event_codec.h"
#include "store/event_log_impl.h"
#include "store/event_types.h"
#include "store/keys.h"

namespace heimdall {
namespace fs = std::filesystem;
namespace {

// Largest single append: one request must fit comfortably in one WriteBatch.
constexpr std::size_t kMaxEventsPerAppend = 10000;
// RocksDB's own diagnostics, warnings and worse, go to stderr instead of a
// LOG file in the data directory: a failed open must leave the directory
// exactly as it found it. They are muted until the open succeeds, because
// an open failure is reported once, as the status open() returns.
class stderr_logger : public rocksdb::Logger {
 public:
  explicit stderr_logger(rocksdb::InfoLogLevel level) : rocksdb::Logger(level) {}
  std::atomic<bool> enabled{false};
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (!enabled) return;
    std::fprintf(stderr, "rocksdb: ");
    std::vfprintf(stderr, format, ap);
    std::fputc('\n', stderr);
  }
};

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

// Whether the file system under a directory accepts O_DIRECT (ext4 and xfs
// do; some FUSE and older tmpfs mounts refuse it when a file is opened).
// Probed by opening a file the directory already holds, read-only, so the
// probe writes nothing.
bool accepts_direct_io(const std::string& existing_file) {
  int fd = ::open(existing_file.c_str(), O_RDONLY | O_DIRECT);
  if (fd < 0) return false;
  ::close(fd);
  return true;
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
  // A read-only open (an operator tool) reports errors only: RocksDB warns
  // about routine things a secondary does, such as opening tables lazily.
  auto logger = std::make_shared<stderr_logger>(options.read_only ? rocksdb::InfoLogLevel::ERROR_LEVEL
                                                                   : rocksdb::InfoLogLevel::WARN_LEVEL);
  db_options.info_log = logger;
  if (options.env != nullptr) db_options.env = options.env;
  // Flushes and compactions can wait; appends cannot. Let the writer and
  // syncer win the CPU when both want it (a 128 MiB memtable gives a flush
  // seconds of slack at full append rate).
  db_options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW);
  db_options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::HIGH);
  // Flushes and compactions write their tables with O_DIRECT. Written
  // through the page cache, a flush's tens of MB reach the disk in one burst
  // at its closing fsync, and with ext4's ordered data mode the journal
  // commit that the syncer's next WAL fdatasync needs waits for all of it:
  // single WAL fsyncs of 15-30 ms, once per memtable flush, which alone put
  // p99 acknowledgement over 5 ms (docs/BENCHMARKS.md). Written directly,
  // the table's data is on disk before its metadata is journaled, so the
  // WAL's commit has nothing of the flush's to wait for. Only where the file
  // system accepts O_DIRECT (a flush that cannot open its file would stop
  // the log); a read-only open never flushes.
  if (!options.read_only) {
    // A new log's directory holds the creation marker by now; an existing one, CURRENT.
    std::string probe = (fs::path(dir) / (is_new ? kCreatingMarker : "CURRENT")).string();
    db_options.use_direct_io_for_flush_and_compaction = accepts_direct_io(probe);
  }

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
  log_metrics m;
  m.events_appended = impl_->events_appended.load();
  m.groups_committed = impl_->groups_committed.load();
  m.syncs = impl_->syncs.snapshot();
  m.acks = impl_->acks.snapshot();
  return m;
}
bool event_log::read_only() const { return impl_->options.read_only; }

status event_log::append_health() const { return impl_->poison_status(); }
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

result<std::uint64_t> event_log::stream_version(std::string_view stream) const {
  if (status s = validate_stream_name(stream); !s.is_ok()) return s;
  std::shared_ptr<const rocksdb::Snapshot> hold;
  std::string prefix = keys::stream_prefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(impl_->st.db->NewIterator(impl_->read_options(hold), impl_->st.streams));
  it->SeekForPrev(keys::stream_key(stream, UINT64_MAX));
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "reading stream " + std::string(stream));
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::uint64_t{0};
  auto pos = keys::parse_stream_key(it->key().ToStringView());
  if (!pos) return status(errc::corruption, "malformed index key of stream " + std::string(stream));
  return pos->version;
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

status event_log::projection_for_each(
    std::string_view projection, std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  auto* cf = impl_->st.projection_cf(projection);
  if (cf == nullptr) return status(errc::not_found, "no projection named '" + std::string(projection) + "'");
  std::shared_ptr<const rocksdb::Snapshot> hold;
  std::unique_ptr<rocksdb::Iterator> it(impl_->st.db->NewIterator(impl_->read_options(hold), cf));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, it->value().ToStringView())) break;
  }
  if (!it->status().ok()) {
    return log_storage::from_rocksdb(it->status(), "reading projection " + std::string(projection));
  }
  return status::ok();
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
  impl_->queue.push_back(
      {std::move(stream), expected, std::move(events), std::move(done), std::chrono::steady_clock::now()});
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

}  // namespace heimdall
