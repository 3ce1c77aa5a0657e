// SARIF (analysis/sarif.h): the log parses back as JSON (simdjson) and has
// the 2.1.0 structure code-scanning tools read: rules with CWE tags and
// security-severity, results pointing at them, locations, fingerprints,
// base URIs, provenance, and text escaped whatever bytes it held.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "analysis/sarif.h"
#include "analysis/validation.h"

using namespace heimdall::analysis;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

finding make(std::string rule, severity s, std::string file, int line, int cwe) {
  finding f;
  f.rule_id = std::move(rule);
  f.source = "static";
  f.severity = s;
  f.confidence = 0.75;
  f.title = "Title of " + f.rule_id;
  f.description = "Description of " + f.rule_id;
  f.remediation = "Fix " + f.rule_id;
  f.cwe_id = cwe;
  f.file_path = std::move(file);
  f.line_start = f.line_end = line;
  f.code_snippet = "code(" + std::to_string(line) + ")";
  return f;
}

std::string_view str(element e, std::string_view pointer) {
  std::string_view out;
  auto code = e.at_pointer(pointer).get_string().get(out);
  INFO(pointer);
  CHECK(code == simdjson::SUCCESS);
  return out;
}

std::int64_t num(element e, std::string_view pointer) {
  std::int64_t out = -1;
  auto code = e.at_pointer(pointer).get_int64().get(out);
  INFO(pointer);
  CHECK(code == simdjson::SUCCESS);
  return out;
}

bool has(element e, std::string_view pointer) { return e.at_pointer(pointer).error() == simdjson::SUCCESS; }

std::vector<std::string> strings(element e, std::string_view pointer) {
  std::vector<std::string> out;
  array items;
  if (e.at_pointer(pointer).get_array().get(items) != simdjson::SUCCESS) return out;
  for (element item : items) out.emplace_back(std::string_view(item.get_string().value_unsafe()));
  return out;
}

std::size_t size_of(element e, std::string_view pointer) {
  array items;
  if (e.at_pointer(pointer).get_array().get(items) != simdjson::SUCCESS) return 0;
  return items.size();
}

}  // namespace

