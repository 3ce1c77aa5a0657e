#include "analysis/sarif.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "analysis/snippet.h"
#include "analysis/validation.h"
#include "base/json_writer.h"

namespace heimdall::analysis {
namespace {

constexpr std::string_view kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kRootId = "SRCROOT";
constexpr std::string_view kFingerprintKey = "heimdall/v1";

const char* level_of(severity s) {
  switch (s) {
    case severity::critical:
    case severity::high: return "error";
    case severity::medium: return "warning";
    case severity::low: return "note";
  }
  return "warning";
}

// Findings carry UTF-8 from the analysis, but a stage may pass bytes
// through from a file: repair them so the log is always valid JSON.
std::string utf8(std::string_view text) { return make_snippet(text, std::numeric_limits<std::size_t>::max()); }

std::string cwe_name(int cwe) { return "CWE-" + std::to_string(cwe); }

// SARIF wants a rule's name to be an identifier ("CommandStringRunThroughAShell"),
// not prose: the title's words, capitalised and joined.
std::string pascal_case(std::string_view title) {
  std::string out;
  bool start = true;
  for (char c : title) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum) {
      start = true;
      continue;
    }
    out += start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    start = false;
  }
  return out;
}

// A confidence as a JSON number with two decimals at most ("0.8", "0.48").
std::string confidence_number(double confidence) {
  double c = std::isfinite(confidence) ? std::clamp(confidence, 0.0, 1.0) : 0.0;
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, std::round(c * 100) / 100).ptr;
  return std::string(buf, end);
}

void write_tags(json_writer& w, int cwe) {
  w.key("tags").begin_array().value("security");
  if (cwe > 0) w.value("external/cwe/cwe-" + std::to_string(cwe));
  w.end_array();
}

// What a rule's descriptor says: taken from the first of its findings, with
// the highest severity any of them has (consumers rank alerts by it).
struct rule_info {
  const finding* first = nullptr;
  severity worst = severity::low;
  std::size_t index = 0;
};

void write_rule(json_writer& w, const std::string& id, const rule_info& r) {
  const finding& f = *r.first;
  std::string title = f.title.empty() ? id : f.title;
  std::string name = pascal_case(title);
  w.begin_object();
  w.key("id").value(utf8(id));
  w.key("name").value(name.empty() ? utf8(id) : name);
  w.key("shortDescription").begin_object().key("text").value(utf8(title)).end_object();
  w.key("fullDescription").begin_object().key("text").value(utf8(f.description.empty() ? title : f.description));
  w.end_object();
  w.key("help").begin_object().key("text").value(utf8(f.remediation.empty() ? title : f.remediation)).end_object();
  w.key("defaultConfiguration").begin_object().key("level").value(level_of(r.worst)).end_object();
  w.key("properties").begin_object();
  write_tags(w, f.cwe_id);
  w.key("security-severity").value(security_severity_score(r.worst));
  if (f.cwe_id > 0) w.key("cwe").value(cwe_name(f.cwe_id));
  w.end_object();
  w.end_object();
}

// An artifactLocation's members: an absolute file:// URI under the source
// root, or a relative one against SRCROOT.
void write_uri(json_writer& w, const std::string& path, const sarif_run_info& run, const std::string& root_uri) {
  if (run.absolute_uris && !root_uri.empty()) {
    w.key("uri").value(root_uri + uri_path(path));
  } else {
    w.key("uri").value(uri_path(path));
    w.key("uriBaseId").value(kRootId);
  }
}

