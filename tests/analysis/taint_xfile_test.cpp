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

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "analysis/sarif.h"
#include "analysis/taint.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;

namespace {

using files = std::vector<std::pair<std::string, std::string>>;

using outcome = test::taint_outcome;

outcome scan_tree(const files& tree) { return test::taint_scan(tree); }

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
  // The star import names the module: another run_query elsewhere is not the one it brings.
  CHECK(at(scan({{"app.py", app},
                 {"helpers/db.py", kDb},
                 {"other/model.py", "class Model:\n    def run_query(self, q):\n        return q\n"}}),
           "python.taint.sqli", "app.py", 6));
  // Without the star import, run_query is no name of app.py at all.
  std::string unimported = app;
  unimported.erase(unimported.find("from helpers.db import *\n"), 25);
  auto found = scan({{"app.py", unimported}, {"helpers/db.py", kDb}});
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

TEST_CASE("python: a bare name is the file's own or an import's or a builtin and never another file's",
          "[taint][xfile]") {
  // A project module defines a function named like a builtin.
  const std::string log = "import os\ndef print(msg):\n    os.system('logger ' + msg)\n";  // the sink on line 3
  const std::string handler = "@app.route('/u')\ndef user():\n    print(request.args['m'])\n";  // the call on +3
  auto found_with = [&](const std::string& imports) {
    return scan({{"app.py", kFlask + imports + handler}, {"tools/__init__.py", ""}, {"tools/log.py", log}});
  };
  // No import: the builtin print.
  CHECK(found_with("import os\n").empty());
  // Imported by name or by a star import of its module.
  for (const std::string& imports : {std::string("from tools.log import print\n"), std::string("from tools.log import *\n"),
                                     std::string("from os.path import *\nfrom tools.log import *\n")}) {
    INFO(imports);
    const finding* f = at(found_with(imports), "python.taint.cmdi", "app.py",
                         5 + static_cast<int>(std::count(imports.begin(), imports.end(), '\n')));
    REQUIRE(f);
    CHECK(f->path.back().file == "tools/log.py");
  }
  // A star import of a library after it may bind print itself; a later
  // module of the project that does not define print leaves the earlier one's.
  CHECK(found_with("from tools.log import *\nfrom os.path import *\n").empty());
  auto found = scan({{"app.py", kFlask + "from tools.log import *\nfrom tools import *\n" + handler},
                     {"tools/__init__.py", ""},
                     {"tools/log.py", log}});
  CHECK(at(found, "python.taint.cmdi", "app.py", 7));
  // The last star import that defines the name wins.
  found = scan({{"app.py", kFlask + "from tools.log import *\nfrom tools.quiet import *\n" + handler},
                {"tools/__init__.py", ""},
                {"tools/log.py", log},
                {"tools/quiet.py", "def print(msg):\n    return None\n"}});
  CHECK(found.empty());
}

TEST_CASE("javascript: a bare name of another module is a global unless imported and go java each by their scoping",
          "[taint][xfile]") {
  // A module defining `fetch` does not make the global fetch of another module its function.
  const std::string lib = "function fetch(dir) {\n" + std::string("  const cp = require('child_process');\n  cp.exec('ls ' + dir);\n") +
                          "}\nmodule.exports = { fetch };\n";
  const std::string head = "const express = require('express');\nconst app = express();\n";
  CHECK(!at(scan({{"server.js", head + "app.get('/u', (req, res) => {\n  fetch(req.query.d);\n});\n"}, {"lib/http.js", lib}}),
            "javascript.taint.cmdi", "server.js", 4));
  CHECK(at(scan({{"server.js", head + "const { fetch } = require('./lib/http');\napp.get('/u', (req, res) => {\n"
                                      "  fetch(req.query.d);\n});\n"},
                 {"lib/http.js", lib}}),
           "javascript.taint.cmdi", "server.js", 5));
  // Classic scripts of a page: one's top-level function is the other's global.
  const std::string ui = "function show(h) {\n  document.getElementById('x').innerHTML = h;\n}\n";
  const finding* f = at(scan({{"app.js", "show(location.hash);\n"}, {"ui.js", ui}}), "javascript.taint.xss", "app.js", 1);
  REQUIRE(f);
  CHECK(f->path.back().file == "ui.js");
  CHECK(scan({{"app.js", "show(location.hash);\n"}, {"ui.js", ui + "export { show };\n"}}).empty());

  // Go: a bare name is a function of the same package (directory) or of a dot import.
  const std::string store =
      "package store\nimport \"fmt\"\nfunc Find(id string) {\n"
      "  db.Query(fmt.Sprintf(\"SELECT * FROM t WHERE id = '%s'\", id))\n}\n";
  auto go_main = [](const std::string& imports) {
    return "package main\nimport (\n  \"net/http\"\n" + imports + ")\n"
           "func show(w http.ResponseWriter, r *http.Request) {\n  Find(r.FormValue(\"id\"))\n}\n";  // Find on line 7
  };
  CHECK(scan({{"cmd/srv/main.go", go_main("  \"fmt\"\n")}, {"internal/store/store.go", store}}).empty());
  CHECK(at(scan({{"cmd/srv/main.go", go_main("  . \"example.com/app/internal/store\"\n")},
                 {"internal/store/store.go", store}}),
           "go.taint.sqli", "cmd/srv/main.go", 7));
  CHECK(at(scan({{"cmd/srv/main.go", go_main("  \"fmt\"\n")},
                 {"cmd/srv/store.go", "package main\n" + store.substr(store.find('\n') + 1)}}),
           "go.taint.sqli", "cmd/srv/main.go", 7));

  // Java: a bare call is a method of the class, one it inherits, or a static import's.
  const std::string shell =
      "package app.util;\npublic class Shell {\n"
      "  public static void run(String cmd) throws Exception {\n    Runtime.getRuntime().exec(cmd);\n  }\n}\n";
  auto servlet = [](const std::string& imports, const std::string& base) {
    return "package app.web;\nimport javax.servlet.http.*;\n" + imports + "public class Run extends " + base +
           " {\n  public void doGet(HttpServletRequest request, HttpServletResponse response) throws Exception {\n"
           "    run(request.getParameter(\"c\"));\n  }\n}\n";  // run on line 5 (+1 per import line)
  };
  CHECK(scan({{"src/app/web/Run.java", servlet("", "HttpServlet")}, {"src/app/util/Shell.java", shell}}).empty());
  CHECK(at(scan({{"src/app/web/Run.java", servlet("import static app.util.Shell.*;\n", "HttpServlet")},
                 {"src/app/util/Shell.java", shell}}),
           "java.taint.cmdi", "src/app/web/Run.java", 6));
  CHECK(at(scan({{"src/app/web/Run.java", servlet("import app.util.Shell;\n", "Shell")},
                 {"src/app/util/Shell.java", shell}}),
           "java.taint.cmdi", "src/app/web/Run.java", 6));
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

TEST_CASE("javascript: a module's default export is what a default import binds", "[taint][xfile]") {
  const std::string head = "import express from 'express';\nconst app = express();\n";
  const std::string route = "\napp.get('/u', (req, res) => {\n  ";
  for (const auto& [module, call] : std::vector<std::pair<std::string, std::string>>{
           {"export default function find(id) {\n  return pool.query('SELECT * FROM u WHERE id = ' + id);\n}\n",
            "find(req.query.id)"},
           {"function find(id) {\n  return pool.query('SELECT * FROM u WHERE id = ' + id);\n}\nexport default find;\n",
            "find(req.query.id)"},
           {"export default class Users {\n  find(id) {\n    return pool.query('SELECT * FROM u WHERE id = ' + id);\n  }\n}\n",
            "new find().find(req.query.id)"}}) {
    INFO(module);
    auto found = scan({{"server.js", head + "import find from './lib/users';" + route + call + ";\n});\n"},
                       {"lib/users.js", "import pool from './pool';\n" + module}});
    const finding* f = at(found, "javascript.taint.sqli", "server.js", 5);
    REQUIRE(f);
    CHECK(files_of(*f) == std::vector<std::string>{"", "lib/users.js"});
  }
  // An anonymous default export names no function; a named export is no default.
  for (const std::string& module : {std::string("export default function (id) {\n  return pool.query('SELECT ' + id);\n}\n"),
                                    std::string("export function find(id) {\n  return pool.query('SELECT ' + id);\n}\n")}) {
    INFO(module);
    CHECK(scan({{"server.js", head + "import find from './lib/users';" + route + "find(req.query.id);\n});\n"},
                {"lib/users.js", "import pool from './pool';\n" + module}})
              .empty());
  }
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

TEST_CASE("php: a source-free file of helper functions wrapping sinks still summarises them for the handler",
          "[taint][xfile]") {
  // lib/db.php holds no source's word, so it is never analysed on its own
  // (php.json's source_text); its functions beside sink words are still
  // read for the call graph (summary_text), so the handler's calls find them.
  auto found = scan({{"public/search.php",
                      "<?php\nrequire_once __DIR__ . '/../lib/db.php';\n"
                      "find_rows($_GET['q']);\n"          // 3
                      "show_name($_POST['name']);\n"      // 4
                      "find_rows(intval($_GET['n']));\n"}, // 5
                     {"lib/db.php",
                      "<?php\n"
                      "function find_rows($where) {\n"
                      "  global $db;\n"
                      "  return mysqli_query($db, 'SELECT * FROM t WHERE ' . $where);\n"  // 4
                      "}\n"
                      "function show_name($n) { print '<b>' . $n . '</b>'; }\n"}});
  const finding* sql = at(found, "php.taint.sqli", "public/search.php", 3);
  REQUIRE(sql);
  CHECK(sql->path.back().file == "lib/db.php");
  CHECK(sql->path.back().line == 4);
  CHECK(at(found, "php.taint.xss", "public/search.php", 4));
  CHECK_FALSE(at(found, "php.taint.sqli", "public/search.php", 5));
}

TEST_CASE("php: a file without a source's words that calls another file's function reading one is analysed",
          "[taint][xfile]") {
  // public/run.php names no source itself (php.json's source_text); the
  // source comes back from lib/input.php's param().
  auto found = scan({{"public/run.php",
                      "<?php\nrequire __DIR__ . '/../lib/input.php';\n"
                      "system(param('c'));\n"          // 3
                      "system(fixed('c'));\n"},         // 4
                     {"lib/input.php",
                      "<?php\n"
                      "function param($k) { return $_GET[$k]; }\n"
                      "function fixed($k) { return 'ls'; }\n"}});
  CHECK(at(found, "php.taint.cmdi", "public/run.php", 3));
  CHECK_FALSE(at(found, "php.taint.cmdi", "public/run.php", 4));
}

TEST_CASE("go: helper files without source words are still read for the call graph", "[taint][xfile]") {
  // Neither helper holds a source's words, so neither is analysed for its
  // own findings; go.json's summary_text still has them surveyed, so the
  // handler's calls get their summaries: a query and a response writer.
  auto found = scan({{"web/handler.go",
                      "package web\n"
                      "func show(w http.ResponseWriter, r *http.Request) {\n"
                      "  render(w, r.FormValue(\"name\"))\n"  // 3
                      "  lookup(r.FormValue(\"id\"))\n"       // 4
                      "}\n"},
                     {"web/render.go",
                      "package web\n"
                      "func render(w http.ResponseWriter, s string) {\n"
                      "  fmt.Fprintf(w, \"<p>%s</p>\", s)\n"
                      "}\n"},
                     {"web/store.go",
                      "package web\n"
                      "func lookup(id string) {\n"
                      "  db.QueryRow(\"SELECT name FROM t WHERE id = \" + id)\n"
                      "}\n"}});
  CHECK(at(found, "go.taint.xss", "web/handler.go", 3));
  CHECK(at(found, "go.taint.sqli", "web/handler.go", 4));
  CHECK(found.size() == 2);
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

// ------------------------------------------------ methods of objects of a class of another file

namespace {

const std::string kStore =
    "import sqlite3\n"
    "cursor = sqlite3.connect('x').cursor()\n"
    "class Repo:\n"
    "    def save(self, v):\n"
    "        cursor.execute('INSERT INTO t VALUES (' + v + ')')\n";  // the sink on line 5

}  // namespace

TEST_CASE("a method a class inherits from a base class of another file", "[taint][xfile]") {
  const std::string head = kFlask + "from users import Users\n@app.route('/u')\ndef user():\n    v = request.args['v']\n";
  // Users (users.py) inherits save from Repo (store.py): the call goes through two files.
  auto found = scan({{"app.py", head + "    Users().save(v)\n"},
                     {"users.py", "from store import Repo\nclass Users(Repo):\n    def name(self):\n        return 'u'\n"},
                     {"store.py", kStore}});
  const finding* f = at(found, "python.taint.sqli", "app.py", 7);
  REQUIRE(f);
  CHECK(files_of(*f) == std::vector<std::string>{"", "store.py"});
  // A class that defines the method itself is not sent to its base.
  CHECK(scan({{"app.py", head + "    Users().save(v)\n"},
              {"users.py", "from store import Repo\nclass Users(Repo):\n    def save(self, v):\n        return None\n"},
              {"store.py", kStore}})
            .empty());
  // Java: a DAO's finder inherited from a generic base DAO of another file.
  const std::string servlet =
      "package app.web;\n"
      "import app.db.UserDao;\n"
      "public class Show extends HttpServlet {\n"
      "  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws Exception {\n"
      "    new UserDao().find(req.getParameter(\"id\"));\n"  // line 5
      "  }\n"
      "}\n";
  found = scan({{"src/app/web/Show.java", servlet},
                {"src/app/db/UserDao.java", "package app.db;\npublic class UserDao extends BaseDao {\n}\n"},
                {"src/app/db/BaseDao.java",
                 "package app.db;\nimport java.sql.*;\npublic class BaseDao {\n"
                 "  Statement st;\n"
                 "  public ResultSet find(String id) throws Exception {\n"
                 "    return st.executeQuery(\"SELECT * FROM t WHERE id = \" + id);\n"  // line 6
                 "  }\n}\n"}});
  f = at(found, "java.taint.sqli", "src/app/web/Show.java", 5);
  REQUIRE(f);
  CHECK(files_of(*f) == std::vector<std::string>{"", "src/app/db/BaseDao.java"});
  CHECK(f->path.back().line == 6);
}

TEST_CASE("python: a method called on an object of a class of another file", "[taint][xfile]") {
  const std::string head = kFlask + "from store import Repo\n@app.route('/u')\ndef user():\n    v = request.args['v']\n";
  for (std::string call : {"    r = Repo()\n    r.save(v)\n",   // call on line 8
                                  "    r = Repo()\n    Repo().save(v)\n",
                                  "    r = None\n    r = Repo()\n    r.save(v)\n"}) {
    INFO(call);
    auto found = scan({{"app.py", head + call}, {"store.py", kStore}});
    const int line = call.find("None") != std::string::npos ? 9 : 8;
    const finding* f = at(found, "python.taint.sqli", "app.py", line);
    REQUIRE(f);
    CHECK(files_of(*f) == std::vector<std::string>{"", "store.py"});
    CHECK(f->path.back().line == 5);
    CHECK(found.size() == 1);
  }
  // A value of unknown class, or of either of two, is no object of Repo.
  for (std::string call : {"    r = make()\n    r.save(v)\n",
                                  "    r = Repo() if v else make()\n    r.save(v)\n",
                                  "    r = Repo()\n    if v:\n        r = make()\n    r.save(v)\n"}) {
    INFO(call);
    CHECK(scan({{"app.py", head + call}, {"store.py", kStore}}).empty());
  }
  // Two methods named save in the class's file: which one is not known by name alone.
  CHECK(scan({{"app.py", head + "    r = Repo()\n    r.save(v)\n"},
              {"store.py", kStore + "class Log:\n    def save(self, v):\n        return v\n"}})
            .empty());
}

TEST_CASE("python: a field a class's methods all construct the same way and an annotated parameter",
          "[taint][xfile]") {
  const std::string service =
      "from store import Repo\n"
      "class Service:\n"
      "    def __init__(self):\n"
      "        self.repo = Repo()\n"
      "    def put(self, v):\n"
      "        self.repo.save(v)\n";
  const std::string app =
      kFlask + "from services import Service\n@app.route('/u')\ndef user():\n    Service().put(request.args['v'])\n";
  auto found = scan({{"app.py", app}, {"services.py", service}, {"store.py", kStore}});
  const finding* f = at(found, "python.taint.sqli", "app.py", 6);
  REQUIRE(f);
  CHECK(files_of(*f) == std::vector<std::string>{"", "services.py", "store.py"});
  // Another assignment of the field elsewhere in the class, or a subclass
  // (whose methods could store another object there): it may hold anything.
  CHECK(scan({{"app.py", app},
              {"services.py", service + "    def swap(self, other):\n        self.repo = other\n"},
              {"store.py", kStore}})
            .empty());
  CHECK(scan({{"app.py", app},
              {"services.py", service},
              {"fake.py", "from services import Service\nclass FakeService(Service):\n    pass\n"},
              {"store.py", kStore}})
            .empty());

  // A parameter annotated with the class (the sink in a function of the file is reported where it calls it).
  const std::string handle = kFlask +
                             "from store import Repo\n"
                             "def handle(repo: Repo, v):\n"
                             "    repo.save(v)\n"  // line 5
                             "@app.route('/u')\ndef user():\n    handle(Repo(), request.args['v'])\n";
  found = scan({{"app.py", handle}, {"store.py", kStore}});
  f = at(found, "python.taint.sqli", "app.py", 5);
  REQUIRE(f);
  CHECK(files_of(*f).back() == "store.py");
  // A subclass of Repo in the project could be the object given.
  CHECK(scan({{"app.py", handle},
              {"store.py", kStore},
              {"cached.py", "from store import Repo\nclass CachedRepo(Repo):\n    def save(self, v):\n        return v\n"}})
            .empty());
}

namespace {

const std::string kExpress = "const express = require('express');\nconst app = express();\n";  // 2 lines

// A handler calling `call` on line 5 after `import` on line 3.
std::string express(const std::string& import, const std::string& call) {
  return kExpress + import + "\napp.get('/u', (req, res) => {\n  " + call + "\n});\n";
}

const std::string kRun = "  const cp = require('child_process');\n  cp.exec('ls ' + dir);\n";  // the sink on the 2nd line

}  // namespace

TEST_CASE("javascript: functions exported by assignment and the module itself as a function", "[taint][xfile]") {
  for (const auto& [lib, import, call] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"exports.list = function (dir) {\n" + kRun + "};\n", "const fs = require('./lib/fsx');", "fs.list(req.query.d);"},
           {"module.exports.list = (dir) => {\n" + kRun + "};\n", "const fs = require('./lib/fsx');",
            "fs.list(req.query.d);"},
           {"exports.list = async function (dir) {\n" + kRun + "};\n", "const { list } = require('./lib/fsx');",
            "list(req.query.d);"},
           {"module.exports = function (dir) {\n" + kRun + "};\n", "const list = require('./lib/fsx');",
            "list(req.query.d);"},
           {"function list(dir) {\n" + kRun + "}\nmodule.exports = list;\n", "const list = require('./lib/fsx');",
            "list(req.query.d);"},
           {"function list(dir) {\n" + kRun + "}\nfunction other() {}\nmodule.exports = { list, other };\n",
            "import { list } from './lib/fsx';", "list(req.query.d);"}}) {
    INFO(lib);
    auto found = scan({{"server.js", express(import, call)}, {"lib/fsx.js", lib}});
    const finding* f = at(found, "javascript.taint.cmdi", "server.js", 5);
    REQUIRE(f);
    CHECK(files_of(*f) == std::vector<std::string>{"", "lib/fsx.js"});
    CHECK(f->path.back().line == 3);
  }
  // An export named like the function it wraps binds no name: the call inside is still the other module's.
  auto found = scan({{"server.js", express("const fs = require('./lib/fsx');", "fs.list(req.query.d);")},
                     {"lib/fsx.js", "const { list } = require('./other');\nexports.list = function (d) {\n  list(d);\n};\n"},
                     {"lib/other.js", "function list(dir) {\n" + kRun + "}\nmodule.exports = { list };\n"}});
  const finding* f = at(found, "javascript.taint.cmdi", "server.js", 5);
  REQUIRE(f);
  CHECK(files_of(*f) == std::vector<std::string>{"", "lib/fsx.js", "lib/other.js"});
  // The module called itself when it exports an object, not a function: unresolved.
  CHECK(scan({{"server.js", express("const list = require('./lib/fsx');", "list(req.query.d);")},
              {"lib/fsx.js", "exports.list = function (dir) {\n" + kRun + "};\n"}})
            .empty());
}

TEST_CASE("javascript: methods of objects of a class of another module", "[taint][xfile]") {
  const std::string helper = "class Helper {\n  run(dir) {\n" + kRun + "  }\n}\n";  // the sink on line 4
  for (const auto& [exports, import, call] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"module.exports = { Helper };\n", "const { Helper } = require('./helper');",
            "const h = new Helper(); h.run(req.query.d);"},
           {"module.exports = { Helper };\n", "const lib = require('./helper');", "new lib.Helper().run(req.query.d);"},
           {"export { Helper };\n", "import { Helper } from './helper';", "const h = new Helper(); h.run(req.query.d);"},
           {"module.exports = Helper;\n", "const Helper = require('./helper');", "const h = new Helper(); h.run(req.query.d);"},
           {"module.exports = new Helper();\n", "const helper = require('./helper');", "helper.run(req.query.d);"}}) {
    INFO(exports << import);
    auto found = scan({{"server.js", express(import, call)}, {"helper.js", helper + exports}});
    const finding* f = at(found, "javascript.taint.cmdi", "server.js", 5);
    REQUIRE(f);
    CHECK(files_of(*f) == std::vector<std::string>{"", "helper.js"});
    CHECK(f->path.back().line == 4);
  }
  // A package's Helper, an object of unknown class: unresolved.
  CHECK(scan({{"server.js", express("const { Helper } = require('helper');", "const h = new Helper(); h.run(req.query.d);")},
              {"helper.js", helper + "module.exports = { Helper };\n"}})
            .empty());
}

