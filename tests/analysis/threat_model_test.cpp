// threat_model: entry points of common frameworks found where they are,
// surfaces ranked, sensitive flows followed, boundaries derived; the
// model deterministic, its JSON exact, hostile swaps and cancellation
// honoured, and the rules' data checked when it loads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "analysis/threat_model.h"
#include "analysis/threat_model_rules.h"
#include "tests/analysis/scratch_tree.h"

using namespace heimdall;
using namespace heimdall::analysis;
using heimdall::analysis::test::scratch_tree;
namespace fs = std::filesystem;

namespace {

// A tree with one file per framework, a few sensitive flows and some
// files that hold no entry point at all.
void write_web_tree(const scratch_tree& t) {
  t.write("app/flask_app.py",
          "from flask import Flask, request, jsonify\n"                           // 1
          "from flask_login import login_required\n"                              // 2
          "import logging\n"                                                      // 3
          "\n"                                                                    // 4
          "app = Flask(__name__)\n"                                               // 5
          "\n"                                                                    // 6
          "\n"                                                                    // 7
          "@app.route('/login', methods=['GET', 'POST'])\n"                       // 8
          "def login():\n"                                                        // 9
          "    username = request.form['username']\n"                             // 10
          "    password = request.form['password']\n"                             // 11
          "    logging.info(\"login attempt for %s with %s\", username, password)\n"  // 12
          "    logging.info(\"Invalid password for %s\", username)\n"             // 13
          "    return jsonify(ok=True)\n"                                         // 14
          "\n"                                                                    // 15
          "\n"                                                                    // 16
          "@app.route('/admin/users')\n"                                          // 17
          "def admin_users():\n"                                                  // 18
          "    return jsonify(users=[])\n"                                        // 19
          "\n"                                                                    // 20
          "\n"                                                                    // 21
          "@app.route('/admin/settings')\n"                                       // 22
          "@login_required\n"                                                     // 23
          "def admin_settings():\n"                                               // 24
          "    return jsonify(settings={})\n"                                     // 25
          "\n"                                                                    // 26
          "# @app.route('/old')\n");                                              // 27
  t.write("app/tasks_web.py",
          "import subprocess\n"                           // 1
          "from flask import Blueprint, request\n"        // 2
          "\n"                                            // 3
          "bp = Blueprint('tasks', __name__)\n"           // 4
          "\n"                                            // 5
          "@bp.route('/run', methods=['POST'])\n"         // 6
          "def run():\n"                                  // 7
          "    cmd = request.form['cmd']\n"               // 8
          "    subprocess.run(cmd, shell=True)\n"         // 9
          "    return 'ok'\n");                           // 10
  t.write("api/main.py",
          "from fastapi import FastAPI\n"        // 1
          "\n"                                   // 2
          "app = FastAPI()\n"                    // 3
          "\n"                                   // 4
          "\n"                                   // 5
          "@app.get(\"/items/{item_id}\")\n"     // 6
          "async def read_item(item_id: int):\n" // 7
          "    return {\"item_id\": item_id}\n"); // 8
  t.write("shop/urls.py",
          "from django.urls import path, include\n"                          // 1
          "from . import views\n"                                            // 2
          "\n"                                                               // 3
          "urlpatterns = [\n"                                                // 4
          "    path('users/<int:pk>/', views.user_detail, name='user-detail'),\n"  // 5
          "    path('api/', include('api.urls')),\n"                         // 6
          "]\n");                                                            // 7
  t.write("web/server.js",
          "const express = require('express');\n"                                              // 1
          "const axios = require('axios');\n"                                                  // 2
          "const app = express();\n"                                                           // 3
          "const router = express.Router();\n"                                                 // 4
          "\n"                                                                                 // 5
          "app.get('/users/:id', auth, getUser);\n"                                            // 6
          "router.post(\"/login\", async (req, res) => {\n"                                    // 7
          "  const { email, password } = req.body;\n"                                          // 8
          "  console.log('login', email, password);\n"                                         // 9
          "  const user = await User.create({ email, password: await bcrypt.hash(password, 10) });\n"  // 10
          "  res.json({ id: user.id });\n"                                                     // 11
          "});\n"                                                                              // 12
          "axios.get('/api/x', cfg);\n"                                                        // 13
          "// app.get('/commented', h);\n");                                                   // 14
  t.write("src/main/java/com/example/UserController.java",
          "package com.example;\n"                               // 1
          "\n"                                                   // 2
          "@RestController\n"                                    // 3
          "@RequestMapping(\"/api\")\n"                          // 4
          "public class UserController {\n"                      // 5
          "\n"                                                   // 6
          "    @GetMapping(\"/users/{id}\")\n"                   // 7
          "    public User getUser(@PathVariable Long id) {\n"   // 8
          "        return repo.findById(id);\n"                  // 9
          "    }\n"                                              // 10
          "\n"                                                   // 11
          "    @PostMapping(value = \"/users\")\n"               // 12
          "    public User create(@RequestBody User user) {\n"   // 13
          "        return repo.save(user);\n"                    // 14
          "    }\n"                                              // 15
          "}\n");                                                // 16
  t.write("cmd/server/main.go",
          "package main\n"                                           // 1
          "\n"                                                       // 2
          "import \"net/http\"\n"                                    // 3
          "\n"                                                       // 4
          "func main() {\n"                                          // 5
          "\thttp.HandleFunc(\"/upload\", uploadHandler)\n"          // 6
          "\tmux.HandleFunc(\"POST /items/{id}\", h.createItem)\n"   // 7
          "\thttp.ListenAndServe(\":8080\", nil)\n"                  // 8
          "}\n");                                                    // 9
  t.write("tools/cli.py",
          "import argparse\n"                                           // 1
          "\n"                                                          // 2
          "\n"                                                          // 3
          "def main():\n"                                               // 4
          "    parser = argparse.ArgumentParser(description='tool')\n"  // 5
          "    parser.add_argument('name')\n"                           // 6
          "    return parser.parse_args()\n"                            // 7
          "\n"                                                          // 8
          "\n"                                                          // 9
          "if __name__ == \"__main__\":\n"                              // 10
          "    main()\n");                                              // 11
  t.write("native/main.c",
          "#include <stdio.h>\n"                  // 1
          "\n"                                    // 2
          "int main(int argc, char **argv) {\n"   // 3
          "  printf(\"hello %s\\n\", argv[0]);\n" // 4
          "  return 0;\n"                         // 5
          "}\n");                                 // 6
  // No entry points here.
  t.write("clean/util.py", "def add(a, b):\n    return a + b\n");
  t.write("clean/helper.js", "module.exports = (a, b) => a + b;\n");
  t.write("README.md", "# app\n\nRun `python tools/cli.py`; app.get('/readme', h) is prose.\n");
}

result<threat_model> model_of(const fs::path& root, const std::function<bool()>& cancelled = {}) {
  auto inv = take_inventory(root, inventory_limits{});
  if (!inv) return inv.error();
  return build_threat_model(root, *inv, cancelled);
}

const entry_point* entry_at(const threat_model& model, const std::string& file, int line) {
  for (const attack_surface& s : model.surfaces) {
    for (const entry_point& e : s.entry_points) {
      if (e.file_path == file && e.line == line) return &e;
    }
  }
  return nullptr;
}

const attack_surface* surface_named(const threat_model& model, const std::string& name) {
  for (const attack_surface& s : model.surfaces) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// kind, framework, method, route, function at file:line.
void check_entry(const threat_model& model, const std::string& file, int line, const std::string& kind,
                 const std::string& framework, const std::string& method, const std::string& route,
                 const std::string& function) {
  INFO(file << ":" << line);
  const entry_point* e = entry_at(model, file, line);
  REQUIRE(e != nullptr);
  CHECK(e->kind == kind);
  CHECK(e->framework == framework);
  CHECK(e->method == method);
  CHECK(e->route == route);
  CHECK(e->function == function);
}

}  // namespace

TEST_CASE("the shipped threat-model rules load and their examples hold", "[threat_model]") {
  const auto& rules = shipped_threat_model_rules();
  INFO((rules ? std::string() : rules.error().to_string()));
  REQUIRE(rules);
  CHECK(rules->data().entries.size() >= 40);
  CHECK(rules->data().sources.size() >= 10);
  CHECK(rules->data().sinks.size() >= 20);
  CHECK(rules->data().kinds.size() == 4);
}

TEST_CASE("entry points of common frameworks are found with method, route and handler", "[threat_model]") {
  scratch_tree t;
  write_web_tree(t);
  auto model = model_of(t.root());
  REQUIRE(model);

  check_entry(*model, "app/flask_app.py", 8, "http_route", "flask", "GET,POST", "/login", "login");
  check_entry(*model, "app/flask_app.py", 17, "http_route", "flask", "GET", "/admin/users", "admin_users");
  check_entry(*model, "app/flask_app.py", 22, "http_route", "flask", "GET", "/admin/settings", "admin_settings");
  check_entry(*model, "app/tasks_web.py", 6, "http_route", "flask", "POST", "/run", "run");
  check_entry(*model, "api/main.py", 6, "http_route", "fastapi", "GET", "/items/{item_id}", "read_item");
  check_entry(*model, "shop/urls.py", 5, "http_route", "django", "ANY", "/users/<int:pk>/", "views.user_detail");
  check_entry(*model, "web/server.js", 6, "http_route", "express", "GET", "/users/:id", "getUser");
  check_entry(*model, "web/server.js", 7, "http_route", "express", "POST", "/login", "");
  check_entry(*model, "src/main/java/com/example/UserController.java", 7, "http_route", "spring", "GET",
              "/users/{id}", "getUser");
  check_entry(*model, "src/main/java/com/example/UserController.java", 12, "http_route", "spring", "POST",
              "/users", "create");
  check_entry(*model, "cmd/server/main.go", 5, "main", "", "", "", "main");
  check_entry(*model, "cmd/server/main.go", 6, "http_route", "net/http", "ANY", "/upload", "uploadHandler");
  check_entry(*model, "cmd/server/main.go", 7, "http_route", "net/http", "POST", "/items/{id}", "h.createItem");
  check_entry(*model, "tools/cli.py", 5, "cli", "argparse", "", "", "");
  check_entry(*model, "tools/cli.py", 10, "main", "", "", "", "__main__");
  check_entry(*model, "native/main.c", 3, "main", "", "", "", "main");

  // Nothing else: no include() line, class-level prefix, HTTP client call,
  // comment, prose or clean file.
  std::vector<entry_point> all = model->entry_points();
  CHECK(all.size() == 16);
  for (const entry_point& e : all) {
    INFO(e.file_path << ":" << e.line);
    CHECK(e.file_path.rfind("clean/", 0) != 0);
    CHECK(e.file_path != "README.md");
    CHECK_FALSE((e.file_path == "shop/urls.py" && e.line == 6));
    CHECK_FALSE((e.file_path == "src/main/java/com/example/UserController.java" && e.line == 4));
    CHECK_FALSE((e.file_path == "web/server.js" && e.line >= 13));
    CHECK_FALSE((e.file_path == "app/flask_app.py" && e.line == 27));
  }
}

TEST_CASE("attack surfaces are grouped per framework and ranked by risk", "[threat_model]") {
  scratch_tree t;
  write_web_tree(t);
  auto model = model_of(t.root());
  REQUIRE(model);

  std::vector<std::pair<std::string, std::string>> got;
  for (const attack_surface& s : model->surfaces) got.emplace_back(s.name, s.risk);
  std::vector<std::pair<std::string, std::string>> want = {
      {"HTTP API (flask)", "critical"},    // POST /run in a file that runs a shell command
      {"HTTP API (django)", "high"},       // path() accepts every method
      {"HTTP API (express)", "high"},      // POST /login
      {"HTTP API (net/http)", "high"},
      {"HTTP API (spring)", "high"},
      {"HTTP API (fastapi)", "medium"},    // one GET route, nothing dangerous near it
      {"Command line (argparse)", "low"},
      {"Program entry points", "low"},
  };
  CHECK(got == want);

  const attack_surface* flask = surface_named(*model, "HTTP API (flask)");
  REQUIRE(flask != nullptr);
  CHECK(flask->entry_points.size() == 4);
  // Entry points by file, then line.
  CHECK(flask->entry_points.front().file_path == "app/flask_app.py");
  CHECK(flask->entry_points.back().file_path == "app/tasks_web.py");
  CHECK_THAT(flask->description, Catch::Contains("command execution (app/tasks_web.py:9)"));
  // /admin/settings is behind @login_required; /admin/users is not.
  CHECK_THAT(flask->description, Catch::Contains("1 admin-looking route has no visible authentication"));
  CHECK_THAT(flask->description, Catch::Contains("/admin/users at app/flask_app.py:17"));

  CHECK_THAT(model->summary, Catch::Contains("Found 16 entry points in 9 files"));
  CHECK_THAT(model->summary, Catch::Contains("12 HTTP routes"));
  CHECK_THAT(model->summary, Catch::Contains("Riskiest surface: HTTP API (flask) (critical)"));
}

TEST_CASE("sensitive data is followed from a request to a log call", "[threat_model]") {
  scratch_tree t;
  write_web_tree(t);
  auto model = model_of(t.root());
  REQUIRE(model);

  REQUIRE(model->data_flows.size() == 2);
  const data_flow& flask = model->data_flows[0];
  CHECK(flask.file_path == "app/flask_app.py");
  CHECK(flask.line == 12);
  CHECK(flask.data_kind == "credentials");
  CHECK(flask.sink == "log");
  CHECK(flask.source == "request.form['password']");
  CHECK_THAT(flask.description, Catch::Contains("line 11"));
  CHECK_THAT(flask.description, Catch::Contains("`password`"));
  // "Invalid password" on line 13 is text, not the variable; the hashed
  // password written on web/server.js:10 is not the password any more.
  const data_flow& express = model->data_flows[1];
  CHECK(express.file_path == "web/server.js");
  CHECK(express.line == 9);
  CHECK(express.data_kind == "credentials");
  CHECK(express.sink == "log");
}

TEST_CASE("trust boundaries list the files that sit on them", "[threat_model]") {
  scratch_tree t;
  write_web_tree(t);
  auto model = model_of(t.root());
  REQUIRE(model);

  std::vector<std::string> names;
  for (const trust_boundary& b : model->boundaries) names.push_back(b.name);
  CHECK(names == std::vector<std::string>{"internet -> web application", "command line -> process",
                                          "application -> database", "application -> external services"});
  CHECK(model->boundaries[0].files ==
        std::vector<std::string>{"api/main.py", "app/flask_app.py", "app/tasks_web.py", "cmd/server/main.go",
                                 "shop/urls.py", "src/main/java/com/example/UserController.java", "web/server.js"});
  CHECK(model->boundaries[1].files ==
        std::vector<std::string>{"cmd/server/main.go", "native/main.c", "tools/cli.py"});
  CHECK(model->boundaries[2].files ==
        std::vector<std::string>{"src/main/java/com/example/UserController.java", "web/server.js"});
  CHECK(model->boundaries[3].files == std::vector<std::string>{"app/tasks_web.py", "web/server.js"});
  for (const trust_boundary& b : model->boundaries) CHECK_FALSE(b.description.empty());
}

TEST_CASE("PHP scripts, Rails routes and message handlers are entry points", "[threat_model]") {
  scratch_tree t;
  t.write("public/admin/upload.php",
          "<?php\n"                                                              // 1
          "$name = $_POST['name'];\n"                                            // 2
          "move_uploaded_file($_FILES['f']['tmp_name'], '/tmp/' . $name);\n"    // 3
          "echo \"ok\";\n");                                                     // 4
  t.write("config/routes.rb",
          "Rails.application.routes.draw do\n"    // 1
          "  root 'pages#home'\n"                 // 2
          "  get '/login', to: 'sessions#new'\n"  // 3
          "  resources :users\n"                  // 4
          "end\n");                               // 5
  t.write("worker/tasks.py",
          "from celery import shared_task\n"  // 1
          "\n"                                // 2
          "@shared_task\n"                    // 3
          "def send_email(to):\n"             // 4
          "    pass\n");                      // 5
  t.write("src/Listener.java",
          "class Listener {\n"                                       // 1
          "  @KafkaListener(topics = \"orders\", groupId = \"g\")\n"  // 2
          "  public void onOrder(String msg) {}\n"                    // 3
          "}\n");                                                     // 4
  auto model = model_of(t.root());
  REQUIRE(model);

  // One entry per script, its methods merged ($_FILES means a POST).
  check_entry(*model, "public/admin/upload.php", 2, "http_route", "php", "POST", "/public/admin/upload.php", "");
  check_entry(*model, "config/routes.rb", 2, "http_route", "rails", "GET", "/", "pages#home");
  check_entry(*model, "config/routes.rb", 3, "http_route", "rails", "GET", "/login", "sessions#new");
  check_entry(*model, "config/routes.rb", 4, "http_route", "rails", "ANY", "/users", "users");
  check_entry(*model, "worker/tasks.py", 3, "message_handler", "celery", "", "", "send_email");
  check_entry(*model, "src/Listener.java", 2, "message_handler", "kafka", "", "orders", "onOrder");
  CHECK(model->entry_points().size() == 6);

  // An admin script taking uploads with no authentication in sight.
  const attack_surface* php = surface_named(*model, "HTTP API (php)");
  REQUIRE(php != nullptr);
  CHECK(php->risk == "critical");
  CHECK(model->surfaces.front().name == "HTTP API (php)");
  const attack_surface* celery = surface_named(*model, "Message handlers (celery)");
  REQUIRE(celery != nullptr);
  CHECK(celery->risk == "medium");
  std::vector<std::string> names;
  for (const trust_boundary& b : model->boundaries) names.push_back(b.name);
  CHECK(std::find(names.begin(), names.end(), "message broker -> application") != names.end());
}

TEST_CASE("a rails action is a method ruby leaves public", "[threat_model]") {
  scratch_tree t;
  t.write("app/controllers/posts_controller.rb",
          "class PostsController < ApplicationController\n"  // 1
          "  def index; end\n"                                // 2
          "  def load_post; end\n"                            // 3: made private below
          "  def can_edit; end\n"                             // 4: made protected below
          "  def owner; end\n"                                // 5: made protected below
          "  private :load_post\n"                            // 6
          "  protected :can_edit, 'owner'\n"                  // 7
          "  private def audit\n"                             // 8
          "  end\n"                                           // 9
          "  def show; end\n"                                 // 10: `private def` opens no section
          "  private\n"                                       // 11
          "  def helper; end\n"                               // 12
          "  public\n"                                        // 13
          "  def feed; end\n"                                 // 14
          "  class << self\n"                                 // 15
          "    def policy; end\n"                             // 16: a class method
          "  end\n"                                           // 17
          "  private\n"                                       // 18
          "  def last; end\n"                                 // 19
          "end\n"                                             // 20
          "\n"                                                // 21
          "class DraftsController < ApplicationController\n"  // 22
          "  def edit; end\n"                                 // 23: another class, its own sections
          "  protected\n"                                     // 24
          "  def guard; end\n"                                // 25
          "end\n");                                           // 26
  auto model = model_of(t.root());
  REQUIRE(model);
  std::vector<std::pair<int, std::string>> found;
  for (const entry_point& ep : model->entry_points()) found.emplace_back(ep.line, ep.function);
  std::sort(found.begin(), found.end());
  using entry = std::pair<int, std::string>;
  CHECK(found == std::vector<entry>{{2, "index"}, {10, "show"}, {14, "feed"}, {23, "edit"}});
}

TEST_CASE("the public methods of a rails controller are http entry points and the private ones are not",
          "[threat_model]") {
  scratch_tree t;
  t.write("app/controllers/admin/users_controller.rb",
          "class Admin::UsersController < ApplicationController\n"  // 1
          "  def index\n"                                          // 2
          "    @users = User.all\n"                                // 3
          "  end\n"                                                // 4
          "\n"                                                     // 5
          "  def self.policy; end\n"                               // 6
          "  def show; end\n"                                      // 7
          "\n"                                                     // 8
          "  private\n"                                            // 9
          "\n"                                                     // 10
          "  def set_user\n"                                       // 11
          "    @user = User.find(params[:id])\n"                   // 12
          "  end\n"                                                // 13
          "end\n");                                                // 14
  t.write("lib/api/status.rb",
          "module Api\n"                                       // 1
          "  class StatusController < ActionController::API\n"  // 2
          "    def show\n"                                     // 3
          "      render json: { ok: true }\n"                  // 4
          "    end\n"                                          // 5
          "  end\n"                                            // 6
          "end\n");                                            // 7
  t.write("app/models/user.rb",
          "class User < ApplicationRecord\n"  // 1
          "  def display_name\n"              // 2
          "    name\n"                        // 3
          "  end\n"                           // 4
          "end\n");                           // 5
  auto model = model_of(t.root());
  REQUIRE(model);
  // Routed by Rails' convention: Admin::UsersController serves /admin/users.
  check_entry(*model, "app/controllers/admin/users_controller.rb", 2, "http_route", "rails", "ANY", "/admin/users",
              "index");
  check_entry(*model, "app/controllers/admin/users_controller.rb", 7, "http_route", "rails", "ANY", "/admin/users",
              "show");
  check_entry(*model, "lib/api/status.rb", 3, "http_route", "rails", "ANY", "", "show");
  CHECK(model->entry_points().size() == 3);
  // An admin controller with no authentication in sight, its actions open to any method.
  const attack_surface* rails = surface_named(*model, "HTTP API (rails)");
  REQUIRE(rails != nullptr);
  CHECK(rails->risk == "critical");
  CHECK_THAT(rails->description, Catch::Contains("admin-looking"));

  // The usual Rails callbacks that turn the anonymous away are authentication.
  t.write("app/controllers/admin/users_controller.rb",
          "class Admin::UsersController < ApplicationController\n"
          "  before_action :require_admin\n"
          "  def index; end\n"
          "end\n");
  model = model_of(t.root());
  REQUIRE(model);
  rails = surface_named(*model, "HTTP API (rails)");
  REQUIRE(rails != nullptr);
  CHECK_THAT(rails->description, !Catch::Contains("admin-looking"));
}

TEST_CASE("a tree without entry points gives an empty model that says so", "[threat_model]") {
  scratch_tree t;
  t.write("lib/util.py", "def add(a, b):\n    return a + b\n");
  auto model = model_of(t.root());
  REQUIRE(model);
  CHECK(model->surfaces.empty());
  CHECK(model->boundaries.empty());
  CHECK(model->data_flows.empty());
  CHECK_THAT(model->summary, Catch::StartsWith("No entry points were recognised in the 1 file read."));
}

TEST_CASE("the threat model does not depend on the inventory's order", "[threat_model]") {
  scratch_tree t;
  write_web_tree(t);
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  auto first = build_threat_model(t.root(), *inv);
  auto again = build_threat_model(t.root(), *inv);
  std::reverse(inv->files.begin(), inv->files.end());
  auto reversed = build_threat_model(t.root(), *inv);
  REQUIRE(first);
  REQUIRE(again);
  REQUIRE(reversed);
  CHECK(to_json(*first) == to_json(*again));
  CHECK(to_json(*first) == to_json(*reversed));
}

TEST_CASE("entry points are capped and the summary says so", "[threat_model]") {
  scratch_tree t;
  std::string routes = "from flask import Flask\napp = Flask(__name__)\n";
  for (int i = 0; i < 2100; ++i) routes += "@app.route('/r" + std::to_string(i) + "')\n";
  t.write("big.py", routes);
  auto model = model_of(t.root());
  REQUIRE(model);
  CHECK(model->entry_points().size() == 2000);
  CHECK_THAT(model->summary, Catch::Contains("capped at 2000"));
}

TEST_CASE("threat model JSON round-trips exactly", "[threat_model]") {
  scratch_tree t;
  write_web_tree(t);
  auto model = model_of(t.root());
  REQUIRE(model);
  std::string json = to_json(*model);
  CHECK(json.find('\n') == std::string::npos);  // minified
  CHECK(json.rfind("{\"summary\":", 0) == 0);
  auto back = threat_model_from_json(json);
  INFO((back ? std::string() : back.error().to_string()));
  REQUIRE(back);
  CHECK(to_json(*back) == json);
  CHECK(back->entry_points().size() == model->entry_points().size());
  CHECK(back->data_flows.size() == model->data_flows.size());

  // Strings that need escaping survive too.
  threat_model odd;
  odd.summary = "quote \" backslash \\ newline \n tab \t control \x01 caf\xc3\xa9";
  odd.boundaries.push_back(trust_boundary{"a -> b", "d", {"x\\y.py", "\"q\".js"}});
  odd.surfaces.push_back(attack_surface{"S", "low", "", {entry_point{"cli", "", "", "", "", "f.py", 1}}});
  odd.data_flows.push_back(data_flow{"token", "req.get('x')", "log", "f.js", 7, "</script>"});
  std::string odd_json = to_json(odd);
  auto odd_back = threat_model_from_json(odd_json);
  REQUIRE(odd_back);
  CHECK(odd_back->summary == odd.summary);
  CHECK(odd_back->boundaries[0].files == odd.boundaries[0].files);
  CHECK(to_json(*odd_back) == odd_json);
}

TEST_CASE("malformed threat model JSON is rejected with what is wrong", "[threat_model]") {
  const std::string entry = R"({"kind":"cli","framework":"","method":"","route":"","function":"","file_path":"a.py","line":3})";
  auto with_entry = [](const std::string& e) {
    return R"({"summary":"s","boundaries":[],"surfaces":[{"name":"S","risk":"low","description":"d","entry_points":[)" +
           e + R"(]}],"data_flows":[]})";
  };
  REQUIRE(threat_model_from_json(with_entry(entry)));

  struct bad_case {
    std::string json;
    std::string names;
  };
  std::vector<bad_case> cases = {
      {"not json", "invalid JSON"},
      {"[]", "must be an object"},
      {R"({"summary":"s","boundaries":[],"surfaces":[]})", "missing member 'data_flows'"},
      {R"({"summary":"s","boundaries":[],"surfaces":[],"data_flows":[],"extra":1})", "unknown member 'extra'"},
      {R"({"summary":"s","summary":"t","boundaries":[],"surfaces":[],"data_flows":[]})", "appears twice"},
      {R"({"summary":1,"boundaries":[],"surfaces":[],"data_flows":[]})", "summary: must be a string"},
      {R"({"summary":"s","boundaries":{},"surfaces":[],"data_flows":[]})", "boundaries: must be an array"},
      {R"({"summary":"s","boundaries":[{"name":"n","description":"d","files":[1]}],"surfaces":[],"data_flows":[]})",
       "boundaries[0].files[0]: must be a string"},
      {R"({"summary":"s","boundaries":[],"surfaces":[{"name":"S","risk":"severe","description":"d","entry_points":[]}],"data_flows":[]})",
       "surfaces[0].risk: 'severe' is not one of"},
      {with_entry(R"({"kind":"cli","framework":"","method":"","route":"","function":"","file_path":"a.py","line":0})"),
       "surfaces[0].entry_points[0].line: must be a positive integer"},
      {with_entry(R"({"kind":"cli","framework":"","method":"","route":"","function":"","file_path":"a.py","line":"3"})"),
       "entry_points[0].line: must be a positive integer"},
      {with_entry(R"({"kind":"daemon","framework":"","method":"","route":"","function":"","file_path":"a.py","line":3})"),
       "entry_points[0].kind: 'daemon' is not one of"},
      {with_entry(R"({"kind":"cli","framework":"","method":"","route":"","file_path":"a.py","line":3})"),
       "entry_points[0]: missing member 'function'"},
      {R"({"summary":"s","boundaries":[],"surfaces":[],"data_flows":[{"data_kind":"gossip","source":"s","sink":"log","file_path":"f","line":1,"description":"d"}]})",
       "data_flows[0].data_kind: 'gossip' is not one of"},
      {with_entry(entry) + "x", "invalid JSON"},
  };
  for (const bad_case& c : cases) {
    INFO(c.json);
    auto parsed = threat_model_from_json(c.json);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code() == errc::invalid_argument);
    CHECK_THAT(parsed.error().message(), Catch::Contains(c.names));
  }
}