TEST_CASE("a SARIF log has the 2.1.0 structure with rules, results and locations", "[analysis][sarif]") {
  std::vector<finding> all = {
      make("python.sqli.format", severity::critical, "app/db.py", 12, 89),
      make("javascript.xss.inner-html", severity::medium, "web/my app#1.js", 3, 79),
      make("python.sqli.format", severity::high, "app/db.py", 40, 89),
      make("c.misc.rand", severity::low, "native/r.c", 0, 0),
  };
  all[0].title = "SQL built with string formatting";
  all[0].fingerprint = fingerprint_of(all[0]);
  all[1].line_end = 5;
  all[3].title.clear();
  sarif_run_info run;
  run.tool_version = "1.2.3";
  run.source_root = "/work/repos/acme";
  run.repository_uri = "https://github.com/acme/app";
  run.revision_id = "0123456789abcdef0123456789abcdef01234567";
  run.branch = "main";

  std::string text = to_sarif(all, run);
  simdjson::dom::parser parser;
  element log;
  REQUIRE(parser.parse(text).get(log) == simdjson::SUCCESS);

  CHECK(str(log, "/$schema") == "https://json.schemastore.org/sarif-2.1.0.json");
  CHECK(str(log, "/version") == "2.1.0");
  REQUIRE(size_of(log, "/runs") == 1);
  element r = log.at_pointer("/runs/0").value_unsafe();
  CHECK(str(r, "/tool/driver/name") == "heimdall");
  CHECK(str(r, "/tool/driver/version") == "1.2.3");
  CHECK_FALSE(has(r, "/tool/driver/informationUri"));

  // One rule per id, sorted; the descriptor of the first finding, the worst severity.
  REQUIRE(size_of(r, "/tool/driver/rules") == 3);
  CHECK(str(r, "/tool/driver/rules/0/id") == "c.misc.rand");
  CHECK(str(r, "/tool/driver/rules/1/id") == "javascript.xss.inner-html");
  CHECK(str(r, "/tool/driver/rules/2/id") == "python.sqli.format");
  CHECK(str(r, "/tool/driver/rules/2/name") == "SQLBuiltWithStringFormatting");
  CHECK(str(r, "/tool/driver/rules/2/shortDescription/text") == "SQL built with string formatting");
  CHECK(str(r, "/tool/driver/rules/2/fullDescription/text") == "Description of python.sqli.format");
  CHECK(str(r, "/tool/driver/rules/2/help/text") == "Fix python.sqli.format");
  CHECK(str(r, "/tool/driver/rules/2/defaultConfiguration/level") == "error");
  CHECK(str(r, "/tool/driver/rules/2/properties/security-severity") == "9.5");
  CHECK(str(r, "/tool/driver/rules/2/properties/cwe") == "CWE-89");
  CHECK(strings(r, "/tool/driver/rules/2/properties/tags") ==
        std::vector<std::string>{"security", "external/cwe/cwe-89"});
  CHECK(str(r, "/tool/driver/rules/1/defaultConfiguration/level") == "warning");
  CHECK(str(r, "/tool/driver/rules/1/properties/security-severity") == "5.5");
  CHECK(str(r, "/tool/driver/rules/0/defaultConfiguration/level") == "note");
  CHECK(str(r, "/tool/driver/rules/0/properties/security-severity") == "3.0");
  CHECK(str(r, "/tool/driver/rules/0/shortDescription/text") == "c.misc.rand");  // no title: the id
  CHECK_FALSE(has(r, "/tool/driver/rules/0/properties/cwe"));
  CHECK(strings(r, "/tool/driver/rules/0/properties/tags") == std::vector<std::string>{"security"});

  CHECK(str(r, "/originalUriBaseIds/SRCROOT/uri") == "file:///work/repos/acme/");
  CHECK(str(r, "/versionControlProvenance/0/repositoryUri") == "https://github.com/acme/app");
  CHECK(str(r, "/versionControlProvenance/0/revisionId") == run.revision_id);
  CHECK(str(r, "/versionControlProvenance/0/branch") == "main");

  // Results in input order, each pointing at its rule.
  REQUIRE(size_of(r, "/results") == 4);
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::string at = "/results/" + std::to_string(i);
    INFO(at);
    CHECK(str(r, at + "/ruleId") == all[i].rule_id);
    std::int64_t index = num(r, at + "/ruleIndex");
    CHECK(str(r, "/tool/driver/rules/" + std::to_string(index) + "/id") == all[i].rule_id);
    CHECK(str(r, at + "/partialFingerprints/heimdall~1v1") == fingerprint_of(all[i]));
    CHECK(str(r, at + "/properties/severity") == severity_name(all[i].severity));
    double confidence = 0;
    CHECK(r.at_pointer(at + "/properties/confidence").get_double().get(confidence) == simdjson::SUCCESS);
    CHECK(confidence == Approx(0.75));
  }
  CHECK(str(r, "/results/0/level") == "error");
  CHECK(str(r, "/results/1/level") == "warning");
  CHECK(str(r, "/results/2/level") == "error");
  CHECK(str(r, "/results/3/level") == "note");
  CHECK(str(r, "/results/0/message/text") == "Description of python.sqli.format");
  CHECK(str(r, "/results/0/properties/cwe") == "CWE-89");
  CHECK(strings(r, "/results/0/properties/tags") == std::vector<std::string>{"security", "external/cwe/cwe-89"});

  const std::string loc = "/results/1/locations/0/physicalLocation";
  CHECK(str(r, loc + "/artifactLocation/uri") == "web/my%20app%231.js");
  CHECK(str(r, loc + "/artifactLocation/uriBaseId") == "SRCROOT");
  CHECK(num(r, loc + "/region/startLine") == 3);
  CHECK(num(r, loc + "/region/endLine") == 5);
  CHECK(str(r, loc + "/region/snippet/text") == "code(3)");
  // Line 0 is the whole file: a location without a region.
  CHECK(str(r, "/results/3/locations/0/physicalLocation/artifactLocation/uri") == "native/r.c");
  CHECK_FALSE(has(r, "/results/3/locations/0/physicalLocation/region"));
}

