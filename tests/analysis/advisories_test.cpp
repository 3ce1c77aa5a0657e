// advisories: OSV records read and validated, severities scored, versions
// matched against introduced / fixed / last_affected events and versions
// lists, and the index written and read back.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "analysis/advisories.h"
#include "tests/analysis/scratch_tree.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
namespace fs = std::filesystem;

namespace {

std::string osv_fixture(const std::string& name) { return test::fixture_text("osv/" + name); }

advisory_entry only_entry(const std::string& json) {
  auto r = parse_osv_record(json);
  if (!r) FAIL(r.error().message());
  REQUIRE(r->entries.size() == 1);
  return r->entries[0];
}

// A record affecting one package with `ranges` (JSON) and `versions`.
std::string record(const std::string& ecosystem, const std::string& name, const std::string& ranges,
                   const std::string& versions = "[]") {
  return R"({"id":"TEST-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":")" + ecosystem +
         R"(","name":")" + name + R"("},"ranges":)" + ranges + R"(,"versions":)" + versions + "}]}";
}

bool affected(const advisory_entry& e, const std::string& version) { return match_entry(e, version).affected; }

}  // namespace

TEST_CASE("an OSV record's fields, severity and CWE are read", "[analysis][advisories]") {
  advisory_entry lodash = only_entry(osv_fixture("npm/HEIM-2021-0001.json"));
  CHECK(lodash.id == "HEIM-2021-0001");
  CHECK(lodash.aliases == std::vector<std::string>{"CVE-2021-23337"});
  CHECK(lodash.summary == "Command injection in lodash template");
  CHECK(lodash.eco == ecosystem::npm);
  CHECK(lodash.name == "lodash");
  CHECK(lodash.severity == severity::high);  // CVSS 7.2 beats the word
  CHECK(lodash.cwe == 94);
  REQUIRE(lodash.ranges.size() == 1);
  CHECK(lodash.ranges[0].semver);

  advisory_entry django = only_entry(osv_fixture("PYSEC-2021-0003.json"));
  CHECK(django.severity == severity::critical);  // 9.8
  CHECK(django.cwe == kVulnerableDependencyCwe);
  // No summary: the details' first paragraph.
  CHECK(django.summary.rfind("Django 3.1.x before 3.1.13", 0) == 0);
  CHECK(django.summary.find("More text") == std::string::npos);

  CHECK(only_entry(osv_fixture("PYSEC-2019-0004.json")).severity == severity::medium);  // CVSS v2 5.0
  CHECK(only_entry(osv_fixture("PYSEC-2018-0005.json")).severity == severity::medium);  // nothing said
  CHECK(only_entry(osv_fixture("npm/HEIM-2021-0002.json")).severity == severity::critical);  // the word
}

