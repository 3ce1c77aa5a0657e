// Operator views of an event log: its streams, its statistics, and a full
// consistency check. All are read-only and work on a log opened read-only
// while a server appends to it (they see the state as of the last
// catch_up()). They read the whole log: cost is linear in its size.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "store/event_log.h"
#include "base/result.h"

namespace heimdall {

struct stream_info {
  std::string stream;
  std::uint64_t version = 0;   // number of events in the stream
  std::uint64_t last_seq = 0;  // seq of its newest event
  std::string last_time;       // time of its newest event
};

// Every stream, in index order; `prefix` filters by stream id prefix.
result<std::vector<stream_info>> list_streams(const event_log& log, const std::string& prefix = "");

struct log_stats {
  std::uint64_t events = 0;
  std::uint64_t first_seq = 0, last_seq = 0;
  std::uint64_t streams = 0;
  std::uint64_t envelope_bytes = 0;  // sum of stored envelope sizes
  std::uint64_t disk_bytes = 0;      // files in the data directory
  std::map<std::string, std::uint64_t> events_by_type;
};

result<log_stats> compute_stats(const event_log& log);

struct verify_report {
  std::uint64_t events = 0;
  std::uint64_t streams = 0;
  std::uint64_t problem_count = 0;    // all problems found
  std::vector<std::string> problems;  // the first kMaxListedProblems, precise
  bool ok() const { return problem_count == 0; }
};

// Checks: block checksums; seqs gap-free from 1 and equal to their keys;
// every envelope decodes; stream versions contiguous from 1 in seq order;
// no event id twice in a stream; the stream index holds exactly one entry
// per event, pointing at it; every projection equals a fresh replay of the log,
// byte for byte, and its checkpoint is the last seq. Fails (rather than
// reporting) only when the log cannot be read at all.
result<verify_report> verify_log(const event_log& log);

}  // namespace heimdall
