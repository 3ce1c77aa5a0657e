#include "actors/scan_pipeline.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <system_error>
#include <unordered_set>

#include "actors/remove_tree.h"
#include "analysis/dependency_scan.h"
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

result<std::shared_ptr<const scan_engine>> scan_engine::load(const std::filesystem::path& rules_dir,
                                                            const std::filesystem::path& advisories_dir) {
  auto rules = analysis::load_rule_pack(rules_dir);
  if (!rules) return rules.error();
  auto secrets = analysis::load_secret_detectors(rules_dir / "secrets" / "secrets.json");
  if (!secrets) return secrets.error();
  auto taint = analysis::load_taint_spec(rules_dir / "taint");
  if (!taint) return taint.error();
  auto remediation = analysis::load_remediation_table(rules_dir / "remediation" / "remediation.json");
  if (!remediation) return remediation.error();
  std::shared_ptr<const analysis::advisory_source> advisories;
  if (!advisories_dir.empty()) {
    auto source = std::make_shared<const analysis::advisory_source>(advisories_dir);
    if (status s = source->refresh(); !s.is_ok()) return s;
    advisories = std::move(source);
  }
  return std::shared_ptr<const scan_engine>(new scan_engine{std::move(rules.value()), std::move(secrets.value()),
                                                            std::move(taint.value()), std::move(remediation.value()),
                                                            std::move(advisories)});
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

std::shared_ptr<const analysis::advisory_db> scan_pipeline::advisories() const {
  return engine_->advisories ? engine_->advisories->current() : nullptr;
}

result<const scan_history*> scan_pipeline::parent() {
  if (parent_) return &*parent_;
  const std::string& id = *history_.request.parent_scan_id;
  auto events = log_.read_stream(scan_stream(id), 1, SIZE_MAX);
  if (!events) return events.error();
  if (events.value().empty()) return status(errc::not_found, "parent scan " + id + " not found");
  auto folded = fold_scan_history(id, events.value());
  if (!folded) return folded.error();
  parent_ = std::move(folded.value());
  return &*parent_;
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
  auto p = parent();
  if (!p) return p.error();
  if (!p.value()->ingest) {
    return status(errc::invalid_argument, "parent scan " + *q.parent_scan_id + " never checked out a commit");
  }
  return std::optional<std::string>(p.value()->ingest->commit_sha);
}

status scan_pipeline::carry_parent_findings(const changed_paths& changes, const emit_fn& emit) {
  auto p = parent();
  if (!p) return p.error();
  const scan_history& old = *p.value();
  if (old.status != "completed") {
    return status(errc::invalid_argument, "parent scan " + old.scan_id + " is " + old.status +
                                              ", not completed: its findings cannot be carried forward");
  }
  std::unordered_set<std::string> touched(changes.changed.begin(), changes.changed.end());
  touched.insert(changes.deleted.begin(), changes.deleted.end());
  finding_batcher batch(emit);
  for (const recorded_finding* f : old.kept_findings()) {
    if (touched.count(f->f.file_path)) continue;
    validator_.remember(f->f.fingerprint);
    batch.add(record(f->f, f->finding_id));
  }
  return status::ok();
}

result<scan_pipeline::checked_out> scan_pipeline::check_out(std::optional<std::string> commit,
                                                            const std::atomic<bool>& stop) {
  auto repo = find_repo(log_, history_.request.repo_id);
  if (!repo) return repo.error();
  auto base = base_commit();
  if (!base) return base.error();

  std::error_code ec;
  std::filesystem::create_directories(settings_->workspaces_dir, ec);
  checkout_options options;
  options.source = repo.value().source_url;
  options.branch = repo.value().default_branch;
  options.commit = std::move(commit);
  options.allowed_roots = settings_->allowed_roots;
  options.credentials = settings_->credentials;
  options.cancelled = poll(stop);
  auto head = checkout(options, workspace_);
  if (!head) return stage_error("checkout", head.error());
  auto files = analysis::take_inventory(workspace_, settings_->limits, poll(stop));
  if (!files) return stage_error("inventory", files.error());

  checked_out out{std::move(head.value()), std::move(files.value()), std::nullopt};
  if (*base) {
    auto changes = diff_commits(workspace_, **base, out.head.commit_sha);
    if (!changes) return stage_error("diff against base commit " + **base, changes.error());
    out.changes = std::move(changes.value());
  }
  return out;
}

void scan_pipeline::keep_changed_files(analysis::inventory inv, const std::optional<changed_paths>& changes) {
  if (changes) {
    std::unordered_set<std::string> changed(changes->changed.begin(), changes->changed.end());
    std::erase_if(inv.files, [&](const analysis::source_file& f) { return !changed.count(f.path); });
  }
  inventory_ = std::move(inv);
}

result<std::vector<new_event>> scan_pipeline::ingest(const emit_fn& emit, const std::atomic<bool>& stop) {
  // A workspace here is what an interrupted ingest left, possibly a clone
  // cut short (no refs yet): start over rather than fetch into it.
  remove_workspace();
  auto tree = check_out(history_.request.commit_sha, stop);
  if (!tree) return tree.error();
  const analysis::inventory& inv = tree.value().inventory;

  ingest_summary summary;
  summary.commit_sha = tree.value().head.commit_sha;
  if (!tree.value().head.branch.empty()) summary.branch = tree.value().head.branch;
  summary.files = inv.files.size();
  summary.bytes = inv.total_bytes;
  summary.languages = inv.files_by_language;
  summary.notes_total = inv.notes.size();
  if (auto note = analysis::missing_advisories_note(advisories().get(), inv)) {
    summary.notes.push_back(*note);
    ++summary.notes_total;
  }
  for (std::size_t i = 0; i < inv.notes.size() && summary.notes.size() < kMaxRecordedNotes; ++i) {
    summary.notes.push_back(inv.notes[i]);
  }

  keep_changed_files(std::move(tree.value().inventory), tree.value().changes);
  if (tree.value().changes) {
    summary.changed_files = inventory_->files.size();
    if (history_.request.parent_scan_id) {
      if (status s = carry_parent_findings(*tree.value().changes, emit); !s.is_ok()) return s;
    }
  }
  history_.ingest = summary;
  return std::vector<new_event>{ingested_event(summary)};
}

// A resumed scan's stages after ingest need the tree ingest saw: the same
// commit, the same inventory, the same changed files.
status scan_pipeline::restore_workspace(const std::atomic<bool>& stop) {
  if (inventory_) return status::ok();
  if (!history_.ingest) return status(errc::invalid_argument, "ingest recorded no commit");
  auto tree = check_out(history_.ingest->commit_sha, stop);
  if (!tree) return tree.error();
  keep_changed_files(std::move(tree.value().inventory), tree.value().changes);
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
                                              poll(stop), advisories().get());
    if (!done) return done.error();
    std::vector<new_event> events = record_cleared(s, std::move(done.value().cleared));
    events.push_back(static_analyzed_event(done.value()));
    return events;
  } else {
    if (!model_) {
      if (!history_.threat_model_json) return status(errc::invalid_argument, "no threat model recorded");
      auto model = analysis::threat_model_from_json(*history_.threat_model_json);
      if (!model) return model.error();
      model_ = std::move(model.value());
    }
    auto done = analysis::run_taint_analysis(workspace_, *inventory_, engine_->taint, *model_, on_finding, poll(stop));
    if (!done) return done.error();
    return record_cleared(s, std::move(done.value().cleared));
  }
}