TEST_CASE("CVSS base scores", "[analysis][advisories]") {
  CHECK(cvss_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == Approx(9.8));
  CHECK(cvss_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N") == Approx(6.1));
  CHECK(cvss_base_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H") == Approx(10.0));
  CHECK(cvss_base_score("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N") == Approx(1.8));
  CHECK(cvss_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N") == Approx(0.0));
  CHECK(cvss_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P") == Approx(7.5));
  CHECK(cvss_base_score("AV:N/AC:M/Au:N/C:N/I:P/A:N") == Approx(4.3));
  CHECK_FALSE(cvss_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
  CHECK_FALSE(cvss_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
  CHECK_FALSE(cvss_base_score("garbage"));
  CHECK(severity_of_score(9.0) == severity::critical);
  CHECK(severity_of_score(8.9) == severity::high);
  CHECK(severity_of_score(7.0) == severity::high);
  CHECK(severity_of_score(4.0) == severity::medium);
  CHECK(severity_of_score(3.9) == severity::low);
}

TEST_CASE("introduced, fixed and last_affected events bound the affected versions", "[analysis][advisories]") {
  advisory_entry e = only_entry(record("npm", "x", R"([{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}])"));
  CHECK(affected(e, "0.0.1"));
  CHECK(affected(e, "4.17.20"));
  CHECK(affected(e, "4.17.21-rc.1"));  // a prerelease of the fix is before it
  CHECK_FALSE(affected(e, "4.17.21"));
  CHECK_FALSE(affected(e, "5.0.0"));
  CHECK(match_entry(e, "4.17.20").fixed == std::optional<std::string>("4.17.21"));

  advisory_entry last = only_entry(
      record("PyPI", "y", R"([{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"1.24.1"}]}])"));
  CHECK_FALSE(affected(last, "0.9"));
  CHECK(affected(last, "1.0"));
  CHECK(affected(last, "1.24.1"));
  CHECK(affected(last, "1.24.1.dev0") == true);
  CHECK_FALSE(affected(last, "1.24.1.post1"));
  CHECK_FALSE(affected(last, "1.24.2"));
  CHECK_FALSE(match_entry(last, "1.1").fixed);
}

TEST_CASE("ranges with several introduced events, in any order", "[analysis][advisories]") {
  // Listed out of order on purpose: events are sorted by version.
  advisory_entry e = only_entry(record("PyPI", "django", R"([{"type":"ECOSYSTEM","events":[
      {"introduced":"3.2"},{"fixed":"3.2.5"},{"introduced":"3.1"},{"fixed":"3.1.13"}]}])"));
  CHECK_FALSE(affected(e, "3.0.14"));
  CHECK(affected(e, "3.1"));
  CHECK(affected(e, "3.1.12"));
  CHECK_FALSE(affected(e, "3.1.13"));
  CHECK_FALSE(affected(e, "3.1.20"));
  CHECK(affected(e, "3.2.0"));
  CHECK(affected(e, "3.2rc1") == false);  // before 3.2
  CHECK(affected(e, "3.2.4"));
  CHECK_FALSE(affected(e, "3.2.5"));
  CHECK(match_entry(e, "3.1.5").fixed == std::optional<std::string>("3.1.13"));
  CHECK(match_entry(e, "3.2.1").fixed == std::optional<std::string>("3.2.5"));

  // Two ranges of one entry; Maven and RubyGems orderings.
  advisory_entry log4j = only_entry(record("Maven", "org.apache.logging.log4j:log4j-core",
                                           R"([{"type":"ECOSYSTEM","events":[{"introduced":"2.0-beta9"},{"fixed":"2.15.0"}]},
                                               {"type":"ECOSYSTEM","events":[{"introduced":"2.16.0"},{"fixed":"2.17.0"}]}])"));
  CHECK_FALSE(affected(log4j, "2.0-alpha1"));
  CHECK(affected(log4j, "2.0-beta9"));
  CHECK(affected(log4j, "2.0"));
  CHECK(affected(log4j, "2.14.1"));
  CHECK(affected(log4j, "2.15.0-rc1"));
  CHECK_FALSE(affected(log4j, "2.15.0"));
  CHECK(affected(log4j, "2.16.0"));
  CHECK_FALSE(affected(log4j, "2.17.0"));
  advisory_entry rack = only_entry(record("RubyGems", "rack", R"([{"type":"ECOSYSTEM","events":[
      {"introduced":"0"},{"fixed":"2.0.9.1"},{"introduced":"2.1.0"},{"fixed":"2.2.3.1"}]}])"));
  CHECK(affected(rack, "2.0.9"));
  CHECK_FALSE(affected(rack, "2.0.9.1"));
  CHECK_FALSE(affected(rack, "2.0.10"));
  CHECK(affected(rack, "2.2.3"));
  CHECK_FALSE(affected(rack, "2.2.3.1"));
  CHECK_FALSE(affected(rack, "3.0.0.beta1"));
}

TEST_CASE("a versions list matches exactly, unparseable versions match nothing else", "[analysis][advisories]") {
  advisory_entry e = only_entry(record("PyPI", "Requests", "[]", R"(["2.19.0","2.19.1"])"));
  CHECK(affected(e, "2.19.1"));
  CHECK(affected(e, "2.19.1.0"));  // the same version under PEP 440
  CHECK_FALSE(affected(e, "2.19.2"));
  CHECK_FALSE(match_entry(e, "2.19.1").fixed);
  advisory_entry r = only_entry(record("npm", "x", R"([{"type":"SEMVER","events":[{"introduced":"0"}]}])"));
  CHECK(affected(r, "1.0.0"));
  CHECK_FALSE(affected(r, "not-a-version"));
}

TEST_CASE("malformed records are rejected with the field named", "[analysis][advisories]") {
  auto reason = [](const std::string& json) {
    auto r = parse_osv_record(json);
    return r ? std::string("accepted") : r.error().message();
  };
  CHECK(reason("{not json").find("not JSON") != std::string::npos);
  CHECK(reason("[1,2]").find("must be a JSON object") != std::string::npos);
  CHECK(reason(R"({"summary":"x"})").find("missing field 'id'") != std::string::npos);
  CHECK(reason(R"({"id":7})").find("field 'id' must be a string") != std::string::npos);
  CHECK(reason(R"({"id":"A","affected":{}})").find("'affected' must be an array") != std::string::npos);
  CHECK(reason(R"({"id":"A","affected":[{"ranges":[]}]})").find("affected[0]: field 'package'") != std::string::npos);
  CHECK(reason(record("PyPI", "d", R"([{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"not a version"}]}])"))
            .find("affected[0]: ranges[0]: events[1]: 'not a version' is not a PyPI version") != std::string::npos);
  CHECK(reason(record("npm", "d", R"([{"type":"SEMVER","events":[{"fixed":"1.0.0"}]}])"))
            .find("without an 'introduced' event") != std::string::npos);
  CHECK(reason(record("npm", "d", R"([{"type":"SEMVER","events":[{"introduced":"0","fixed":"1.0.0"}]}])"))
            .find("one field") != std::string::npos);
  CHECK(reason(record("npm", "d", R"([{"type":"SEMVER","events":[{"introduced":"0"},{"broken":"1.0.0"}]}])"))
            .find("unknown event 'broken'") != std::string::npos);
  CHECK(reason(record("npm", "d", R"([{"type":"RANGE","events":[]}])")).find("unknown range type") != std::string::npos);
  CHECK(reason(R"({"id":"A","aliases":"CVE-1"})").find("'aliases' must be an array") != std::string::npos);

  // Other ecosystems and GIT-only ranges are not errors, just left out.
  auto deb = parse_osv_record(R"({"id":"D","affected":[{"package":{"ecosystem":"Debian:11","name":"openssl"}}]})");
  REQUIRE(deb);
  CHECK(deb->entries.empty());
  CHECK(deb->other_ecosystems == 1);
  auto git = parse_osv_record(record("npm", "x", R"([{"type":"GIT","repo":"https://example.com/x.git","events":[{"introduced":"abc"}]}])"));
  REQUIRE(git);
  CHECK(git->entries.empty());
}

TEST_CASE("the index round-trips and a damaged one is corruption", "[analysis][advisories]") {
  test::scratch_tree t;
  std::vector<advisory_entry> entries;
  for (const char* f : {"npm/HEIM-2021-0001.json", "npm/HEIM-2021-0002.json", "PYSEC-2021-0003.json",
                        "PYSEC-2019-0004.json", "PYSEC-2018-0005.json"}) {
    entries.push_back(only_entry(osv_fixture(f)));
  }
  std::string text = advisory_index_text(entries);
  t.write("db/index.jsonl", text);
  auto db = load_advisory_db(t.root() / "db");
  if (!db) FAIL(db.error().to_string());
  CHECK(db->size() == 5);
  // Names compare as the ecosystem does: PEP 503 for PyPI.
  auto requests = db->for_package(ecosystem::pypi, "requests");
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]->id == "PYSEC-2018-0005");
  CHECK(db->for_package(ecosystem::pypi, "Django").size() == 1);
  CHECK(db->for_package(ecosystem::npm, "Lodash").empty());  // npm names are exact
  auto lodash = db->for_package(ecosystem::npm, "lodash");
  REQUIRE(lodash.size() == 1);
  CHECK(lodash[0]->severity == severity::high);
  CHECK(lodash[0]->cwe == 94);
  CHECK(lodash[0]->aliases == std::vector<std::string>{"CVE-2021-23337"});
  CHECK(match_entry(*lodash[0], "4.17.20").fixed == std::optional<std::string>("4.17.21"));
  auto django = db->for_package(ecosystem::pypi, "django");
  CHECK(match_entry(*django[0], "3.2.1").fixed == std::optional<std::string>("3.2.5"));

  CHECK(load_advisory_db(t.root() / "none").error().code() == errc::not_found);
  t.write("cut/index.jsonl", text.substr(0, text.rfind('\n', text.size() - 2) + 1));
  CHECK(load_advisory_db(t.root() / "cut").error().code() == errc::corruption);
  t.write("junk/index.jsonl", "{\"format\":\"other\"}\n");
  CHECK(load_advisory_db(t.root() / "junk").error().code() == errc::corruption);
  t.write("empty/index.jsonl", "");
  CHECK(load_advisory_db(t.root() / "empty").error().code() == errc::corruption);
}

TEST_CASE("a Rust crate's advisory matches two SemVer ranges", "[analysis][advisories]") {
  // The ecosystem's OSV name comes from ecosystem_name(): no file of this
  // project spells the registry's host.
  const std::string record = R"({"id":"HEIM-2021-0008","modified":"2021-01-08T00:00:00Z",)"
                             R"("summary":"Buffer overflow in SmallVec::insert_many","affected":[{"package":)"
                             R"({"ecosystem":")" + std::string(ecosystem_name(ecosystem::crates_io)) +
                             R"(","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0.6.3"},)"
                             R"({"fixed":"0.6.14"},{"introduced":"1.0.0"},{"fixed":"1.6.1"}]}]}]})";
  advisory_entry smallvec = only_entry(record);
  CHECK(smallvec.eco == ecosystem::crates_io);
  CHECK(smallvec.name == "smallvec");
  CHECK(match_entry(smallvec, "0.6.10").affected);
  CHECK_FALSE(match_entry(smallvec, "0.6.14").affected);
  CHECK(match_entry(smallvec, "1.6.0").affected);
  CHECK_FALSE(match_entry(smallvec, "1.6.1").affected);
  CHECK_FALSE(match_entry(smallvec, "0.6.2").affected);
}

