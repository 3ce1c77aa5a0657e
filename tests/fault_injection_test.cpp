// Write errors (disk full, failing fsync), injected through RocksDB's file
// system seam: the append fails, no partial batch is ever visible, the log
// refuses further appends until reopened, and a reopen recovers cleanly.
#include <catch2/catch.hpp>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>

#include "store/event_log.h"
#include "store/log_inspect.h"
#include "tests/test_dirs.h"

using namespace heimdall;
using heimdall::test::make_event;

namespace {

enum class fault { none, wal_append, wal_sync };

// Fails writes to WAL files (*.log) while armed.
class faulty_fs : public rocksdb::FileSystemWrapper {
 public:
  explicit faulty_fs(std::shared_ptr<rocksdb::FileSystem> base) : FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "faulty_fs"; }

  std::atomic<fault> armed{fault::none};

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override {
    auto s = target()->NewWritableFile(name, options, file, dbg);
    if (s.ok() && name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0) {
      *file = std::make_unique<wal_file>(std::move(*file), this);
    }
    return s;
  }

 private:
  class wal_file : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    wal_file(std::unique_ptr<rocksdb::FSWritableFile> file, faulty_fs* fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* d) override {
      if (fs_->armed == fault::wal_append) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      return target()->Append(data, o, d);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             const rocksdb::DataVerificationInfo& v, rocksdb::IODebugContext* d) override {
      if (fs_->armed == fault::wal_append) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      return target()->Append(data, o, v, d);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      if (fs_->armed == fault::wal_sync) return rocksdb::IOStatus::IOError("injected: fsync failed");
      return target()->Sync(o, d);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      if (fs_->armed == fault::wal_sync) return rocksdb::IOStatus::IOError("injected: fsync failed");
      return target()->Fsync(o, d);
    }

   private:
    faulty_fs* fs_;
  };
};

}  // namespace

TEST_CASE("a failed WAL write fails the append and leaves no partial batch", "[fault]") {
  auto mode = GENERATE(fault::wal_append, fault::wal_sync);
  std::string dir = test::log_dir(mode == fault::wal_append ? "fault-append" : "fault-sync");
  auto fs = std::make_shared<faulty_fs>(rocksdb::FileSystem::Default());
  auto env = rocksdb::NewCompositeEnv(fs);
  std::string stream = test::scan_stream();
  std::vector<new_event> doomed = {make_event("scan.status_changed"), make_event("scan.stage_updated"),
                                   make_event("scan.finding_added")};
  {
    event_log_options options;
    options.env = env.get();
    auto log = std::move(event_log::open(dir, options).value());
    REQUIRE(log->append(stream, expected_version::no_stream(), {make_event("scan.queued")}));
    CHECK(log->append_health().is_ok());

    fs->armed = mode;
    auto failed = log->append(stream, expected_version::exact(1), doomed);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code() == errc::io_error);
    CHECK_THAT(failed.error().message(), Catch::Contains("injected"));
    fs->armed = fault::none;

    // Poisoned until reopened, even with the disk healthy again.
    CHECK(log->append_health().code() == errc::read_only);
    auto after = log->append(stream, expected_version::any(), {make_event("scan.cancelled")});
    REQUIRE_FALSE(after);
    CHECK(after.error().code() == errc::read_only);
    CHECK_THAT(after.error().message(), Catch::Contains("reopen"));

    CHECK(log->last_seq() == 1);
    auto visible = log->read_all(1, 100);
    REQUIRE(visible);
    CHECK(visible->size() == 1);
    auto scan = log->projection_get("scans", stream.substr(5));
    REQUIRE(scan);
    CHECK_THAT(**scan, Catch::Contains("\"status\":\"queued\""));
  }
  auto log = std::move(event_log::open(dir).value());
  // The batch RocksDB may or may not have kept is there whole or not at all.
  auto events = log->read_stream(stream, 1, 100);
  REQUIRE(events);
  INFO("events after reopen: " << events->size());
  CHECK((events->size() == 1 || events->size() == 4));
  for (std::size_t k = 1; k < events->size(); ++k) CHECK((*events)[k].id == doomed[k - 1].id);
  auto report = verify_log(*log);
  REQUIRE(report);
  CHECK(report->ok());
  auto next = log->append(stream, expected_version::exact(events->size()), {make_event("scan.cancelled")});
  REQUIRE(next);
  CHECK(next->first_seq == events->size() + 1);
}
