// Severity names round-trip; anything else is rejected.
#include <catch2/catch.hpp>

#include "analysis/finding.h"

using namespace heimdall::analysis;

TEST_CASE("severity names round-trip and unknown names are rejected", "[analysis]") {
  for (severity s : {severity::low, severity::medium, severity::high, severity::critical}) {
    severity back = severity::low;
    REQUIRE(parse_severity(severity_name(s), back));
    CHECK(back == s);
  }
  severity untouched = severity::high;
  CHECK_FALSE(parse_severity("info", untouched));
  CHECK_FALSE(parse_severity("HIGH", untouched));
  CHECK(untouched == severity::high);
}
