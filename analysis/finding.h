// finding: one issue the analysis reports in a file, before the pipeline
// gives it ids and a scan (the scan actors add id, scan_id, repo_id,
// status and created_at). Plain value; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace heimdall::analysis {

enum class severity { low, medium, high, critical };

std::string_view severity_name(severity s);  // "low" ... "critical"
// False (and `out` untouched) for anything but the four names.
bool parse_severity(std::string_view name, severity& out);

// One step of a taint finding's path: source first, sink last.
struct flow_step {
  int line = 0;      // 1-based
  std::string note;  // what happens there: "source: request.args", "sink: os.system"
  // The step's file, relative to the repository root like finding::file_path;
  // empty for the finding's own file (so a path recorded before steps had
  // files keeps its meaning). A cross-file flow names the callee's file.
  std::string file{};
};

struct finding {
  std::string rule_id;       // e.g. "python.sqli.string-format"
  std::string source;        // static | taint | config | secrets | dependencies | ai
  analysis::severity severity = severity::medium;
  double confidence = 0.8;   // 0..1
  std::string title;
  std::string description;
  int cwe_id = 0;            // CWE number, e.g. 89
  std::string file_path;     // relative to the repository root, '/'-separated
  int line_start = 0;        // 1-based, inclusive
  int line_end = 0;
  std::string code_snippet;  // the matched lines (secrets masked by their detector)
  std::string remediation;
  // Stable identity across commits (rule, file, normalized code; never the
  // line number), filled in by validation (vidarr); empty before.
  std::string fingerprint;
  // Taint findings: source -> ... -> sink, in order (SARIF codeFlows), the
  // steps in other files naming them; empty for the other kinds.
  std::vector<flow_step> path;
};

}  // namespace heimdall::analysis
