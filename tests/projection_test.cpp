// Projections: scan state and counts, a repo's scan list, and rebuilds that
// reproduce them byte for byte.
#include <catch2/catch.hpp>

#include <rocksdb/db.h>

#include "store/event_log.h"
#include "store/keys.h"
#include "store/log_inspect.h"
#include "store/log_storage.h"
#include "store/scan_record.h"
#include "tests/test_dirs.h"

using namespace heimdall;
using heimdall::test::make_event;

namespace {

const char* kRepo = "01936d2f-8c4e-7890-b123-456789abcdef";

std::int64_t g_now = 1773309600000;  // 2026-03-12T10:00:00.000Z; tests advance it

std::unique_ptr<event_log> open_with_clock(const std::string& dir) {
  event_log_options options;
  options.clock = [] { return g_now; };
  auto log = event_log::open(dir, options);
  REQUIRE(log);
  return std::move(log.value());
}

scan_record scan_of(event_log& log, const std::string& stream) {
  auto json = log.projection_get("scans", stream.substr(5));
  REQUIRE(json);
  REQUIRE(*json);
  auto record = scan_record_from_json(**json);
  REQUIRE(record);
  return *record;
}

void run_scan(event_log& log, const std::string& stream, const std::vector<std::string>& severities,
              const std::string& ending) {
  std::vector<new_event> events = {make_event("scan.queued"),
                                   make_event("scan.status_changed", R"({"status":"running"})"),
                                   make_event("scan.status_changed", R"({"status":"analyzing"})")};
  for (const auto& sev : severities) {
    events.push_back(make_event("scan.finding_added", R"({"finding_id":")" + uuid::v7().to_string() +
                                                          R"(","title":"t","severity":")" + sev + R"("})"));
  }
  REQUIRE(log.append(stream, expected_version::no_stream(), events));
  g_now += 61000;
  REQUIRE(log.append(stream, expected_version::any(), {make_event(ending)}));
}

std::map<std::string, std::string> projection_contents(event_log& log, const std::string& name) {
  const auto& st = log.storage();
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(st.db->NewIterator(rocksdb::ReadOptions(), st.projection_cf(name)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) out[it->key().ToString()] = it->value().ToString();
  return out;
}

}  // namespace

TEST_CASE("the scans projection follows a scan's lifecycle", "[projection]") {
  auto log = open_with_clock(test::log_dir("scans-projection"));
  std::string stream = test::scan_stream();
  g_now = 1773309600000;
  REQUIRE(log->append(stream, expected_version::no_stream(), {make_event("scan.queued")}));
  auto queued = scan_of(*log, stream);
  CHECK(queued.status == "queued");
  CHECK(queued.repo_id == kRepo);
  CHECK(queued.created_at == "2026-03-12T10:00:00.000Z");
  CHECK_FALSE(queued.started_at);
  CHECK(to_json(queued) ==
        R"({"id":")" + stream.substr(5) + R"(","repo_id":"01936d2f-8c4e-7890-b123-456789abcdef","scan_type":"full",)"
        R"("status":"queued","triggered_by":"01936d2e-1234-5678-9abc-def012345678","commit_sha":null,)"
        R"("base_commit_sha":null,"parent_scan_id":null,"finding_count":0,"critical_count":0,"high_count":0,)"
        R"("medium_count":0,"low_count":0,"started_at":null,"completed_at":null,"error_message":null,)"
        R"("created_at":"2026-03-12T10:00:00.000Z","updated_at":"2026-03-12T10:00:00.000Z"})");

  g_now += 5000;
  REQUIRE(log->append(stream, expected_version::exact(1), {make_event("scan.status_changed", R"({"status":"running"})")}));
  g_now += 1000;
  std::vector<new_event> findings;
  for (const char* sev : {"critical", "high", "high", "low"}) {
    findings.push_back(make_event("scan.finding_added", std::string(R"({"finding_id":"3f7a8b9c-0d1e-2f3a-4b5c-6d7e8f9a0b1c","title":"x","severity":")") + sev + "\"}"));
  }
  REQUIRE(log->append(stream, expected_version::exact(2), findings));
  auto running = scan_of(*log, stream);
  CHECK(running.status == "running");
  CHECK(running.started_at == std::optional<std::string>("2026-03-12T10:00:05.000Z"));
  CHECK(running.finding_count == 4);
  CHECK(running.counts.critical == 1);
  CHECK(running.counts.high == 2);
  CHECK(running.counts.low == 1);

  g_now += 1000;
  REQUIRE(log->append(stream, expected_version::exact(6), {make_event("scan.completed", R"({"finding_count":4,"critical_count":1,"high_count":2,"medium_count":0,"low_count":1})")}));
  auto done = scan_of(*log, stream);
  CHECK(done.status == "completed");
  CHECK(done.completed_at == std::optional<std::string>("2026-03-12T10:00:07.000Z"));

  // Terminal is final: a late status change does not reopen the scan.
  REQUIRE(log->append(stream, expected_version::any(), {make_event("scan.status_changed", R"({"status":"hunting"})")}));
  CHECK(scan_of(*log, stream).status == "completed");
}

