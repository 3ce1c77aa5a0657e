#include "tests/scripted_scan.h"

#include <stdexcept>

#include "actors/scan_events.h"
#include "base/uuid.h"

namespace heimdall::test {

scripted_scan::scripted_scan(event_log& l, const std::string& repo_id, const std::string& user_id)
    : log(l), id(uuid::v7().to_string()) {
  actors::scan_request q;
  q.repo_id = repo_id;
  q.triggered_by = user_id;
  append(actors::queued_event(q));
}

std::uint64_t scripted_scan::append(new_event e) {
  auto done = log.append(actors::scan_stream(id), expected_version::exact(version), {std::move(e)});
  if (!done) throw std::runtime_error("scripted scan " + id + ": append failed: " + done.error().to_string());
  version = done->stream_version;
  return done->last_seq;
}

std::uint64_t scripted_scan::finding(const std::string& severity, std::size_t title_bytes) {
  actors::recorded_finding f;
  f.finding_id = uuid::v7().to_string();
  f.scan_id = id;
  f.repo_id = "r";
  f.created_at = "2026-12-01T00:00:00.000Z";
  f.f.rule_id = "test.rule";
  f.f.title = "planted " + severity + std::string(title_bytes, 't');
  f.f.severity = severity == "critical" ? analysis::severity::critical
                 : severity == "high"   ? analysis::severity::high
                 : severity == "medium" ? analysis::severity::medium
                                        : analysis::severity::low;
  f.f.description = "a planted finding";
  f.f.file_path = "a.py";
  f.f.line_start = f.f.line_end = 1;
  f.f.cwe_id = 89;
  f.f.source = "static";
  f.f.fingerprint = f.finding_id;
  return append(actors::finding_event(f));
}

}  // namespace heimdall::test
