// Taint across files (analysis/taint.h, taint_calls.h, taint_summaries.h):
// a call the call graph resolves to another file's function uses that
// function's summary — its sinks are findings at the call, with the path
// going on into the callee's file; its return value carries what it returns
// (its parameter, a sanitized value, a source of its own). Two- and
// three-file projects in Python, JavaScript, Java, Go and PHP; ambiguous
// names unresolved; import aliases; the SARIF codeFlow naming both files;
// the round cap a note. Every snippet here is written for this test.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/sarif.h"
#include "analysis/taint.h"
#include "tests/analysis/scratch_tree.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
using heimdall::analysis::test::scratch_tree;

namespace {

using files = std::vector<std::pair<std::string, std::string>>;

struct outcome {
  std::vector<finding> found;
  taint_summary summary;
};

outcome scan_tree(const files& tree) {
  scratch_tree t;
  for (const auto& [name, code] : tree) t.write(name, code);
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  outcome out;
  auto summary = run_taint_analysis(t.root(), *inv, test::shipped_taint_spec(), threat_model{},
                                    [&](finding f) { out.found.push_back(std::move(f)); });
  REQUIRE(summary);
  out.summary = std::move(*summary);
  return out;
}

std::vector<finding> scan(const files& tree) { return scan_tree(tree).found; }

// The finding of `rule` in `file` on `line`, or null.
const finding* at(const std::vector<finding>& found, const std::string& rule, const std::string& file, int line) {
  for (const finding& f : found) {
    if (f.rule_id == rule && f.file_path == file && f.line_start == line) return &f;
  }
  return nullptr;
}

// The files a path goes through, in order, the finding's own as "".
std::vector<std::string> files_of(const finding& f) {
  std::vector<std::string> out;
  for (const flow_step& s : f.path) {
    if (out.empty() || out.back() != s.file) out.push_back(s.file);
  }
  return out;
}

const std::string kFlask = "from flask import Flask, request\napp = Flask(__name__)\n";  // 2 lines

const std::string kDb =
    "import sqlite3\n"
    "cursor = sqlite3.connect('x').cursor()\n"
    "def run_query(where):\n"
    "    cursor.execute('SELECT * FROM t WHERE ' + where)\n";  // the sink on line 4

}  // namespace

TEST_CASE("python: a parameter another file sinks is a finding at the call with the path into that file",
          "[taint][xfile]") {
  auto found = scan({{"app.py", kFlask +
                                    "from helpers.db import run_query\n"
                                    "@app.route('/u')\n"
                                    "def user():\n"
                                    "    ident = request.args['id']\n"
                                    "    run_query('id = ' + ident)\n"},
                     {"helpers/__init__.py", ""},
                     {"helpers/db.py", kDb}});
  const finding* f = at(found, "python.taint.sqli", "app.py", 7);
  REQUIRE(f);
  CHECK(found.size() == 1);  // nothing in helpers/db.py itself: its parameter is no source there
  CHECK(f->code_snippet == "run_query('id = ' + ident)");
  CHECK(f->description.find("helpers/db.py:4") != std::string::npos);
  REQUIRE(f->path.size() == 3);
  CHECK(f->path[0].line == 6);
  CHECK(f->path[0].file.empty());
  CHECK(f->path[1].line == 7);
  CHECK(f->path[1].file.empty());
  CHECK(f->path[1].note.rfind("call: run_query()", 0) == 0);
  CHECK(f->path[2].line == 4);
  CHECK(f->path[2].file == "helpers/db.py");
  CHECK(f->path[2].note.rfind("sink: cursor.execute", 0) == 0);
}

