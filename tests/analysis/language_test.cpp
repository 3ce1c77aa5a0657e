// Language detection: every extension, name and shebang mapping, case
// folding, and which clue wins when they disagree.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "analysis/language.h"

using namespace heimdall::analysis;

namespace {

struct language_case {
  std::string path;
  std::string head;
  language expected;
};

void check_all(const std::vector<language_case>& cases) {
  for (const auto& c : cases) {
    INFO("path '" << c.path << "', head '" << c.head << "'");
    CHECK(language_name(detect_language(c.path, c.head)) == language_name(c.expected));
  }
}

}  // namespace

TEST_CASE("language names round-trip", "[analysis][language]") {
  for (int i = static_cast<int>(language::unknown); i <= static_cast<int>(language::html); ++i) {
    auto lang = static_cast<language>(i);
    CHECK(language_from_name(language_name(lang)) == lang);
  }
  CHECK(language_from_name("Python") == language::unknown);
  CHECK(language_from_name("cobol") == language::unknown);
}

TEST_CASE("languages by extension", "[analysis][language]") {
  check_all({
      {"app.py", "", language::python},           {"gui.pyw", "", language::python},
      {"a.js", "", language::javascript},         {"a.mjs", "", language::javascript},
      {"a.cjs", "", language::javascript},        {"a.jsx", "", language::javascript},
      {"a.ts", "", language::typescript},         {"a.tsx", "", language::typescript},
      {"A.java", "", language::java},             {"main.go", "", language::go},
      {"index.php", "", language::php},           {"app.rb", "", language::ruby},
      {"x.c", "", language::c},                   {"x.h", "", language::c},
      {"x.cc", "", language::cpp},                {"x.cpp", "", language::cpp},
      {"x.cxx", "", language::cpp},               {"x.hpp", "", language::cpp},
      {"x.hh", "", language::cpp},                {"run.sh", "", language::shell},
      {"run.bash", "", language::shell},          {"ci.yml", "", language::yaml},
      {"k8s.yaml", "", language::yaml},           {"package.json", "", language::json},
      {"main.tf", "", language::terraform},       {"prod.tfvars", "", language::terraform},
      {"pom.xml", "", language::xml},             {"app.properties", "", language::properties},
      {"php.ini", "", language::properties},      {"setup.cfg", "", language::properties},
      {"pyproject.toml", "", language::properties}, {"index.html", "", language::html},
      {"page.htm", "", language::html},             {"card.mustache", "", language::html},
      {"list.hbs", "", language::html},             {"form.jsp", "", language::html},
      {"nginx.conf.j2", "", language::unknown},
      {"views/index.ejs", "", language::html},      {"views/layout.pug", "", language::html},
      {"views/old.jade", "", language::html},       {"base.njk", "", language::html},
      {"profile.djhtml", "", language::html},
  });
}

TEST_CASE("a jinja template is html when its name says it renders a page", "[analysis][language]") {
  check_all({
      {"templates/index.html.j2", "", language::html},
      {"templates/index.HTML.jinja2", "", language::html},
      {"templates/index.jinja", "", language::html},
      {"templates/mail.htm.jinja", "", language::html},
      {"roles/web/templates/site.j2", "", language::unknown},
      {"roles/web/templates/nginx.conf.jinja2", "", language::unknown},
      {".j2", "", language::unknown},
  });
  CHECK(is_jinja_html_template("a/page.html.j2"));
  CHECK_FALSE(is_jinja_html_template("a/page.html"));
}

TEST_CASE("an erb template is html unless its name says it renders something else", "[analysis][language]") {
  check_all({
      {"app/views/users/show.html.erb", "", language::html},
      {"page.erb", "", language::html},
      {"Mailer.HTM.ERB", "", language::html},
      {"config/database.yml.erb", "", language::unknown},
      {"app/views/users/show.js.erb", "", language::unknown},
      {".erb", "", language::unknown},
  });
  CHECK(is_erb_template("app/views/a.html.erb"));
  CHECK_FALSE(is_erb_template("app/views/a.html"));
  CHECK_FALSE(is_erb_template("erb/a.yml.erb"));
}

TEST_CASE("a .config file is XML only when its content is", "[analysis][language]") {
  check_all({
      {"web.config", "<?xml version=\"1.0\"?>\n<configuration>", language::xml},
      {"App.Release.config", "\xEF\xBB\xBF  <configuration>", language::xml},
      {"manpath.config", "# manpath.config\nMANDATORY_MANPATH /usr/man", language::unknown},
      {"debconf.config", "#!/bin/sh\nset -e", language::shell},
  });
}

