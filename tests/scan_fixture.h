// scan_fixture: an event log and a running scan_service over it, with the
// shipped rules, for tests of whole scans; plus waiting for a scan to end
// and reading its stream back. REQUIREs fail the calling test.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/repos.h"
#include "actors/scan_history.h"
#include "actors/scan_service.h"
#include "store/event_log.h"
#include "store/scan_record.h"

namespace heimdall::test {

// The rule pack the project ships (analysis/rules).
std::filesystem::path shipped_rules();

// Options for a service whose repositories live under `repo_root`.
actors::scan_service_options scan_options(const std::filesystem::path& repo_root,
                                          const std::filesystem::path& workspaces);

class scan_fixture {
 public:
  // A fresh log named `name`; the service starts with `options`.
  scan_fixture(const std::string& name, actors::scan_service_options options);
  ~scan_fixture();

  event_log& log() { return *log_; }
  actors::scan_service& service() { return *service_; }
  const std::string& user() const { return user_; }

  // Stops the service (scans stay as the log has them) and starts it again.
  void restart(actors::scan_service_options options);

  std::string add_repo(const std::string& source);
  // Triggers a full scan of `repo_id` and returns its id.
  std::string trigger(const std::string& repo_id);
  // Waits (up to `limit`) for the scan to be terminal; returns its record.
  scan_record wait(const std::string& scan_id, std::chrono::seconds limit = std::chrono::seconds(120));
  std::vector<event> events(const std::string& scan_id);
  actors::scan_history history(const std::string& scan_id);

 private:
  std::string dir_;
  std::unique_ptr<event_log> log_;
  std::unique_ptr<actors::scan_service> service_;
  std::string user_;
};

}  // namespace heimdall::test
