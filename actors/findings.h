// findings: a scan's findings as the API reads them (the "findings"
// projection, see store/finding_projections.cpp) and their triage, recorded
// in each finding's "finding-<uuid>" stream with the acting user. A
// finding's triage status carries over to findings with the same
// fingerprint in the repo's later scans (the projection does that).
// Blocking (reads RocksDB; the changes wait for their fsync). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/event.h"
#include "store/event_log.h"

namespace heimdall::actors {

inline constexpr const char* kFindingStatuses[] = {"open", "confirmed", "dismissed", "false_positive", "fixed"};
inline constexpr const char* kSeverities[] = {"critical", "high", "medium", "low"};
bool is_finding_status(std::string_view s);
bool is_severity(std::string_view s);

// A string member of a finding object ("status", "repo_id", ...), nullopt
// when absent or not a string.
std::optional<std::string> finding_member(const std::string& finding_json, const char* key);

// The finding object (JSON) of the API. Errors: not_found.
result<std::string> find_finding(const event_log& log, const std::string& finding_id);

struct finding_filter {
  std::optional<std::string> severity, status;
};
struct finding_page {
  std::vector<std::string> findings;  // JSON objects, critical to low, then in the order found
  std::uint64_t total = 0;            // the findings the filter keeps, on every page
};
// Page `page` (from 1) of a scan's findings.
result<finding_page> list_findings(const event_log& log, const std::string& scan_id, const finding_filter& filter,
                                   std::uint64_t page, std::uint64_t per_page);

// Each appends to the finding's stream and returns the finding as it now
// is (the comment, none). Errors: not_found, invalid_argument (a status or
// severity not in the lists above, an empty or oversize comment), the log's.
result<std::string> set_finding_status(event_log& log, const std::string& finding_id, const std::string& status,
                                       const std::string& actor, const std::optional<std::string>& comment);
result<std::string> set_finding_severity(event_log& log, const std::string& finding_id, const std::string& severity,
                                         const std::string& actor, const std::optional<std::string>& comment);
status add_finding_comment(event_log& log, const std::string& finding_id, const std::string& comment,
                           const std::string& actor);
inline constexpr std::size_t kMaxCommentBytes = 10000;

// The finding's history: its scan.finding_added, then its triage events.
result<std::vector<event>> finding_history(const event_log& log, const std::string& finding_id);

}  // namespace heimdall::actors
