// scan_history: a scan's stream folded into what the pipeline needs to go
// on with it — where it stands, which stages are done and what they
// recorded. Recovery builds one for every scan that was not terminal when
// the process stopped; the scan actor resumes from it.
//
// Pure (no I/O): feed it the stream's events in order. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/scan_events.h"
#include "base/result.h"
#include "store/event.h"

namespace heimdall::actors {

struct scan_history {
  std::string scan_id;
  scan_request request;
  std::uint64_t version = 0;        // the stream's version (last event folded)
  std::string status = "queued";    // the latest scan.status_changed or terminal status
  bool terminal = false;
  int starts = 0;                   // scan.status_changed(running) events: 1 + resumes
  std::vector<stage> completed;     // stages with a stage_updated(completed), in order
  std::optional<ingest_summary> ingest;
  std::optional<std::string> threat_model_json;
  // What the flow analyses proved safe (scan.flow_cleared), for vidarr.
  std::vector<analysis::taint_clearance> cleared;
  std::optional<validation_summary> validation;
  std::vector<recorded_finding> findings;  // in recorded order
  std::vector<std::string> ranking;        // from scan.report_generated: finding ids, most urgent first

  // The findings that count: recorded and not withdrawn by vidarr, in
  // recorded order.
  std::vector<const recorded_finding*> kept_findings() const;

  // The first stage not completed; nullopt when all are.
  std::optional<stage> next_stage() const;
  bool stage_done(stage s) const;
};

// Errors: invalid_argument when the first event is not scan.queued or an
// event's data cannot be read.
result<scan_history> fold_scan_history(std::string_view scan_id, const std::vector<event>& events);

}  // namespace heimdall::actors
