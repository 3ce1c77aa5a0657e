// Dependencies end to end: an advisory database imported with `heimdall
// advisories import`, then a whole scan of a repository with vulnerable and
// patched lockfiles through the service; and a scan without a database.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "analysis/dependency_scan.h"
#include "tests/scan_fixture.h"
#include "tests/test_dirs.h"
#include "tests/test_repo.h"

using namespace heimdall;
using namespace heimdall::test;
namespace fs = std::filesystem;

namespace {

std::string lockfile(const std::string& lodash, const std::string& minimist) {
  return "{\n  \"name\": \"shop\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"shop\"},\n"
         "    \"node_modules/lodash\": {\"version\": \"" + lodash + "\"},\n"
         "    \"node_modules/minimist\": {\"version\": \"" + minimist + "\"}\n  }\n}\n";
}

// Vulnerable lodash and Django at the top, everything patched below.
std::string dependency_repo(const fs::path& dir) {
  test_repo repo(dir);
  return repo.commit({
      {"package-lock.json", lockfile("4.17.20", "1.2.6")},
      {"requirements.txt", "# web\nDjango==3.2.0\nurllib3==1.24.2\nflask>=2.0\n"},
      {"patched/package-lock.json", lockfile("4.17.21", "1.2.8")},
      {"patched/requirements.txt", "Django==3.2.5\nurllib3==1.26.5\nrequests==2.31.0\n"},
      {"app.py", "print('hello')\n"},
  });
}

// Scans the shop repository under `root` with the advisories in
// `root`/data/advisories (imported or not) and returns the scan's history.
actors::scan_history scan_shop(const std::string& name, const fs::path& root) {
  auto options = scan_options(root / "repos", root / "workspaces");
  options.advisories_dir = root / "data" / "advisories";
  scan_fixture fx(name, options);
  std::string scan_id = fx.trigger(fx.add_repo((root / "repos" / "shop").string()));
  scan_record scan = fx.wait(scan_id);
  INFO(scan.error_message.value_or(""));
  REQUIRE(scan.status == "completed");
  return fx.history(scan_id);
}

}  // namespace

TEST_CASE("a scan reports vulnerable dependencies from the imported database and nothing for patched ones",
          "[scan][deps]") {
  fs::path root = scratch_dir("scan-deps");
  dependency_repo(root / "repos" / "shop");
  auto imported = run_heimdall({"advisories", "import",
                                (fs::path(HEIMDALL_SOURCE_DIR) / "tests" / "analysis" / "fixtures" / "osv").string(),
                                "--data", (root / "data").string()});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);

  auto h = scan_shop("scan-deps", root);
  std::set<std::tuple<std::string, int, std::string>> found;
  for (const auto& r : h.findings) {
    if (r.f.source != "dependencies") continue;
    found.insert({r.f.file_path, r.f.line_start, r.f.title});
    CHECK(r.f.fingerprint.size() >= 32);
    CHECK(r.f.remediation.rfind("upgrade to ", 0) == 0);
    CHECK(r.f.description.find("Also known as CVE-") != std::string::npos);
  }
  CHECK(found == std::set<std::tuple<std::string, int, std::string>>{
                     {"package-lock.json", 6, "lodash 4.17.20 has a known vulnerability (HEIM-2021-0001)"},
                     {"requirements.txt", 2, "Django 3.2.0 has a known vulnerability (PYSEC-2021-0003)"}});
  REQUIRE(h.ingest);
  for (const auto& note : h.ingest->notes) CHECK(note.reason != analysis::kNoAdvisoryDatabase);
}

TEST_CASE("without an advisory database a scan records one note, an import counts from the next scan", "[scan][deps]") {
  fs::path root = scratch_dir("scan-deps-none");
  dependency_repo(root / "repos" / "shop");
  auto options = scan_options(root / "repos", root / "workspaces");
  options.advisories_dir = root / "data" / "advisories";  // nothing imported yet
  scan_fixture fx("scan-deps-none", options);
  const std::string repo = fx.add_repo((root / "repos" / "shop").string());
  auto scan = [&] {
    std::string scan_id = fx.trigger(repo);
    scan_record done = fx.wait(scan_id);
    INFO(done.error_message.value_or(""));
    REQUIRE(done.status == "completed");
    return fx.history(scan_id);
  };
  auto dependency_findings = [](const actors::scan_history& h) {
    return std::count_if(h.findings.begin(), h.findings.end(),
                         [](const actors::recorded_finding& r) { return r.f.source == "dependencies"; });
  };
  auto notes = [](const actors::scan_history& h) {
    REQUIRE(h.ingest);
    return std::count_if(h.ingest->notes.begin(), h.ingest->notes.end(),
                         [](const analysis::inventory_note& n) { return n.reason == analysis::kNoAdvisoryDatabase; });
  };
  auto before = scan();
  CHECK(dependency_findings(before) == 0);
  CHECK(notes(before) == 1);

  // Imported while the service runs: the next scan uses it, no restart.
  auto imported = run_heimdall({"advisories", "import",
                                (fs::path(HEIMDALL_SOURCE_DIR) / "tests" / "analysis" / "fixtures" / "osv").string(),
                                "--data", (root / "data").string()});
  REQUIRE(imported.exit_code == 0);
  auto after = scan();
  CHECK(dependency_findings(after) == 2);
  CHECK(notes(after) == 0);
}
