// threat_model_rules: the data behind build_threat_model, and the matcher
// that reads one file with it. The data lives in two files reviewed like
// code (format in analysis/rules/threat_model/README.md):
//   entry_points.json - how HTTP routes, message handlers, command-line
//     parsers and main functions look, per framework, plus the markers of
//     authentication, uploads and admin-looking routes;
//   data_flows.json - the names of sensitive data, where requests and the
//     environment hand it over (sources), where it may go (sinks), and
//     what undoes the harm (hashing, masking).
// Both are compiled into the library (CMakeLists.txt embeds them), since
// build_threat_model takes no rules directory.
//
// Patterns are RE2, matched per line as Latin-1 bytes like the rule packs
// (see line_matching.h): any byte sequence is safe, lines are cut at
// kMaxScannedLineBytes. Every pattern carries positive and negative
// example lines, checked when the rules are built, so a pattern that
// stops matching what it was written for fails loudly.
//
// Threads: built rules are immutable; scan_file may run on any number of
// threads over the same rules. Movable, not copyable.
// Errors: load/build return invalid_argument naming the file, the item and
// the reason (bad JSON, unknown or mistyped field, bad regex, unknown
// language or kind, an example that does not behave). scan_file cannot
// fail.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/inventory.h"
#include "analysis/language.h"
#include "analysis/threat_model.h"
#include "base/result.h"

namespace heimdall::analysis {

struct pattern_examples {
  std::vector<std::string> positive;  // lines the pattern must match
  std::vector<std::string> negative;  // similar lines it must not
};

// One way an entry point is written. `pattern` may name the groups
// (?P<method>...), (?P<route>...) and (?P<function>...); what they leave
// unset comes from the defaults below.
struct entry_rule {
  std::string id;         // unique, e.g. "flask.route"
  std::string kind;       // http_route | message_handler | cli | main
  std::string framework;  // "" for main
  std::vector<language> languages;  // empty: any language the paths allow
  std::vector<std::string> paths;   // RE2 on the relative path; empty: any
  std::string requires_pattern;     // RE2 that must match somewhere in the file; "" none
  std::string pattern;
  std::string not_pattern;  // must not match the line; "" none
  // Must not match the first declaration after the line (a class-level
  // @RequestMapping is a prefix, not a route); "" none.
  std::string not_next;
  std::string method;    // default when (?P<method>) is unset; "ANY" for every method
  std::map<std::string, std::string> method_map;  // upper-case token -> method ($_REQUEST -> ANY)
  std::string route;     // default route
  std::string route_in_file;    // RE2 with one group, searched in the file (@WebServlet("/x"))
  std::string route_from_path;  // RE2 with one group, matched on the path (Next.js pages)
  std::string function;         // default handler name
  std::string handler;  // name of a definition pattern that finds the handler on the next lines; "" none
  bool once_per_file = false;  // one entry per file, methods merged (sys.argv, $_GET)
  bool in_comments = false;    // also matched on comment lines (docblock annotations)
  // Only a line that starts a method the language's visibility rules leave
  // public (Ruby, analysis/ruby_visibility.h: the methods `private` or
  // `protected` hide are no controller actions); other languages: every line.
  bool public_methods = false;
  pattern_examples examples;
};

// What an entry kind means for the model's surfaces and boundaries.
struct entry_kind_info {
  std::string surface;   // e.g. "HTTP API"; the surface is "<surface> (<framework>)"
  std::string boundary;  // trust boundary its files sit on
  std::string boundary_description;
};

// Patterns judged on the lines around an entry point or on its file.
struct entry_markers {
  std::string admin_route;  // on the route
  std::string auth;         // near the entry: decorators, middleware arguments
  std::string file_auth;    // anywhere in the file: before_request, router.use(auth)
  std::string upload;       // anywhere in the file
};

struct sensitive_data_kind {
  std::string kind;     // credentials | payment | personal_data | secret | token
  std::string pattern;  // RE2 on a name (form field, header, variable)
  pattern_examples examples;  // names
};

// Where sensitive data enters: (?P<key>...) is the name it is read under,
// or with binds_key the variables it binds (function parameters,
// destructuring), which are then followed through the file.
struct data_source_rule {
  std::string id;
  std::string origin;  // request | environment
  std::vector<language> languages;
  std::vector<std::string> paths;
  std::string pattern;
  bool binds_key = false;
  pattern_examples examples;
};

struct data_sink_rule {
  std::string id;
  std::string sink;  // a key of sink_kinds
  std::vector<language> languages;
  std::vector<std::string> paths;
  std::string pattern;
  std::string not_pattern;
  pattern_examples examples;
};

struct sink_kind_info {
  std::string label;     // "a log call", for descriptions
  std::string boundary;  // "" when reaching it crosses no boundary (logs, responses)
  std::string boundary_description;
  bool flows = true;       // sensitive data reaching it is a data flow
  bool dangerous = false;  // command execution, eval: raises the risk of entry points in the file
};

// Everything both files hold, parsed but not compiled.
struct threat_model_rule_set {
  std::map<std::string, std::string> definitions;  // name -> RE2 with one group (the function name)
  std::map<std::string, entry_kind_info> kinds;    // the four kinds, all required
  entry_markers markers;
  std::vector<entry_rule> entries;  // in file order: the first that matches a line wins
  std::vector<sensitive_data_kind> data_kinds;  // in order: the first that matches a name wins
  std::map<std::string, sink_kind_info> sink_kinds;
  std::string sanitizer;  // a sink line matching it carries no sensitive data (hashing, masking)
  std::vector<data_source_rule> sources;
  std::vector<data_sink_rule> sinks;
};

// What one file contributes to the model.
struct file_scan {
  std::vector<entry_point> entries;  // by line
  // Parallel to entries: an admin-looking route with no authentication
  // marker near it nor in its file.
  std::vector<bool> unauthenticated_admin;
  bool uploads = false;          // the file handles file uploads
  std::vector<data_flow> flows;  // by line
  std::map<std::string, int> sinks;  // sink kind -> first line it appears on
};

class threat_model_rules {
 public:
  threat_model_rules(threat_model_rules&&) noexcept;
  threat_model_rules& operator=(threat_model_rules&&) noexcept;
  ~threat_model_rules();

