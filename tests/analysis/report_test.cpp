// Report (analysis/report.h, analysis/remediation.h): ranking order,
// severity counts, the shipped remediation table and its loader's errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/remediation.h"
#include "analysis/report.h"
#include "tests/analysis/scratch_tree.h"

using namespace heimdall;
using namespace heimdall::analysis;
using heimdall::analysis::test::scratch_tree;
namespace fs = std::filesystem;

namespace {

finding make(std::string rule, severity s, double confidence, std::string file, int line, int cwe = 89) {
  finding f;
  f.rule_id = std::move(rule);
  f.severity = s;
  f.confidence = confidence;
  f.file_path = std::move(file);
  f.line_start = f.line_end = line;
  f.cwe_id = cwe;
  return f;
}

const fs::path kShippedTable = HEIMDALL_SOURCE_DIR "/analysis/rules/remediation/remediation.json";

}  // namespace

TEST_CASE("findings rank by severity, confidence, file, line and rule", "[analysis][report]") {
  std::vector<finding> all = {
      make("r.b", severity::medium, 0.9, "a.py", 1),   // 0
      make("r.a", severity::critical, 0.5, "z.py", 9),  // 1
      make("r.c", severity::high, 0.6, "b.py", 3),      // 2
      make("r.a", severity::high, 0.9, "b.py", 3),      // 3
      make("r.b", severity::high, 0.6, "b.py", 3),      // 4: same as 2 but for the rule
      make("r.a", severity::high, 0.6, "b.py", 2),      // 5
      make("r.a", severity::high, 0.6, "a.py", 7),      // 6
      make("r.a", severity::low, 0.99, "a.py", 1),      // 7
  };
  for (std::size_t i = 0; i < all.size(); ++i) all[i].title = std::to_string(i);
  std::vector<finding> reversed(all.rbegin(), all.rend());
  rank_findings(all);
  rank_findings(reversed);
  std::vector<std::string> order, order_reversed;
  for (const auto& f : all) order.push_back(f.title);
  for (const auto& f : reversed) order_reversed.push_back(f.title);
  CHECK(order == std::vector<std::string>{"1", "3", "6", "5", "4", "2", "0", "7"});
  CHECK(order_reversed == order);  // the input order does not matter

  // Findings equal in every key keep their input order.
  std::vector<finding> ties = {make("r", severity::low, 0.5, "a", 1), make("r", severity::low, 0.5, "a", 1)};
  ties[0].title = "first";
  ties[1].title = "second";
  rank_findings(ties);
  CHECK(ties[0].title == "first");
}

TEST_CASE("findings are counted per severity", "[analysis][report]") {
  std::vector<finding> all = {make("a", severity::critical, 1, "f", 1), make("b", severity::high, 1, "f", 1),
                              make("c", severity::high, 1, "f", 2), make("d", severity::low, 1, "f", 3)};
  severity_counts c = count_by_severity(all);
  CHECK(c.critical == 1);
  CHECK(c.high == 2);
  CHECK(c.medium == 0);
  CHECK(c.low == 1);
  CHECK(c.total == 4);
  CHECK(count_by_severity({}).total == 0);
}

TEST_CASE("the shipped remediation table covers the common CWEs and fills empty remediations",
          "[analysis][report]") {
  auto table = load_remediation_table(kShippedTable);
  REQUIRE(table);
  const std::string& generic = table->for_cwe(0);
  CHECK(generic.size() > 40);
  for (int cwe : {89, 78, 79, 22, 94, 95, 502, 918, 601, 798, 327, 328, 330, 295, 611, 352, 434, 200, 532, 250,
                  732, 120, 119, 134, 190, 676, 943, 1004, 614}) {
    INFO("CWE-" << cwe);
    CHECK(table->has(cwe));
    CHECK(table->for_cwe(cwe) != generic);
    CHECK(table->for_cwe(cwe).size() > 80);  // concrete advice, not a slogan
  }
  CHECK(table->for_cwe(89).find("parameterized") != std::string::npos);
  CHECK(table->for_cwe(78).find("shell") != std::string::npos);
  CHECK(table->for_cwe(89) != table->for_cwe(78));
  CHECK_FALSE(table->has(12345));
  CHECK(table->for_cwe(12345) == generic);

  std::vector<finding> all = {make("a", severity::high, 1, "f", 1, 89), make("b", severity::high, 1, "f", 2, 4242),
                              make("c", severity::high, 1, "f", 3, 78)};
  all[2].remediation = "Use the rule's own advice.";
  fill_remediation(all, *table);
  CHECK(all[0].remediation == table->for_cwe(89));
  CHECK(all[1].remediation == generic);
  CHECK(all[2].remediation == "Use the rule's own advice.");
}

TEST_CASE("the remediation loader names what is wrong", "[analysis][report]") {
  scratch_tree t;
  auto load = [&](const std::string& json) {
    t.write("remediation.json", json);
    return load_remediation_table(t.root() / "remediation.json");
  };
  auto missing = load_remediation_table(t.root() / "nope.json");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == errc::not_found);

  const std::string entry = R"({"cwe": 89, "name": "SQL injection", "remediation": "Bind parameters."})";
  CHECK(load(R"({"generic": "Review it.", "cwes": [)" + entry + "]}"));
  struct bad_case {
    std::string json;
    std::string says;
  };
  for (const bad_case& c : std::vector<bad_case>{
           {"{", "invalid JSON"},
           {R"({"cwes": [)" + entry + "]}", "'generic'"},
           {R"({"generic": "Review it."})", "'cwes'"},
           {R"({"generic": "Review it.", "cwes": [)" + entry + "], \"extra\": 1}", "unknown field 'extra'"},
           {R"({"generic": "Review it.", "cwes": [)" + entry + "," + entry + "]}", "CWE-89 appears twice"},
           {R"({"generic": "Review it.", "cwes": [{"cwe": 89, "name": "x", "remedation": "y"}]})",
            "unknown field 'remedation'"},
           {R"({"generic": "Review it.", "cwes": [{"cwe": "89", "name": "x", "remediation": "y"}]})", "'cwe'"},
           {R"({"generic": "Review it.", "cwes": [{"cwe": 89, "name": "x", "remediation": ""}]})", "'remediation'"},
           {R"({"generic": "Review it.", "cwes": [{"cwe": 89, "name": "x"}]})", "required"},
       }) {
    INFO(c.json);
    auto r = load(c.json);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::invalid_argument);
    CHECK(r.error().message().find(c.says) != std::string::npos);
  }
}