void write_result(json_writer& w, const finding& f, std::size_t rule_index, const sarif_run_info& run,
                  const std::string& root_uri) {
  w.begin_object();
  w.key("ruleId").value(utf8(f.rule_id));
  w.key("ruleIndex").value(static_cast<std::uint64_t>(rule_index));
  w.key("level").value(level_of(f.severity));
  w.key("message").begin_object().key("text").value(utf8(f.description.empty() ? f.title : f.description));
  w.end_object();
  if (!f.file_path.empty()) {
    w.key("locations").begin_array().begin_object().key("physicalLocation").begin_object();
    w.key("artifactLocation").begin_object();
    write_uri(w, f.file_path, run, root_uri);
    w.end_object();
    if (f.line_start >= 1) {  // SARIF lines start at 1; 0 means "the whole file"
      w.key("region").begin_object();
      w.key("startLine").value(f.line_start);
      w.key("endLine").value(std::max(f.line_start, f.line_end));
      if (!f.code_snippet.empty()) w.key("snippet").begin_object().key("text").value(utf8(f.code_snippet)).end_object();
      w.end_object();
    }
    w.end_object().end_object().end_array();
  }
  if (!f.path.empty() && !f.file_path.empty()) {
    // One thread flow, source first; each location in its own file (a
    // cross-file flow enters a callee's file), the result's by default.
    w.key("codeFlows").begin_array().begin_object().key("threadFlows").begin_array().begin_object();
    w.key("locations").begin_array();
    for (const flow_step& step : f.path) {
      w.begin_object().key("location").begin_object();
      w.key("physicalLocation").begin_object().key("artifactLocation").begin_object();
      write_uri(w, step.file.empty() ? f.file_path : step.file, run, root_uri);
      w.end_object();
      if (step.line >= 1) w.key("region").begin_object().key("startLine").value(step.line).end_object();
      w.end_object();
      w.key("message").begin_object().key("text").value(utf8(step.note)).end_object();
      w.end_object().end_object();
    }
    w.end_array();
    w.end_object().end_array().end_object().end_array();
  }
  w.key("partialFingerprints").begin_object();
  w.key(kFingerprintKey).value(f.fingerprint.empty() ? fingerprint_of(f) : f.fingerprint);
  w.end_object();
  w.key("properties").begin_object();
  w.key("severity").value(severity_name(f.severity));
  w.key("confidence").raw(confidence_number(f.confidence));
  if (f.cwe_id > 0) w.key("cwe").value(cwe_name(f.cwe_id));
  if (!f.source.empty()) w.key("source").value(utf8(f.source));
  write_tags(w, f.cwe_id);
  w.end_object();
  w.end_object();
}

}  // namespace

const char* security_severity_score(severity s) {
  switch (s) {
    case severity::critical: return "9.5";
    case severity::high: return "8.0";
    case severity::medium: return "5.5";
    case severity::low: return "3.0";
  }
  return "5.5";
}

std::string uri_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    bool keep = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                std::string_view("-._~/!$&'()*+,;=@").find(c) != std::string_view::npos;
    if (keep) {
      out += c;
    } else {
      auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string to_sarif(const std::vector<finding>& findings, const sarif_run_info& run) {
  std::map<std::string, rule_info> rules;  // sorted by id: ruleIndex is stable
  for (const finding& f : findings) {
    rule_info& r = rules[f.rule_id];
    if (!r.first) r.first = &f;
    r.worst = std::max(r.worst, f.severity);
  }
  std::size_t next = 0;
  for (auto& [id, r] : rules) r.index = next++;

  // Only an absolute root makes a file:// URI; it must end in '/' to be a base.
  std::string root_uri;
  if (run.source_root.starts_with('/')) {
    root_uri = "file://" + uri_path(run.source_root);
    if (!root_uri.ends_with('/')) root_uri += '/';
  }

  json_writer w;
  w.begin_object();
  w.key("$schema").value(kSchema);
  w.key("version").value("2.1.0");
  w.key("runs").begin_array().begin_object();

  w.key("tool").begin_object().key("driver").begin_object();
  w.key("name").value("heimdall");
  if (!run.tool_version.empty()) w.key("version").value(utf8(run.tool_version));
  if (!run.information_uri.empty()) w.key("informationUri").value(utf8(run.information_uri));
  w.key("rules").begin_array();
  for (const auto& [id, r] : rules) write_rule(w, id, r);
  w.end_array();
  w.end_object().end_object();

  if (!root_uri.empty() && !run.absolute_uris) {
    w.key("originalUriBaseIds").begin_object().key(kRootId).begin_object().key("uri").value(root_uri);
    w.end_object().end_object();
  }
  if (!run.repository_uri.empty()) {
    w.key("versionControlProvenance").begin_array().begin_object();
    w.key("repositoryUri").value(utf8(run.repository_uri));
    if (!run.revision_id.empty()) w.key("revisionId").value(utf8(run.revision_id));
    if (!run.branch.empty()) w.key("branch").value(utf8(run.branch));
    if (!run.absolute_uris) w.key("mappedTo").begin_object().key("uriBaseId").value(kRootId).end_object();
    w.end_object().end_array();
  }

  w.key("results").begin_array();
  for (const finding& f : findings) write_result(w, f, rules.at(f.rule_id).index, run, root_uri);
  w.end_array();

  w.end_object().end_array();
  w.end_object();
  return w.take();
}

}  // namespace heimdall::analysis
