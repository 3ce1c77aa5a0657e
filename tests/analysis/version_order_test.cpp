// version_order: each ecosystem's ordering on known sequences from its own
// documentation (SemVer 2.0 section 11, PEP 440's examples, Gem::Version's
// docs, Maven's ComparableVersionTest, PHP's version_compare manual).
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "analysis/version_order.h"

using namespace heimdall::analysis;

namespace {

// Every version sorts strictly before every later one in `ascending`.
void check_ascending(ecosystem e, const std::vector<std::string>& ascending) {
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    INFO(std::string(ecosystem_name(e)) + " " + ascending[i]);
    CHECK(valid_version(e, ascending[i]));
    CHECK(compare_versions(e, ascending[i], ascending[i]) == 0);
    for (std::size_t j = i + 1; j < ascending.size(); ++j) {
      INFO(ascending[i] + " < " + ascending[j]);
      CHECK(compare_versions(e, ascending[i], ascending[j]) < 0);
      CHECK(compare_versions(e, ascending[j], ascending[i]) > 0);
    }
  }
}

void check_equal(ecosystem e, const std::vector<std::string>& same) {
  for (const auto& a : same) {
    for (const auto& b : same) {
      INFO(a + " == " + b);
      CHECK(compare_versions(e, a, b) == 0);
    }
  }
}

}  // namespace

TEST_CASE("SemVer 2.0 precedence for npm, Rust crates and Go", "[analysis][versions]") {
  // The example of SemVer 2.0's section 11.
  const std::vector<std::string> spec = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                                         "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"};
  check_ascending(ecosystem::npm, spec);
  check_ascending(ecosystem::crates_io, spec);
  check_ascending(ecosystem::npm, {"1.0.0", "2.0.0", "2.1.0", "2.1.1", "2.10.0", "10.0.0"});
  // Build metadata does not count; a leading v or = is tolerated.
  check_equal(ecosystem::npm, {"1.0.0", "v1.0.0", "=1.0.0", "1.0.0+build.7"});
  // Go: v prefix, pseudo-versions are prereleases, +incompatible is build metadata.
  check_ascending(ecosystem::go, {"v0.0.0-20191109021931-daa7c04131f5", "v0.1.0", "v1.2.3-pre", "v1.2.3",
                                  "v2.0.0+incompatible", "v2.1.0+incompatible"});
  check_equal(ecosystem::go, {"v2.0.0+incompatible", "2.0.0", "v2.0.0"});
  // Numbers beyond 64 bits still compare by value.
  check_ascending(ecosystem::npm, {"1.0.99999999999999999999", "1.0.100000000000000000000"});
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "a.b.c", "1.2.3-", "1.2.3-a..b", "1.2.3+", "^1.2.3"}) {
    INFO(bad);
    CHECK_FALSE(valid_version(ecosystem::npm, bad));
    CHECK_FALSE(compare_versions(ecosystem::npm, bad, "1.0.0").has_value());
  }
}

TEST_CASE("PEP 440 ordering for PyPI", "[analysis][versions]") {
  // The summary ordering of PEP 440 ("Examples of compliant version schemes").
  check_ascending(ecosystem::pypi, {"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456",
                                    "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1",
                                    "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456",
                                    "1.0.15", "1.1.dev1"});
  // Epochs outrank everything.
  check_ascending(ecosystem::pypi, {"2.0", "2013.10", "1!1.0", "1!2.0"});
  // Normalised spellings and release padding.
  check_equal(ecosystem::pypi, {"1.0", "1.0.0", "1", "v1.0", "1.0.0.0"});
  check_equal(ecosystem::pypi, {"1.0a1", "1.0-alpha1", "1.0.ALPHA.1", "1.0a_1"});
  check_equal(ecosystem::pypi, {"1.0rc1", "1.0c1", "1.0pre1", "1.0-preview-1"});
  check_equal(ecosystem::pypi, {"1.0.post1", "1.0-1", "1.0post1", "1.0-r1", "1.0.rev1"});
  check_equal(ecosystem::pypi, {"1.0a", "1.0a0"});
  check_equal(ecosystem::pypi, {"1.0.dev", "1.0.dev0", "1.0-dev0"});
  for (const char* bad : {"", "one", "1.0+", "1.0+a..b", "1.0.x", "1.0 beta"}) {
    INFO(bad);
    CHECK_FALSE(valid_version(ecosystem::pypi, bad));
  }
}

