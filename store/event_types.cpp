#include "store/event_types.h"

#include <functional>
#include <map>
#include <utility>

namespace heimdall {
namespace {

// Appends members to a minified JSON object: `{"a":1}` + `"b":null` ->
// `{"a":1,"b":null}`. Valid because stored data is always minified.
std::string add_members(const std::string& object, std::string_view members) {
  std::string out = object.substr(0, object.size() - 1);
  if (out.size() > 1) out.push_back(',');
  out += members;
  out.push_back('}');
  return out;
}

using upcaster = std::function<std::string(const std::string& data)>;

// (type, from_schema) -> data at from_schema + 1.
const std::map<std::pair<std::string_view, int>, upcaster>& upcasters() {
  static const std::map<std::pair<std::string_view, int>, upcaster> table = {
      // v2 added the incremental-scan fields; a v1 scan was always a scan
      // of the branch head with no parent.
      {{"scan.queued", 1},
       [](const std::string& data) {
         return add_members(data, R"("commit_sha":null,"base_commit_sha":null,"parent_scan_id":null)");
       }},
  };
  return table;
}

}  // namespace

const std::vector<event_type_info>& event_types() {
  static const std::vector<event_type_info> types = {
      {"repo.registered", 1},     {"repo.deleted", 1},       {"scan.queued", 2},
      {"scan.status_changed", 1}, {"scan.stage_updated", 1}, {"scan.finding_added", 1},
      {"scan.completed", 1},      {"scan.failed", 1},        {"scan.cancelled", 1},
      {"scan.ingested", 1},       {"scan.threat_modeled", 1}, {"scan.static_analyzed", 1},
      {"scan.flow_cleared", 1},     {"scan.findings_validated", 1},
      {"scan.report_generated", 1}, {"finding.status_changed", 1}, {"finding.severity_changed", 1},
      {"finding.comment_added", 1},
      {"user.registered", 1},       {"user.email_claimed", 1}, {"user.token_issued", 1},
      {"user.token_revoked", 1},    {"user.ai_provider_set", 1}, {"user.api_key_stored", 1},
  };
  return types;
}

int current_schema(std::string_view type) {
  for (const auto& t : event_types()) {
    if (t.name == type) return t.current_schema;
  }
  return 0;
}

status validate_event_type(std::string_view type, int schema) {
  int current = current_schema(type);
  if (current == 0) {
    return status(errc::invalid_argument, "unknown event type '" + std::string(type) + "'");
  }
  if (schema < 1 || schema > current) {
    return status(errc::invalid_argument, "event type '" + std::string(type) + "' has schema versions 1.." +
                                              std::to_string(current) + ", not " + std::to_string(schema));
  }
  return status::ok();
}

status upcast(event& e) {
  int current = current_schema(e.type);
  if (current == 0) {
    return status(errc::corruption, "event seq " + std::to_string(e.seq) + " has unknown type '" + e.type + "'");
  }
  while (e.schema < current) {
    auto it = upcasters().find({e.type, e.schema});
    if (it == upcasters().end()) {
      return status(errc::corruption, "no upcaster for " + e.type + " schema " + std::to_string(e.schema));
    }
    e.data = it->second(e.data);
    ++e.schema;
  }
  if (e.schema > current) {
    return status(errc::corruption, "event seq " + std::to_string(e.seq) + " has schema " +
                                        std::to_string(e.schema) + ", newer than this build knows (" +
                                        std::to_string(current) + ")");
  }
  return status::ok();
}

}  // namespace heimdall