TEST_CASE("python: import aliases and relative imports resolve the callee's module", "[taint][xfile]") {
  const std::string handler = "@app.route('/u')\ndef user():\n    CALL(request.args['id'])\n";  // call on line +3
  for (const auto& [import, call] : std::vector<std::pair<std::string, std::string>>{
           {"import pkg.db as store\n", "store.run_query"},
           {"import pkg.db\n", "pkg.db.run_query"},
           {"from pkg import db\n", "db.run_query"},
           {"from .db import run_query\n", "run_query"},
           {"from . import db\n", "db.run_query"},
           {"from .db import run_query as rq\n", "rq"}}) {
    INFO(import << call);
    std::string code = kFlask + import + handler;
    code.replace(code.find("CALL"), 4, call);
    auto found = scan({{"pkg/views.py", code}, {"pkg/__init__.py", ""}, {"pkg/db.py", kDb}});
    const finding* f = at(found, "python.taint.sqli", "pkg/views.py", 6);
    REQUIRE(f);
    CHECK(f->path.back().file == "pkg/db.py");
  }
  // An import of another module of the same name outside the project: unresolved.
  auto found = scan({{"app.py", kFlask + "from vendor.db import run_query\n" + handler.substr(0, handler.find("CALL")) +
                                    "run_query(request.args['id'])\n"},
                     {"pkg/db.py", kDb}});
  CHECK(found.empty());
}

TEST_CASE("python: three files from handler to service to database and the path names each", "[taint][xfile]") {
  auto found = scan({{"web/views.py", kFlask +
                                          "from core.service import lookup\n"
                                          "@app.route('/u')\n"
                                          "def user():\n"
                                          "    lookup(request.args['name'])\n"},
                     {"core/service.py",
                      "from core.db import run_query\n"
                      "def lookup(name):\n"
                      "    clause = \"name = '%s'\" % name\n"
                      "    run_query(clause)\n"},
                     {"core/db.py", kDb}});
  const finding* f = at(found, "python.taint.sqli", "web/views.py", 6);
  REQUIRE(f);
  CHECK(files_of(*f) == std::vector<std::string>{"", "core/service.py", "core/db.py"});
  CHECK(f->path.back().line == 4);
  CHECK(found.size() == 1);
}

TEST_CASE("python: what a callee of another file returns - its parameter or a sanitized value or a source",
          "[taint][xfile]") {
  const std::string util =
      "import shlex\n"
      "from flask import request\n"
      "def second(a, b):\n"
      "    return b\n"
      "def quoted(s):\n"
      "    return shlex.quote(s)\n"
      "def wanted_host():\n"
      "    return request.args['host']\n"
      "def ping(host):\n"
      "    import os\n"
      "    os.system('ping ' + shlex.quote(host))\n";
  auto found = scan({{"app.py", kFlask +
                                    "import os\n"
                                    "from lib.util import second, quoted, wanted_host, ping\n"
                                    "@app.route('/p')\n"
                                    "def p():\n"
                                    "    os.system(second(request.args['a'], 'ls'))\n"   // 7: only `a` given, not returned
                                    "    os.system(second('ls', request.args['b']))\n"   // 8: returned
                                    "    os.system('ls ' + quoted(request.args['c']))\n"  // 9: sanitized in the callee
                                    "    os.system(wanted_host())\n"                      // 10: a source of the callee's
                                    "    ping(request.args['d'])\n"},                     // 11: sanitized before the sink
                     {"lib/util.py", util}});
  CHECK_FALSE(at(found, "python.taint.cmdi", "app.py", 7));
  CHECK(at(found, "python.taint.cmdi", "app.py", 8));
  CHECK_FALSE(at(found, "python.taint.cmdi", "app.py", 9));
  const finding* source = at(found, "python.taint.cmdi", "app.py", 10);
  REQUIRE(source);
  CHECK(source->path.front().file == "lib/util.py");
  CHECK(source->path.front().line == 8);
  CHECK(source->path.back().file.empty());
  CHECK_FALSE(at(found, "python.taint.cmdi", "app.py", 11));
  CHECK(found.size() == 2);
}