TEST_CASE("failed and cancelled scans record why and when", "[projection]") {
  auto log = open_with_clock(test::log_dir("scans-failed"));
  std::string failed = test::scan_stream(), cancelled = test::scan_stream();
  run_scan(*log, failed, {"medium"}, "scan.failed");
  run_scan(*log, cancelled, {}, "scan.cancelled");
  auto f = scan_of(*log, failed);
  CHECK(f.status == "failed");
  CHECK(f.error_message == std::optional<std::string>("clone failed"));
  CHECK(f.counts.medium == 1);
  CHECK(f.completed_at);
  CHECK(scan_of(*log, cancelled).status == "cancelled");
}

TEST_CASE("repo_scans lists a repo's scans in trigger order", "[projection]") {
  auto log = open_with_clock(test::log_dir("repo-scans"));
  std::vector<std::string> streams = {test::scan_stream(), test::scan_stream(), test::scan_stream()};
  for (const auto& s : streams) run_scan(*log, s, {"low"}, "scan.completed");
  auto contents = projection_contents(*log, "repo_scans");
  REQUIRE(contents.size() == 3);
  std::vector<std::string> listed;
  for (const auto& [key, scan_id] : contents) {
    CHECK(key.rfind(std::string(kRepo) + "|", 0) == 0);
    listed.push_back("scan-" + scan_id);
  }
  CHECK(listed == streams);
}

TEST_CASE("rebuild reproduces every projection byte for byte", "[projection]") {
  std::string dir = test::log_dir("rebuild");
  std::map<std::string, std::string> scans_before, repo_before;
  {
    auto log = open_with_clock(dir);
    for (int i = 0; i < 20; ++i) {
      run_scan(*log, test::scan_stream(), {"critical", "low", "high"}, i % 3 == 0 ? "scan.failed" : "scan.completed");
    }
    scans_before = projection_contents(*log, "scans");
    repo_before = projection_contents(*log, "repo_scans");
    REQUIRE(scans_before.size() == 20);
    REQUIRE(log->rebuild_projections().is_ok());
    CHECK(projection_contents(*log, "scans") == scans_before);
    CHECK(projection_contents(*log, "repo_scans") == repo_before);
    auto report = verify_log(*log);
    REQUIRE(report);
    CHECK(report->ok());
  }
  // A rebuild interrupted after it started (its marker is set and the
  // projection half-cleared) is finished by the next open.
  {
    auto log = open_with_clock(dir);
    const auto& st = log->storage();
    rocksdb::WriteOptions sync;
    sync.sync = true;
    REQUIRE(st.db->Put(sync, st.meta, rebuilding_key("scans"), "1").ok());
    REQUIRE(st.db->Delete(sync, st.projection_cf("scans"), scans_before.begin()->first).ok());
  }
  auto log = open_with_clock(dir);
  CHECK(projection_contents(*log, "scans") == scans_before);
  auto report = verify_log(*log);
  REQUIRE(report);
  CHECK(report->ok());
}
