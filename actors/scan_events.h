// scan_events: the data of every event the pipeline writes (a repo's
// registration, everything in a scan's stream), built and read in one place so the writer (the scan actor), the reader (resume, the CLI,
// the HTTP layer) and the schemas (schemas/events/) agree.
//
// A scan stream ("scan-<uuid>") reads, for a scan that completes:
//   scan.queued, scan.status_changed(running),
//   then for each stage: scan.status_changed(<stage status>),
//     scan.stage_updated(running), [scan.finding_added...],
//     [the stage's output event], scan.stage_updated(completed),
//   scan.completed.
// Stage outputs: ingest -> scan.ingested, tyr -> scan.threat_modeled,
// static_analysis -> [scan.flow_cleared...] scan.static_analyzed,
// hunt -> [scan.flow_cleared...], vidarr -> scan.findings_validated,
// report -> scan.report_generated. scan.flow_cleared records what the flow
// analyses proved safe, which vidarr needs: a scan resumed at vidarr
// withdraws what an uninterrupted one does.
// A failure ends with scan.stage_updated(failed, error) and scan.failed; a
// cancel with scan.cancelled. Plain functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.h"
#include "analysis/inventory.h"
#include "analysis/report.h"
#include "analysis/static_analysis.h"
#include "analysis/taint.h"
#include "base/result.h"
#include "store/event.h"

namespace heimdall::actors {

enum class stage { ingest, tyr, static_analysis, hunt, vidarr, report };
inline constexpr std::array<stage, 6> kStages = {stage::ingest, stage::tyr,    stage::static_analysis,
                                                 stage::hunt,   stage::vidarr, stage::report};

std::string_view stage_name(stage s);           // "ingest", "tyr", ...
std::string_view stage_scan_status(stage s);    // "ingesting", "modeling", ...
std::optional<stage> parse_stage(std::string_view name);

// A registered repository; repo.registered holds all but the id (its
// stream's name).
struct repo_info {
  std::string id;
  std::string owner_id;
  std::string name;
  std::string source_url;
  std::optional<std::string> default_branch;  // nullopt: the remote's HEAD
  std::string created_at;  // when repo.registered was appended (its envelope's time)
};

// What a scan is asked to do; the data of scan.queued.
struct scan_request {
  std::string repo_id;
  std::string scan_type = "full";  // full | incremental
  std::string triggered_by;
  std::optional<std::string> commit_sha, base_commit_sha, parent_scan_id;
};

// A finding as the scan records it: the analysis result plus its identity.
struct recorded_finding {
  std::string finding_id;  // uuid
  std::string scan_id, repo_id;
  std::string status = "open";
  std::string created_at;
  std::optional<std::string> carried_from;  // the parent scan's finding, for incremental scans
  analysis::finding f;
};

// What ingest learnt, recorded in scan.ingested.
struct ingest_summary {
  std::string commit_sha;
  std::optional<std::string> branch;
  std::uint64_t files = 0, bytes = 0;
  std::map<std::string, int> languages;
  std::vector<analysis::inventory_note> notes;  // at most kMaxRecordedNotes
  std::uint64_t notes_total = 0;
  std::optional<std::uint64_t> changed_files;  // incremental scans: files analysed
};
inline constexpr std::size_t kMaxRecordedNotes = 200;

struct validation_summary {
  std::uint64_t checked = 0, suppressed = 0, duplicates = 0;
  std::uint64_t over_limit = 0;        // valid findings not recorded: the scan's limit was reached
  std::vector<std::string> withdrawn;  // finding ids made redundant by another finding  // finding ids made redundant by another finding
};

new_event repo_registered_event(const repo_info& repo);
new_event queued_event(const scan_request& request);
new_event status_event(std::string_view status);
new_event stage_event(stage s, std::string_view stage_status, std::string_view error = {});
new_event finding_event(const recorded_finding& finding);
new_event ingested_event(const ingest_summary& summary);
new_event threat_modeled_event(std::string threat_model_json);
// The first kMaxRecordedNotes of the summary's notes, with their total.
new_event static_analyzed_event(const analysis::static_analysis_summary& summary);
// scan.flow_cleared: what stage `s` proved safe, kClearancesPerEvent to an
// event (none for none), so no event grows with the size of the tree.
inline constexpr std::size_t kClearancesPerEvent = 2000;
std::vector<new_event> flow_cleared_events(stage s, const std::vector<analysis::taint_clearance>& cleared);
new_event validated_event(const validation_summary& summary);
new_event report_event(const std::vector<std::string>& ranking, const analysis::severity_counts& counts);
new_event completed_event(const analysis::severity_counts& counts);
new_event failed_event(std::string_view error);
new_event cancelled_event(std::string_view reason);

// Readers for the events above (data at the current schema). Errors:
// invalid_argument naming the missing or mistyped member.
result<repo_info> parse_repo_registered(std::string_view repo_id, std::string_view data);
result<scan_request> parse_queued(std::string_view data);
result<std::string> parse_status(std::string_view data);  // scan.status_changed
struct stage_update {
  stage s;
  std::string status;  // pending | running | completed | failed
  std::string error;
};
result<stage_update> parse_stage_update(std::string_view data);
result<recorded_finding> parse_finding(std::string_view data);
result<ingest_summary> parse_ingested(std::string_view data);
result<validation_summary> parse_validated(std::string_view data);
// scan.flow_cleared's clearances.
result<std::vector<analysis::taint_clearance>> parse_flow_cleared(std::string_view data);
// scan.completed's counts.
result<analysis::severity_counts> parse_completed(std::string_view data);
// What ended a scan, for a reader: scan.failed's error, or "Scan cancelled:
// <reason>" for scan.cancelled.
result<std::string> parse_ending(std::string_view type, std::string_view data);
// The finding ids of scan.report_generated, most urgent first.
result<std::vector<std::string>> parse_report_ranking(std::string_view data);

std::string scan_stream(std::string_view scan_id);  // "scan-<id>"
std::string finding_stream(std::string_view finding_id);  // "finding-<id>"
std::string repo_stream(std::string_view repo_id);  // "repo-<id>"

}  // namespace heimdall::actors