TEST_CASE("a name defined twice in the project is not resolved but once it is", "[taint][xfile]") {
  const std::string app = kFlask +
                          "from helpers.db import *\n"
                          "@app.route('/u')\n"
                          "def user():\n"
                          "    run_query(request.args['id'])\n";
  CHECK(at(scan({{"app.py", app}, {"helpers/db.py", kDb}}), "python.taint.sqli", "app.py", 6));
  // Another run_query anywhere (here a method) could be the one the star import brings.
  auto found = scan({{"app.py", app},
                     {"helpers/db.py", kDb},
                     {"other/model.py", "class Model:\n    def run_query(self, q):\n        return q\n"}});
  CHECK(found.empty());
  // A local value named like a module is that value: its method, not the module's function.
  found = scan({{"app.py", kFlask + "import db\n@app.route('/u')\ndef user():\n    db = connect()\n"
                                    "    db.run_query(request.args['id'])\n"},
                {"db.py", kDb}});
  CHECK(found.empty());
  // Two modules named db: `import db` could be either.
  found = scan({{"app.py", kFlask + "import db\n@app.route('/u')\ndef user():\n    db.run_query(request.args['id'])\n"},
                {"a/db.py", kDb},
                {"b/db.py", kDb}});
  CHECK(found.empty());
}

TEST_CASE("javascript: require and named and namespace imports of a relative module", "[taint][xfile]") {
  const std::string db =
      "const pool = require('./pool');\n"
      "function find(id) {\n"
      "  return pool.query('SELECT * FROM u WHERE id = ' + id);\n"
      "}\n"
      "module.exports = { find };\n";
  for (const auto& [import, call] : std::vector<std::pair<std::string, std::string>>{
           {"const db = require('./lib/db');", "db.find"},
           {"const { find } = require('./lib/db.js');", "find"},
           {"import { find as lookup } from './lib/db';", "lookup"},
           {"import * as db from './lib/db';", "db.find"}}) {
    INFO(import);
    auto found = scan({{"server.js", "const express = require('express');\nconst app = express();\n" + import +
                                         "\napp.get('/u', (req, res) => {\n  " + call + "(req.query.id);\n});\n"},
                       {"lib/db.js", db}});
    const finding* f = at(found, "javascript.taint.sqli", "server.js", 5);
    REQUIRE(f);
    CHECK(files_of(*f) == std::vector<std::string>{"", "lib/db.js"});
    CHECK(f->path.back().line == 3);
  }
  // Three files, TypeScript in the middle.
  auto found = scan({{"server.js", "const express = require('express');\nconst app = express();\n"
                                   "const svc = require('./svc');\n"
                                   "app.get('/u', (req, res) => {\n  svc.byName(req.query.name);\n});\n"},
                     {"svc.ts", "import { find } from './lib/db';\nexport function byName(n: string) {\n  find(n);\n}\n"},
                     {"lib/db.js", db}});
  const finding* f = at(found, "javascript.taint.sqli", "server.js", 5);
  REQUIRE(f);
  CHECK(files_of(*f) == std::vector<std::string>{"", "svc.ts", "lib/db.js"});
  // `new Box(x)` makes a Box holding x: what the function Box returns (nothing) is not its value.
  found = scan({{"server.js", "const express = require('express');\nconst app = express();\n"
                              "const { Box } = require('./lib/box');\n"
                              "app.get('/u', (req, res) => {\n  const b = new Box(req.query.q);\n  res.send(b);\n});\n"},
                {"lib/box.js", "function Box(v) {\n  this.v = v;\n}\nmodule.exports = { Box };\n"}});
  CHECK(at(found, "javascript.taint.xss", "server.js", 6));
  // A package of the same name is not the project's file.
  CHECK(scan({{"server.js", "const express = require('express');\nconst app = express();\nconst db = require('db');\n"
                            "app.get('/u', (req, res) => {\n  db.find(req.query.id);\n});\n"},
              {"db.js", db}})
            .empty());
}

