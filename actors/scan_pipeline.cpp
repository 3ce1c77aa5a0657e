#include "actors/scan_pipeline.h"

#include <chrono>
#include <exception>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "analysis/report.h"
#include "analysis/static_analysis.h"
#include "base/clock.h"
#include "base/uuid.h"

namespace heimdall::actors {
namespace {

// Findings leave a stage in batches: often enough that a subscriber sees
// them while the stage runs, seldom enough that a noisy tree does not cost
// one append per finding.
class finding_batcher {
 public:
  explicit finding_batcher(const scan_pipeline::emit_fn& emit) : emit_(emit) {}
  ~finding_batcher() { flush(); }
  void add(recorded_finding f) {
    batch_.push_back(std::move(f));
    if (batch_.size() >= 64 || std::chrono::steady_clock::now() - last_ >= std::chrono::milliseconds(200)) flush();
  }
  void flush() {
    last_ = std::chrono::steady_clock::now();
    if (batch_.empty()) return;
    emit_(std::move(batch_));
    batch_.clear();
  }

 private:
  const scan_pipeline::emit_fn& emit_;
  std::vector<recorded_finding> batch_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

std::function<bool()> poll(const std::atomic<bool>& stop) {
  return [&stop] { return stop.load(std::memory_order_relaxed); };
}

status stage_error(std::string_view what, const status& s) {
  return status(s.code(), std::string(what) + ": " + s.message());
}

}  // namespace

result<std::shared_ptr<const scan_engine>> scan_engine::load(const std::filesystem::path& rules_dir) {
  auto rules = analysis::load_rule_pack(rules_dir);
  if (!rules) return rules.error();
  auto secrets = analysis::load_secret_detectors(rules_dir / "secrets" / "secrets.json");
  if (!secrets) return secrets.error();
  auto taint = analysis::load_taint_spec(rules_dir / "taint");
  if (!taint) return taint.error();
  auto remediation = analysis::load_remediation_table(rules_dir / "remediation" / "remediation.json");
  if (!remediation) return remediation.error();
  return std::shared_ptr<const scan_engine>(new scan_engine{std::move(rules.value()), std::move(secrets.value()),
                                                            std::move(taint.value()), std::move(remediation.value())});
}

scan_pipeline::scan_pipeline(scan_history history, std::shared_ptr<const scan_engine> engine,
                             std::shared_ptr<const scan_settings> settings, const event_log& log)
    : history_(std::move(history)),
      engine_(std::move(engine)),
      settings_(std::move(settings)),
      log_(log),
      workspace_(settings_->workspaces_dir / history_.scan_id),
      validator_(workspace_) {
  for (const auto& f : history_.findings) validator_.remember(f.f.fingerprint);
  if (history_.validation) withdrawn_ = history_.validation->withdrawn;
}

result<std::vector<new_event>> scan_pipeline::run_stage(stage s, const emit_fn& emit, const std::atomic<bool>& stop) {
  try {
    switch (s) {
      case stage::ingest: return ingest(emit, stop);
      case stage::tyr: return tyr(stop);
      case stage::static_analysis:
      case stage::hunt: return analyze(s, emit, stop);
      case stage::vidarr: return vidarr();
      case stage::report: return report();
    }
    return status(errc::invalid_argument, "unknown stage");
  } catch (const std::exception& e) {
    return status(errc::io_error, std::string("internal error: ") + e.what());
  } catch (...) {
    return status(errc::io_error, "internal error: unknown exception");
  }
}

recorded_finding scan_pipeline::record(analysis::finding f, std::optional<std::string> carried_from) {
  recorded_finding r;
  r.finding_id = uuid::v7().to_string();
  r.scan_id = history_.scan_id;
  r.repo_id = history_.request.repo_id;
  r.created_at = format_time_ms(system_clock_ms());
  r.carried_from = std::move(carried_from);
  if (f.remediation.empty()) f.remediation = engine_->remediation.for_cwe(f.cwe_id);
  r.f = std::move(f);
  history_.findings.push_back(r);
  return r;
}

result<std::optional<std::string>> scan_pipeline::base_commit() {
  const scan_request& q = history_.request;
  if (q.base_commit_sha) return q.base_commit_sha;
  if (!q.parent_scan_id) {
    if (q.scan_type == "incremental") {
      return status(errc::invalid_argument, "an incremental scan needs a base commit or a parent scan");
    }
    return std::optional<std::string>();
  }
  auto events = log_.read_stream(scan_stream(*q.parent_scan_id), 1, SIZE_MAX);
  if (!events) return events.error();
  auto parent = fold_scan_history(*q.parent_scan_id, events.value());
  if (!parent) return status(errc::not_found, "parent scan " + *q.parent_scan_id + " not found");
  if (!parent.value().ingest) {
    return status(errc::invalid_argument, "parent scan " + *q.parent_scan_id + " never checked out a commit");
  }
  return std::optional<std::string>(parent.value().ingest->commit_sha);
}

status scan_pipeline::carry_parent_findings(const changed_paths& changes, const emit_fn& emit) {
  const std::string& parent_id = *history_.request.parent_scan_id;
  auto events = log_.read_stream(scan_stream(parent_id), 1, SIZE_MAX);
  if (!events) return events.error();
  auto parent = fold_scan_history(parent_id, events.value());
  if (!parent) return parent.error();
  if (parent.value().status != "completed") {
    return status(errc::invalid_argument, "parent scan " + parent_id + " is " + parent.value().status +
                                              ", not completed: its findings cannot be carried forward");
  }
  std::unordered_set<std::string> touched(changes.changed.begin(), changes.changed.end());
  touched.insert(changes.deleted.begin(), changes.deleted.end());
  std::unordered_set<std::string> withdrawn;
  if (parent.value().validation) withdrawn.insert(parent.value().validation->withdrawn.begin(),
                                                  parent.value().validation->withdrawn.end());
  finding_batcher batch(emit);
  for (const auto& old : parent.value().findings) {
    if (touched.count(old.f.file_path) || withdrawn.count(old.finding_id)) continue;
    validator_.remember(old.f.fingerprint);
    batch.add(record(old.f, old.finding_id));
  }
  return status::ok();
}

result<std::vector<new_event>> scan_pipeline::ingest(const emit_fn& emit, const std::atomic<bool>& stop) {
  auto repo = find_repo(log_, history_.request.repo_id);
  if (!repo) return repo.error();
  auto base = base_commit();
  if (!base) return base.error();

  std::error_code ec;
  std::filesystem::create_directories(settings_->workspaces_dir, ec);
  checkout_options options;
  options.source = repo.value().source_url;
  options.branch = repo.value().default_branch;
  options.commit = history_.request.commit_sha;
  options.allowed_roots = settings_->allowed_roots;
  options.credentials = settings_->credentials;
  options.cancelled = poll(stop);
  auto head = checkout(options, workspace_);
  if (!head) return stage_error("checkout", head.error());

  auto files = analysis::take_inventory(workspace_, settings_->limits, poll(stop));
  if (!files) return stage_error("inventory", files.error());
  analysis::inventory& inv = files.value();

  ingest_summary summary;
  summary.commit_sha = head.value().commit_sha;
  if (!head.value().branch.empty()) summary.branch = head.value().branch;
  summary.files = inv.files.size();
  summary.bytes = inv.total_bytes;
  summary.languages = inv.files_by_language;
  summary.notes_total = inv.notes.size();
  for (std::size_t i = 0; i < inv.notes.size() && i < kMaxRecordedNotes; ++i) summary.notes.push_back(inv.notes[i]);

  if (*base) {
    auto changes = diff_commits(workspace_, **base, summary.commit_sha);
    if (!changes) return stage_error("diff against base commit " + **base, changes.error());
    std::unordered_set<std::string> changed(changes.value().changed.begin(), changes.value().changed.end());
    std::erase_if(inv.files, [&](const analysis::source_file& f) { return !changed.count(f.path); });
    summary.changed_files = inv.files.size();
    if (history_.request.parent_scan_id) {
      if (status s = carry_parent_findings(changes.value(), emit); !s.is_ok()) return s;
    }
  }
  inventory_ = std::move(inv);
  history_.ingest = summary;
  return std::vector<new_event>{ingested_event(summary)};
}

status scan_pipeline::restore_workspace(const std::atomic<bool>& stop) {
  if (inventory_) return status::ok();
  if (!history_.ingest) return status(errc::invalid_argument, "ingest recorded no commit");
  auto repo = find_repo(log_, history_.request.repo_id);
  if (!repo) return repo.error();
  checkout_options options;
  options.source = repo.value().source_url;
  options.commit = history_.ingest->commit_sha;
  options.allowed_roots = settings_->allowed_roots;
  options.credentials = settings_->credentials;
  options.cancelled = poll(stop);
  auto head = checkout(options, workspace_);
  if (!head) return stage_error("restoring the workspace", head.error());
  auto files = analysis::take_inventory(workspace_, settings_->limits, poll(stop));
  if (!files) return stage_error("inventory", files.error());
  auto base = base_commit();
  if (!base) return base.error();
  if (*base) {
    auto changes = diff_commits(workspace_, **base, history_.ingest->commit_sha);
    if (!changes) return changes.error();
    std::unordered_set<std::string> changed(changes.value().changed.begin(), changes.value().changed.end());
    std::erase_if(files.value().files, [&](const analysis::source_file& f) { return !changed.count(f.path); });
  }
  inventory_ = std::move(files.value());
  return status::ok();
}

result<std::vector<new_event>> scan_pipeline::tyr(const std::atomic<bool>& stop) {
  if (status s = restore_workspace(stop); !s.is_ok()) return s;
  auto model = analysis::build_threat_model(workspace_, *inventory_, poll(stop));
  if (!model) return model.error();
  model_ = std::move(model.value());
  return std::vector<new_event>{threat_modeled_event(analysis::to_json(*model_))};
}

result<std::vector<new_event>> scan_pipeline::analyze(stage s, const emit_fn& emit, const std::atomic<bool>& stop) {
  if (status st = restore_workspace(stop); !st.is_ok()) return st;
  finding_batcher batch(emit);
  auto on_finding = [&](analysis::finding f) {
    if (validator_.check(f) != analysis::verdict::keep) return;
    if (history_.findings.size() >= settings_->max_findings) {
      ++over_limit_;
      return;
    }
    batch.add(record(std::move(f)));
  };
  if (s == stage::static_analysis) {
    auto done = analysis::run_static_analysis(workspace_, *inventory_, engine_->rules, engine_->secrets, on_finding,
                                              poll(stop));
    if (!done) return done.error();
  } else {
    if (!model_) {
      if (!history_.threat_model_json) return status(errc::invalid_argument, "no threat model recorded");
      auto model = analysis::threat_model_from_json(*history_.threat_model_json);
      if (!model) return model.error();
      model_ = std::move(model.value());
    }
    auto done = analysis::run_taint_analysis(workspace_, *inventory_, engine_->taint, *model_, on_finding, poll(stop));
    if (!done) return done.error();
  }
  return std::vector<new_event>{};
}

result<std::vector<new_event>> scan_pipeline::vidarr() {
  std::vector<analysis::finding> all;
  all.reserve(history_.findings.size());
  for (const auto& r : history_.findings) all.push_back(r.f);
  validation_summary summary;
  const analysis::validation_counts& counts = validator_.counts();
  summary.checked = counts.kept + counts.suppressed + counts.duplicates;
  summary.suppressed = counts.suppressed;
  summary.duplicates = counts.duplicates;
  summary.over_limit = over_limit_;
  for (std::size_t i : analysis::redundant_findings(all)) summary.withdrawn.push_back(history_.findings[i].finding_id);
  withdrawn_ = summary.withdrawn;
  history_.validation = summary;
  return std::vector<new_event>{validated_event(summary)};
}

result<std::vector<new_event>> scan_pipeline::report() {
  std::unordered_set<std::string> withdrawn(withdrawn_.begin(), withdrawn_.end());
  std::vector<analysis::finding> kept;
  std::unordered_map<std::string, std::string> id_of;  // fingerprint -> finding id (unique per scan)
  for (const auto& r : history_.findings) {
    if (withdrawn.count(r.finding_id)) continue;
    kept.push_back(r.f);
    id_of.emplace(r.f.fingerprint, r.finding_id);
  }
  analysis::rank_findings(kept);
  std::vector<std::string> ranking;
  for (const auto& f : kept) ranking.push_back(id_of[f.fingerprint]);
  return std::vector<new_event>{report_event(ranking, final_counts())};
}

scan_counts scan_pipeline::final_counts() const {
  std::unordered_set<std::string> withdrawn(withdrawn_.begin(), withdrawn_.end());
  scan_counts counts;
  for (const auto& r : history_.findings) {
    if (!withdrawn.count(r.finding_id)) counts.add(r.f.severity);
  }
  return counts;
}

void scan_pipeline::remove_workspace() {
  std::error_code ec;
  std::filesystem::remove_all(workspace_, ec);
}

}  // namespace heimdall::actors
