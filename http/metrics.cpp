#include "http/metrics.h"

#include <cstdio>
#include <map>

#include "actors/scan_events.h"
#include "store/scan_record.h"

namespace heimdall::http {

void api_metrics::responded(unsigned status) {
  if (status < responses_.size()) ++responses_[status];
}

std::string api_metrics::render(const event_log& log) const {
  std::string out;
  auto line = [&out](const std::string& text) { out += text + "\n"; };
  line("# HELP heimdall_http_responses_total HTTP responses sent, by status code.");
  line("# TYPE heimdall_http_responses_total counter");
  for (std::size_t code = 100; code < responses_.size(); ++code) {
    if (auto n = responses_[code].load()) {
      line("heimdall_http_responses_total{code=\"" + std::to_string(code) + "\"} " + std::to_string(n));
    }
  }
  line("# HELP heimdall_sse_open_streams Progress streams open now.");
  line("# TYPE heimdall_sse_open_streams gauge");
  line("heimdall_sse_open_streams " + std::to_string(open_streams_.load()));
  const log_metrics lm = log.metrics();
  line("# HELP heimdall_events_appended_total Events appended and acknowledged since start.");
  line("# TYPE heimdall_events_appended_total counter");
  line("heimdall_events_appended_total " + std::to_string(lm.events_appended));
  // Prometheus histograms: cumulative buckets (le, in seconds), sum, count.
  auto histogram = [&line](const char* name, const char* help, const latency_counts& c) {
    line(std::string("# HELP ") + name + " " + help);
    line(std::string("# TYPE ") + name + " histogram");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i + 1 < kLatencyBuckets; ++i) {
      cumulative += c.micros_buckets[i];
      char le[32];
      std::snprintf(le, sizeof le, "%g", static_cast<double>(kLatencyBucketMicros << i) / 1e6);
      line(std::string(name) + "_bucket{le=\"" + le + "\"} " + std::to_string(cumulative));
    }
    line(std::string(name) + "_bucket{le=\"+Inf\"} " + std::to_string(c.count));
    char sum[32];
    std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(c.micros_sum) / 1e6);
    line(std::string(name) + "_sum " + sum);
    line(std::string(name) + "_count " + std::to_string(c.count));
  };
  histogram("heimdall_append_latency_seconds", "From an append to its acknowledgement (after its fsync).", lm.acks);
  histogram("heimdall_wal_sync_seconds", "The event log's WAL fsyncs.", lm.syncs);
  line("# HELP heimdall_group_commits_total Synced write batches (one fsync each) since start.");
  line("# TYPE heimdall_group_commits_total counter");
  line("heimdall_group_commits_total " + std::to_string(lm.groups_committed));
  std::map<std::string, std::uint64_t> by_status;
  // Every status of the lifecycle is reported, also at zero, so a dashboard
  // sees the series before the first scan reaches it.
  for (const char* s : {"queued", "running", "completed", "failed", "cancelled"}) by_status[s] = 0;
  for (actors::stage st : actors::kStages) by_status[std::string(actors::stage_scan_status(st))] = 0;
  // A read error leaves the counts partial; the scrape still answers.
  (void)log.projection_for_each("scans", "", [&](std::string_view, std::string_view json) {
    if (auto scan = scan_record_from_json(json)) ++by_status[scan->status];
    return true;
  });
  line("# HELP heimdall_scans Scans by status.");
  line("# TYPE heimdall_scans gauge");
  for (const auto& [status, n] : by_status) {
    line("heimdall_scans{status=\"" + status + "\"} " + std::to_string(n));
  }
  return out;
}

void add_metrics_route(router& r, const api_metrics& metrics, const event_log& log) {
  r.add("GET", "/metrics", route_kind::quick, [&metrics, &log](const request&, const path_params&) {
    response out;
    out.content_type = "text/plain; version=0.0.4";
    out.body = metrics.render(log);
    return out;
  });
}

}  // namespace heimdall::http