TEST_CASE("java: static calls and new Helper().run and three classes resolved by the class", "[taint][xfile]") {
  const std::string servlet_head =
      "package app.web;\n"
      "import javax.servlet.http.*;\n"
      "import app.util.Shell;\n"
      "public class Run extends HttpServlet {\n"
      "  public void doGet(HttpServletRequest request, HttpServletResponse response) {\n"
      "    String c = request.getParameter(\"c\");\n";  // 6 lines
  const std::string shell =
      "package app.util;\n"
      "public class Shell {\n"
      "  public static void run(String cmd) throws Exception {\n"
      "    Runtime.getRuntime().exec(cmd);\n"
      "  }\n"
      "  public String echo(String s) { return \"<b>\" + s; }\n"
      "  public void launch(String cmd) throws Exception { Runtime.getRuntime().exec(\"sh -c \" + cmd); }\n"
      "  public void start(String job) throws Exception { launch(\"job \" + job); }\n"
      "}\n";
  auto found = scan({{"src/app/web/Run.java", servlet_head +
                                                  "    Shell.run(c);\n"          // 7
                                                  "    new Shell().launch(c);\n" // 8
                                                  "    Shell s = new Shell();\n"
                                                  "    s.launch(\"ls\");\n"      // 10: clean
                                                  "    s.start(c);\n"            // 11: a call the first pass cannot name
                                                  "  }\n}\n"},
                     {"src/app/util/Shell.java", shell}});
  const finding* f = at(found, "java.taint.cmdi", "src/app/web/Run.java", 7);
  REQUIRE(f);
  CHECK(f->path.back().file == "src/app/util/Shell.java");
  CHECK(f->path.back().line == 4);
  CHECK(at(found, "java.taint.cmdi", "src/app/web/Run.java", 8));
  CHECK(at(found, "java.taint.cmdi", "src/app/web/Run.java", 11));
  CHECK(found.size() == 3);

  found = scan({{"src/app/web/Run.java", servlet_head + "    app.svc.Jobs.start(c);\n  }\n}\n"},
                {"src/app/svc/Jobs.java",
                 "package app.svc;\nimport app.util.Shell;\npublic class Jobs {\n"
                 "  public static void start(String job) throws Exception { Shell.run(\"job \" + job); }\n}\n"},
                {"src/app/util/Shell.java", shell}});
  f = at(found, "java.taint.cmdi", "src/app/web/Run.java", 7);
  REQUIRE(f);
  CHECK(files_of(*f) == std::vector<std::string>{"", "src/app/svc/Jobs.java", "src/app/util/Shell.java"});

  // Two classes named Shell: the import says which; without it (a class of
  // the same package?) Shell.run could be either.
  const files two = {{"src/app/util/Shell.java", shell},
                     {"src/app/other/Shell.java", "package app.other;\n" + shell.substr(shell.find('\n') + 1)}};
  files tree = two;
  tree.push_back({"src/app/web/Run.java", servlet_head + "    Shell.run(c);\n  }\n}\n"});
  found = scan(tree);
  f = at(found, "java.taint.cmdi", "src/app/web/Run.java", 7);
  REQUIRE(f);
  CHECK(f->path.back().file == "src/app/util/Shell.java");
  std::string unimported = servlet_head;
  unimported.erase(unimported.find("import app.util.Shell;\n"), 23);
  tree = two;
  tree.push_back({"src/app/web/Run.java", unimported + "    Shell.run(c);\n  }\n}\n"});
  CHECK(scan(tree).empty());
}

