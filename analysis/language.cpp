#include "analysis/language.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace heimdall::analysis {
namespace {

constexpr std::array<std::pair<language, std::string_view>, 19> kNames = {{
    {language::unknown, "unknown"},     {language::python, "python"},       {language::javascript, "javascript"},
    {language::typescript, "typescript"}, {language::java, "java"},        {language::go, "go"},
    {language::php, "php"},             {language::ruby, "ruby"},           {language::c, "c"},
    {language::cpp, "cpp"},             {language::shell, "shell"},         {language::dockerfile, "dockerfile"},
    {language::yaml, "yaml"},           {language::json, "json"},           {language::terraform, "terraform"},
    {language::dotenv, "dotenv"},       {language::xml, "xml"},             {language::properties, "properties"},
    {language::html, "html"},
}};

// Lower-case extensions (without the dot). A name rule (below) wins over
// these, so "Dockerfile.dev" and ".env.local" are not looked up here.
constexpr std::array<std::pair<std::string_view, language>, 43> kExtensions = {{
    {"py", language::python},        {"pyw", language::python},
    {"js", language::javascript},    {"mjs", language::javascript},  {"cjs", language::javascript},
    {"jsx", language::javascript},   {"ts", language::typescript},   {"tsx", language::typescript},
    {"java", language::java},        {"go", language::go},           {"php", language::php},
    {"rb", language::ruby},          {"c", language::c},             {"h", language::c},
    {"cc", language::cpp},           {"cpp", language::cpp},         {"cxx", language::cpp},
    {"hpp", language::cpp},          {"hh", language::cpp},          {"sh", language::shell},
    {"bash", language::shell},       {"yml", language::yaml},        {"yaml", language::yaml},
    {"json", language::json},        {"tf", language::terraform},    {"tfvars", language::terraform},
    {"xml", language::xml},          {"properties", language::properties},
    {"ini", language::properties},   {"cfg", language::properties},  {"toml", language::properties},
    {"dockerfile", language::dockerfile},  // "api.dockerfile"
    // Templates whose output is HTML. Not .j2/.jinja: those also render
    // configuration files (Ansible), where HTML attribute rules misfire
    // (language_by_name takes `page.html.j2`).
    {"html", language::html},        {"htm", language::html},        {"mustache", language::html},
    {"hbs", language::html},         {"handlebars", language::html}, {"jsp", language::html},
    {"ejs", language::html},         {"pug", language::html},        {"jade", language::html},
    {"njk", language::html},         {"djhtml", language::html},
}};

// Interpreter names as they appear in a shebang, version suffix removed
// ("python3.11" -> "python").
constexpr std::array<std::pair<std::string_view, language>, 11> kInterpreters = {{
    {"python", language::python}, {"node", language::javascript}, {"nodejs", language::javascript},
    {"sh", language::shell},      {"bash", language::shell},      {"dash", language::shell},
    {"ash", language::shell},     {"ksh", language::shell},       {"zsh", language::shell},
    {"ruby", language::ruby},     {"php", language::php},
}};

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view after_last_slash(std::string_view s) {
  auto slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

// Whether the file name `path` ends in the template extension `ext`
// (".erb") and renders HTML: the extension before it is .html or .htm, or,
// when `bare_is_html`, there is none (`page.erb`).
bool renders_html(std::string_view path, std::string_view ext, bool bare_is_html) {
  std::string name = to_lower(after_last_slash(path));
  if (name.size() <= ext.size() || !name.ends_with(ext)) return false;
  name.resize(name.size() - ext.size());
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return bare_is_html;
  std::string_view output = std::string_view(name).substr(dot + 1);
  return output == "html" || output == "htm";
}

// Whole-name rules for files whose extension says nothing (or misleads:
// "Dockerfile.prod" is not a ".prod" file). `name` is lower-case.
language language_by_name(std::string_view name) {
  if (name == "dockerfile" || name == "containerfile" || name.starts_with("dockerfile.") ||
      name.starts_with("containerfile.")) {
    return language::dockerfile;
  }
  if (name == ".env" || name.starts_with(".env.")) return language::dotenv;
  if (name == "gemfile" || name == "rakefile") return language::ruby;
  if (name == "go.mod") return language::go;
  if (is_erb_template(name) || is_jinja_html_template(name)) return language::html;
  return language::unknown;
}

language language_by_extension(std::string_view name) {
  auto dot = name.rfind('.');
  // A leading dot marks a hidden file (".bashrc"), not an extension.
  if (dot == std::string_view::npos || dot == 0) return language::unknown;
  std::string_view ext = name.substr(dot + 1);
  for (const auto& [e, lang] : kExtensions) {
    if (e == ext) return lang;
  }
  return language::unknown;
}

// ".config" names both .NET's XML settings (web.config, app.config,
// NuGet.config) and unrelated formats (man-db's manpath.config, dpkg's
// shell scripts), so the content decides: XML starts with '<' (after an
// optional UTF-8 byte-order mark and blank space).
bool is_xml_config(std::string_view name, std::string_view head) {
  if (!name.ends_with(".config")) return false;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  auto start = head.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && head[start] == '<';
}

// "#!/usr/bin/env -S python3 -u" -> python. Only the first line of `head`
// is read; `env` and its options and VAR=value assignments are skipped.
language language_by_shebang(std::string_view head) {
  if (!head.starts_with("#!")) return language::unknown;
  std::string_view line = head.substr(2);
  line = line.substr(0, line.find('\n'));
  bool after_env = false;
  while (!line.empty()) {
    auto start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    auto end = line.find_first_of(" \t\r");
    std::string_view word = line.substr(0, end);
    line.remove_prefix(end == std::string_view::npos ? line.size() : end);

    std::string program = to_lower(after_last_slash(word));
    if (after_env && (program.starts_with("-") || program.find('=') != std::string::npos)) continue;
    if (!after_env && program == "env") {
      after_env = true;
      continue;
    }
    program.erase(std::min(program.find_first_of("0123456789."), program.size()));
    for (const auto& [name, lang] : kInterpreters) {
      if (name == program) return lang;
    }
    return language::unknown;
  }
  return language::unknown;
}

}  // namespace

std::string_view language_name(language lang) {
  for (const auto& [l, name] : kNames) {
    if (l == lang) return name;
  }
  return "unknown";
}

language language_from_name(std::string_view name) {
  for (const auto& [l, n] : kNames) {
    if (n == name) return l;
  }
  return language::unknown;
}

language detect_language(std::string_view path, std::string_view head) {
  std::string name = to_lower(after_last_slash(path));
  if (language lang = language_by_name(name); lang != language::unknown) return lang;
  if (language lang = language_by_extension(name); lang != language::unknown) return lang;
  if (is_xml_config(name, head)) return language::xml;
  // A shebang decides only when the name says nothing (extension-less
  // scripts such as bin/deploy, or an unknown extension such as .cgi).
  return language_by_shebang(head);
}

std::span<const comment_delimiter> comment_delimiters(language lang) {
  static constexpr comment_delimiter kHash[] = {{"#", ""}};
  // Ruby's block comment: =begin ... =end, each at the start of a line.
  static constexpr comment_delimiter kRuby[] = {{"#", ""}, {"=begin", "=end"}};
  static constexpr comment_delimiter kIni[] = {{"#", ""}, {";", ""}};
  static constexpr comment_delimiter kCStyle[] = {{"//", ""}, {"/*", "*/"}};
  static constexpr comment_delimiter kHashAndCStyle[] = {{"#", ""}, {"//", ""}, {"/*", "*/"}};
  static constexpr comment_delimiter kXml[] = {{"<!--", "-->"}};
  switch (lang) {
    case language::ruby:
      return kRuby;
    case language::python:
    case language::shell:
    case language::yaml:
    case language::dockerfile:
    case language::dotenv:
      return kHash;
    case language::properties:  // .properties and TOML use '#', .ini also ';'
      return kIni;
    case language::javascript:
    case language::typescript:
    case language::java:
    case language::go:
    case language::c:
    case language::cpp:
      return kCStyle;
    case language::php:
    case language::terraform:
      return kHashAndCStyle;
    case language::xml:
    case language::html:
      return kXml;
    case language::json:  // JSON has no comments
    case language::unknown:
      break;
  }
  return {};
}

bool is_comment_line(language lang, std::string_view text) {
  bool block = false;
  for (const comment_delimiter& d : comment_delimiters(lang)) {
    block = block || d.open == "/*";
    if (!text.starts_with(d.open)) continue;
    if (lang == language::php && text.starts_with("#[")) continue;
    return true;
  }
  return block && !text.empty() && text.front() == '*' &&
         (text.size() == 1 || text[1] == ' ' || text[1] == '\t' || text[1] == '/');
}

bool is_programming_language(language lang) {
  switch (lang) {
    case language::python:
    case language::javascript:
    case language::typescript:
    case language::java:
    case language::go:
    case language::php:
    case language::ruby:
    case language::c:
    case language::cpp:
      return true;
    default:
      return false;
  }
}

bool is_erb_template(std::string_view path) { return renders_html(path, ".erb", true); }

bool is_jinja_html_template(std::string_view path) {
  // A bare .j2 is Ansible's usual template of a configuration file; a
  // bare .jinja or .jinja2 is an HTML page more often (Pyramid, Flask).
  return renders_html(path, ".j2", false) || renders_html(path, ".jinja", true) ||
         renders_html(path, ".jinja2", true);
}

bool is_type_declarations(std::string_view path) {
  for (std::string_view suffix : {".d.ts", ".d.mts", ".d.cts"}) {
    if (path.size() > suffix.size() && path.ends_with(suffix)) return true;
  }
  return false;
}

}  // namespace heimdall::analysis