TEST_CASE("typescript: a constructor's parameter property typed with an imported class", "[taint][xfile]") {
  const std::string controller =
      "import { Service } from './service';\n"
      "export class Controller {\n"
      "  constructor(private readonly svc: Service) {}\n"
      "  list(req: any, res: any) {\n"
      "    this.svc.run(req.query.d);\n"  // line 5
      "  }\n"
      "}\n";
  const std::string service = "export class Service {\n  run(dir: string) {\n" + kRun + "  }\n}\n";  // sink on 4
  auto found = scan({{"src/controller.ts", controller}, {"src/service.ts", service}});
  const finding* f = at(found, "typescript.taint.cmdi", "src/controller.ts", 5);
  REQUIRE(f);
  CHECK(files_of(*f) == std::vector<std::string>{"", "src/service.ts"});
  CHECK(f->path.back().line == 4);
  // A subclass of Service could be given instead.
  CHECK(scan({{"src/controller.ts", controller},
              {"src/service.ts", service},
              {"src/mock.ts", "import { Service } from './service';\nexport class Mock extends Service {\n"
                              "  run(dir: string) {}\n}\n"}})
            .empty());
}

TEST_CASE("typescript: optional and defaulted parameter properties and fields and parameters with a type",
          "[taint][xfile]") {
  const std::string service = "export class Service {\n  run(dir: string) {\n" + kRun + "  }\n}\n";  // sink on 4
  for (const std::string& member : {std::string("  constructor(private readonly svc?: Service) {}\n"),
                                    std::string("  constructor(private svc: Service = new Service()) {}\n"),
                                    std::string("  private svc!: Service;\n"), std::string("  svc: Service | undefined;\n"),
                                    std::string("  private readonly svc?: Service | null;\n")}) {
    INFO(member);
    const std::string controller = "import { Service } from './service';\nexport class Controller {\n" + member +
                                   "  list(req: any, res: any) {\n    this.svc.run(req.query.d);\n  }\n}\n";  // line 5
    const finding* f = at(scan({{"src/controller.ts", controller}, {"src/service.ts", service}}),
                          "typescript.taint.cmdi", "src/controller.ts", 5);
    REQUIRE(f);
    CHECK(files_of(*f) == std::vector<std::string>{"", "src/service.ts"});
  }
  // An optional parameter, a union with undefined; a union of two classes is neither.
  for (const std::string& type : {std::string("svc?: Service"), std::string("svc: Service | undefined"),
                                  std::string("svc: Service | Other")}) {
    INFO(type);
    const std::string app = kExpress + "import { Service } from './service';\nfunction show(" + type +
                            ", d: string) {\n  svc.run(d);\n}\n"  // line 5
                            "app.get('/u', (req, res) => {\n  show(new Service(), req.query.d);\n});\n";
    auto found = scan({{"src/app.ts", app}, {"src/service.ts", service}});
    CHECK((at(found, "typescript.taint.cmdi", "src/app.ts", 5) != nullptr) == (type.find("Other") == std::string::npos));
  }
}

