// The taint engine's first pass leaves out the language families whose
// survey cannot change a result (taint.cpp plan_survey,
// taint_survey_scope.h). These projects hold what a survey left out too
// eagerly would lose: a helper with no source word whose summary is needed,
// a module only a path names, a subclass that makes a call ambiguous, a
// literal function another language's file defines too, a JavaScript
// module path naming a Python file (or an extensionless script that a
// module path finds before a JavaScript file). Then the skip itself, seen
// in the note a family's summaries leave when surveyed, and the text
// tests. Every snippet here is written for this test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analysis/taint.h"
#include "analysis/taint_calls.h"
#include "analysis/taint_survey_scope.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;

namespace {

using files = std::vector<std::pair<std::string, std::string>>;

// The rules and lines of a project's taint findings.
std::vector<std::pair<std::string, int>> found_in(const files& tree, const std::string& file) {
  std::vector<std::pair<std::string, int>> out;
  for (const finding& f : test::taint_scan(tree).found) {
    if (f.file_path == file) out.emplace_back(f.rule_id, f.line_start);
  }
  return out;
}

using hits = std::vector<std::pair<std::string, int>>;

const std::string kFlask =
    "from flask import Flask, request\n"
    "app = Flask(__name__)\n"
    "@app.route('/u')\n"
    "def user():\n";  // 4 lines

// An Express handler whose body is `line` (the 5th line).
std::string express(const std::string& head, const std::string& line) {
  return "const express = require('express');\n" + head + "\nconst app = express();\napp.get('/x', (req, res) => {\n  " +
         line + "\n});\n";
}

}  // namespace

TEST_CASE("survey: a python helper with no source word still sinks or sanitizes", "[taint][survey]") {
  const std::string run = "import os\ndef run(cmd):\n    os.system(cmd)\n";
  const std::string clean = "import shlex\ndef clean(v):\n    return shlex.quote(v)\n";
  CHECK(found_in({{"app.py", kFlask + "    from tools.run import run\n    run(request.args['c'])\n"},
                  {"tools/__init__.py", ""},
                  {"tools/run.py", run}},
                 "app.py") == hits{{"python.taint.cmdi", 6}});
  CHECK(found_in({{"app.py", kFlask + "    import os\n    from tools.clean import clean\n"
                                      "    os.system(clean(request.args['c']))\n"},
                  {"tools/__init__.py", ""},
                  {"tools/clean.py", clean}},
                 "app.py")
            .empty());
}

TEST_CASE("survey: a javascript helper reached only through a module path", "[taint][survey]") {
  const std::string helper =
      "module.exports = function (dir) {\n  const cp = require('child_process');\n  cp.exec('ls ' + dir);\n};\n";
  CHECK(found_in({{"server.js", express("const list = require('./lib/h');", "list(req.query.d);")}, {"lib/h.js", helper}},
                 "server.js") == hits{{"javascript.taint.cmdi", 5}});
  // Its sanitizer, the same way: unknown, the call would pass the request on.
  const std::string safe = "module.exports = function (v) {\n  return encodeURIComponent(v);\n};\n";
  CHECK(found_in({{"server.js", express("const safe = require('./lib/safe');\nconst cp = require('child_process');",
                                        "cp.exec('ls ' + safe(req.query.d));")},
                  {"lib/safe.js", safe}},
                 "server.js")
            .empty());
}

TEST_CASE("survey: a java subclass in a file with no source word makes a base class call ambiguous",
          "[taint][survey]") {
  const std::string servlet =
      "package app.web;\n"
      "import app.dao.Dao;\n"
      "public class Show extends HttpServlet {\n"
      "  private Dao dao;\n"
      "  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws Exception {\n"
      "    dao.find(req.getParameter(\"id\"));\n"  // line 6
      "  }\n"
      "}\n";
  const std::string dao =
      "package app.dao;\n"
      "public class Dao {\n"
      "  public void find(String id) throws Exception {\n"
      "    Runtime.getRuntime().exec(\"find \" + id);\n"
      "  }\n"
      "}\n";
  const files base = {{"src/app/web/Show.java", servlet}, {"src/app/dao/Dao.java", dao}};
  CHECK(found_in(base, "src/app/web/Show.java") == hits{{"java.taint.cmdi", 6}});
  files extended = base;
  extended.push_back({"src/app/dao/SafeDao.java",
                      "package app.dao;\npublic class SafeDao extends Dao {\n  public void find(String id) {}\n}\n"});
  CHECK(found_in(extended, "src/app/web/Show.java").empty());
}