TEST_CASE("mutated records and indexes are errors, never crashes", "[analysis][advisories][fuzz]") {
  std::mt19937 rng(11);
  const std::string record_text = osv_fixture("other/multi.json");
  const std::string structural = "{}[]\":,0.";
  int accepted = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string m = osv_fixture(round % 2 ? "PYSEC-2021-0003.json" : "npm/HEIM-2021-0002.json");
    for (int e = 0; e < 1 + static_cast<int>(rng() % 6); ++e) {
      std::size_t at = rng() % m.size();
      if (rng() % 2) {
        m[at] = structural[rng() % structural.size()];
      } else {
        m.erase(at, 1 + rng() % 8);
      }
    }
    auto r = parse_osv_record(m);
    if (r) {
      ++accepted;
      for (const auto& entry : r->entries) (void)match_entry(entry, "1.0.0");
    } else {
      CHECK(r.error().code() == errc::invalid_argument);
    }
  }
  CHECK(accepted > 0);  // some mutations stay valid (e.g. in a summary)
  test::scratch_tree t;
  std::vector<advisory_entry> entries = {only_entry(osv_fixture("npm/HEIM-2021-0001.json"))};
  const std::string index = advisory_index_text(entries);
  for (int round = 0; round < 300; ++round) {
    std::string m = index;
    std::size_t at = rng() % m.size();
    m[at] = structural[rng() % structural.size()];
    t.write("fuzz/index.jsonl", m);
    auto db = load_advisory_db(t.root() / "fuzz");
    if (!db) CHECK(db.error().code() == errc::corruption);
  }
}

