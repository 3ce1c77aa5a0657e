#include "fuzz/shipped_rules.h"

#include <cstdio>
#include <cstdlib>

namespace heimdall::fuzz {
namespace {

template <class T>
T loaded_or_abort(result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "fuzz: cannot load %s: %s\n", what, r.error().to_string().c_str());
    std::abort();
  }
  return std::move(r).value();
}

}  // namespace

const rules& shipped_rules() {
  static const rules loaded{
      loaded_or_abort(analysis::load_rule_pack(HEIMDALL_RULES_DIR), "the rule pack"),
      loaded_or_abort(analysis::load_secret_detectors(HEIMDALL_RULES_DIR "/secrets/secrets.json"), "the secret detectors"),
      loaded_or_abort(analysis::load_taint_spec(HEIMDALL_RULES_DIR "/taint"), "the taint spec")};
  return loaded;
}

}  // namespace heimdall::fuzz