TEST_CASE("extensions and names are case-insensitive", "[analysis][language]") {
  check_all({
      {"APP.PY", "", language::python},         {"Main.Go", "", language::go},
      {"Index.PHP", "", language::php},         {"X.CPP", "", language::cpp},
      {"X.H", "", language::c},                 {"CI.YML", "", language::yaml},
      {"MAIN.TF", "", language::terraform},     {"Settings.Json", "", language::json},
      {"DOCKERFILE", "", language::dockerfile}, {"dockerfile", "", language::dockerfile},
      {".ENV", "", language::dotenv},           {"GEMFILE", "", language::ruby},
  });
}

TEST_CASE("languages by file name", "[analysis][language]") {
  check_all({
      {"Dockerfile", "", language::dockerfile},
      {"docker/Dockerfile.prod", "", language::dockerfile},
      {"api.dockerfile", "", language::dockerfile},
      {"Containerfile", "", language::dockerfile},
      {"Containerfile.dev", "", language::dockerfile},
      {".env", "", language::dotenv},
      {"config/.env.local", "", language::dotenv},
      {".env.example", "", language::dotenv},
      {"Gemfile", "", language::ruby},
      {"Rakefile", "", language::ruby},
      {"go.mod", "", language::go},
      {"Jenkinsfile", "", language::unknown},
      {"README.md", "", language::unknown},
      {"Makefile", "", language::unknown},
      {".envrc", "", language::unknown},       // direnv: shell, not a dotenv file
      {".bashrc", "", language::unknown},      // a leading dot is not an extension
      {"archive.tar.gz", "", language::unknown},
      {"", "", language::unknown},
  });
}

TEST_CASE("only the last path component is looked at", "[analysis][language]") {
  check_all({
      {"src.py/readme", "", language::unknown},
      {"Dockerfile/notes.txt", "", language::unknown},
      {".env/config.yml", "", language::yaml},
      {".github/workflows/ci.yml", "", language::yaml},
  });
}

TEST_CASE("languages by shebang for files the name says nothing about", "[analysis][language]") {
  check_all({
      {"bin/tool", "#!/usr/bin/python\nprint(1)\n", language::python},
      {"bin/tool", "#!/usr/bin/env python3\n", language::python},
      {"bin/tool", "#!/usr/bin/python3.11 -u\n", language::python},
      {"bin/tool", "#!/usr/bin/env -S python3 -u\n", language::python},
      {"bin/tool", "#!/usr/bin/env PYTHONPATH=lib python\n", language::python},
      {"bin/tool", "#! /usr/bin/env node\r\nconsole.log(1)\r\n", language::javascript},
      {"bin/tool", "#!/usr/bin/nodejs\n", language::javascript},
      {"bin/tool", "#!/bin/bash\nset -e\n", language::shell},
      {"bin/tool", "#!/bin/sh", language::shell},
      {"bin/tool", "#!/usr/bin/env bash\n", language::shell},
      {"bin/tool", "#!/bin/dash\n", language::shell},
      {"bin/tool", "#!/usr/bin/zsh\n", language::shell},
      {"bin/tool", "#!/usr/bin/env ruby\n", language::ruby},
      {"bin/tool", "#!/usr/bin/ruby2.7\n", language::ruby},
      {"bin/tool", "#!/usr/bin/php\n<?php\n", language::php},
      {"bin/tool", "#!/usr/bin/env php8.2\n", language::php},
      {"bin/tool", "#!/USR/BIN/PYTHON\n", language::python},
      {"cgi-bin/form.cgi", "#!/usr/bin/perl\n", language::unknown},
      {"cgi-bin/form.cgi", "#!/usr/bin/env python\n", language::python},
      {"bin/tool", "#!/usr/bin/perl\n", language::unknown},
      {"bin/tool", "#!/usr/bin/env\n", language::unknown},
      {"bin/tool", "#!\n", language::unknown},
      {"bin/tool", "", language::unknown},
      {"bin/tool", "echo hi\n#!/bin/sh\n", language::unknown},  // only the first line counts
      {"bin/tool", " #!/bin/sh\n", language::unknown},
  });
}

TEST_CASE("the name outranks a shebang", "[analysis][language]") {
  check_all({
      {"launch.py", "#!/bin/sh\n", language::python},
      {"server.js", "#!/usr/bin/env python\n", language::javascript},
      {"Dockerfile", "#!/bin/bash\n", language::dockerfile},
      {".env", "#!/usr/bin/env ruby\n", language::dotenv},
  });
}
