// shipped_rules: the rule pack, secret detectors and taint spec under
// analysis/rules/, loaded once per process for the harnesses. A load
// failure aborts with the reason: a harness without its rules would fuzz
// nothing and still look green.
#pragma once

#include "analysis/rule_pack.h"
#include "analysis/secrets.h"
#include "analysis/taint.h"

namespace heimdall::fuzz {

struct rules {
  analysis::rule_pack rules;
  analysis::secret_detector secrets;
  analysis::taint_spec taint;
};

const rules& shipped_rules();

}  // namespace heimdall::fuzz
