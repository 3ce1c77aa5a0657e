// api_metrics: the counters /metrics reports in Prometheus' text format:
// HTTP responses by status, open SSE streams, and (read when scraped) scans
// by status, events appended, and histograms of append latency and of the
// log's WAL fsyncs. Thread-safe: counters are atomics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "http/router.h"
#include "store/event_log.h"

namespace heimdall::http {

class api_metrics {
 public:
  void responded(unsigned status);
  void stream_opened() { ++open_streams_; }
  void stream_closed() { --open_streams_; }
  std::int64_t open_streams() const { return open_streams_; }

  // The exposition text; reads the scans projection (one pass).
  std::string render(const event_log& log) const;

 private:
  // Statuses 100-599 by exact code, so an alert can tell 503 from 500.
  std::array<std::atomic<std::uint64_t>, 600> responses_{};
  std::atomic<std::int64_t> open_streams_{0};
};

// GET /metrics → text/plain; version=0.0.4.
void add_metrics_route(router& r, const api_metrics& metrics, const event_log& log);

}  // namespace heimdall::http