TEST_CASE("Gem::Version ordering for RubyGems", "[analysis][versions]") {
  // Gem::Version's documentation: a letter makes a prerelease.
  check_ascending(ecosystem::rubygems, {"1.0.a", "1.0.b1", "1.0.b2", "1.0", "1.0.1", "1.1", "2.0"});
  check_ascending(ecosystem::rubygems, {"5.0.0.beta1", "5.0.0.rc1", "5.0.0.rc2", "5.0.0", "5.0.0.1", "5.0.1"});
  check_ascending(ecosystem::rubygems, {"1.0.0-rc1", "1.0.0"});  // "-" reads as ".pre."
  check_ascending(ecosystem::rubygems, {"1.9.3", "1.10.0", "1.10.0.1"});
  check_equal(ecosystem::rubygems, {"1.0", "1.0.0", "1", "1.0.0.0"});
  check_equal(ecosystem::rubygems, {"1.0.a", "1.0.0.a", "1.0.a.0"});
  for (const char* bad : {"", "a", "1..0", "1.0 beta", "-1"}) {
    INFO(bad);
    CHECK_FALSE(valid_version(ecosystem::rubygems, bad));
  }
}

TEST_CASE("ComparableVersion ordering for Maven", "[analysis][versions]") {
  // ComparableVersionTest's VERSIONS_QUALIFIER and VERSIONS_NUMBER (as of
  // Maven 3.9, where "2.0.a" sorts before "2-1").
  check_ascending(ecosystem::maven, {"1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2",
                                     "1-m11", "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2",
                                     "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123"});
  check_ascending(ecosystem::maven, {"2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b",
                                     "2.1-c", "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2",
                                     "11.b11", "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m"});
  // alpha < beta < milestone < rc = cr < snapshot < "" = ga = final < sp.
  check_ascending(ecosystem::maven, {"1.0-alpha-1", "1.0-beta-1", "1.0-milestone-1", "1.0-rc-1", "1.0-SNAPSHOT",
                                     "1.0", "1.0-sp-1"});
  check_equal(ecosystem::maven, {"1", "1.0", "1.0.0", "1-ga", "1.0-final", "1.0.0-GA", "1-release"});
  check_equal(ecosystem::maven, {"1.0-rc1", "1.0-cr1", "1.0-RC1"});
  check_equal(ecosystem::maven, {"1a1", "1-alpha-1", "1alpha1"});
  check_equal(ecosystem::maven, {"2.0.a", "2.0.0.a", "2-a", "2.0-a"});  // a trailing ".X" reads as "-X"
  // Real versions: Spring's RELEASE, Log4j, Guava flavours.
  check_ascending(ecosystem::maven, {"2.0.0.M1", "2.0.0.RC1", "2.0.0.RELEASE", "2.0.1.RELEASE"});
  check_ascending(ecosystem::maven, {"2.14.1", "2.15.0", "2.16.0", "2.17.0", "2.17.1"});
  check_ascending(ecosystem::maven, {"30.1-android", "30.1-jre", "31.0-jre"});
}

TEST_CASE("Composer normalisation and version_compare for Packagist", "[analysis][versions]") {
  // version_compare's order: dev < alpha = a < beta = b < RC < # < pl = p.
  check_ascending(ecosystem::packagist, {"1.0.0-dev", "1.0.0-alpha1", "1.0.0-alpha2", "1.0.0-beta1", "1.0.0-RC1",
                                         "1.0.0", "1.0.0-patch1", "1.0.1", "1.1", "1.10"});
  check_equal(ecosystem::packagist, {"1.0.0", "v1.0.0", "1.0", "1", "1.0.0.0"});
  check_equal(ecosystem::packagist, {"1.0.0-beta2", "1.0.0-b2", "1.0.0beta2", "1.0.0.beta.2"});
  check_equal(ecosystem::packagist, {"2.0.0-RC1", "2.0.0-rc1"});
  check_equal(ecosystem::packagist, {"1.0.0-pl1", "1.0.0-p1", "1.0.0-patch1"});
  check_ascending(ecosystem::packagist, {"5.4.9", "5.4.10", "5.4.99", "6.0.0-BETA1", "6.0.0"});
  for (const char* bad : {"", "dev-master", "x.y", "1.0.0-foo"}) {
    INFO(bad);
    CHECK_FALSE(valid_version(ecosystem::packagist, bad));
  }
}