TEST_CASE("SARIF URIs can be absolute file URIs, and provenance is optional", "[analysis][sarif]") {
  std::vector<finding> all = {make("go.sqli.sprintf", severity::high, "cmd/ä b.go", 7, 89)};
  sarif_run_info run;
  run.source_root = "/srv/check out/";
  run.absolute_uris = true;
  std::string text = to_sarif(all, run);
  simdjson::dom::parser parser;
  element log;
  REQUIRE(parser.parse(text).get(log) == simdjson::SUCCESS);
  element r = log.at_pointer("/runs/0").value_unsafe();
  const std::string loc = "/results/0/locations/0/physicalLocation/artifactLocation";
  CHECK(str(r, loc + "/uri") == "file:///srv/check%20out/cmd/%C3%A4%20b.go");
  CHECK_FALSE(has(r, loc + "/uriBaseId"));
  CHECK_FALSE(has(r, "/originalUriBaseIds"));
  CHECK_FALSE(has(r, "/versionControlProvenance"));
  CHECK_FALSE(has(r, "/tool/driver/version"));

  // Without a known root there is no base to define and nothing absolute to write.
  run.source_root.clear();
  REQUIRE(parser.parse(to_sarif(all, run)).get(log) == simdjson::SUCCESS);
  r = log.at_pointer("/runs/0").value_unsafe();
  CHECK(str(r, loc + "/uri") == "cmd/%C3%A4%20b.go");
  CHECK(str(r, loc + "/uriBaseId") == "SRCROOT");
  CHECK_FALSE(has(r, "/originalUriBaseIds"));
}

TEST_CASE("a taint finding's path becomes the result's codeFlows, source first", "[analysis][sarif]") {
  finding f = make("python.taint.sqli", severity::critical, "app/views.py", 9, 89);
  f.path = {{3, "source: request.args['id']"}, {9, "sink: cursor.execute"}};
  std::vector<finding> all = {f, make("python.eval", severity::high, "app/views.py", 12, 95)};
  simdjson::dom::parser parser;
  element log;
  REQUIRE(parser.parse(to_sarif(all, {})).get(log) == simdjson::SUCCESS);
  element r = log.at_pointer("/runs/0").value_unsafe();
  const std::string flow = "/results/0/codeFlows/0/threadFlows/0/locations";
  CHECK(str(r, flow + "/0/location/physicalLocation/artifactLocation/uri") == "app/views.py");
  CHECK(str(r, flow + "/0/location/physicalLocation/artifactLocation/uriBaseId") == "SRCROOT");
  CHECK(r.at_pointer(flow + "/0/location/physicalLocation/region/startLine").get_int64().value_unsafe() == 3);
  CHECK(str(r, flow + "/0/location/message/text") == "source: request.args['id']");
  CHECK(r.at_pointer(flow + "/1/location/physicalLocation/region/startLine").get_int64().value_unsafe() == 9);
  CHECK_FALSE(has(r, flow + "/2"));
  // A pattern finding has no path, so no codeFlows.
  CHECK_FALSE(has(r, "/results/1/codeFlows"));

  // A step in another file (a callee's sink) is located in that file.
  f.path.push_back({21, "sink: cursor.execute", "app/db.py"});
  REQUIRE(parser.parse(to_sarif({f}, {})).get(log) == simdjson::SUCCESS);
  r = log.at_pointer("/runs/0").value_unsafe();
  CHECK(str(r, flow + "/1/location/physicalLocation/artifactLocation/uri") == "app/views.py");
  CHECK(str(r, flow + "/2/location/physicalLocation/artifactLocation/uri") == "app/db.py");
  CHECK(str(r, flow + "/2/location/physicalLocation/artifactLocation/uriBaseId") == "SRCROOT");
  CHECK(str(r, "/results/0/locations/0/physicalLocation/artifactLocation/uri") == "app/views.py");
}

TEST_CASE("SARIF text is escaped and repaired, and an empty scan is a valid log", "[analysis][sarif]") {
  finding f = make("x.y", severity::medium, "a.py", 1, 94);
  f.code_snippet = std::string("say(\"hi\\n\")\t\x01 \xff end");
  f.description = "line one\nline \"two\"";
  std::string text = to_sarif({f}, {});
  simdjson::dom::parser parser;
  element log;
  REQUIRE(parser.parse(text).get(log) == simdjson::SUCCESS);
  CHECK(str(log, "/runs/0/results/0/locations/0/physicalLocation/region/snippet/text") ==
        "say(\"hi\\n\")\t\x01 \xEF\xBF\xBD end");
  CHECK(str(log, "/runs/0/results/0/message/text") == "line one\nline \"two\"");

  REQUIRE(parser.parse(to_sarif({}, {})).get(log) == simdjson::SUCCESS);
  CHECK(size_of(log, "/runs/0/results") == 0);
  CHECK(size_of(log, "/runs/0/tool/driver/rules") == 0);
  CHECK(has(log, "/runs/0/results"));

  CHECK(uri_path("a b/c%d/e?f#g:h") == "a%20b/c%25d/e%3Ff%23g%3Ah");
  CHECK(std::string(security_severity_score(severity::high)) == "8.0");
}
