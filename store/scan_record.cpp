#include "store/scan_record.h"

#include <simdjson.h>

#include "base/json_writer.h"

namespace heimdall {
namespace {

std::optional<std::string> optional_string(simdjson::dom::object& obj, const char* key) {
  std::string_view text;
  if (obj[key].get(text) != simdjson::SUCCESS) return std::nullopt;
  return std::string(text);
}

std::uint64_t number(simdjson::dom::object& obj, const char* key) {
  std::uint64_t n = 0;
  return obj[key].get(n) == simdjson::SUCCESS ? n : 0;
}

}  // namespace

void severity_counts::add(std::string_view severity) {
  if (severity == "critical") ++critical;
  else if (severity == "high") ++high;
  else if (severity == "medium") ++medium;
  else if (severity == "low") ++low;
}

bool scan_record::is_terminal() const {
  return status == "completed" || status == "failed" || status == "cancelled";
}

std::string to_json(const scan_record& s) {
  json_writer w;
  w.begin_object();
  w.key("id").value(s.id);
  w.key("repo_id").value(s.repo_id);
  w.key("scan_type").value(s.scan_type);
  w.key("status").value(s.status);
  w.key("triggered_by").value(s.triggered_by);
  w.key("commit_sha").value(s.commit_sha);
  w.key("base_commit_sha").value(s.base_commit_sha);
  w.key("parent_scan_id").value(s.parent_scan_id);
  w.key("finding_count").value(s.finding_count);
  w.key("critical_count").value(s.counts.critical);
  w.key("high_count").value(s.counts.high);
  w.key("medium_count").value(s.counts.medium);
  w.key("low_count").value(s.counts.low);
  w.key("started_at").value(s.started_at);
  w.key("completed_at").value(s.completed_at);
  w.key("error_message").value(s.error_message);
  w.key("created_at").value(s.created_at);
  w.key("updated_at").value(s.updated_at);
  w.end_object();
  return w.take();
}

result<scan_record> scan_record_from_json(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(json.data(), json.size()).get(obj) != simdjson::SUCCESS) {
    return status(errc::corruption, "scan record is not a JSON object");
  }
  scan_record s;
  s.id = optional_string(obj, "id").value_or("");
  s.repo_id = optional_string(obj, "repo_id").value_or("");
  s.scan_type = optional_string(obj, "scan_type").value_or("full");
  s.status = optional_string(obj, "status").value_or("queued");
  s.triggered_by = optional_string(obj, "triggered_by").value_or("");
  s.commit_sha = optional_string(obj, "commit_sha");
  s.base_commit_sha = optional_string(obj, "base_commit_sha");
  s.parent_scan_id = optional_string(obj, "parent_scan_id");
  s.finding_count = number(obj, "finding_count");
  s.counts.critical = number(obj, "critical_count");
  s.counts.high = number(obj, "high_count");
  s.counts.medium = number(obj, "medium_count");
  s.counts.low = number(obj, "low_count");
  s.started_at = optional_string(obj, "started_at");
  s.completed_at = optional_string(obj, "completed_at");
  s.error_message = optional_string(obj, "error_message");
  s.created_at = optional_string(obj, "created_at").value_or("");
  s.updated_at = optional_string(obj, "updated_at").value_or("");
  return s;
}

}  // namespace heimdall