TEST_CASE("go: a package of the repository by its import path and php: Class::method", "[taint][xfile]") {
  auto found = scan({{"cmd/srv/main.go",
                      "package main\n"
                      "import (\n  \"net/http\"\n  \"example.com/app/internal/store\"\n)\n"
                      "func show(w http.ResponseWriter, r *http.Request) {\n"
                      "  store.Find(r.FormValue(\"id\"))\n"  // 7
                      "}\n"},
                     {"internal/store/store.go",
                      "package store\n"
                      "import \"fmt\"\n"
                      "func Find(id string) {\n"
                      "  db.Query(fmt.Sprintf(\"SELECT * FROM t WHERE id = '%s'\", id))\n"
                      "}\n"}});
  const finding* f = at(found, "go.taint.sqli", "cmd/srv/main.go", 7);
  REQUIRE(f);
  CHECK(f->path.back().file == "internal/store/store.go");
  CHECK(f->path.back().line == 4);

  found = scan({{"public/index.php", "<?php\nrequire 'lib/Shell.php';\nShell::run($_GET['c']);\nShell::quiet($_GET['c']);\n"},
                {"lib/Shell.php",
                 "<?php\nclass Shell {\n"
                 "  public static function run($c) { exec('ls ' . $c); }\n"
                 "  public static function quiet($c) { exec('ls ' . escapeshellarg($c)); }\n}\n"}});
  f = at(found, "php.taint.cmdi", "public/index.php", 3);
  REQUIRE(f);
  CHECK(f->path.back().file == "lib/Shell.php");
  CHECK(found.size() == 1);
}

TEST_CASE("the SARIF codeFlow of a cross-file finding names both files", "[taint][xfile][sarif]") {
  auto found = scan({{"app.py", kFlask +
                                    "from helpers.db import run_query\n"
                                    "@app.route('/u')\n"
                                    "def user():\n"
                                    "    run_query(request.args['id'])\n"},
                     {"helpers/db.py", kDb}});
  REQUIRE(found.size() == 1);
  simdjson::dom::parser parser;
  simdjson::dom::element log;
  REQUIRE(parser.parse(to_sarif(found, {})).get(log) == simdjson::SUCCESS);
  simdjson::dom::array steps;
  REQUIRE(log.at_pointer("/runs/0/results/0/codeFlows/0/threadFlows/0/locations").get(steps) == simdjson::SUCCESS);
  std::vector<std::string> uris;
  for (auto step : steps) {
    std::string_view uri;
    REQUIRE(step.at_pointer("/location/physicalLocation/artifactLocation/uri").get(uri) == simdjson::SUCCESS);
    uris.emplace_back(uri);
  }
  CHECK(uris == std::vector<std::string>{"app.py", "app.py", "helpers/db.py"});
  std::string_view result_uri;
  REQUIRE(log.at_pointer("/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri").get(result_uri) ==
          simdjson::SUCCESS);
  CHECK(result_uri == "app.py");
}

TEST_CASE("a chain of calls deeper than the round cap ends in a note and never an error", "[taint][xfile]") {
  files tree = {{"app.py", kFlask + "from m0 import f0\n@app.route('/u')\ndef user():\n    f0(request.args['id'])\n"}};
  const int depth = 12;
  for (int i = 0; i < depth; ++i) {
    std::string next = "m" + std::to_string(i + 1), fn = "f" + std::to_string(i + 1);
    tree.push_back({"m" + std::to_string(i) + ".py",
                    i + 1 < depth ? "from " + next + " import " + fn + "\ndef f" + std::to_string(i) + "(x):\n    " +
                                        fn + "(x)\n"
                                  : "import os\ndef f" + std::to_string(i) + "(x):\n    os.system(x)\n"});
  }
  outcome deep = scan_tree(tree);
  bool noted = false;
  for (const inventory_note& n : deep.summary.notes) noted = noted || n.reason.find("cross-file taint") != std::string::npos;
  CHECK(noted);
  // Mutual recursion across two files settles.
  outcome loop = scan_tree({{"a.py", "from b import g\nimport os\ndef f(x):\n    os.system(x)\n    return g(x)\n"},
                            {"b.py", "from a import f\ndef g(y):\n    return f(y)\n"},
                            {"app.py", kFlask + "from a import f\n@app.route('/u')\ndef user():\n    f(request.args['id'])\n"}});
  CHECK(at(loop.found, "python.taint.cmdi", "app.py", 6));
}
