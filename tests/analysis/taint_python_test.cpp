// Python's taint front end (analysis/taint_python.h): tree-sitter-python's
// leaves as the engine's tokens, and a file that does not parse left out
// with a note.
// Every snippet here is written for this test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/taint.h"
#include "analysis/taint_python.h"
#include "tests/analysis/scratch_tree.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
using namespace heimdall::analysis::taint_detail;
using heimdall::analysis::test::scratch_tree;

namespace {

// The tokens' texts joined by spaces: a newline token is `;`, a logical
// line's first token is preceded by `|<indent>`, a string's parts follow it
// in brackets.
std::string shapes(const lexed_file& f, const std::vector<token>& toks) {
  std::string out;
  for (const token& t : toks) {
    if (t.line_start) out += "|" + std::to_string(t.indent) + " ";
    out += t.kind == tok::newline ? std::string(";") : std::string(t.text);
    out += " ";
    for (auto k = t.part_begin; k < t.part_end; ++k) out += "[ " + shapes(f, f.parts[k]) + "] ";
  }
  return out;
}

taint_summary summary_of(const std::string& path, const std::string& code) {
  scratch_tree t;
  t.write(path, code);
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  auto summary = run_taint_analysis(t.root(), *inv, test::shipped_taint_spec(), threat_model{}, [](finding) {});
  REQUIRE(summary);
  return std::move(*summary);
}

}  // namespace

TEST_CASE("python: tree-sitter-python's leaves as the engine's tokens, by logical line", "[taint][python]") {
  const std::string code =
      "# a comment line\n"
      "from ...pkg import (a,\n"
      "    b)  # ) not code\n"
      "\n"
      "def f(x):\n"
      "\tif x: return f'{x!r:>{w}} {y=} {f\"{z}\"}' 'tail'\n"
      "y = x + \\\n"
      "    1; z = 2";
  const lexed_file f = lex_python(code);
  REQUIRE(f.left_out.empty());
  CHECK(shapes(f, f.tokens) ==
        "|0 from . . . pkg import ( a , b ) ; "
        "|0 def f ( x ) : ; "
        "|8 if x : return f'{x!r:>{w}} {y=} {f\"{z}\"}' [ x ] [ y ] [ f\"{z}\" [ z ] ] 'tail' ; "
        "|0 y = x + 1 ; z = 2 ; ");
  // Lines are the tokens' own: the newline of a logical line is on the line
  // it ends, the last one (no line break) on the file's last line.
  std::vector<int> newline_lines;
  for (const token& t : f.tokens) {
    if (t.kind == tok::newline) newline_lines.push_back(t.line);
  }
  CHECK(newline_lines == std::vector<int>{3, 5, 6, 8});
  CHECK(f.tokens.back().text.empty());
}

TEST_CASE("python: a file tree-sitter-python cannot parse is left out with a note", "[taint][python]") {
  const std::string junk = ")))) ]]]] }}}} (((( def def\n)))) ]]]] }}}} ((((\n";
  taint_summary broken = summary_of("tool.py", junk + "import os, sys\nos.system(sys.argv[1])\n" + junk + junk);
  CHECK(broken.files_analyzed == 0);
  REQUIRE(broken.notes.size() == 1);
  CHECK(broken.notes[0].reason.find("Python code does not parse") != std::string::npos);
}
