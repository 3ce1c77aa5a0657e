// progress_events: a scan's stream of log events as the SSE frames of the
// progress stream (shared/spec; DESIGN.md, SSE contract).
//
//   scan.queued, scan.status_changed  -> status_change {scan_id, status,
//       timestamp, finding_count, critical, high, medium, low}
//   scan.stage_updated                -> stage_update {scan_id, stage, status,
//       timestamp[, error]}
//   scan.finding_added                -> finding_added {scan_id, finding_id,
//       title, severity}
//   scan.completed                    -> scan_complete {scan_id, finding_count,
//       critical, high, medium, low, timestamp}
//   scan.failed                       -> error {scan_id, error, timestamp}
//   scan.cancelled                    -> error {scan_id, error: "Scan cancelled: <reason>", timestamp}
// Other events (stage outputs) have no frame. Each frame's id is the event's
// log seq, so Last-Event-ID resumes exactly after it.
//
// The counts of status_change are the findings recorded so far less those
// vidarr withdrew, so the translator must see the whole stream from its
// first event, also the events before a Last-Event-ID that it does not send.
// Not thread-safe: one per subscriber, fed in stream order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "store/event.h"

namespace heimdall::http {

class progress_frames {
 public:
  explicit progress_frames(std::string scan_id) : scan_id_(std::move(scan_id)) {}

  // Folds `e` into the counts and returns its frame
  // ("id: N\nevent: NAME\ndata: JSON\n\n"), or nullopt when it has none.
  std::optional<std::string> next(const event& e);

  // True once the frame of the scan's terminal event was returned.
  bool ended() const { return ended_; }

 private:
  std::string scan_id_;
  std::map<std::string, std::string> severity_of_;  // finding id -> severity, while counted
  std::uint64_t critical_ = 0, high_ = 0, medium_ = 0, low_ = 0;
  bool ended_ = false;

  void count(const std::string& severity, int delta);
};

}  // namespace heimdall::http