TEST_CASE("objects a factory returns are of its class when every return gives that one class", "[taint][xfile]") {
  const std::string head = kFlask + "from factory import make_repo\n@app.route('/u')\ndef user():\n    v = request.args['v']\n";
  const std::string call = "    r = make_repo()\n    r.save(v)\n";  // the call on line 8
  // The factory in its own file, the class imported there, or the class's own file.
  for (const std::string& factory : std::vector<std::string>{
           "from store import Repo\ndef make_repo():\n    return Repo()\n",
        "from store import Repo\ndef make_repo(kind=None):\n    if kind:\n        return Repo()\n    return Repo()\n",
        kStore + "def make_repo():\n    return Repo()\n",
        "from store import Repo\ndef make_repo() -> Repo:\n    return connect()\n"}) {
    INFO(factory);
    auto found = scan({{"app.py", head + call}, {"factory.py", factory}, {"store.py", kStore}});
    const finding* f = at(found, "python.taint.sqli", "app.py", 8);
    REQUIRE(f);
    CHECK(f->path.back().file == (factory.find("class Repo") != std::string::npos ? "factory.py" : "store.py"));
  }
  // A factory of the same file, called on its result at once.
  CHECK(at(scan({{"app.py", kFlask + "from store import Repo\ndef make():\n    return Repo()\n"
                                     "@app.route('/u')\ndef user():\n    make().save(request.args['v'])\n"},
                 {"store.py", kStore}}),
           "python.taint.sqli", "app.py", 8));
  // Not every return gives a Repo, two classes, or a declared class that a class of the project extends.
  for (const auto& [factory, extra] : std::vector<std::pair<std::string, std::string>>{
           {"from store import Repo\ndef make_repo(kind=None):\n    if kind:\n        return Repo()\n    return None\n", ""},
           {"from store import Repo, Log\ndef make_repo(kind=None):\n    if kind:\n        return Log()\n    return Repo()\n",
            ""},
           {"from store import Repo\ndef make_repo() -> Repo:\n    return connect()\n",
            "class Quiet(Repo):\n    def save(self, v):\n        return v\n"}}) {
    INFO(factory);
    CHECK(scan({{"app.py", head + call},
                {"factory.py", factory},
                {"store.py", kStore + "class Log:\n    def write(self, v):\n        return v\n" + extra}})
              .empty());
  }
  // JavaScript: `return new Helper()`; Java: a method's declared return type.
  const std::string helper = "class Helper {\n  run(dir) {\n" + kRun + "  }\n}\n";
  const finding* f = at(scan({{"server.js", express("const { make } = require('./helper');", "const h = make(); h.run(req.query.d);")},
                              {"helper.js", helper + "function make() { return new Helper(); }\nmodule.exports = { make };\n"}}),
                        "javascript.taint.cmdi", "server.js", 5);
  REQUIRE(f);
  CHECK(f->path.back().file == "helper.js");
  CHECK(scan({{"server.js", express("const { make } = require('./helper');", "const h = make(); h.run(req.query.d);")},
              {"helper.js", helper + "function make(x) { if (x) return {}; return new Helper(); }\nmodule.exports = { make };\n"}})
            .empty());
}

