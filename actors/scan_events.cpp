#include "actors/scan_events.h"

#include <simdjson.h>

#include <cmath>

#include "base/json_writer.h"
#include "base/uuid.h"

namespace heimdall::actors {
namespace {

new_event make(std::string type, std::string data) {
  new_event e;
  e.id = uuid::v7();
  e.type = std::move(type);
  e.data = std::move(data);
  return e;
}

// Member access over a parsed object, collecting the first problem so a
// reader can check everything and report once.
class reader {
 public:
  explicit reader(std::string_view json) {
    if (parser().parse(json.data(), json.size()).get(object_) != simdjson::SUCCESS) {
      error_ = "not a JSON object";
    }
  }
  bool ok() const { return error_.empty(); }
  status error(std::string_view what) const {
    return status(errc::invalid_argument, std::string(what) + ": " + error_);
  }

  std::string str(const char* key) {
    std::string_view v;
    if (ok() && object_[key].get(v) != simdjson::SUCCESS) fail(key, "a string");
    return std::string(v);
  }
  std::optional<std::string> opt_str(const char* key) {
    simdjson::dom::element e;
    if (!ok() || object_[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    std::string_view v;
    if (e.get(v) != simdjson::SUCCESS) {
      fail(key, "a string or null");
      return std::nullopt;
    }
    return std::string(v);
  }
  std::int64_t integer(const char* key, bool required = true) {
    std::int64_t v = 0;
    auto member = ok() ? object_[key] : simdjson::simdjson_result<simdjson::dom::element>();
    if (!ok()) return 0;
    if (member.error() == simdjson::NO_SUCH_FIELD && !required) return 0;
    if (member.get(v) != simdjson::SUCCESS) fail(key, "an integer");
    return v;
  }
  double number(const char* key) {
    double v = 0;
    if (ok() && object_[key].get(v) != simdjson::SUCCESS) fail(key, "a number");
    return v;
  }
  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    simdjson::dom::array items;
    if (!ok() || object_[key].get(items) != simdjson::SUCCESS) {
      fail(key, "an array of strings");
      return out;
    }
    for (auto item : items) {
      std::string_view text;
      if (item.get(text) != simdjson::SUCCESS) {
        fail(key, "an array of strings");
        return {};
      }
      out.emplace_back(text);
    }
    return out;
  }
  // An optional array of {line, note[, file]}; absent reads as empty, and
  // a step without a file is in the finding's own file.
  std::vector<analysis::flow_step> flow_steps(const char* key) {
    std::vector<analysis::flow_step> out;
    simdjson::dom::element e;
    if (!ok() || object_[key].get(e) != simdjson::SUCCESS) return out;
    simdjson::dom::array items;
    if (e.get(items) != simdjson::SUCCESS) {
      fail(key, "an array of steps");
      return out;
    }
    for (auto item : items) {
      std::int64_t line = 0;
      std::string_view note, file;
      if (item["line"].get(line) != simdjson::SUCCESS || item["note"].get(note) != simdjson::SUCCESS) {
        fail(key, "an array of {line, note}");
        return {};
      }
      simdjson::dom::element f;
      if (item["file"].get(f) == simdjson::SUCCESS && f.get(file) != simdjson::SUCCESS) {
        fail(key, "an array of steps whose file is a string");
        return {};
      }
      out.push_back({static_cast<int>(line), std::string(note), std::string(file)});
    }
    return out;
  }
  simdjson::dom::element element(const char* key) {
    simdjson::dom::element e;
    if (ok() && object_[key].get(e) != simdjson::SUCCESS) fail(key, "present");
    return e;
  }

 private:
  void fail(const char* key, const char* what) {
    if (ok()) error_ = std::string("member '") + key + "' must be " + what;
  }
  static simdjson::dom::parser& parser() {
    thread_local simdjson::dom::parser p;
    return p;
  }
  simdjson::dom::object object_;
  std::string error_;
};

void write_counts(json_writer& w, const analysis::severity_counts& c) {
  w.key("finding_count").value(c.total);
  w.key("critical_count").value(c.critical);
  w.key("high_count").value(c.high);
  w.key("medium_count").value(c.medium);
  w.key("low_count").value(c.low);
}

}  // namespace

std::string_view stage_name(stage s) {
  static constexpr std::string_view names[] = {"ingest", "tyr", "static_analysis", "hunt", "vidarr", "report"};
  return names[static_cast<int>(s)];
}

std::string_view stage_scan_status(stage s) {
  static constexpr std::string_view names[] = {"ingesting", "modeling",   "analyzing",
                                               "hunting",   "validating", "reporting"};
  return names[static_cast<int>(s)];
}

std::optional<stage> parse_stage(std::string_view name) {
  for (stage s : kStages) {
    if (stage_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string finding_stream(std::string_view finding_id) { return "finding-" + std::string(finding_id); }

std::string scan_stream(std::string_view scan_id) { return "scan-" + std::string(scan_id); }
std::string repo_stream(std::string_view repo_id) { return "repo-" + std::string(repo_id); }

new_event repo_registered_event(const repo_info& repo) {
  json_writer w;
  w.begin_object();
  w.key("owner_id").value(repo.owner_id);
  w.key("name").value(repo.name);
  w.key("source_url").value(repo.source_url);
  w.key("default_branch").value(repo.default_branch);
  w.end_object();
  return make("repo.registered", w.take());
}

new_event queued_event(const scan_request& r) {
  json_writer w;
  w.begin_object();
  w.key("repo_id").value(r.repo_id);
  w.key("scan_type").value(r.scan_type);
  w.key("triggered_by").value(r.triggered_by);
  w.key("commit_sha").value(r.commit_sha);
  w.key("base_commit_sha").value(r.base_commit_sha);
  w.key("parent_scan_id").value(r.parent_scan_id);
  w.end_object();
  new_event e = make("scan.queued", w.take());
  e.schema = 2;
  return e;
}

new_event status_event(std::string_view status) {
  json_writer w;
  w.begin_object().key("status").value(status).end_object();
  return make("scan.status_changed", w.take());
}

new_event stage_event(stage s, std::string_view stage_status, std::string_view error) {
  json_writer w;
  w.begin_object().key("stage").value(stage_name(s)).key("status").value(stage_status);
  if (!error.empty()) w.key("error").value(error);
  w.end_object();
  return make("scan.stage_updated", w.take());
}

new_event finding_event(const recorded_finding& r) {
  const analysis::finding& f = r.f;
  json_writer w;
  w.begin_object();
  // The three members the SSE finding_added event carries come first.
  w.key("finding_id").value(r.finding_id);
  w.key("title").value(f.title);
  w.key("severity").value(analysis::severity_name(f.severity));
  w.key("scan_id").value(r.scan_id);
  w.key("repo_id").value(r.repo_id);
  w.key("rule_id").value(f.rule_id);
  w.key("source").value(f.source);
  w.key("confidence").value(std::round(f.confidence * 100) / 100);
  w.key("description").value(f.description);
  w.key("cwe_id").value(f.cwe_id);
  w.key("file_path").value(f.file_path);
  w.key("line_start").value(f.line_start);
  w.key("line_end").value(f.line_end);
  w.key("code_snippet").value(f.code_snippet);
  w.key("fingerprint").value(f.fingerprint);
  w.key("remediation").value(f.remediation);
  w.key("status").value(r.status);
  w.key("created_at").value(r.created_at);
  w.key("carried_from").value(r.carried_from);
  if (!f.path.empty()) {
    w.key("path").begin_array();
    for (const auto& step : f.path) {
      w.begin_object().key("line").value(step.line).key("note").value(step.note);
      if (!step.file.empty()) w.key("file").value(step.file);  // absent: the finding's own file
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return make("scan.finding_added", w.take());
}

namespace {

void write_notes(json_writer& w, const std::vector<analysis::inventory_note>& notes, std::size_t recorded,
                 std::uint64_t total) {
  w.key("notes").begin_array();
  for (std::size_t i = 0; i < notes.size() && i < recorded; ++i) {
    w.begin_object().key("path").value(notes[i].path).key("reason").value(notes[i].reason).end_object();
  }
  w.end_array();
  w.key("notes_total").value(total);
}

}  // namespace

new_event ingested_event(const ingest_summary& s) {
  json_writer w;
  w.begin_object();
  w.key("commit_sha").value(s.commit_sha);
  w.key("branch").value(s.branch);
  w.key("files").value(s.files);
  w.key("bytes").value(s.bytes);
  w.key("languages").begin_object();
  for (const auto& [name, count] : s.languages) w.key(name).value(count);
  w.end_object();
  write_notes(w, s.notes, s.notes.size(), s.notes_total);
  w.key("changed_files");
  if (s.changed_files) w.value(*s.changed_files); else w.null();
  w.end_object();
  return make("scan.ingested", w.take());
}

new_event threat_modeled_event(std::string threat_model_json) {
  return make("scan.threat_modeled", std::move(threat_model_json));
}

new_event static_analyzed_event(const analysis::static_analysis_summary& s) {
  json_writer w;
  w.begin_object();
  w.key("files").value(s.files_scanned);
  w.key("bytes").value(s.bytes_scanned);
  w.key("findings").value(s.findings);
  w.key("manifests").value(s.manifests);
  w.key("files_parsed").value(s.files_parsed);
  w.key("files_unparsable").value(s.files_unparsable);
  w.key("matches_in_comments").value(s.matches_in_comments);
  w.key("languages_without_grammar").begin_array();
  for (const auto& name : s.languages_without_grammar) w.value(name);
  w.end_array();
  write_notes(w, s.notes, kMaxRecordedNotes, s.notes.size());
  w.end_object();
  return make("scan.static_analyzed", w.take());
}

std::vector<new_event> flow_cleared_events(stage s, const std::vector<analysis::taint_clearance>& cleared) {
  std::vector<new_event> out;
  for (std::size_t from = 0; from < cleared.size(); from += kClearancesPerEvent) {
    json_writer w;
    w.begin_object().key("stage").value(stage_name(s)).key("cleared").begin_array();
    for (std::size_t i = from; i < cleared.size() && i < from + kClearancesPerEvent; ++i) {
      const analysis::taint_clearance& c = cleared[i];
      w.begin_object().key("file_path").value(c.file_path).key("line_start").value(c.line_start);
      w.key("line_end").value(c.line_end).key("cwe").value(c.cwe).end_object();
    }
    w.end_array().end_object();
    out.push_back(make("scan.flow_cleared", w.take()));
  }
  return out;
}

new_event validated_event(const validation_summary& s) {
  json_writer w;
  w.begin_object();
  w.key("checked").value(s.checked);
  w.key("suppressed").value(s.suppressed);
  w.key("duplicates").value(s.duplicates);
  w.key("over_limit").value(s.over_limit);
  w.key("withdrawn").begin_array();
  for (const auto& id : s.withdrawn) w.value(id);
  w.end_array().end_object();
  return make("scan.findings_validated", w.take());
}

new_event report_event(const std::vector<std::string>& ranking, const analysis::severity_counts& counts) {
  json_writer w;
  w.begin_object();
  write_counts(w, counts);
  w.key("ranking").begin_array();
  for (const auto& id : ranking) w.value(id);
  w.end_array().end_object();
  return make("scan.report_generated", w.take());
}

new_event completed_event(const analysis::severity_counts& counts) {
  json_writer w;
  w.begin_object();
  write_counts(w, counts);
  w.end_object();
  return make("scan.completed", w.take());
}

new_event failed_event(std::string_view error) {
  json_writer w;
  w.begin_object().key("error").value(error).end_object();
  return make("scan.failed", w.take());
}

new_event cancelled_event(std::string_view reason) {
  json_writer w;
  w.begin_object().key("reason").value(reason).end_object();
  return make("scan.cancelled", w.take());
}

result<repo_info> parse_repo_registered(std::string_view repo_id, std::string_view data) {
  reader r(data);
  repo_info repo;
  repo.id = std::string(repo_id);
  repo.owner_id = r.str("owner_id");
  repo.name = r.str("name");
  repo.source_url = r.str("source_url");
  repo.default_branch = r.opt_str("default_branch");
  if (!r.ok()) return r.error("repo.registered");
  return repo;
}

result<scan_request> parse_queued(std::string_view data) {
  reader r(data);
  scan_request q;
  q.repo_id = r.str("repo_id");
  q.scan_type = r.str("scan_type");
  q.triggered_by = r.str("triggered_by");
  q.commit_sha = r.opt_str("commit_sha");
  q.base_commit_sha = r.opt_str("base_commit_sha");
  q.parent_scan_id = r.opt_str("parent_scan_id");
  if (!r.ok()) return r.error("scan.queued");
  return q;
}

result<std::string> parse_status(std::string_view data) {
  reader r(data);
  std::string s = r.str("status");
  if (!r.ok()) return r.error("scan.status_changed");
  return s;
}

result<stage_update> parse_stage_update(std::string_view data) {
  reader r(data);
  std::string name = r.str("stage");
  stage_update u{stage::ingest, r.str("status"), r.opt_str("error").value_or("")};
  if (!r.ok()) return r.error("scan.stage_updated");
  auto s = parse_stage(name);
  if (!s) return status(errc::invalid_argument, "scan.stage_updated: unknown stage '" + name + "'");
  u.s = *s;
  return u;
}

result<recorded_finding> parse_finding(std::string_view data) {
  reader r(data);
  recorded_finding out;
  out.finding_id = r.str("finding_id");
  out.scan_id = r.str("scan_id");
  out.repo_id = r.str("repo_id");
  out.status = r.str("status");
  out.created_at = r.str("created_at");
  out.carried_from = r.opt_str("carried_from");
  analysis::finding& f = out.f;
  f.title = r.str("title");
  std::string severity = r.str("severity");
  f.rule_id = r.str("rule_id");
  f.source = r.str("source");
  f.confidence = r.number("confidence");
  f.description = r.str("description");
  f.cwe_id = static_cast<int>(r.integer("cwe_id"));
  f.file_path = r.str("file_path");
  f.line_start = static_cast<int>(r.integer("line_start"));
  f.line_end = static_cast<int>(r.integer("line_end"));
  f.code_snippet = r.str("code_snippet");
  f.fingerprint = r.str("fingerprint");
  f.remediation = r.str("remediation");
  f.path = r.flow_steps("path");
  if (!r.ok()) return r.error("scan.finding_added");
  if (!analysis::parse_severity(severity, f.severity)) {
    return status(errc::invalid_argument, "scan.finding_added: unknown severity '" + severity + "'");
  }
  return out;
}

result<ingest_summary> parse_ingested(std::string_view data) {
  reader r(data);
  ingest_summary s;
  s.commit_sha = r.str("commit_sha");
  s.branch = r.opt_str("branch");
  s.files = static_cast<std::uint64_t>(r.integer("files"));
  s.bytes = static_cast<std::uint64_t>(r.integer("bytes"));
  s.notes_total = static_cast<std::uint64_t>(r.integer("notes_total"));
  simdjson::dom::element changed = r.element("changed_files");
  simdjson::dom::element notes = r.element("notes");
  simdjson::dom::element languages = r.element("languages");
  if (!r.ok()) return r.error("scan.ingested");
  std::uint64_t n;
  if (changed.get(n) == simdjson::SUCCESS) s.changed_files = n;
  simdjson::dom::array note_list;
  simdjson::dom::object language_counts;
  if (notes.get(note_list) != simdjson::SUCCESS || languages.get(language_counts) != simdjson::SUCCESS) {
    return status(errc::invalid_argument, "scan.ingested: notes must be an array and languages an object");
  }
  for (auto note : note_list) {
    std::string_view path, reason;
    if (note["path"].get(path) != simdjson::SUCCESS || note["reason"].get(reason) != simdjson::SUCCESS) {
      return status(errc::invalid_argument, "scan.ingested: a note needs path and reason");
    }
    s.notes.push_back({std::string(path), std::string(reason)});
  }
  for (auto [name, count] : language_counts) {
    std::int64_t c;
    if (count.get(c) != simdjson::SUCCESS) return status(errc::invalid_argument, "scan.ingested: language counts must be integers");
    s.languages[std::string(name)] = static_cast<int>(c);
  }
  return s;
}

result<validation_summary> parse_validated(std::string_view data) {
  reader r(data);
  validation_summary s;
  s.checked = static_cast<std::uint64_t>(r.integer("checked"));
  s.suppressed = static_cast<std::uint64_t>(r.integer("suppressed"));
  s.duplicates = static_cast<std::uint64_t>(r.integer("duplicates"));
  s.over_limit = static_cast<std::uint64_t>(r.integer("over_limit"));
  s.withdrawn = r.strings("withdrawn");
  if (!r.ok()) return r.error("scan.findings_validated");
  return s;
}

result<std::vector<analysis::taint_clearance>> parse_flow_cleared(std::string_view data) {
  reader r(data);
  r.str("stage");
  simdjson::dom::element cleared = r.element("cleared");
  if (!r.ok()) return r.error("scan.flow_cleared");
  simdjson::dom::array items;
  const status bad(errc::invalid_argument,
                   "scan.flow_cleared: cleared must be an array of {file_path, line_start, line_end, cwe}");
  if (cleared.get(items) != simdjson::SUCCESS) return bad;
  std::vector<analysis::taint_clearance> out;
  for (auto item : items) {
    std::string_view path;
    std::int64_t start = 0, end = 0, cwe = 0;
    if (item["file_path"].get(path) != simdjson::SUCCESS || item["line_start"].get(start) != simdjson::SUCCESS ||
        item["line_end"].get(end) != simdjson::SUCCESS || item["cwe"].get(cwe) != simdjson::SUCCESS) {
      return bad;
    }
    out.push_back({std::string(path), static_cast<int>(start), static_cast<int>(end), static_cast<int>(cwe)});
  }
  return out;
}

result<analysis::severity_counts> parse_completed(std::string_view data) {
  reader r(data);
  analysis::severity_counts c;
  c.total = static_cast<std::uint64_t>(r.integer("finding_count"));
  c.critical = static_cast<std::uint64_t>(r.integer("critical_count"));
  c.high = static_cast<std::uint64_t>(r.integer("high_count"));
  c.medium = static_cast<std::uint64_t>(r.integer("medium_count"));
  c.low = static_cast<std::uint64_t>(r.integer("low_count"));
  if (!r.ok()) return r.error("scan.completed");
  return c;
}

result<std::string> parse_ending(std::string_view type, std::string_view data) {
  reader r(data);
  if (type == "scan.cancelled") {
    std::string reason = r.str("reason");
    if (!r.ok()) return r.error("scan.cancelled");
    return "Scan cancelled: " + reason;
  }
  std::string error = r.str("error");
  if (!r.ok()) return r.error("scan.failed");
  return error;
}

result<std::vector<std::string>> parse_report_ranking(std::string_view data) {
  reader r(data);
  std::vector<std::string> ranking = r.strings("ranking");
  if (!r.ok()) return r.error("scan.report_generated");
  return ranking;
}

}  // namespace heimdall::actors