  const threat_model_rule_set& data() const { return data_; }

  struct compiled;  // defined in threat_model_compiled.h

 private:
  threat_model_rules();
  threat_model_rule_set data_;
  std::unique_ptr<compiled> compiled_;

  friend result<threat_model_rules> build_threat_model_rules(threat_model_rule_set set);
  friend bool may_apply(const threat_model_rules& rules, const source_file& file);
  friend file_scan scan_file(const threat_model_rules& rules, const source_file& file, std::string_view content);
};

// Parses both files' text; `entry_points_name` and `data_flows_name` name
// them in messages. Ends in build_threat_model_rules.
result<threat_model_rules> load_threat_model_rules(std::string_view entry_points_json,
                                                   std::string_view data_flows_json,
                                                   std::string_view entry_points_name = "entry_points.json",
                                                   std::string_view data_flows_name = "data_flows.json");

// Compiles parsed rules: unique ids, regexes that compile, named groups
// that exist, known kinds, sinks and definitions, examples that behave.
result<threat_model_rules> build_threat_model_rules(threat_model_rule_set set);

// The shipped files' text (analysis/rules/threat_model/*.json as built).
std::string_view shipped_entry_points_json();
std::string_view shipped_data_flows_json();
// The shipped rules, built on first use; an error only if the shipped data
// is broken (the tests load it first). `copy` picks one of
// kShippedRuleCopies identical, separately compiled sets (modulo): an RE2
// object takes a lock on its DFA cache at every match, and two threads
// matching millions of lines against the same objects spent more time
// passing that lock between cores than matching. Threads that scan many
// files each take their own copy; any copy may still be shared.
inline constexpr unsigned kShippedRuleCopies = 8;
const result<threat_model_rules>& shipped_threat_model_rules(unsigned copy = 0);

// Whether any pattern can apply to `file` (its language and path), so a
// file no pattern could read (README.md, a PNG) is never opened.
bool may_apply(const threat_model_rules& rules, const source_file& file);

// Entry points, sink uses and sensitive-data flows of one file. `content`
// is the file's text; file.path and file.lang say how to read it.
file_scan scan_file(const threat_model_rules& rules, const source_file& file, std::string_view content);

}  // namespace heimdall::analysis
