// dependency_manifests: every lockfile and manifest format on a realistic
// fixture (tests/analysis/fixtures/deps/), what is left out with a note,
// and every parser fed truncated, mutated and random input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "analysis/dependency_manifests.h"
#include "tests/analysis/shipped.h"

using namespace heimdall::analysis;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) { return test::fixture_text("deps/" + name); }

// The 1-based line of the first line holding `needle`.
int line_of(const std::string& text, const std::string& needle) {
  std::size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

struct expected {
  std::string name, version, line_needle;
};

// Parses fixture `file` as `kind` and checks exactly `want` came out, in
// file order, each at the line holding its needle.
manifest_contents check(manifest_kind kind, const std::string& file, ecosystem eco, const std::vector<expected>& want) {
  std::string text = fixture(file);
  manifest_contents got = parse_manifest(kind, "app/" + file, text);
  std::vector<std::tuple<std::string, std::string, int>> actual, wanted;
  for (const dependency& d : got.dependencies) {
    CHECK(d.eco == eco);
    CHECK(d.manifest == "app/" + file);
    actual.emplace_back(d.name, d.version, d.line);
  }
  for (const expected& w : want) wanted.emplace_back(w.name, w.version, line_of(text, w.line_needle));
  for (const auto& n : got.notes) INFO(n.path + ": " + n.reason);
  CHECK(actual == wanted);
  return got;
}

bool has_note(const manifest_contents& c, const std::string& fragment) {
  for (const auto& n : c.notes) {
    if (n.reason.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("manifests are recognised by file name", "[analysis][deps]") {
  CHECK(manifest_kind_of("package-lock.json") == manifest_kind::package_lock);
  CHECK(manifest_kind_of("web/yarn.lock") == manifest_kind::yarn_lock);
  CHECK(manifest_kind_of("pnpm-lock.yaml") == manifest_kind::pnpm_lock);
  CHECK(manifest_kind_of("requirements.txt") == manifest_kind::requirements_txt);
  CHECK(manifest_kind_of("svc/requirements-dev.txt") == manifest_kind::requirements_txt);
  CHECK(manifest_kind_of("requirements/base.txt") == manifest_kind::requirements_txt);
  CHECK(manifest_kind_of("Pipfile.lock") == manifest_kind::pipfile_lock);
  CHECK(manifest_kind_of("poetry.lock") == manifest_kind::poetry_lock);
  CHECK(manifest_kind_of("go.sum") == manifest_kind::go_sum);
  CHECK(manifest_kind_of("Cargo.lock") == manifest_kind::cargo_lock);
  CHECK(manifest_kind_of("Gemfile.lock") == manifest_kind::gemfile_lock);
  CHECK(manifest_kind_of("composer.lock") == manifest_kind::composer_lock);
  CHECK(manifest_kind_of("java/pom.xml") == manifest_kind::pom_xml);
  for (const char* other : {"package.json", "Pipfile", "go.mod", "Cargo.toml", "Gemfile", "composer.json",
                            "notes.txt", "yarn.lock.bak", "xpom.xml"}) {
    INFO(other);
    CHECK_FALSE(manifest_kind_of(other));
  }
}

TEST_CASE("package-lock.json v3 packages and the v1 dependency tree", "[analysis][deps]") {
  check(manifest_kind::package_lock, "package-lock.json", ecosystem::npm,
        {{"@babel/runtime", "7.12.5", "\"node_modules/@babel/runtime\""},
         {"lodash", "4.17.20", "\"node_modules/lodash\""},
         {"minimist", "1.2.5", "\"node_modules/minimist\""},
         {"minimist", "0.0.8", "\"node_modules/mkdirp/node_modules/minimist\""},
         {"string-width", "4.2.3", "\"node_modules/string-width-cjs\""}});
  auto v1 = check(manifest_kind::package_lock, "package-lock-v1.json", ecosystem::npm,
                  {{"lodash", "4.17.11", "\"lodash\": {"},
                   {"mkdirp", "0.5.1", "\"mkdirp\": {"},
                   {"minimist", "0.0.8", "\"minimist\": {"},
                   {"lodash", "4.17.4", "\"my-lodash\""}});
  CHECK(has_note(v1, "private-lib"));
}

TEST_CASE("yarn.lock v1 and berry", "[analysis][deps]") {
  check(manifest_kind::yarn_lock, "yarn.lock", ecosystem::npm,
        {{"@babel/code-frame", "7.12.13", "\"@babel/code-frame@^7.0.0\""},
         {"lodash", "4.17.19", "lodash@^4.17.15"},
         {"string-width", "4.2.3", "\"string-width-cjs@npm"}});
  check(manifest_kind::yarn_lock, "yarn-berry.lock", ecosystem::npm,
        {{"@babel/code-frame", "7.12.13", "\"@babel/code-frame@npm:^7.0.0"},
         {"lodash", "4.17.20", "\"lodash@npm:^4.17.15\""}});
}

TEST_CASE("pnpm-lock.yaml package keys in v5, v6 and v9 form", "[analysis][deps]") {
  check(manifest_kind::pnpm_lock, "pnpm-lock.yaml", ecosystem::npm,
        {{"@babel/runtime", "7.12.5", "/@babel/runtime@7.12.5:"},
         {"lodash", "4.17.20", "/lodash@4.17.20:"},
         {"react-dom", "17.0.2", "/react-dom@17.0.2(react@17.0.2):"}});
  check(manifest_kind::pnpm_lock, "pnpm-lock-v5.yaml", ecosystem::npm,
        {{"@babel/core", "7.12.3", "/@babel/core/7.12.3_supports"}, {"lodash", "4.17.19", "/lodash/4.17.19:"}});
  check(manifest_kind::pnpm_lock, "pnpm-lock-v9.yaml", ecosystem::npm,
        {{"@babel/runtime", "7.24.0", "'@babel/runtime@7.24.0':"}, {"lodash", "4.17.21", "  lodash@4.17.21:"}});
}

TEST_CASE("requirements.txt reports pinned specs and notes the rest", "[analysis][deps]") {
  auto got = check(manifest_kind::requirements_txt, "requirements.txt", ecosystem::pypi,
                   {{"Django", "3.2.0", "Django=="},
                    {"requests", "2.19.1", "requests["},
                    {"urllib3", "1.24.1", "urllib3"},
                    {"PyYAML", "5.3.1", "PyYAML"}});
  for (const char* unpinned : {"unpinned: flask >=1.0", "unpinned: numpy", "unpinned: celery ==5.*",
                               "unpinned: pillow ~=8.0", "editable"}) {
    INFO(unpinned);
    CHECK(has_note(got, unpinned));
  }
}

TEST_CASE("Pipfile.lock and poetry.lock", "[analysis][deps]") {
  auto pipfile = check(manifest_kind::pipfile_lock, "Pipfile.lock", ecosystem::pypi,
                       {{"django", "3.1.0", "\"django\""}, {"jinja2", "2.10", "\"jinja2\""},
                        {"pytest", "6.2.1", "\"pytest\""}});
  CHECK(has_note(pipfile, "local-tools"));
  auto poetry = check(manifest_kind::poetry_lock, "poetry.lock", ecosystem::pypi,
                      {{"django", "3.2.0", "[[package]]\nname = \"django\""},
                       {"PyYAML", "5.3.1", "[[package]]\nname = \"PyYAML\""}});
  CHECK(has_note(poetry, "internal-lib is not from a package index (git)"));
}

TEST_CASE("Cargo.lock, go.sum and Gemfile.lock", "[analysis][deps]") {
  auto cargo = check(manifest_kind::cargo_lock, "Cargo.lock", ecosystem::crates_io,
                     {{"smallvec", "1.6.0", "[[package]]\nname = \"smallvec\""},
                      {"tokio", "1.8.0", "[[package]]\nname = \"tokio\""}});
  CHECK(has_note(cargo, "forked is not from a registry (git)"));
  // A module is reported once, at its content hash; /go.mod-only lines never.
  check(manifest_kind::go_sum, "go.sum", ecosystem::go,
        {{"example.com/web/gin", "v1.6.3", "gin v1.6.3 h1"},
         {"example.org/x/text", "v0.3.2", "text v0.3.2 h1"},
         {"example.com/docker/docker", "v17.12.0-ce-rc1.0.20200309214505-aa6a9891b09c+incompatible", "docker/docker"}});
  auto gems = check(manifest_kind::gemfile_lock, "Gemfile.lock", ecosystem::rubygems,
                    {{"actionpack", "6.1.0", "    actionpack"},
                     {"nokogiri", "1.11.0", "    nokogiri (1.11.0-x86_64-linux)"},
                     {"rack", "2.2.3", "    rack (2.2.3)"},
                     {"rails", "6.1.0.rc1", "    rails"}});
  CHECK(has_note(gems, "GIT source"));
}

TEST_CASE("composer.lock and pom.xml", "[analysis][deps]") {
  auto composer = check(manifest_kind::composer_lock, "composer.lock", ecosystem::packagist,
                        {{"guzzlehttp/psr7", "1.7.0", "\"name\": \"guzzlehttp/psr7\""},
                         {"symfony/http-kernel", "v5.4.9", "\"name\": \"symfony/http-kernel\""},
                         {"phpunit/phpunit", "9.5.0", "\"name\": \"phpunit/phpunit\""}});
  CHECK(has_note(composer, "acme/tools is a development branch"));
  auto pom = check(manifest_kind::pom_xml, "pom.xml", ecosystem::maven,
                   {{"org.springframework:spring-framework-bom", "5.2.0.RELEASE", "<dependency>\n        <groupId>org.spr"},
                    {"org.apache.logging.log4j:log4j-core", "2.14.1", "<dependency>\n      <groupId>org.apache.logging"},
                    {"com.fasterxml.jackson.core:jackson-databind", "2.9.10.1", "<dependency>\n      <groupId>com.fast"},
                    {"com.example:billing-api", "2.3.0", "<dependency>\n      <groupId>${project.groupId}"}});
  CHECK(has_note(pom, "org.springframework:spring-core has no version here"));
  CHECK(has_note(pom, "junit:junit: unresolved ${junit.version}"));
  CHECK(has_note(pom, "version range [3.2,3.3)"));
}

TEST_CASE("malformed manifests give notes, never a crash", "[analysis][deps][fuzz]") {
  const std::vector<std::pair<manifest_kind, std::string>> fixtures = {
      {manifest_kind::package_lock, "package-lock.json"}, {manifest_kind::package_lock, "package-lock-v1.json"},
      {manifest_kind::yarn_lock, "yarn.lock"},            {manifest_kind::yarn_lock, "yarn-berry.lock"},
      {manifest_kind::pnpm_lock, "pnpm-lock.yaml"},       {manifest_kind::pnpm_lock, "pnpm-lock-v5.yaml"},
      {manifest_kind::requirements_txt, "requirements.txt"}, {manifest_kind::pipfile_lock, "Pipfile.lock"},
      {manifest_kind::poetry_lock, "poetry.lock"},        {manifest_kind::go_sum, "go.sum"},
      {manifest_kind::cargo_lock, "Cargo.lock"},          {manifest_kind::gemfile_lock, "Gemfile.lock"},
      {manifest_kind::composer_lock, "composer.lock"},    {manifest_kind::pom_xml, "pom.xml"},
  };
  std::mt19937 rng(20261201);
  auto sane = [](const manifest_contents& c, const std::string& text) {
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (const dependency& d : c.dependencies) {
      if (d.line < 1 || d.line > lines || d.name.empty() || d.version.empty()) return false;
    }
    for (const auto& n : c.notes) {
      if (n.reason.find("internal error") != std::string::npos) return false;  // a parser threw
    }
    return c.notes.size() <= kMaxManifestNotes + 1;
  };
  for (const auto& [kind, file] : fixtures) {
    INFO(file);
    const std::string text = fixture(file);
    // Every truncation (in steps, so the test stays quick).
    for (std::size_t n = 0; n <= text.size(); n += 3) {
      std::string cut = text.substr(0, n);
      CHECK(sane(parse_manifest(kind, file, cut), cut));
    }
    // Random byte flips, insertions of structural characters, and noise.
    const std::string structural = "{}[]\"',:=<>/\\\n#@() \t\r\0";
    for (int round = 0; round < 300; ++round) {
      std::string mutated = text;
      int edits = 1 + static_cast<int>(rng() % 8);
      for (int e = 0; e < edits && !mutated.empty(); ++e) {
        std::size_t at = rng() % mutated.size();
        switch (rng() % 3) {
          case 0: mutated[at] = static_cast<char>(rng() % 256); break;
          case 1: mutated.insert(at, 1, structural[rng() % structural.size()]); break;
          default: mutated.erase(at, 1 + rng() % 16); break;
        }
      }
      CHECK(sane(parse_manifest(kind, file, mutated), mutated));
    }
    for (int round = 0; round < 50; ++round) {
      std::string noise(rng() % 512, '\0');
      for (char& c : noise) c = static_cast<char>(rng() % 256);
      CHECK(sane(parse_manifest(kind, file, noise), noise));
    }
  }
  // Deep nesting stays bounded.
  std::string deep_json = "{\"dependencies\":" + std::string(5000, '{') ;
  CHECK(sane(parse_manifest(manifest_kind::package_lock, "x", deep_json), deep_json));
  std::string deep_xml = "<project>";
  for (int i = 0; i < 5000; ++i) deep_xml += "<dependencies>";
  auto pom = parse_manifest(manifest_kind::pom_xml, "pom.xml", deep_xml);
  CHECK(pom.dependencies.empty());
  CHECK_FALSE(pom.notes.empty());
  // Malformed JSON says so.
  CHECK(has_note(parse_manifest(manifest_kind::composer_lock, "composer.lock", "{\"packages\": [ {\"name\": "),
                 "malformed JSON"));
}
