// scan_record: the scan object of the API (shared/spec), as the "scans"
// projection stores it, keyed by scan id. Plain value, thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace heimdall {

struct severity_counts {
  std::uint64_t critical = 0, high = 0, medium = 0, low = 0;
  std::uint64_t total() const { return critical + high + medium + low; }
  // Counts one finding of `severity`; other values are not counted.
  void add(std::string_view severity);
};

struct scan_record {
  std::string id;
  std::string repo_id;
  std::string scan_type = "full";  // full | incremental
  std::string status = "queued";
  std::string triggered_by;
  std::optional<std::string> commit_sha, base_commit_sha, parent_scan_id;
  std::uint64_t finding_count = 0;
  severity_counts counts;
  std::optional<std::string> started_at, completed_at, error_message;
  std::string created_at, updated_at;

  bool is_terminal() const;
};

// Field order and names exactly as the spec's scan object.
std::string to_json(const scan_record& scan);
result<scan_record> scan_record_from_json(std::string_view json);

}  // namespace heimdall