namespace {

const std::string kDao =
    "package app.dao;\n"
    "public class UserDao {\n"
    "  public void find(String id) throws Exception {\n"
    "    Runtime.getRuntime().exec(\"find \" + id);\n"  // the sink on line 4
    "  }\n"
    "  public static UserDao instance() { return new UserDao(); }\n"
    "}\n";

// A servlet with `members` after its class line and `body` in doGet after `String c = ...` on line 8.
std::string servlet(const std::string& members, const std::string& body) {
  return "package app.web;\n"
         "import javax.servlet.http.*;\n"
         "import app.dao.UserDao;\n"
         "public class Users extends HttpServlet {\n" +
         members +
         "  public void doGet(HttpServletRequest request, HttpServletResponse response) throws Exception {\n"
         "    String c = request.getParameter(\"c\");\n" +
         body + "  }\n}\n";
}

}  // namespace

TEST_CASE("java: calls on fields and parameters and variables typed with a class of another file",
          "[taint][xfile]") {
  const std::string members = "  @Autowired\n  private UserDao dao;\n";  // doGet on line 7, c on 8
  auto found = scan({{"src/app/web/Users.java",
                      servlet(members,
                              "    dao.find(c);\n"                        // 9
                              "    this.dao.find(c);\n"                   // 10
                              "    lookup(dao, c);\n"                     // 11
                              "    UserDao d = UserDao.instance();\n"
                              "    d.find(c);\n") +                       // 13
                          ""},
                     {"src/app/dao/UserDao.java", kDao}});
  for (int line : {9, 10, 13}) {
    INFO(line);
    const finding* f = at(found, "java.taint.cmdi", "src/app/web/Users.java", line);
    REQUIRE(f);
    CHECK(files_of(*f) == std::vector<std::string>{"", "src/app/dao/UserDao.java"});
    CHECK(f->path.back().line == 4);
  }
  // A parameter of a method of the class typed UserDao.
  found = scan({{"src/app/web/Users.java",
                 servlet("  private void lookup(UserDao store, String v) throws Exception {\n    store.find(v);\n  }\n",
                         "    lookup(UserDao.instance(), c);\n")},
                {"src/app/dao/UserDao.java", kDao}});
  const finding* f = at(found, "java.taint.cmdi", "src/app/web/Users.java", 6);
  REQUIRE(f);
  CHECK(files_of(*f).back() == "src/app/dao/UserDao.java");
  // A field typed with an interface (its method has no body), a class some
  // class extends, a class two packages define (not imported), an
  // overloaded method: unresolved.
  const std::string users = servlet(members, "    dao.find(c);\n");
  CHECK(scan({{"src/app/web/Users.java", users},
              {"src/app/dao/UserDao.java", "package app.dao;\npublic interface UserDao {\n  void find(String id);\n}\n"},
              {"src/app/dao/JdbcUserDao.java", "package app.dao;\npublic class JdbcUserDao implements UserDao {\n" +
                                                   kDao.substr(kDao.find("  public void find"))}})
            .empty());
  CHECK(scan({{"src/app/web/Users.java", users},
              {"src/app/dao/UserDao.java", kDao},
              {"src/app/dao/SafeDao.java",
               "package app.dao;\npublic class SafeDao extends UserDao {\n  public void find(String id) {}\n}\n"}})
            .empty());
  std::string unimported = users;
  unimported.erase(unimported.find("import app.dao.UserDao;\n"), 24);
  CHECK(scan({{"src/app/web/Users.java", unimported},
              {"src/app/dao/UserDao.java", kDao},
              {"src/app/old/UserDao.java", "package app.old;\n" + kDao.substr(kDao.find('\n') + 1)}})
            .empty());
  // An imported class of a library that shares the project class's name.
  std::string library = users;
  library.replace(library.find("import app.dao.UserDao;"), 23, "import org.lib.UserDao;");
  CHECK(scan({{"src/app/web/Users.java", library}, {"src/app/dao/UserDao.java", kDao}}).empty());
  // An object a method returns, by its declared return type (UserDao.instance) or a factory of this file.
  found = scan({{"src/app/web/Users.java",
                 servlet("  private UserDao open() { return lookup(); }\n",
                         "    UserDao.instance().find(c);\n"   // line 8
                         "    var d = UserDao.instance();\n"
                         "    d.find(c);\n"                      // 10
                         "    open().find(c);\n")},              // 11
                {"src/app/dao/UserDao.java", kDao}});
  for (int line : {8, 10, 11}) {
    INFO(line);
    REQUIRE(at(found, "java.taint.cmdi", "src/app/web/Users.java", line));
  }
  std::string overloaded = kDao;
  overloaded.insert(overloaded.find("  public static"), "  public void find(int id) {}\n");
  CHECK(scan({{"src/app/web/Users.java", users}, {"src/app/dao/UserDao.java", overloaded}}).empty());
}

