// scan_service: the scan pipeline as the rest of the program sees it —
// trigger a scan, cancel one — with CAF kept behind this interface.
//
// start() loads the rules, starts the actor system and the scheduler, and
// recovers: every scan the log shows as non-terminal is admitted again in
// the order it was queued; a running one resumes from its first stage not
// completed (or fails "interrupted" when that is impossible or has been
// tried limits.max_starts times). The scheduler admits queued scans FIFO,
// at most max_concurrent_scans at a time.
//
// Destroying the service stops every scan where it stands without
// recording anything (the next start resumes them) and waits for the
// stage workers to notice.
//
// Thread-safety: trigger and cancel may be called from any thread; both
// block until the log has made their effect durable. The log must outlive
// the service.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/scan_events.h"
#include "actors/scan_pipeline.h"
#include "base/result.h"
#include "store/event_log.h"
#include "store/scan_record.h"

namespace heimdall::actors {

struct scan_limits;

struct scan_service_options {
  std::filesystem::path rules_dir;  // rules/*.json, rules/secrets/, rules/taint/
  // The advisory database `heimdall advisories import` writes (its
  // index.jsonl), loaded at start; empty or absent: no dependency findings.
  std::filesystem::path advisories_dir;
  scan_settings settings;           // workspaces, allowed roots, credentials, inventory limits
  std::size_t max_concurrent_scans = 0;  // 0: the number of cores
  std::chrono::milliseconds stage_time_limit{std::chrono::minutes(30)};
  std::chrono::milliseconds scan_time_limit{std::chrono::hours(2)};
  int max_starts = 3;
};

struct recovery_report {
  std::vector<std::string> requeued;  // never started: admitted again
  std::vector<std::string> resumed;   // were running: resume where the log says
};

class scan_service {
 public:
  // Errors: the rules' load errors (invalid_argument naming the file and
  // rule), the log's read errors.
  static result<std::unique_ptr<scan_service>> start(event_log& log, scan_service_options options);
  ~scan_service();

  const recovery_report& recovered() const;

  // Appends scan.queued and admits the scan; returns the scan as queued
  // (never a later state it may already have reached). Errors: not_found (repo or
  // parent scan), invalid_argument (scan_type, a commit that is not a
  // sha, an incremental scan without base or parent, a parent of another
  // repo), the log's append errors.
  result<scan_record> trigger(const scan_request& request);

  // A queued scan never starts; a running one stops at its next check.
  // Returns once scan.cancelled is durable. Errors: not_found, conflict
  // (the scan already ended, naming its status).
  status cancel(const std::string& scan_id);

 private:
  struct impl;
  explicit scan_service(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

// A scan's record from the "scans" projection. Errors: not_found.
result<scan_record> get_scan(const event_log& log, const std::string& scan_id);

}  // namespace heimdall::actors
