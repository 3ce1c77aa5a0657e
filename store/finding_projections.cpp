// The projections that serve the API's repo and finding reads:
//
//   repos     "o|" owner id '|' BE64(seq of repo.registered) -> repo id
//             (an owner's repos in registration order)
//             "r|" repo id -> the "o|" key above, so repo.deleted can drop it
//   findings  "f|" finding id -> the finding object of the API: the data of
//             its scan.finding_added (finding_id as "id") with its current
//             status and severity
//             "s|" scan id '|' rank '|' BE64(seq) -> finding id, rank '0'
//             (critical) to '3' (low): a scan's findings most urgent first
//             "k|" finding id -> its "s|" key, so a severity change moves it
//             "t|" repo id '|' fingerprint -> triage status, which a later
//             scan's finding with the same fingerprint starts with
//
// A finding that vidarr withdraws (scan.findings_validated) leaves both.
// Triage events (finding.status_changed, finding.severity_changed) belong to
// the finding-<id> stream; finding.comment_added changes nothing here.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/json_writer.h"
#include "store/keys.h"
#include "store/data_fields.h"
#include "store/finding_projections.h"

namespace heimdall {
namespace {

// Overlays a batch's own changes on the stored state, so each event sees
// the ones before it in the same batch.
class overlay {
 public:
  explicit overlay(projection_reader reader) : reader_(std::move(reader)) {}
  std::optional<std::string> get(const std::string& key) {
    if (auto it = changes_.find(key); it != changes_.end()) return it->second;
    return reader_(key);
  }
  void put(std::string key, std::string value) { changes_[std::move(key)] = std::move(value); }
  void erase(std::string key) { changes_[std::move(key)] = std::nullopt; }
  void finish(const projection_sink& sink) {
    for (auto& [key, value] : changes_) sink(key, value);
  }

 private:
  projection_reader reader_;
  std::map<std::string, std::optional<std::string>> changes_;
};

class repos_batch : public projection_batch {
 public:
  explicit repos_batch(projection_reader reader) : state_(std::move(reader)) {}

  void apply(const event& e) override {
    auto id = aggregate_id(e.stream, "repo-");
    if (!id) return;
    const std::string repo_key = "r|" + std::string(*id);
    if (e.type == "repo.registered") {
      auto owner = data_fields(e.data).string("owner_id");
      if (!owner) return;
      std::string key = "o|" + *owner + '|';
      keys::put_be64(key, e.seq);
      state_.put(key, std::string(*id));
      state_.put(repo_key, key);
    } else if (e.type == "repo.deleted") {
      if (auto key = state_.get(repo_key)) state_.erase(*key);
      state_.erase(repo_key);
    }
  }
  void finish(const projection_sink& sink) override { state_.finish(sink); }

 private:
  overlay state_;
};

char severity_rank(std::string_view severity) {
  if (severity == "critical") return '0';
  if (severity == "high") return '1';
  if (severity == "medium") return '2';
  return '3';
}

// `object` with the string members named in `changes` replaced (or added),
// and its "finding_id" member, if any, first and named "id".
std::string with_members(const std::string& object, const std::vector<std::pair<std::string, std::string>>& changes) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object fields;
  if (parser.parse(object).get(fields) != simdjson::SUCCESS) return object;
  json_writer w;
  w.begin_object();
  std::string_view id;
  if (fields["finding_id"].get(id) == simdjson::SUCCESS) w.key("id").value(id);
  std::vector<bool> used(changes.size(), false);
  for (auto field : fields) {
    if (field.key == "finding_id") continue;
    w.key(field.key);
    bool replaced = false;
    for (std::size_t i = 0; i < changes.size() && !replaced; ++i) {
      if (changes[i].first == field.key) {
        w.value(changes[i].second);
        used[i] = replaced = true;
      }
    }
    if (!replaced) w.raw(simdjson::minify(field.value));
  }
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (!used[i]) w.key(changes[i].first).value(changes[i].second);
  }
  w.end_object();
  return w.take();
}

