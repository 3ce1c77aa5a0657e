// config_parsers: configuration text into config_document trees.
//
//  * parse_hcl: Terraform's HCL native syntax. Blocks with labels,
//    attributes and nested blocks; string templates with `${}`/`%{}`,
//    heredocs (`<<EOF`, `<<-EOF`), `#`, `//` and `/* */` comments.
//    Literals become literal scalars, `[...]` lists and `{...}` objects
//    become lists and maps, `jsonencode(...)` is looked through and a
//    heredoc or string holding a JSON object (an IAM policy) is parsed as
//    one; any other expression is kept as its source text.
//  * parse_yaml: every document of a YAML stream (libyaml), tags kept,
//    anchors and aliases resolved, `<<` merge keys applied.
//  * parse_json_config: a JSON value (simdjson), with line numbers.
//  * parse_dockerfile: instructions of each build stage (see below).
//
// A Dockerfile becomes a map: the ARGs before the first FROM under "ARG",
// then one "stage" map per FROM. A stage's "FROM" child is a map (image,
// tag, digest, alias, platform); every other instruction is a scalar child
// keyed by the upper-cased instruction with its arguments as text
// (continuation lines joined, heredoc bodies included).
//
// Pure functions, thread-safe. Never throw; malformed input of any kind
// (random bytes included) is an error with a line, bounded in time and
// memory: depth is capped at kMaxConfigDepth, YAML alias expansion at
// kMaxConfigNodes.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "analysis/config_document.h"

namespace heimdall::analysis {

// YAML aliases may expand a small text into a huge tree: cap the nodes.
inline constexpr std::size_t kMaxConfigNodes = 200000;

std::optional<config_parse_error> parse_hcl(std::string_view text, config_node& root);
std::optional<config_parse_error> parse_yaml(std::string_view text, std::vector<config_node>& documents);
// `first_line` is the line `text` starts on in its file (for JSON inside
// an HCL heredoc).
std::optional<config_parse_error> parse_json_config(std::string_view text, config_node& root, int first_line = 1);
std::optional<config_parse_error> parse_dockerfile(std::string_view text, config_node& root);

}  // namespace heimdall::analysis
