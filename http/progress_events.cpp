#include "http/progress_events.h"

#include "actors/scan_events.h"
#include "base/json_writer.h"

namespace heimdall::http {
namespace {

std::string frame(const event& e, const char* name, std::string data) {
  return "id: " + std::to_string(e.seq) + "\nevent: " + name + "\ndata: " + data + "\n\n";
}

}  // namespace

void progress_frames::count(const std::string& severity, int delta) {
  std::uint64_t* n = severity == "critical" ? &critical_
                     : severity == "high"   ? &high_
                     : severity == "medium" ? &medium_
                     : severity == "low"    ? &low_
                                            : nullptr;
  if (n) *n += static_cast<std::uint64_t>(delta);
}

std::optional<std::string> progress_frames::next(const event& e) {
  json_writer w;
  w.begin_object();
  w.key("scan_id").value(scan_id_);
  if (e.type == "scan.queued" || e.type == "scan.status_changed") {
    auto status = e.type == "scan.queued" ? result<std::string>(std::string("queued")) : actors::parse_status(e.data);
    if (!status) return std::nullopt;
    w.key("status").value(*status);
    w.key("timestamp").value(e.time);
    w.key("finding_count").value(critical_ + high_ + medium_ + low_);
    w.key("critical").value(critical_).key("high").value(high_);
    w.key("medium").value(medium_).key("low").value(low_);
    return frame(e, "status_change", w.end_object().take());
  }
  if (e.type == "scan.stage_updated") {
    auto update = actors::parse_stage_update(e.data);
    if (!update) return std::nullopt;
    w.key("stage").value(actors::stage_name(update->s));
    w.key("status").value(update->status);
    w.key("timestamp").value(e.time);
    if (!update->error.empty()) w.key("error").value(update->error);
    return frame(e, "stage_update", w.end_object().take());
  }
  if (e.type == "scan.finding_added") {
    auto f = actors::parse_finding(e.data);
    if (!f) return std::nullopt;
    std::string severity(analysis::severity_name(f->f.severity));
    severity_of_[f->finding_id] = severity;
    count(severity, +1);
    w.key("finding_id").value(f->finding_id);
    w.key("title").value(f->f.title);
    w.key("severity").value(severity);
    return frame(e, "finding_added", w.end_object().take());
  }
  if (e.type == "scan.findings_validated") {
    if (auto v = actors::parse_validated(e.data)) {
      for (const auto& id : v->withdrawn) {
        if (auto it = severity_of_.find(id); it != severity_of_.end()) {
          count(it->second, -1);
          severity_of_.erase(it);
        }
      }
    }
    return std::nullopt;
  }
  if (e.type == "scan.completed") {
    // The scan's own final counts, which are what its record shows.
    auto final_counts = actors::parse_completed(e.data);
    if (!final_counts) return std::nullopt;
    ended_ = true;
    w.key("finding_count").value(final_counts->total);
    w.key("critical").value(final_counts->critical).key("high").value(final_counts->high);
    w.key("medium").value(final_counts->medium).key("low").value(final_counts->low);
    w.key("timestamp").value(e.time);
    return frame(e, "scan_complete", w.end_object().take());
  }
  if (e.type == "scan.failed" || e.type == "scan.cancelled") {
    auto message = actors::parse_ending(e.type, e.data);
    ended_ = true;
    w.key("error").value(message ? *message : std::string("Scan ended"));
    w.key("timestamp").value(e.time);
    return frame(e, "error", w.end_object().take());
  }
  return std::nullopt;
}

}  // namespace heimdall::http
