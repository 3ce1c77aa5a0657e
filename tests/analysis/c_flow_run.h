// c_flow_run: the C flow analysis (c_flow.h) as the static stage runs it, on
// text a test gives: parsed by tree-sitter first, ERROR nodes kept
// (parse_source_keeping_errors). Headers are parsed with the grammar of
// `.h` files (C), as the stage parses them. Test helpers; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/c_flow.h"
#include "analysis/syntax.h"

namespace heimdall::analysis::test {

inline std::vector<finding> c_flow(std::string_view path, language lang, const std::string& code,
                                   const c_macros* project = nullptr, std::vector<taint_clearance>* cleared = nullptr) {
  parse_result parsed = parse_source_keeping_errors(lang, path, code);
  REQUIRE(parsed.tree);
  return analyze_c_flow(path, lang, code, std::move(parsed.tree), project, cleared);
}

inline void collect_header(const std::string& text, c_macros& into) {
  parse_result parsed = parse_source_keeping_errors(language::c, "include/x.h", text);
  REQUIRE(parsed.tree);
  collect_c_macros(text, *parsed.tree, into);
}

}  // namespace heimdall::analysis::test
