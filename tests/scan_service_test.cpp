// Whole scans through the scheduler, scan actors and stages, on git
// repositories built here: what is found, the exact event sequence,
// cancellation, failures, time limits, incremental scans, hostile trees.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "tests/scan_fixture.h"
#include "tests/test_dirs.h"
#include "tests/test_repo.h"

using namespace heimdall;
using namespace heimdall::test;
namespace fs = std::filesystem;

namespace {

std::string member(const event& e, const char* key) {
  thread_local simdjson::dom::parser parser;
  std::string_view v;
  if (parser.parse(e.data)[key].get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

// Checks the stream against the lifecycle of a completed scan (see
// actors/scan_events.h); returns an empty string or the first deviation.
std::string lifecycle_deviation(const std::vector<event>& events) {
  std::size_t i = 0;
  auto at = [&](std::size_t k) -> std::string {
    return "event " + std::to_string(k + 1) + " (" + (k < events.size() ? events[k].type : "end") + ")";
  };
  auto expect = [&](const std::string& type, const char* key = nullptr, const std::string& value = "") {
    if (i >= events.size() || events[i].type != type || (key && member(events[i], key) != value)) {
      return at(i) + ": expected " + type + (key ? " " + std::string(key) + "=" + value : "");
    }
    ++i;
    return std::string();
  };
  std::string d;
  if (!(d = expect("scan.queued")).empty() || !(d = expect("scan.status_changed", "status", "running")).empty()) return d;
  const std::vector<std::tuple<std::string, std::string, std::string>> stages = {
      {"ingest", "ingesting", "scan.ingested"},       {"tyr", "modeling", "scan.threat_modeled"},
      {"static_analysis", "analyzing", "scan.static_analyzed"},           {"hunt", "hunting", ""},
      {"vidarr", "validating", "scan.findings_validated"}, {"report", "reporting", "scan.report_generated"}};
  for (const auto& [stage, status, output] : stages) {
    if (!(d = expect("scan.status_changed", "status", status)).empty()) return d;
    if (!(d = expect("scan.stage_updated", "stage", stage)).empty()) return d;
    if (member(events[i - 1], "status") != "running") return at(i - 1) + ": expected status running";
    while (i < events.size() && events[i].type == "scan.finding_added") {
      if (stage != "static_analysis" && stage != "hunt" && stage != "ingest") return at(i) + ": a finding in " + stage;
      ++i;
    }
    while (i < events.size() && events[i].type == "scan.flow_cleared") {
      if (stage != "static_analysis" && stage != "hunt") return at(i) + ": clearances in " + stage;
      ++i;
    }
    if (!output.empty() && !(d = expect(output)).empty()) return d;
    if (!(d = expect("scan.stage_updated", "stage", stage)).empty()) return d;
    if (member(events[i - 1], "status") != "completed") return at(i - 1) + ": expected status completed";
  }
  if (!(d = expect("scan.completed")).empty()) return d;
  if (i != events.size()) return at(i) + ": after the terminal event";
  return "";
}

// A repository with planted problems in several languages and clean files.
std::string planted_repo(const fs::path& dir) {
  test_repo repo(dir);
  const std::string aws_key = "AKIA" + std::string("Q3EGRT7YHKX2M5ZB");
  return repo.commit({
      {"app/views.py",
       "from flask import Flask, request\n"
       "import sqlite3\n"
       "app = Flask(__name__)\n"
       "\n"
       "@app.route('/user')\n"
       "def user():\n"
       "    uid = request.args.get('id')\n"
       "    db = sqlite3.connect('app.db')\n"
       "    return str(db.execute(\"SELECT * FROM users WHERE id = '%s'\" % uid).fetchall())\n"},
      {"web/server.js",
       "const { exec } = require('child_process');\n"
       "app.get('/x', (req, res) => { exec('ls ' + req.query.dir); });\n"},
      {"src/Main.java",
       "class Main {\n"
       "  void q(java.sql.Statement st, String id) throws Exception {\n"
       "    st.executeQuery(\"SELECT * FROM users WHERE id = \" + id);\n"
       "  }\n"
       "}\n"},
      {"native/copy.c", "#include <string.h>\nvoid f(char *d, const char *s) { strcpy(d, s); }\n"},
      {"Dockerfile", "FROM ubuntu:latest\nUSER root\n"},
      {"deploy/.env", "AWS_ACCESS_KEY_ID=" + aws_key + "\n"},
      {"clean/views.py", "import subprocess\ndef run(args):\n    subprocess.run(['ls', '-l'], check=True)\n"},
      {"clean/server.js", "const path = require('path');\nmodule.exports = (a, b) => path.join(a, b);\n"},
      {"clean/Query.java",
       "class Query {\n"
       "  void q(java.sql.Connection c, String id) throws Exception {\n"
       "    var ps = c.prepareStatement(\"SELECT * FROM users WHERE id = ?\");\n"
       "    ps.setString(1, id);\n"
       "  }\n"
       "}\n"},
      {"clean/Dockerfile", "FROM ubuntu:22.04\nUSER app\n"},
      // The copy rule matches; the flow analysis proves it fits, and vidarr withdraws it.
      {"clean/copy.c", "#include <string.h>\nvoid f(void) { char d[8], s[] = \"abc\"; strcpy(d, s); }\n"},
      {"README.md", "# demo\n"},
  });
}

// A tree large enough that its static analysis takes a noticeable time.
void add_bulk(std::map<std::string, std::string>& files, int count) {
  std::string body;
  for (int line = 0; line < 200; ++line) {
    body += "def handler_" + std::to_string(line) + "(value):\n    return value * " + std::to_string(line) + "\n";
  }
  for (int i = 0; i < count; ++i) files["bulk/m" + std::to_string(i) + ".py"] = body;
}

}  // namespace

TEST_CASE("a scan runs every stage, records the lifecycle exactly and finds what was planted", "[scan]") {
  fs::path root = scratch_dir("scan-e2e");
  std::string head = planted_repo(root / "repos" / "app");
  scan_fixture fx("scan-e2e", scan_options(root / "repos", root / "workspaces"));
  std::string scan_id = fx.trigger(fx.add_repo((root / "repos" / "app").string()));
  scan_record scan = fx.wait(scan_id);
  INFO(scan.error_message.value_or(""));
  REQUIRE(scan.status == "completed");

  auto events = fx.events(scan_id);
  CHECK(lifecycle_deviation(events) == "");
  CHECK(scan.commit_sha == head);
  CHECK(scan.started_at);
  CHECK(scan.completed_at);
  CHECK_FALSE(fs::exists(root / "workspaces" / scan_id));  // removed once terminal

  auto h = fx.history(scan_id);
  std::set<std::string> files;
  std::uint64_t counted = 0;
  for (const auto& f : h.findings) {
    bool withdrawn = std::count(h.validation->withdrawn.begin(), h.validation->withdrawn.end(), f.finding_id) > 0;
    if (!withdrawn) {
      files.insert(f.f.file_path);
      ++counted;
    }
    CHECK(f.f.fingerprint.size() >= 32);
    CHECK_FALSE(f.f.remediation.empty());
  }
  for (const char* planted : {"app/views.py", "web/server.js", "src/Main.java", "native/copy.c", "Dockerfile", "deploy/.env"}) {
    INFO(planted);
    CHECK(files.count(planted) == 1);
  }
  for (const auto& f : files) {
    INFO(f);
    CHECK(f.rfind("clean/", 0) != 0);
    CHECK(f != "README.md");
  }
  CHECK(scan.finding_count == counted);
  CHECK(scan.counts.total() == counted);
  // Taint tracking connects the Flask request to the query.
  bool taint = false;
  for (const auto& f : h.findings) taint = taint || (f.f.source == "taint" && f.f.file_path == "app/views.py");
  CHECK(taint);
  // The threat model saw the Flask route.
  REQUIRE(h.threat_model_json);
  CHECK(h.threat_model_json->find("/user") != std::string::npos);
  // The secret never reaches the log in clear.
  for (const auto& e : events) CHECK(e.data.find("Q3EGRT7YHKX2M5ZB") == std::string::npos);
}

TEST_CASE("a scan resumed at vidarr withdraws what the uninterrupted scan withdrew", "[scan]") {
  fs::path root = scratch_dir("scan-resume-vidarr");
  planted_repo(root / "repos" / "app");
  auto options = scan_options(root / "repos", root / "workspaces");
  scan_fixture whole("scan-resume-vidarr-whole", options);
  const std::string repo = whole.add_repo((root / "repos" / "app").string());
  const std::string scan_id = whole.trigger(repo);
  REQUIRE(whole.wait(scan_id).status == "completed");
  const auto done = whole.history(scan_id);
  REQUIRE(done.validation);
  REQUIRE_FALSE(done.validation->withdrawn.empty());  // clean/copy.c's copy, which c_flow proves fits
  REQUIRE_FALSE(done.cleared.empty());

  // The same stream, as a process killed right after hunt would have left
  // it, in another log: restarting its service resumes the scan at vidarr.
  scan_fixture cut("scan-resume-vidarr-cut", options);
  const std::string cut_repo = cut.add_repo((root / "repos" / "app").string());
  std::vector<new_event> upto_hunt;
  for (const event& e : whole.events(scan_id)) {
    std::string data = e.data;
    for (auto [from, to] : {std::pair{repo, cut_repo}, std::pair{whole.user(), cut.user()}}) {
      for (auto at = data.find(from); at != std::string::npos; at = data.find(from, at + to.size())) {
        data.replace(at, from.size(), to);
      }
    }
    upto_hunt.push_back({e.id, e.type, e.schema, data});
    if (e.type == "scan.stage_updated" && member(e, "stage") == "hunt" && member(e, "status") == "completed") break;
  }
  REQUIRE(cut.log().append(actors::scan_stream(scan_id), expected_version::no_stream(), upto_hunt));
  cut.restart(options);
  REQUIRE(cut.service().recovered().resumed == std::vector<std::string>{scan_id});
  REQUIRE(cut.wait(scan_id).status == "completed");
  const auto resumed = cut.history(scan_id);
  CHECK(resumed.starts == 2);
  REQUIRE(resumed.validation);
  CHECK(resumed.validation->withdrawn == done.validation->withdrawn);
}

TEST_CASE("cancel: a queued scan never starts, a running one stops and stays cancelled", "[scan]") {
  fs::path root = scratch_dir("scan-cancel");
  std::map<std::string, std::string> files;
  add_bulk(files, 3000);
  test_repo(root / "repos" / "big").commit(files);
  auto options = scan_options(root / "repos", root / "workspaces");
  options.max_concurrent_scans = 1;
  scan_fixture fx("scan-cancel", options);
  std::string repo = fx.add_repo((root / "repos" / "big").string());
  std::string running = fx.trigger(repo);
  std::string queued = fx.trigger(repo);

  REQUIRE(fx.service().cancel(queued).is_ok());
  // Wait until the first scan is inside a stage, then cancel it.
  for (int i = 0; i < 2000 && fx.history(running).completed.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(fx.service().cancel(running).is_ok());

  CHECK(fx.wait(running).status == "cancelled");
  CHECK(fx.wait(queued).status == "cancelled");
  auto q = fx.events(queued);
  REQUIRE(q.size() == 2);
  CHECK(q[0].type == "scan.queued");
  CHECK(q[1].type == "scan.cancelled");
  CHECK_FALSE(fs::exists(root / "workspaces" / running));

  // Nothing follows the terminal event, and cancelling again is refused.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto r = fx.events(running);
  CHECK(r.back().type == "scan.cancelled");
  CHECK(fx.history(running).status == "cancelled");
  auto again = fx.service().cancel(running);
  CHECK(again.code() == errc::conflict);
  CHECK(fx.service().cancel("00000000-0000-7000-8000-000000000000").code() == errc::not_found);
}

TEST_CASE("a failing stage fails its scan with the reason while other scans go on", "[scan]") {
  fs::path root = scratch_dir("scan-fail");
  planted_repo(root / "repos" / "good");
  fs::create_directories(root / "repos" / "gone");
  fs::create_directories(root / "outside");
  planted_repo(root / "outside" / "app");
  scan_fixture fx("scan-fail", scan_options(root / "repos", root / "workspaces"));
  std::string gone = fx.trigger(fx.add_repo((root / "repos" / "gone").string()));
  std::string outside = fx.trigger(fx.add_repo((root / "outside" / "app").string()));
  std::string good = fx.trigger(fx.add_repo((root / "repos" / "good").string()));

  scan_record g = fx.wait(gone);
  CHECK(g.status == "failed");
  CHECK(g.error_message.value_or("").rfind("ingest: checkout:", 0) == 0);
  scan_record o = fx.wait(outside);
  CHECK(o.status == "failed");
  CHECK(o.error_message.value_or("").find("allowed") != std::string::npos);
  auto events = fx.events(gone);
  REQUIRE(events.size() >= 2);
  CHECK(events[events.size() - 2].type == "scan.stage_updated");
  CHECK(member(events[events.size() - 2], "status") == "failed");
  CHECK_FALSE(member(events[events.size() - 2], "error").empty());
  CHECK(events.back().type == "scan.failed");
  CHECK(fx.wait(good).status == "completed");
}

TEST_CASE("a stage over its time limit fails the scan, and the service goes on", "[scan]") {
  fs::path root = scratch_dir("scan-timeout");
  std::map<std::string, std::string> files;
  add_bulk(files, 1500);
  test_repo(root / "repos" / "big").commit(files);
  auto options = scan_options(root / "repos", root / "workspaces");
  options.stage_time_limit = std::chrono::milliseconds(1);
  scan_fixture fx("scan-timeout", options);
  std::string repo = fx.add_repo((root / "repos" / "big").string());
  scan_record slow = fx.wait(fx.trigger(repo));
  CHECK(slow.status == "failed");
  CHECK(slow.error_message.value_or("") == "ingest: the stage exceeded its time limit of 1 ms");
  // A failed scan's worker may still be stopping: its workspace goes once it has.
  for (int i = 0; i < 1000 && fs::exists(root / "workspaces" / slow.id); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK_FALSE(fs::exists(root / "workspaces" / slow.id));

  // A later scan on the same log, with room to finish, completes.
  options.stage_time_limit = std::chrono::minutes(5);
  fx.restart(options);
  CHECK(fx.wait(fx.trigger(repo)).status == "completed");
}

TEST_CASE("an incremental scan analyses changed files and carries the parent's other findings", "[scan]") {
  fs::path root = scratch_dir("scan-incremental");
  test_repo repo(root / "repos" / "app");
  const std::string shell = "import subprocess\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n";
  repo.commit({{"a.py", shell}, {"b.py", shell}});
  scan_fixture fx("scan-incremental", scan_options(root / "repos", root / "workspaces"));
  std::string repo_id = fx.add_repo((root / "repos" / "app").string());
  std::string parent = fx.trigger(repo_id);
  REQUIRE(fx.wait(parent).status == "completed");

  repo.commit({{"b.py", "import subprocess\ndef run():\n    subprocess.run(['ls'])\n"}, {"c.py", shell}});
  actors::scan_request request;
  request.repo_id = repo_id;
  request.triggered_by = fx.user();
  request.scan_type = "incremental";
  request.parent_scan_id = parent;
  auto triggered = fx.service().trigger(request);
  REQUIRE(triggered);
  CHECK(triggered.value().parent_scan_id == parent);
  REQUIRE(fx.wait(triggered.value().id).status == "completed");

  auto h = fx.history(triggered.value().id);
  REQUIRE(h.ingest);
  CHECK(h.ingest->changed_files == 2u);
  std::map<std::string, int> carried, fresh;
  for (const auto& f : h.findings) (f.carried_from ? carried : fresh)[f.f.file_path]++;
  CHECK(carried.count("a.py") == 1);
  CHECK(fresh.count("c.py") == 1);
  CHECK(carried.count("b.py") + fresh.count("b.py") == 0);
  CHECK(fresh.count("a.py") == 0);

  // Without a base or parent an incremental scan is refused up front.
  request.parent_scan_id.reset();
  CHECK(fx.service().trigger(request).error().code() == errc::invalid_argument);
}

TEST_CASE("hostile repositories are handled with notes, never an escape or a crash", "[scan]") {
  fs::path root = scratch_dir("scan-hostile");
  fs::create_directories(root / "secret");
  std::ofstream(root / "secret" / "passwd") << "AWS_SECRET=" << std::string(40, 'x') << "\n";
  test_repo repo(root / "repos" / "evil");
  repo.symlink("escape", (root / "secret").string());
  repo.symlink("passwd.py", (root / "secret" / "passwd").string());
  std::string nested = "d";
  for (int i = 0; i < 70; ++i) nested += "/d";
  std::string binary("\x7f" "ELF\0\0\x01\x02", 8);
  binary += std::string(1000, '\0');
  repo.commit({
      {"huge.txt", std::string(100u << 20, 'a')},
      {"tool.bin", binary},
      {"latin1.py", "# caf\xe9\nimport os\nos.system(input())\n"},
      {nested + "/deep.py", "import os\nos.system(input())\n"},
      {"ok.py", "print('hi')\n"},
  });
  scan_fixture fx("scan-hostile", scan_options(root / "repos", root / "workspaces"));
  std::string scan_id = fx.trigger(fx.add_repo((root / "repos" / "evil").string()));
  scan_record scan = fx.wait(scan_id);
  INFO(scan.error_message.value_or(""));
  REQUIRE(scan.status == "completed");
  auto h = fx.history(scan_id);
  REQUIRE(h.ingest);
  std::map<std::string, std::string> notes;
  for (const auto& n : h.ingest->notes) notes[n.path] = n.reason;
  CHECK(notes["escape"] == "skipped: symlink");
  CHECK(notes["passwd.py"] == "skipped: symlink");
  CHECK(notes["huge.txt"].rfind("skipped: larger than", 0) == 0);
  CHECK(notes["tool.bin"] == "skipped: binary");
  bool deep_note = false;
  for (const auto& [path, reason] : notes) deep_note = deep_note || reason.rfind("skipped: deeper than", 0) == 0;
  CHECK(deep_note);
  for (const auto& f : h.findings) CHECK(f.f.file_path.rfind("escape", 0) != 0);
  // The non-UTF-8 file is still analysed.
  bool latin1 = false;
  for (const auto& f : h.findings) latin1 = latin1 || f.f.file_path == "latin1.py";
  CHECK(latin1);
}
