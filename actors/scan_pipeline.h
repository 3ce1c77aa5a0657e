// scan_pipeline: the blocking work of one scan, stage by stage — what the
// scan actor's stage workers run. It knows nothing of CAF: each stage is a
// plain call that reads the workspace, calls analysis/, hands findings to
// `emit` as they come and returns the events that record the stage's
// output. The scan actor appends everything to the log.
//
// Findings pass vidarr's per-finding checks (suppression comments,
// duplicate fingerprints, lower confidence in test code) before they are
// emitted, so only validated findings are ever recorded; the vidarr stage
// then withdraws findings another finding makes redundant.
//
// A pipeline can start from a scan's history (scan_history.h): stages
// already completed are not run again; their outputs come from the log
// (findings, threat model) or, for the workspace and its inventory, from a
// checkout of the commit ingest recorded.
//
// Threads: one stage runs at a time, on one worker thread; the object may
// move between threads between stages (the actor's messages order them).
// tyr, static_analysis and hunt spread their per-file work over one
// thread per core (analysis/ordered_work.h), but findings reach the
// validator and `emit` on the stage's worker thread, in inventory order.
// Errors: a stage returns the status that fails the scan (errc::closed when
// cancelled); run_stage never throws — exceptions from below are caught
// and reported as errors.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/git_checkout.h"
#include "actors/repos.h"
#include "actors/scan_events.h"
#include "actors/scan_history.h"
#include "analysis/advisories.h"
#include "analysis/inventory.h"
#include "analysis/remediation.h"
#include "analysis/rule_pack.h"
#include "analysis/secrets.h"
#include "analysis/taint.h"
#include "analysis/threat_model.h"
#include "analysis/validation.h"
#include "base/result.h"
#include "store/event_log.h"

namespace heimdall::actors {

// The analysis configuration every scan shares. Immutable once loaded;
// thread-safe to share.
struct scan_engine {
  analysis::rule_pack rules;
  analysis::secret_detector secrets;
  analysis::taint_spec taint;
  analysis::remediation_table remediation;
  // The imported advisories (reloaded when an import replaces them); null
  // without an advisories_dir. No database: no dependency findings.
  std::shared_ptr<const analysis::advisory_source> advisories;
  // Loads rules/*.json, rules/secrets/secrets.json, rules/taint/,
  // rules/remediation/remediation.json and, when `advisories_dir` is set,
  // the advisories `heimdall advisories import` wrote there; none imported
  // is no error, a corrupt index is.
  static result<std::shared_ptr<const scan_engine>> load(const std::filesystem::path& rules_dir,
                                                         const std::filesystem::path& advisories_dir = {});
};

// Service-wide settings a pipeline reads.
struct scan_settings {
  std::filesystem::path workspaces_dir;  // one subdirectory per running scan
  std::vector<std::filesystem::path> allowed_roots;
  git_credentials credentials;
  analysis::inventory_limits limits;
  std::size_t max_findings = 20000;  // per scan; beyond, findings are counted, not recorded
};

class scan_pipeline {
 public:
  using emit_fn = std::function<void(std::vector<recorded_finding>)>;

  // `history` is the scan's stream so far (at least its scan.queued).
  scan_pipeline(scan_history history, std::shared_ptr<const scan_engine> engine,
                std::shared_ptr<const scan_settings> settings, const event_log& log);

  const scan_history& history() const { return history_; }
  const std::filesystem::path& workspace() const { return workspace_; }

  // Runs one stage. `emit` receives findings in batches as they are found
  // (on the calling thread); the result is the stage's output events.
  result<std::vector<new_event>> run_stage(stage s, const emit_fn& emit, const std::atomic<bool>& stop);

  // Counts of the scan's findings, withdrawn ones left out.
  analysis::severity_counts final_counts() const;

  // Removes the workspace (blocking); safe to call more than once.
  void remove_workspace();

 private:
  // The workspace checked out at `commit` (nullopt: the default branch's
  // tip), the inventory of the whole tree and, for an incremental scan, what
  // changed since the base commit.
  struct checked_out {
    checkout_result head;
    analysis::inventory inventory;
    std::optional<changed_paths> changes;
  };
  result<checked_out> check_out(std::optional<std::string> commit, const std::atomic<bool>& stop);
  // inventory_ = `inv`, only the changed files when `changes` is set.
  void keep_changed_files(analysis::inventory inv, const std::optional<changed_paths>& changes);
  result<std::vector<new_event>> ingest(const emit_fn& emit, const std::atomic<bool>& stop);
  status restore_workspace(const std::atomic<bool>& stop);
  result<std::vector<new_event>> tyr(const std::atomic<bool>& stop);
  result<std::vector<new_event>> analyze(stage s, const emit_fn& emit, const std::atomic<bool>& stop);
  result<std::vector<new_event>> vidarr();
  result<std::vector<new_event>> report();
  status carry_parent_findings(const changed_paths& changes, const emit_fn& emit);
  result<std::optional<std::string>> base_commit();
  // The parent scan's history, read from the log once.
  result<const scan_history*> parent();
  recorded_finding record(analysis::finding f, std::optional<std::string> carried_from = {});
  std::shared_ptr<const analysis::advisory_db> advisories() const;
  // Adds what stage `s` proved safe to history_.cleared; their events.
  std::vector<new_event> record_cleared(stage s, std::vector<analysis::taint_clearance> cleared);

  scan_history history_;
  std::shared_ptr<const scan_engine> engine_;
  std::shared_ptr<const scan_settings> settings_;
  const event_log& log_;
  std::filesystem::path workspace_;
  std::optional<analysis::inventory> inventory_;     // files to analyse
  std::optional<analysis::threat_model> model_;
  analysis::finding_validator validator_;
  std::optional<scan_history> parent_;
  std::uint64_t over_limit_ = 0;
};

}  // namespace heimdall::actors
