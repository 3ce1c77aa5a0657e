// dependency_scan: vulnerable packages of a manifest become findings of
// source "dependencies", in the static_analysis stage too; patched
// versions and absent databases give none.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include "analysis/dependency_scan.h"
#include "analysis/static_analysis.h"
#include "analysis/validation.h"
#include "tests/analysis/scratch_tree.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
namespace fs = std::filesystem;

namespace {

std::string osv_fixture(const std::string& name) { return test::fixture_text("osv/" + name); }

// The fixture database (the files with one record each).
advisory_db fixture_db() {
  std::vector<advisory_entry> entries;
  for (const char* f : {"npm/HEIM-2021-0001.json", "npm/HEIM-2021-0002.json", "PYSEC-2021-0003.json",
                        "PYSEC-2019-0004.json", "PYSEC-2018-0005.json"}) {
    auto r = parse_osv_record(osv_fixture(f));
    REQUIRE(r);
    for (auto& e : r->entries) entries.push_back(std::move(e));
  }
  return advisory_db(std::move(entries));
}

const char* const kLock = R"({
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "app"},
    "node_modules/lodash": {"version": "4.17.20"},
    "node_modules/minimist": {"version": "1.2.6"},
    "node_modules/left-pad": {"version": "1.3.0"}
  }
}
)";

}  // namespace

TEST_CASE("a vulnerable package becomes a dependencies finding", "[analysis][deps]") {
  advisory_db db = fixture_db();
  std::vector<inventory_note> notes;
  auto found = find_vulnerable_dependencies(db, manifest_kind::package_lock, "web/package-lock.json", kLock, notes);
  REQUIRE(found.size() == 1);  // minimist 1.2.6 is the fix, left-pad has no advisory
  const finding& f = found[0];
  CHECK(f.source == "dependencies");
  CHECK(f.rule_id == "dependencies.HEIM-2021-0001");
  CHECK(f.title == "lodash 4.17.20 has a known vulnerability (HEIM-2021-0001)");
  CHECK(f.description ==
        "Command injection in lodash template. lodash 4.17.20 (npm) is affected; fixed in 4.17.21. "
        "Also known as CVE-2021-23337.");
  CHECK(f.severity == severity::high);
  CHECK(f.cwe_id == 94);
  CHECK(f.file_path == "web/package-lock.json");
  CHECK(f.line_start == 6);
  CHECK(f.line_end == 6);
  CHECK(f.code_snippet == "lodash@4.17.20");
  CHECK(f.remediation == "upgrade to 4.17.21");

  // The fingerprint ignores the line: the same package moved keeps it.
  std::string moved = std::string(kLock).insert(std::string(kLock).find("\"node_modules/lodash\""), "\n\n");
  auto again = find_vulnerable_dependencies(db, manifest_kind::package_lock, "web/package-lock.json", moved, notes);
  REQUIRE(again.size() == 1);
  CHECK(again[0].line_start == 8);
  CHECK(fingerprint_of(again[0]) == fingerprint_of(f));
  // Another version is another finding.
  std::string older = std::string(kLock).replace(std::string(kLock).find("4.17.20"), 7, "4.17.19");
  auto other = find_vulnerable_dependencies(db, manifest_kind::package_lock, "web/package-lock.json", older, notes);
  REQUIRE(other.size() == 1);
  CHECK(fingerprint_of(other[0]) != fingerprint_of(f));
}

TEST_CASE("requirements: pinned vulnerable versions found, patched and unpinned ones not", "[analysis][deps]") {
  advisory_db db = fixture_db();
  std::vector<inventory_note> notes;
  auto found = find_vulnerable_dependencies(db, manifest_kind::requirements_txt, "requirements.txt",
                                            "Django==3.2.0\nurllib3==1.24.1\nrequests==2.19.1\n"
                                            "django-extensions==3.2.0\nurllib3-mock==1.0\nflask>=1.0\n",
                                            notes);
  std::map<std::string, const finding*> by_rule;
  for (const auto& f : found) by_rule[f.rule_id] = &f;
  REQUIRE(by_rule.size() == 3);
  const finding& django = *by_rule.at("dependencies.PYSEC-2021-0003");
  CHECK(django.title == "Django 3.2.0 has a known vulnerability (PYSEC-2021-0003)");
  CHECK(django.severity == severity::critical);
  CHECK(django.cwe_id == kVulnerableDependencyCwe);
  CHECK(django.remediation == "upgrade to 3.2.5");
  CHECK(django.description.find("Also known as CVE-2021-35042, GHSA-xxxx-yyyy-zzzz.") != std::string::npos);
  const finding& urllib3 = *by_rule.at("dependencies.PYSEC-2019-0004");
  CHECK(urllib3.line_start == 2);
  CHECK(urllib3.description.find("no fixed version is known") != std::string::npos);
  CHECK(urllib3.remediation.find("no fixed version is known") == 0);
  CHECK(by_rule.at("dependencies.PYSEC-2018-0005")->line_start == 3);
  bool noted = false;
  for (const auto& n : notes) noted = noted || n.reason.find("unpinned: flask") != std::string::npos;
  CHECK(noted);

  notes.clear();
  CHECK(find_vulnerable_dependencies(db, manifest_kind::requirements_txt, "requirements.txt",
                                     "Django==3.2.5\nurllib3==1.24.2\nrequests==2.20.0\n", notes)
            .empty());
}

TEST_CASE("the static_analysis stage checks manifests, oversized ones too, only with a database",
          "[analysis][deps][static]") {
  test::scratch_tree t;
  t.write("web/package-lock.json", kLock);
  t.write("api/requirements.txt", "Django==3.2.0\n");
  t.write("big/package-lock.json", std::string(kLock) + std::string(4096, ' '));
  inventory_limits limits;
  limits.max_file_bytes = 1024;  // big/package-lock.json is left out of the inventory
  auto inv = take_inventory(t.root(), limits);
  REQUIRE(inv);
  CHECK(has_dependency_manifest(*inv));
  advisory_db db = fixture_db();
  auto run = [&](const advisory_db* advisories) {
    std::vector<finding> found;
    auto s = run_static_analysis(t.root(), *inv, test::shipped_rule_pack(), test::shipped_secret_detectors(),
                                 [&](finding f) {
                                   if (f.source == "dependencies") found.push_back(std::move(f));
                                 },
                                 {}, advisories);
    REQUIRE(s);
    return std::make_pair(found, s.value());
  };
  auto [found, summary] = run(&db);
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& f : found) got.insert({f.file_path, f.rule_id});
  CHECK(got == std::set<std::pair<std::string, std::string>>{{"web/package-lock.json", "dependencies.HEIM-2021-0001"},
                                                             {"big/package-lock.json", "dependencies.HEIM-2021-0001"},
                                                             {"api/requirements.txt", "dependencies.PYSEC-2021-0003"}});
  CHECK(summary.manifests == 3);

  auto [none, quiet] = run(nullptr);
  CHECK(none.empty());
  CHECK(quiet.manifests == 0);
  auto note = missing_advisories_note(nullptr, *inv);
  REQUIRE(note);
  CHECK(note->reason == "no advisory database imported: run heimdall advisories import");
  CHECK_FALSE(missing_advisories_note(&db, *inv));
  inventory no_manifests;
  no_manifests.files.push_back({"main.py", language::python, 10});
  CHECK_FALSE(missing_advisories_note(nullptr, no_manifests));
}
