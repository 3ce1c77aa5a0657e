// language: what a source file is written in, as far as analysis cares.
//
// Detection looks at the file name first (extension, or names such as
// Dockerfile and go.mod), then at a shebang line. Pure functions;
// thread-safe.
#pragma once

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
  xml,         // pom.xml and other XML configuration
  properties,  // .properties, .ini, .cfg, .toml
};

// Lower-case stable name ("python", "dockerfile", ...), used in rule packs.
std::string_view language_name(language lang);
// The inverse of language_name; language::unknown for anything else.
language language_from_name(std::string_view name);

// `path` is relative to the repository root, '/'-separated. `head` is the
// start of the file's content (a shebang is looked for in its first line);
// it may be empty.
language detect_language(std::string_view path, std::string_view head);

}  // namespace heimdall::analysis