struct finding_keys {
  std::string scan_id, repo_id, fingerprint, severity;
};

std::optional<finding_keys> keys_of(const std::string& finding_json) {
  data_fields f(finding_json);
  auto scan = f.string("scan_id"), repo = f.string("repo_id"), fp = f.string("fingerprint");
  if (!scan || !repo || !fp) return std::nullopt;
  return finding_keys{*scan, *repo, *fp, f.string("severity").value_or("low")};
}

class findings_batch : public projection_batch {
 public:
  explicit findings_batch(projection_reader reader) : state_(std::move(reader)) {}

  void apply(const event& e) override {
    if (e.type == "scan.finding_added") return added(e);
    if (e.type == "scan.findings_validated") return withdrawn(e);
    auto id = aggregate_id(e.stream, "finding-");
    if (!id) return;
    if (e.type == "finding.status_changed") return changed(std::string(*id), "status", e);
    if (e.type == "finding.severity_changed") return changed(std::string(*id), "severity", e);
  }
  void finish(const projection_sink& sink) override { state_.finish(sink); }

 private:
  void added(const event& e) {
    std::optional<std::string> id;
    std::optional<finding_keys> k;
    {
      data_fields d(e.data);
      id = d.string("finding_id");
    }
    k = keys_of(e.data);
    if (!id || !k) return;
    // The API's finding object: the event's data with its id as "id", and
    // the status a finding of the same fingerprint was last triaged to.
    std::vector<std::pair<std::string, std::string>> changes;
    if (auto triaged = state_.get("t|" + k->repo_id + '|' + k->fingerprint)) changes.emplace_back("status", *triaged);
    std::string finding = with_members(e.data, changes);
    std::string list_key = "s|" + k->scan_id + '|' + severity_rank(k->severity) + '|';
    keys::put_be64(list_key, e.seq);
    state_.put(list_key, *id);
    state_.put("k|" + *id, list_key);
    state_.put("f|" + *id, std::move(finding));
  }

  void withdrawn(const event& e) {
    for (const std::string& finding : data_fields(e.data).strings("withdrawn").value_or(std::vector<std::string>{})) {
      if (auto list_key = state_.get("k|" + finding)) state_.erase(*list_key);
      state_.erase("k|" + finding);
      state_.erase("f|" + finding);
    }
  }

  // A triage change of `member` (status or severity) to the event's value.
  void changed(const std::string& id, const char* member, const event& e) {
    auto value = data_fields(e.data).string(member);
    auto finding = state_.get("f|" + id);
    if (!value || !finding) return;
    auto k = keys_of(*finding);
    if (!k) return;
    state_.put("f|" + id, with_members(*finding, {{member, *value}}));
    if (std::string_view(member) == "status") {
      state_.put("t|" + k->repo_id + '|' + k->fingerprint, *value);
      return;
    }
    auto old_key = state_.get("k|" + id);
    if (!old_key || old_key->size() < 8) return;
    std::string new_key = "s|" + k->scan_id + '|' + severity_rank(*value) + '|' + old_key->substr(old_key->size() - 8);
    state_.erase(*old_key);
    state_.put(new_key, id);
    state_.put("k|" + id, new_key);
  }

  overlay state_;
};

class repos_projection_type : public projection {
 public:
  std::string_view name() const override { return "repos"; }
  std::unique_ptr<projection_batch> begin(projection_reader reader) const override {
    return std::make_unique<repos_batch>(std::move(reader));
  }
};

class findings_projection_type : public projection {
 public:
  std::string_view name() const override { return "findings"; }
  std::unique_ptr<projection_batch> begin(projection_reader reader) const override {
    return std::make_unique<findings_batch>(std::move(reader));
  }
};

}  // namespace

const projection& repos_projection() {
  static const repos_projection_type p;
  return p;
}

const projection& findings_projection() {
  static const findings_projection_type p;
  return p;
}

}  // namespace heimdall
