#include "actors/scan_history.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>

namespace heimdall::actors {
bool scan_history::stage_done(stage s) const {
  return std::find(completed.begin(), completed.end(), s) != completed.end();
}

std::vector<const recorded_finding*> scan_history::kept_findings() const {
  std::unordered_set<std::string_view> withdrawn;
  if (validation) withdrawn.insert(validation->withdrawn.begin(), validation->withdrawn.end());
  std::vector<const recorded_finding*> kept;
  for (const auto& f : findings) {
    if (!withdrawn.count(f.finding_id)) kept.push_back(&f);
  }
  return kept;
}

std::optional<stage> scan_history::next_stage() const {
  for (stage s : kStages) {
    if (!stage_done(s)) return s;
  }
  return std::nullopt;
}

result<scan_history> fold_scan_history(std::string_view scan_id, const std::vector<event>& events) {
  scan_history h;
  h.scan_id = std::string(scan_id);
  if (events.empty() || events.front().type != "scan.queued") {
    return status(errc::invalid_argument, "scan " + h.scan_id + ": stream does not start with scan.queued");
  }
  for (const event& e : events) {
    h.version = e.version;
    const std::string& t = e.type;
    auto bad = [&](const status& s) {
      return status(errc::invalid_argument,
                    "scan " + h.scan_id + " version " + std::to_string(e.version) + ": " + s.message());
    };
    if (t == "scan.queued") {
      auto q = parse_queued(e.data);
      if (!q) return bad(q.error());
      h.request = std::move(q.value());
    } else if (t == "scan.status_changed") {
      auto s = parse_status(e.data);
      if (!s) return bad(s.error());
      h.status = s.value();
      if (h.status == "running") ++h.starts;
    } else if (t == "scan.stage_updated") {
      auto u = parse_stage_update(e.data);
      if (!u) return bad(u.error());
      if (u.value().status == "completed" && !h.stage_done(u.value().s)) h.completed.push_back(u.value().s);
    } else if (t == "scan.finding_added") {
      auto f = parse_finding(e.data);
      if (!f) return bad(f.error());
      h.findings.push_back(std::move(f.value()));
    } else if (t == "scan.ingested") {
      auto s = parse_ingested(e.data);
      if (!s) return bad(s.error());
      h.ingest = std::move(s.value());
    } else if (t == "scan.threat_modeled") {
      h.threat_model_json = e.data;
    } else if (t == "scan.flow_cleared") {
      auto c = parse_flow_cleared(e.data);
      if (!c) return bad(c.error());
      h.cleared.insert(h.cleared.end(), std::make_move_iterator(c.value().begin()), std::make_move_iterator(c.value().end()));
    } else if (t == "scan.findings_validated") {
      auto s = parse_validated(e.data);
      if (!s) return bad(s.error());
      h.validation = std::move(s.value());
    } else if (t == "scan.report_generated") {
      auto ranking = parse_report_ranking(e.data);
      if (!ranking) return bad(ranking.error());
      h.ranking = std::move(ranking.value());
    } else if (t == "scan.completed" || t == "scan.failed" || t == "scan.cancelled") {
      h.terminal = true;
      h.status = t.substr(5);
    }
  }
  return h;
}

}  // namespace heimdall::actors
