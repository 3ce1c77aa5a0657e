// scripted_scan: a scan that exists only in the log, queued, which no
// scheduler runs: its events are appended by hand (as the pipeline would),
// so a progress stream's live part is under the caller's control. Shared by
// the HTTP API tests and bench/sse_fanout.
//
// The scan is queued (scan.queued appended) by the constructor; the scan
// service must already be running, or its recovery would admit the scan.
// The repo `repo_id` should belong to the user watching the stream (the
// stream answers 404 otherwise).
//
// Errors: a failed append throws std::runtime_error naming the scan and the
// log's reason (in a test, Catch reports it as the test's failure).
// Not thread-safe: one appender at a time.
#pragma once

#include <cstdint>
#include <string>

#include "store/event_log.h"

namespace heimdall::test {

struct scripted_scan {
  scripted_scan(event_log& l, const std::string& repo_id, const std::string& user_id);

  // Appends `e` to the scan's stream; returns its log seq.
  std::uint64_t append(new_event e);
  // Appends a scan.finding_added of `severity` ("critical", "high",
  // "medium", anything else is low). title_bytes > 0 pads the title, which
  // the finding_added frame carries.
  std::uint64_t finding(const std::string& severity, std::size_t title_bytes = 0);

  event_log& log;
  const std::string id;
  std::uint64_t version = 0;  // the stream's last version
};

}  // namespace heimdall::test