TEST_CASE("survey: a literal function is one only when no file of any language defines its name again",
          "[taint][survey]") {
  // `labels.title(...)` resolves to no file: a name the project defines
  // once, always returning a literal, gives a constant.
  const files js = {{"server.js", express("const { exec } = require('child_process');", "exec(labels.title(req.query.x));")},
                    {"lib.js", "function title() {\n  return 'x';\n}\n"}};
  CHECK(found_in(js, "server.js").empty());
  // A Java or Python file (no source in either language) defining `title`
  // again makes it no literal function: the argument flows on.
  for (const auto& other : files{{"src/Labels.java", "package a;\npublic class Labels {\n  public String title(String s) {\n"
                                                     "    return s;\n  }\n}\n"},
                                  {"labels.py", "def title(s):\n    return s\n"}}) {
    INFO(other.first);
    files tree = js;
    tree.push_back(other);
    CHECK(found_in(tree, "server.js") == hits{{"javascript.taint.cmdi", 5}});
  }
}

TEST_CASE("survey: a javascript module path naming a python file of no source", "[taint][survey]") {
  CHECK(found_in({{"server.js", express("const tool = require('./tool.py');", "tool.run(req.query.c);")},
                  {"tool.py", "import os\ndef run(c):\n    os.system(c)\n"}},
                 "server.js") == hits{{"javascript.taint.cmdi", 5}});
  // `./tool` is the file `tool` (a Python script, by its shebang) when
  // there is one, not tool.js, though it defines nothing.
  const files tree = {{"server.js", express("const t = require('./tool');", "t.run(req.query.c);")},
                      {"tool.js", "const cp = require('child_process');\nexports.run = function (c) {\n  cp.exec('ls ' + c);\n};\n"}};
  CHECK(found_in(tree, "server.js") == hits{{"javascript.taint.cmdi", 5}});
  files shadowed = tree;
  shadowed.push_back({"tool", "#!/usr/bin/env python3\nprint('hi')\n"});
  CHECK(found_in(shadowed, "server.js").empty());
}

TEST_CASE("survey: a family none of whose files is analysed is not surveyed", "[taint][survey]") {
  // A chain of calls deeper than the round cap: surveyed, its summaries
  // leave a note; with no Python file analysed, none are computed.
  files chain;
  for (int i = 0; i < 12; ++i) {
    const std::string next = std::to_string(i + 1);
    chain.push_back({"m" + std::to_string(i) + ".py",
                     i < 11 ? "from m" + next + " import f" + next + "\ndef f" + std::to_string(i) + "(x):\n    f" + next +
                                  "(x)\n"
                            : "import os\ndef f11(x):\n    os.system(x)\n"});
  }
  auto noted = [](const files& tree) {
    for (const inventory_note& n : test::taint_scan(tree).summary.notes) {
      if (n.reason.find("cross-file taint") != std::string::npos) return true;
    }
    return false;
  };
  files analysed_js = chain;
  analysed_js.push_back({"server.js", express("", "res.send(req.query.x);")});
  CHECK_FALSE(noted(analysed_js));
  files analysed_py = chain;
  analysed_py.push_back({"app.py", kFlask + "    from m0 import f0\n    f0(request.args['id'])\n"});
  CHECK(noted(analysed_py));
}

TEST_CASE("survey scope: the names a file may define, written names and module paths", "[taint][survey]") {
  using namespace heimdall::analysis::taint_detail;
  auto names = [](std::initializer_list<std::string_view> ns) {
    std::unordered_set<std::uint64_t> out;
    for (std::string_view n : ns) out.insert(name_hash(n));
    return out;
  };
  auto defines = [](language lang, std::string_view text, std::string_view name) {
    auto d = definable_names(lang, text);
    return std::find(d.begin(), d.end(), name_hash(name)) != d.end();
  };
  // Python: after `def`, over blanks and line continuations.
  CHECK(defines(language::python, "async def  \\\n  fetch(x):\n", "fetch"));
  CHECK_FALSE(defines(language::python, "fetch(x)\nx.fetch()\n", "fetch"));
  // Java: a name a `(` or `{` follows, over comments; not a reserved word
  // nor a member after a `.`.
  const std::string_view java =
      "record R(int a) { R { } }\nclass A { int size /* c */ (\n) { for (;;) {} return x.call(); } }\n";
  for (std::string_view n : {"R", "A", "size"}) CHECK(defines(language::java, java, n));
  for (std::string_view n : {"for", "call", "int", "a"}) CHECK_FALSE(defines(language::java, java, n));
  CHECK(defines(language::java, "void a$b() {}", "b"));
  // Any other language: every name.
  CHECK(defines(language::go, "x := y", "y"));
  // Names written, also next to a non-ASCII byte.
  CHECK(writes_any("obj.title()", names({"title"})));
  CHECK(writes_any("x\xc2\xa0title()", names({"title"})));
  CHECK_FALSE(writes_any("subtitle()", names({"title"})));
  // A file's name as a piece of a module path.
  CHECK(names_a_file("require('../tool.py')", names({"tool.py"})));
  CHECK_FALSE(names_a_file("require('./tool.pyc')", names({"tool.py"})));
}