TEST_CASE("java: a Spring controller, a service of no source or sink and the repository it calls", "[taint][xfile]") {
  auto found = scan({{"src/app/web/UserController.java",
                      "package app.web;\n"
                      "import app.core.UserService;\n"
                      "@RestController\n"
                      "public class UserController {\n"
                      "  private final UserService users;\n"
                      "  @GetMapping(\"/users\")\n"
                      "  public Object list(@RequestParam String name) {\n"
                      "    return users.byName(name);\n"  // line 8
                      "  }\n"
                      "}\n"},
                     {"src/app/core/UserService.java",
                      "package app.core;\n"
                      "import app.db.UserRepository;\n"
                      "public class UserService {\n"
                      "  private final UserRepository repo;\n"
                      "  public Object byName(String name) {\n"
                      "    return repo.find(\"name = '\" + name + \"'\");\n"  // line 6
                      "  }\n"
                      "}\n"},
                     {"src/app/db/UserRepository.java",
                      "package app.db;\n"
                      "public class UserRepository {\n"
                      "  private JdbcTemplate jdbc;\n"
                      "  public Object find(String where) {\n"
                      "    return jdbc.queryForList(\"SELECT * FROM users WHERE \" + where);\n"  // line 5
                      "  }\n"
                      "}\n"}});
  const finding* f = at(found, "java.taint.sqli", "src/app/web/UserController.java", 8);
  REQUIRE(f);
  CHECK(files_of(*f) ==
        std::vector<std::string>{"", "src/app/core/UserService.java", "src/app/db/UserRepository.java"});
  CHECK(f->path.back().line == 5);
}
