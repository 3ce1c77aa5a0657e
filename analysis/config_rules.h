// config_rules: structural checks over parsed configuration
// (config_document.h), as data: analysis/rules/config/*.json, format and
// condition language in analysis/rules/config/README.md. The shipped files
// are compiled into the library (like the threat model's patterns), so the
// stage needs no rules directory for them.
//
// A rule names the kind of document it applies to (terraform, kubernetes,
// ...), a scope within it (a Terraform resource, a Kubernetes container, a
// GitHub Actions step, ...) with optional type filters, and a condition
// over paths relative to each subject of that scope. It reports one
// finding per subject whose condition holds.
//
// Threads: a loaded config_rule_set is immutable; evaluate() may run on any
// number of threads over the same set. Errors: load_config_rules returns
// invalid_argument naming the file and rule (JSON, unknown field, bad
// path, bad regex, unknown kind or scope, duplicate id, no examples).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/config_document.h"
#include "analysis/finding.h"
#include "base/result.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace heimdall::analysis {

// A path into a document: dot-separated segments from an anchor.
struct config_path {
  enum class anchor { subject, document, context };
  struct segment {
    enum class type { key, any, deep_key, key_regex };
    type kind = type::key;
    std::string name;                  // key; for key_regex the pattern
    std::string label;                 // "resource:aws_s3_bucket": first HCL label
    std::shared_ptr<const re2::RE2> re;  // key_regex
    bool indexed = false;
    int index = 0;                     // [0] first, [-1] last
  };
  anchor from = anchor::subject;
  std::vector<segment> segments;
  std::string text;  // as written, for messages
};

struct config_value {
  enum class type { string, number, boolean };
  type kind = type::string;
  std::string text;
  double number = 0;
  bool boolean = false;
};

struct config_condition {
  enum class op { all, any, not_, each, exists, missing, equals, not_equals, in, not_in, matches, not_matches,
                  lt, le, gt, ge, cidr_public };
  op kind = op::all;
  std::vector<config_condition> subs;  // all/any: several; not/each: one (each: may be none)
  config_path path;
  std::vector<config_value> values;    // equals/not_equals: one; in/not_in: several
  double number = 0;                   // lt/le/gt/ge
  std::shared_ptr<const re2::RE2> re;  // matches/not_matches
};

struct config_rule {
  std::string id;
  std::string title;
  int cwe = 0;
  analysis::severity severity = severity::medium;
  double confidence = 0.5;
  std::string description;
  std::string remediation;
  config_kind kind = config_kind::none;
  std::string scope;               // per kind; see README
  std::vector<std::string> types;  // resource types / k8s kinds; '*' globs; empty: all
  config_condition condition;
  // Where the finding's line is: the subject's first line, the innermost
  // `each` node that matched (else the subject), or the node that made the
  // condition true (else the subject).
  enum class report_at { subject, block, match };
  report_at report = report_at::match;
  std::vector<std::string> supersedes;  // line-rule ids this rule replaces on parsed files
  // A hardening recommendation (a missing optional control) rather than a
  // misconfiguration: loaded and tested, but not run by the stage.
  bool audit = false;
  // With a top-level `each` condition: one finding per node that satisfies
  // it (every ingress block that opens SSH, every template that splices a
  // parameter into a script) instead of one per subject; a top-level `any`
  // reports each of its members' matches so, a top-level `all` (when it
  // holds) those of its `each` members.
  bool each_finding = false;
  std::vector<std::string> positive;    // example documents the rule must report
  std::vector<std::string> negative;    // similar ones it must not
  std::string file;
};

class config_rule_set {
 public:
  const std::vector<config_rule>& rules() const { return rules_; }
  // Line-rule ids that parsed files of `kind` no longer report.
  std::vector<std::string> superseded(config_kind kind) const;

 private:
  std::vector<config_rule> rules_;
  friend result<config_rule_set> load_config_rules(const std::vector<std::pair<std::string, std::string>>& files);
};

// Loads rule files given as (file name, JSON text).
result<config_rule_set> load_config_rules(const std::vector<std::pair<std::string, std::string>>& files);

// The rules shipped in analysis/rules/config, loaded once. Fails only if
// the shipped data is broken (the tests load it).
const result<config_rule_set>& shipped_config_rules();

// Runs the rules for `doc.kind` over one parsed document of the file at
// `path`; `content` is the whole file (for snippets). Findings have source
// "config". Audit rules run only when `include_audit`.
std::vector<finding> evaluate(const config_rule_set& rules, const config_document& doc, std::string_view path,
                              std::string_view content, bool include_audit = false);

}  // namespace heimdall::analysis
