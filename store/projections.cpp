// The built-in projections:
//   scans       scan id -> scan_record JSON (status, counts, timestamps)
//   repo_scans  repo id '|' BE64(seq of scan.queued) -> scan id
//               (a repo's scans in trigger order; iterate backwards for newest first)
// and those of user_projections.h (users, emails, tokens) and
// finding_projections.h (repos, findings).
#include <simdjson.h>

#include <map>
#include <unordered_map>

#include "store/data_fields.h"
#include "store/finding_projections.h"
#include "store/keys.h"
#include "store/projection.h"
#include "store/scan_record.h"
#include "store/user_projections.h"

namespace heimdall {
namespace {

class scans_batch : public projection_batch {
 public:
  explicit scans_batch(projection_reader reader) : reader_(std::move(reader)) {}

  void apply(const event& e) override {
    auto id = aggregate_id(e.stream, "scan-");
    if (!id || e.type.compare(0, 5, "scan.") != 0) return;
    data_fields data(e.data);
    if (e.type == "scan.queued") {
      scan_record s;
      s.id = std::string(*id);
      s.repo_id = data.string("repo_id").value_or("");
      s.scan_type = data.string("scan_type").value_or("full");
      s.triggered_by = data.string("triggered_by").value_or("");
      s.commit_sha = data.string("commit_sha");
      s.base_commit_sha = data.string("base_commit_sha");
      s.parent_scan_id = data.string("parent_scan_id");
      s.created_at = s.updated_at = e.time;
      cache_[s.id] = std::move(s);
      return;
    }
    scan_record* s = load(*id);
    // A terminal scan is final: nothing after it changes its record.
    if (s == nullptr || s->is_terminal()) return;
    s->updated_at = e.time;
    if (e.type == "scan.status_changed") {
      s->status = data.string("status").value_or(s->status);
      if (!s->started_at && s->status != "queued") s->started_at = e.time;
    } else if (e.type == "scan.ingested") {
      // The commit ingest checked out: what a scan of the branch head scanned.
      if (auto sha = data.string("commit_sha")) s->commit_sha = std::move(sha);
    } else if (e.type == "scan.finding_added") {
      ++s->finding_count;
      s->counts.add(data.string("severity").value_or(""));
    } else if (e.type == "scan.completed") {
      s->status = "completed";
      s->completed_at = e.time;
      s->finding_count = data.number("finding_count").value_or(s->finding_count);
      s->counts.critical = data.number("critical_count").value_or(s->counts.critical);
      s->counts.high = data.number("high_count").value_or(s->counts.high);
      s->counts.medium = data.number("medium_count").value_or(s->counts.medium);
      s->counts.low = data.number("low_count").value_or(s->counts.low);
    } else if (e.type == "scan.failed") {
      s->status = "failed";
      s->completed_at = e.time;
      s->error_message = data.string("error").value_or("unknown error");
    } else if (e.type == "scan.cancelled") {
      s->status = "cancelled";
      s->completed_at = e.time;
    }
  }

  void finish(const projection_sink& sink) override {
    for (auto& [key, scan] : cache_) {
      if (scan) sink(key, to_json(*scan));
    }
  }

 private:
  scan_record* load(std::string_view id) {
    auto it = cache_.find(std::string(id));
    if (it == cache_.end()) {
      std::optional<scan_record> loaded;
      if (auto stored = reader_(id)) {
        if (auto parsed = scan_record_from_json(*stored)) loaded = std::move(parsed.value());
      }
      it = cache_.emplace(std::string(id), std::move(loaded)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

  projection_reader reader_;
  // Scans touched by this batch; nullopt for a scan stream that was never
  // queued (its events change no record).
  std::unordered_map<std::string, std::optional<scan_record>> cache_;
};

class repo_scans_batch : public projection_batch {
 public:
  void apply(const event& e) override {
    if (e.type != "scan.queued") return;
    auto scan_id = aggregate_id(e.stream, "scan-");
    auto repo_id = data_fields(e.data).string("repo_id");
    if (!scan_id || !repo_id) return;
    std::string key = *repo_id + '|';
    keys::put_be64(key, e.seq);
    puts_.emplace(std::move(key), std::string(*scan_id));
  }

  void finish(const projection_sink& sink) override {
    for (auto& [key, value] : puts_) sink(key, value);
  }

 private:
  std::map<std::string, std::string> puts_;
};

class scans_projection : public projection {
 public:
  std::string_view name() const override { return "scans"; }
  std::unique_ptr<projection_batch> begin(projection_reader reader) const override {
    return std::make_unique<scans_batch>(std::move(reader));
  }
};

class repo_scans_projection : public projection {
 public:
  std::string_view name() const override { return "repo_scans"; }
  std::unique_ptr<projection_batch> begin(projection_reader) const override {
    return std::make_unique<repo_scans_batch>();
  }
};

}  // namespace

const std::vector<const projection*>& all_projections() {
  static const scans_projection scans;
  static const repo_scans_projection repo_scans;
  static const std::vector<const projection*> list = {&scans, &repo_scans, &users_projection(),
                                                      &user_emails_projection(), &tokens_projection(),
                                                      &repos_projection(),  &findings_projection()};
  return list;
}

}  // namespace heimdall