TEST_CASE("building the threat model stops when cancelled", "[threat_model]") {
  scratch_tree t;
  write_web_tree(t);
  int checks = 0;
  auto model = model_of(t.root(), [&] { return ++checks > 2; });
  REQUIRE_FALSE(model);
  CHECK(model.error().code() == errc::closed);
}

TEST_CASE("a file swapped for a symlink after the inventory is not read by the threat model", "[threat_model]") {
  scratch_tree t;
  t.write("evil.py", "from flask import Flask\napp = Flask(__name__)\n@app.route('/outside')\ndef f():\n    pass\n",
          /*outside=*/true);
  t.write("a.py", "print('hello')\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  fs::remove(t.root() / "a.py");
  fs::create_symlink(t.base() / "evil.py", t.root() / "a.py");
  auto model = build_threat_model(t.root(), *inv);
  REQUIRE(model);
  CHECK(model->entry_points().empty());
  CHECK_THAT(model->summary, Catch::Contains("1 file could not be read"));

  // The same content inside the tree is read: the symlink was the reason.
  fs::remove(t.root() / "a.py");
  fs::copy_file(t.base() / "evil.py", t.root() / "a.py");
  auto direct = build_threat_model(t.root(), *inv);
  REQUIRE(direct);
  CHECK(direct->entry_points().size() == 1);
}

TEST_CASE("broken threat-model rule data is rejected naming the rule", "[threat_model]") {
  const std::string entries(shipped_entry_points_json());
  const std::string flows(shipped_data_flows_json());
  auto load_with = [&](std::string e, std::string f) { return load_threat_model_rules(e, f); };
  auto replaced = [](std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };

  struct bad_case {
    std::string entries, flows, names;
  };
  std::vector<bad_case> cases = {
      {"{", flows, "entry_points.json: invalid JSON"},
      {replaced(entries, "\"once_per_file\"", "\"once_per_fle\""), flows, "unknown field 'once_per_fle'"},
      {replaced(entries, "\"kind\": \"http_route\"", "\"kind\": \"socket\""), flows,
       "entry rule 'flask.route': unknown kind 'socket'"},
      {replaced(entries, "\"route = '/users'\"", "\"@app.route('/users')\""), flows,
       "entry rule 'flask.route': negative example matched"},
      {replaced(entries, "\"handler\": \"python\"", "\"handler\": \"cobol\""), flows,
       "unknown handler definition 'cobol'"},
      {replaced(entries, "\"languages\": [\n        \"python\"", "\"languages\": [\n        \"klingon\""), flows,
       "unknown language 'klingon'"},
      {entries, replaced(flows, "\"sink\": \"database\"", "\"sink\": \"void\""), "unknown sink kind 'void'"},
      {entries, replaced(flows, "(?P<key>", "(?P<name>"), "unknown named group 'name'"},
      {entries, replaced(flows, "\"kind\": \"credentials\"", "\"kind\": \"gossip\""), "unknown data kind"},
  };
  for (const bad_case& c : cases) {
    INFO(c.names);
    auto loaded = load_with(c.entries, c.flows);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code() == errc::invalid_argument);
    CHECK_THAT(loaded.error().message(), Catch::Contains(c.names));
  }
}

TEST_CASE("on equal risk, a network surface ranks before the command line", "[threat_model]") {
  scratch_tree t;
  // A read-only route (medium) and a CLI that runs a shell (medium): the
  // route is reachable by anyone, so it is the riskier of the two.
  t.write("web/app.py", "from flask import Flask\napp = Flask(__name__)\n@app.route('/health')\ndef health():\n    return 'ok'\n");
  t.write("bin/tool.py", "import os, sys\nos.system('ls ' + sys.argv[1])\n");
  auto model = model_of(t.root());
  REQUIRE(model);
  REQUIRE(model->surfaces.size() == 2);
  CHECK(model->surfaces[0].name == "HTTP API (flask)");
  CHECK(model->surfaces[0].risk == "medium");
  CHECK(model->surfaces[1].name == "Command line (sys.argv)");
  CHECK(model->surfaces[1].risk == "medium");
  CHECK_THAT(model->summary, Catch::Contains("Riskiest surface: HTTP API (flask) (medium)"));
}
