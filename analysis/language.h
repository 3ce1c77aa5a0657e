// language: what a source file is written in, as far as analysis cares.
//
// Detection looks at the file name first (extension, or names such as
// Dockerfile and go.mod), then at the content: a ".config" file that starts
// with '<' is XML (web.config), otherwise a shebang line decides. Pure functions;
// thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace heimdall::analysis {

enum class language {
  unknown,
  python,
  javascript,
  typescript,
  java,
  go,
  php,
  ruby,
  c,
  cpp,
  shell,
  dockerfile,
  yaml,        // Kubernetes manifests, GitHub Actions, GitLab CI, compose files
  json,
  terraform,   // .tf, .tfvars (HCL)
  dotenv,      // .env, .env.*
  xml,         // pom.xml, web.config and other XML configuration
  properties,  // .properties, .ini, .cfg, .toml
  html,        // HTML pages and templates (Jinja/Django, Nunjucks, Mustache, Handlebars, JSP, ERB, EJS, Pug)
};

// Lower-case stable name ("python", "dockerfile", ...), used in rule packs.
std::string_view language_name(language lang);
// The inverse of language_name; language::unknown for anything else.
language language_from_name(std::string_view name);

// `path` is relative to the repository root, '/'-separated. `head` is the
// start of the file's content (a shebang is looked for in its first line);
// it may be empty.
language detect_language(std::string_view path, std::string_view head);

// A comment: from `open` to `close`, or to the end of the line when
// `close` is empty.
struct comment_delimiter {
  std::string_view open;
  std::string_view close;
};

// How `lang` writes comments ('#', "//", "/* */", "<!-- -->", Ruby's =begin/=end, ';' in .ini);
// none for JSON and for language::unknown.
std::span<const comment_delimiter> comment_delimiters(language lang);

// Whether `text`, a trimmed non-empty line, is wholly a comment in `lang`:
// it starts with a delimiter, or continues a block comment (" * text",
// " */"; "*p = x" is code). Whole lines only: a trailing comment cannot be
// told from a '#' or "//" inside a string without a parser. A PHP
// attribute ("#[Route]") is code.
bool is_comment_line(language lang, std::string_view text);

// A programming language the analysis knows (Python, JavaScript,
// TypeScript, Java, Go, PHP, Ruby, C, C++), as opposed to configuration,
// markup and shell: each has a tree-sitter grammar (syntax.h), and in each
// a word without quotes is a name, not a value.
bool is_programming_language(language lang);

// An ERB template whose output is HTML (`show.html.erb`, `page.erb`; not
// `config.yml.erb` or `app.js.erb`): language::html, with Ruby code in its
// `<% %>` tags (taint_erb.h).
bool is_erb_template(std::string_view path);

// A Jinja template whose output is HTML: `page.html.j2`, `page.html.jinja2`,
// `page.jinja` (not `nginx.conf.j2`, nor a bare `page.j2`, which is
// Ansible's configuration template more often than a page): language::html.
bool is_jinja_html_template(std::string_view path);

// A TypeScript declaration file (.d.ts, .d.mts, .d.cts): types only, no
// code that runs, so no code rule applies (`eval(script: string): void` is
// a method's signature, not a call).
bool is_type_declarations(std::string_view path);

}  // namespace heimdall::analysis