TEST_CASE("ecosystem names are OSV's and package names compare per ecosystem", "[analysis][versions]") {
  for (ecosystem e : {ecosystem::npm, ecosystem::pypi, ecosystem::go, ecosystem::crates_io, ecosystem::rubygems,
                      ecosystem::packagist, ecosystem::maven}) {
    CHECK(parse_ecosystem(ecosystem_name(e)) == e);
  }
  CHECK_FALSE(parse_ecosystem("pypi"));
  CHECK_FALSE(parse_ecosystem("Debian:12"));
  CHECK(normalize_package_name(ecosystem::pypi, "Django_REST.framework") == "django-rest-framework");
  CHECK(normalize_package_name(ecosystem::pypi, "zope..interface") == "zope-interface");
  CHECK(normalize_package_name(ecosystem::packagist, "Symfony/HTTP-Kernel") == "symfony/http-kernel");
  CHECK(normalize_package_name(ecosystem::npm, "@Scope/Pkg") == "@Scope/Pkg");
}

TEST_CASE("every ordering is antisymmetric and transitive, and junk never throws", "[analysis][versions][fuzz]") {
  const std::vector<std::pair<ecosystem, std::vector<std::string>>> pools = {
      {ecosystem::npm, {"1.0.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-1", "0.9.9", "1.0.1", "1.0.0-rc.1", "2.0.0-0"}},
      {ecosystem::pypi, {"1.0", "1.0a1", "1.0.dev1", "1.0.post1", "1.0+local.1", "1!0.5", "1.0rc1.post2.dev3", "0.9"}},
      {ecosystem::rubygems, {"1.0", "1.0.a", "1.0.0.1", "1.0.b.2", "0.9.9", "1.0.0-rc1", "2", "1.a.1"}},
      {ecosystem::maven, {"1.0", "1.0-SNAPSHOT", "1.0-sp", "1.0-foo", "1.0.1", "1-1", "1.0-alpha-1", "1.0.RELEASE", "1.x"}},
      {ecosystem::packagist, {"1.0.0", "1.0.0-dev", "1.0.0-beta2", "1.0.0-patch1", "v0.9", "1.0.0-RC1", "1.0.1-alpha"}},
  };
  for (const auto& [e, pool] : pools) {
    for (const auto& a : pool) {
      for (const auto& b : pool) {
        auto ab = compare_versions(e, a, b), ba = compare_versions(e, b, a);
        REQUIRE(ab);
        REQUIRE(ba);
        INFO(std::string(ecosystem_name(e)) + ": " + a + " vs " + b);
        CHECK((*ab > 0) - (*ab < 0) == -((*ba > 0) - (*ba < 0)));
        for (const auto& c : pool) {
          if (*ab <= 0 && *compare_versions(e, b, c) <= 0) CHECK(*compare_versions(e, a, c) <= 0);
        }
      }
    }
  }
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789.-+_!abcdefrpv*~^=<> \t";
  for (int round = 0; round < 20000; ++round) {
    std::string a(rng() % 24, ' '), b(rng() % 24, ' ');
    for (char& c : a) c = alphabet[rng() % alphabet.size()];
    for (char& c : b) c = alphabet[rng() % alphabet.size()];
    for (ecosystem e : {ecosystem::npm, ecosystem::pypi, ecosystem::go, ecosystem::crates_io, ecosystem::rubygems,
                        ecosystem::packagist, ecosystem::maven}) {
      auto ab = compare_versions(e, a, b);
      CHECK(ab.has_value() == (valid_version(e, a) && valid_version(e, b)));
      if (ab && *ab == 0) CHECK(compare_versions(e, b, a) == 0);
    }
  }
}
