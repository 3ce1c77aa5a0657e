// scan_events (actors/scan_events.h): a finding's path survives the
// scan.finding_added round trip, a cross-file step with its file and a step
// of the finding's own file without one, as the event schema says.
#include <catch2/catch.hpp>

#include <string>

#include "actors/scan_events.h"

using namespace heimdall;

TEST_CASE("a cross-file taint path survives scan.finding_added with each step's file", "[events]") {
  actors::recorded_finding r;
  r.finding_id = "3f7a8b9c-0d1e-2f3a-4b5c-6d7e8f9a0b1c";
  r.scan_id = "01936d2f-8c4e-7890-b123-456789abcdef";
  r.repo_id = "01936d2f-8c4e-7890-b123-456789abcde0";
  r.created_at = "2026-03-12T10:00:00.000Z";
  r.f.title = "SQL injection";
  r.f.rule_id = "python.taint.sqli";
  r.f.source = "taint";
  r.f.file_path = "app.py";
  r.f.line_start = r.f.line_end = 7;
  r.f.path = {{6, "source: request.args['id']", ""},
              {7, "call: run_query() of helpers/db.py", ""},
              {4, "sink: cursor.execute", "helpers/db.py"}};
  new_event e = actors::finding_event(r);
  // The finding's own file is left out, another file named.
  CHECK(e.data.find(R"({"line":6,"note":"source: request.args['id']"})") != std::string::npos);
  CHECK(e.data.find(R"("file":"helpers/db.py")") != std::string::npos);
  auto back = actors::parse_finding(e.data);
  REQUIRE(back);
  REQUIRE(back->f.path.size() == 3);
  CHECK(back->f.path[0].file.empty());
  CHECK(back->f.path[1].note == "call: run_query() of helpers/db.py");
  CHECK(back->f.path[2].line == 4);
  CHECK(back->f.path[2].file == "helpers/db.py");

  std::string bad = e.data;
  bad.replace(bad.find(R"("helpers/db.py"})"), 16, "7}");
  CHECK_FALSE(actors::parse_finding(bad));
}
