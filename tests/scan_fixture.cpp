#include "tests/scan_fixture.h"

#include <catch2/catch.hpp>

#include <thread>

#include "base/uuid.h"
#include "tests/test_dirs.h"

namespace heimdall::test {

std::filesystem::path shipped_rules() { return std::filesystem::path(HEIMDALL_SOURCE_DIR) / "analysis" / "rules"; }

actors::scan_service_options scan_options(const std::filesystem::path& repo_root,
                                          const std::filesystem::path& workspaces) {
  actors::scan_service_options o;
  o.rules_dir = shipped_rules();
  o.settings.workspaces_dir = workspaces;
  o.settings.allowed_roots = {repo_root};
  o.max_concurrent_scans = 2;
  return o;
}

scan_fixture::scan_fixture(const std::string& name, actors::scan_service_options options)
    : dir_(log_dir(name)), user_(uuid::v7().to_string()) {
  auto log = event_log::open(dir_);
  REQUIRE(log);
  log_ = std::move(log.value());
  restart(std::move(options));
}

scan_fixture::~scan_fixture() {
  service_.reset();
  log_.reset();
}

void scan_fixture::restart(actors::scan_service_options options) {
  service_.reset();
  auto service = actors::scan_service::start(*log_, std::move(options));
  if (!service) FAIL(service.error().to_string());
  service_ = std::move(service.value());
}

std::string scan_fixture::add_repo(const std::string& source) {
  auto repo = actors::register_repo(*log_, user_, "test/repo", source, std::nullopt);
  REQUIRE(repo);
  return repo.value().id;
}

std::string scan_fixture::trigger(const std::string& repo_id) {
  actors::scan_request request;
  request.repo_id = repo_id;
  request.triggered_by = user_;
  auto scan = service_->trigger(request);
  if (!scan) FAIL(scan.error().to_string());
  return scan.value().id;
}

scan_record scan_fixture::wait(const std::string& scan_id, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto scan = actors::get_scan(*log_, scan_id);
    REQUIRE(scan);
    if (scan.value().is_terminal()) return scan.value();
    if (std::chrono::steady_clock::now() > deadline) FAIL("scan " << scan_id << " still " << scan.value().status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::vector<event> scan_fixture::events(const std::string& scan_id) {
  auto events = log_->read_stream(actors::scan_stream(scan_id), 1, SIZE_MAX);
  REQUIRE(events);
  return events.value();
}

actors::scan_history scan_fixture::history(const std::string& scan_id) {
  auto h = actors::fold_scan_history(scan_id, events(scan_id));
  REQUIRE(h);
  return h.value();
}

}  // namespace heimdall::test