TEST_CASE("an advisory source reloads the index when an import replaces it", "[analysis][advisories]") {
  test::scratch_tree t;
  const fs::path dir = t.root() / "advisories";
  advisory_source source(dir);
  CHECK(source.refresh().is_ok());  // nothing imported: no error
  CHECK(source.current() == nullptr);

  std::vector<advisory_entry> one = {only_entry(osv_fixture("npm/HEIM-2021-0001.json"))};
  t.write("advisories/index.jsonl", advisory_index_text(one));
  auto first = source.current();
  REQUIRE(first);
  CHECK(first->size() == 1);
  CHECK(source.current() == first);  // unchanged file: the same database

  // Replaced the way the import does it: a new file renamed over the old.
  std::vector<advisory_entry> two = one;
  two.push_back(only_entry(osv_fixture("PYSEC-2021-0003.json")));
  t.write("advisories/index.jsonl.tmp", advisory_index_text(two));
  fs::rename(dir / "index.jsonl.tmp", dir / "index.jsonl");
  auto second = source.current();
  REQUIRE(second);
  CHECK(second->size() == 2);
  CHECK(first->size() == 1);  // a scan holding the old one keeps it whole

  // A damaged replacement keeps the last good database; refresh says why.
  t.write("advisories/index.jsonl.tmp", "{\"format\":\"heimdall-advisories\",\"version\":1,\"entries\":5}\n");
  fs::rename(dir / "index.jsonl.tmp", dir / "index.jsonl");
  CHECK(source.current() == second);
  CHECK(source.refresh().code() == errc::corruption);
}
