// Python's taint front end (analysis/taint_python.h): tree-sitter-python's
// leaves as the engine's tokens, a file that does not parse left out with a
// note, and which files python.json's source_text lets the analysis skip.
// Every snippet here is written for this test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
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

TEST_CASE("python: a byte-order mark and an f-string's debug `=` are no code", "[taint][python]") {
  // The hand lexer read the mark as the start of a name (`\xEF\xBB\xBFfrom`),
  // so a file saved with one lost its first import: here the sink's.
  const test::taint_outcome bom = test::taint_scan(
      {{"tool.py", "\xEF\xBB\xBF" "from os import system\nimport sys\n\nsystem(sys.argv[1])\n"}});
  REQUIRE(bom.found.size() == 1);
  CHECK(bom.found[0].rule_id == "python.taint.cmdi");
  CHECK(bom.found[0].line_start == 4);
  // `{x = }` formats x; the hand lexer's part was `x =`.
  const lexed_file f = lex_python("s = f'{x = }'\n");
  REQUIRE(f.tokens.size() == 4);
  CHECK(shapes(f, f.tokens) == "|0 s = f'{x = }' [ x ] ; ");
}

TEST_CASE("python: a file tree-sitter-python cannot parse is left out with a note", "[taint][python]") {
  const std::string junk = ")))) ]]]] }}}} (((( def def\n)))) ]]]] }}}} ((((\n";
  taint_summary broken = test::taint_scan({{"tool.py", junk + "import os, sys\nos.system(sys.argv[1])\n" + junk + junk}}).summary;
  CHECK(broken.files_analyzed == 0);
  REQUIRE(broken.notes.size() == 1);
  CHECK(broken.notes[0].reason.find("Python code does not parse") != std::string::npos);
  // Without a source's words the file is not parsed at all: nothing to say.
  taint_summary quiet = test::taint_scan({{"lib.py", junk + "import os\nos.system(cmd)\n" + junk + junk}}).summary;
  CHECK(quiet.files_analyzed == 1);
  CHECK(quiet.notes.empty());
}

TEST_CASE("python: files without a source's words are skipped, but not a weakness that needs no source",
          "[taint][python]") {
  // set_cookie(secure=False) is reported whatever its arguments carry:
  // source_text holds its word, or the file would not be read.
  const test::taint_outcome cookie =
      test::taint_scan({{"web/session.py", "def login(resp, sid):\n    resp.set_cookie('sid', sid, secure=False)\n"}});
  REQUIRE(cookie.found.size() == 1);
  CHECK(cookie.found[0].rule_id == "python.call.cookie");
  // The loader takes source_text next to such a sink only with sink_text.
  scratch_tree t;
  const std::string head = R"({"classes": [{"name": "k", "cwe": 798, "severity": "high", "title": "t", "remediation": "r"}],
    "languages": ["python"], "source_text": "argv", )";
  const std::string sinks = R"("sinks": [{"id": "key", "class": "k", "callee": "^sign$", "literal": "."}]})";
  std::ofstream(t.base() / "without.json") << head + sinks;
  std::ofstream(t.base() / "with.json") << head + R"("sink_text": "\bsign\b", )" + sinks;
  auto refused = load_taint_spec(t.base() / "without.json");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message().find("sink_text") != std::string::npos);
  CHECK(load_taint_spec(t.base() / "with.json"));
  // A route decorator makes its function's parameters request data, with
  // no other source word in the file; an aliased one too.
  const test::taint_outcome routed = test::taint_scan(
      {{"api/items.py", "import os\nfrom bottle import route as r\n@r('/x/<name>')\ndef x(name):\n    os.system(name)\n"},
       {"api/more.py", "import os\n@app.get('/y')\ndef y(q):\n    os.system(q)\n"}});
  REQUIRE(routed.found.size() == 2);
  CHECK(routed.found[0].rule_id == "python.taint.cmdi");
  CHECK(routed.found[1].rule_id == "python.taint.cmdi");
}