// Recorded with the stage's completion (one append), so a resumed scan's
// history has the clearances of exactly the stages it does not run again.
std::vector<new_event> scan_pipeline::record_cleared(stage s, std::vector<analysis::taint_clearance> cleared) {
  std::vector<new_event> events = flow_cleared_events(s, cleared);
  history_.cleared.insert(history_.cleared.end(), std::make_move_iterator(cleared.begin()),
                          std::make_move_iterator(cleared.end()));
  return events;
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
  std::set<std::string, std::less<>> any_data;
  for (const analysis::rule& r : engine_->rules.rules()) {
    if (r.any_data) any_data.insert(r.id);
  }
  for (std::size_t i : analysis::redundant_findings(all, history_.cleared, any_data)) {
    summary.withdrawn.push_back(history_.findings[i].finding_id);
  }
  history_.validation = summary;
  return std::vector<new_event>{validated_event(summary)};
}

result<std::vector<new_event>> scan_pipeline::report() {
  std::vector<const recorded_finding*> kept = history_.kept_findings();
  std::stable_sort(kept.begin(), kept.end(), [](const recorded_finding* a, const recorded_finding* b) {
    return analysis::ranks_before(a->f, b->f);
  });
  std::vector<std::string> ranking;
  for (const recorded_finding* f : kept) ranking.push_back(f->finding_id);
  history_.ranking = ranking;
  return std::vector<new_event>{report_event(ranking, final_counts())};
}

analysis::severity_counts scan_pipeline::final_counts() const {
  analysis::severity_counts counts;
  for (const recorded_finding* f : history_.kept_findings()) counts.add(f->f.severity);
  return counts;
}

void scan_pipeline::remove_workspace() { remove_tree(workspace_); }

}  // namespace heimdall::actors
