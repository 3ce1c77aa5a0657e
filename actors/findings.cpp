#include "actors/findings.h"

#include <simdjson.h>

#include "actors/scan_events.h"
#include "base/json_writer.h"
#include "base/uuid.h"
#include "store/keys.h"

namespace heimdall::actors {
namespace {

status not_found(const std::string& id) { return status(errc::not_found, "Finding '" + id + "' not found"); }

status check_comment(const std::optional<std::string>& comment) {
  if (!comment) return status::ok();
  if (comment->empty()) return status(errc::invalid_argument, "comment must not be empty");
  if (comment->size() > kMaxCommentBytes) {
    return status(errc::invalid_argument, "comment exceeds " + std::to_string(kMaxCommentBytes) + " bytes");
  }
  return status::ok();
}

// Appends one triage event to the finding's stream, after checking the
// finding exists (a stream for an unknown id would be a dangling record).
status append_triage(event_log& log, const std::string& finding_id, const char* type, const char* member_name,
                     const std::string& value, const std::string& actor, const std::optional<std::string>& comment) {
  auto finding = find_finding(log, finding_id);
  if (!finding) return finding.error();
  if (status s = check_comment(comment); !s.is_ok()) return s;
  json_writer w;
  w.begin_object();
  if (member_name) w.key(member_name).value(value);
  w.key("actor").value(actor);
  if (comment) w.key("comment").value(*comment);
  w.end_object();
  new_event e;
  e.id = uuid::v7();
  e.type = type;
  e.data = w.take();
  auto appended = log.append(finding_stream(finding_id), expected_version::any(), {std::move(e)});
  return appended ? status::ok() : appended.error();
}

}  // namespace

std::optional<std::string> finding_member(const std::string& json, const char* key) {
  thread_local simdjson::dom::parser parser;
  std::string_view v;
  if (parser.parse(json).at_key(key).get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

bool is_finding_status(std::string_view s) {
  for (const char* known : kFindingStatuses) {
    if (s == known) return true;
  }
  return false;
}

bool is_severity(std::string_view s) {
  for (const char* known : kSeverities) {
    if (s == known) return true;
  }
  return false;
}

result<std::string> find_finding(const event_log& log, const std::string& finding_id) {
  if (!uuid::parse(finding_id)) return not_found(finding_id);
  auto stored = log.projection_get("findings", "f|" + finding_id);
  if (!stored) return stored.error();
  if (!stored.value()) return not_found(finding_id);
  return std::move(*stored.value());
}

result<finding_page> list_findings(const event_log& log, const std::string& scan_id, const finding_filter& filter,
                                   std::uint64_t page, std::uint64_t per_page) {
  std::string prefix = "s|" + scan_id + '|';
  if (filter.severity) {
    static const char ranks[] = {'0', '1', '2', '3'};
    for (std::size_t i = 0; i < 4; ++i) {
      if (*filter.severity == kSeverities[i]) prefix += ranks[i];
    }
  }
  const std::uint64_t first = (page - 1) * per_page;
  finding_page out;
  status walked = log.projection_for_each("findings", prefix, [&](std::string_view, std::string_view finding_id) {
    // The status lives in the finding itself, so only a status filter
    // needs each finding read before it can be counted.
    const bool wanted = out.total >= first && out.findings.size() < per_page;
    if (!wanted && !filter.status) {
      ++out.total;
      return true;
    }
    auto finding = find_finding(log, std::string(finding_id));
    if (!finding) return true;  // withdrawn meanwhile
    if (filter.status && finding_member(*finding, "status") != *filter.status) return true;
    if (wanted) out.findings.push_back(std::move(finding).value());
    ++out.total;
    return true;
  });
  if (!walked.is_ok()) return walked;
  return out;
}

result<std::string> set_finding_status(event_log& log, const std::string& finding_id, const std::string& status_value,
                                       const std::string& actor, const std::optional<std::string>& comment) {
  if (!is_finding_status(status_value)) {
    return status(errc::invalid_argument,
                  "status must be one of open, confirmed, dismissed, false_positive, fixed, not '" + status_value + "'");
  }
  if (status s = append_triage(log, finding_id, "finding.status_changed", "status", status_value, actor, comment);
      !s.is_ok()) {
    return s;
  }
  return find_finding(log, finding_id);
}

result<std::string> set_finding_severity(event_log& log, const std::string& finding_id, const std::string& severity,
                                         const std::string& actor, const std::optional<std::string>& comment) {
  if (!is_severity(severity)) {
    return status(errc::invalid_argument, "severity must be one of critical, high, medium, low, not '" + severity + "'");
  }
  if (status s = append_triage(log, finding_id, "finding.severity_changed", "severity", severity, actor, comment);
      !s.is_ok()) {
    return s;
  }
  return find_finding(log, finding_id);
}

status add_finding_comment(event_log& log, const std::string& finding_id, const std::string& comment,
                           const std::string& actor) {
  if (comment.empty()) return status(errc::invalid_argument, "comment must not be empty");
  return append_triage(log, finding_id, "finding.comment_added", nullptr, "", actor, comment);
}

result<std::vector<event>> finding_history(const event_log& log, const std::string& finding_id) {
  auto finding = find_finding(log, finding_id);
  if (!finding) return finding.error();
  auto list_key = log.projection_get("findings", "k|" + finding_id);
  if (!list_key) return list_key.error();
  std::vector<event> out;
  if (list_key.value() && list_key.value()->size() >= 8) {
    auto added = log.read_all(keys::get_be64(std::string_view(*list_key.value()).substr(list_key.value()->size() - 8)), 1);
    if (!added) return added.error();
    out = std::move(added).value();
  }
  auto triage = log.read_stream(finding_stream(finding_id), 1, 100000);
  if (!triage) return triage.error();
  for (auto& e : triage.value()) out.push_back(std::move(e));
  return out;
}

}  // namespace heimdall::actors
