// config_document: the parsed form of a configuration file (Terraform HCL,
// YAML manifests, CloudFormation JSON, Dockerfile instructions) that the
// structural config rules (config_rules.h) walk: a tree of maps, lists and
// scalars, each node with the 1-based source line it starts on.
//
// Maps are ordered and keys may repeat: an HCL body with two `ingress`
// blocks is one map with two children keyed "ingress". Scalars keep their
// text; `literal` says whether it is a value the parser knew (a string,
// number, bool or null) or an expression it kept as source text (an HCL
// reference, a `${}` template, a YAML `!Ref`), which rules compare only by
// regex.
//
// Plain values; thread-compatible. Parsers bound their depth
// (kMaxConfigDepth) and never throw.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace heimdall::analysis {

// Nesting deeper than this is a parse error (it bounds recursion).
inline constexpr int kMaxConfigDepth = 64;

enum class config_node_kind { scalar, map, list };

struct config_node {
  config_node_kind kind = config_node_kind::scalar;
  int line = 0;                     // 1-based; for a map entry, the key's line
  std::string key;                  // set when this node is a map's child
  std::vector<std::string> labels;  // HCL block labels ("aws_s3_bucket", "logs")
  std::string tag;                  // YAML tag ("!Ref", "!Sub"); empty: none
  std::string text;                 // scalar: the value, or the expression's source
  bool literal = true;              // scalar: a known value, not an expression
  std::vector<config_node> children;  // map entries (with keys) or list items

  bool is_map() const { return kind == config_node_kind::map; }
  bool is_list() const { return kind == config_node_kind::list; }
  bool is_scalar() const { return kind == config_node_kind::scalar; }
  // The first child with `key`, or null.
  const config_node* find(std::string_view key) const;
};

// What a file is, as far as config rules care.
enum class config_kind { none, terraform, cloudformation, kubernetes, compose, dockerfile, github_actions,
                         gitlab_ci, helm_values };

std::string_view config_kind_name(config_kind k);  // "terraform", "kubernetes", ...
config_kind config_kind_from_name(std::string_view name);  // none for anything else

// One parsed document; a YAML file may hold several.
struct config_document {
  config_kind kind = config_kind::none;
  config_node root;
};

// A parse failure: where and why.
struct config_parse_error {
  int line = 0;
  std::string message;
};

}  // namespace heimdall::analysis
