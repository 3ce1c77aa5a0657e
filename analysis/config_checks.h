// config_checks: the structural configuration checks of the static_analysis
// stage for one file. It tells the kind of a configuration file apart
// (Terraform, CloudFormation YAML/JSON, Kubernetes, docker-compose, Helm
// values, GitHub Actions, GitLab CI, Dockerfile: by language, path and
// content), parses it (config_parsers.h), runs the shipped config rules
// (config_rules.h) and the line rules of the rule pack.
//
// A file that parses: config findings plus the line findings no config
// rule of its kind supersedes. A file that fails to parse: the line
// findings, and a note "config: <path>: parse error at line N: <why>".
// Any other file: the line findings only, as rule_pack.h's match().
//
// Pure; thread-safe (the shipped rules are immutable once loaded).
#pragma once

#include <string_view>
#include <vector>

#include "analysis/config_document.h"
#include "analysis/finding.h"
#include "analysis/inventory.h"
#include "analysis/language.h"
#include "analysis/rule_pack.h"

namespace heimdall::analysis {

// The configuration kind of a whole file from its path and language, or
// from its content for YAML (per document: see detect_document_kind) and
// JSON. none: not a configuration file config rules check.
config_kind detect_config_kind(std::string_view path, language lang, std::string_view content);

// For a YAML document of a file with no kind from its path: apiVersion and
// kind -> kubernetes, AWSTemplateFormatVersion or AWS:: resource types ->
// cloudformation, on + jobs with runs-on/steps -> github-actions, a
// services map -> compose; else none.
config_kind detect_document_kind(const config_node& root);

// The parsed documents of a file of kind `kind` (several for YAML);
// false with `error` set when it does not parse.
bool parse_config(config_kind kind, std::string_view path, std::string_view content,
                  std::vector<config_document>& out, config_parse_error& error);

std::vector<finding> match_with_config(const rule_pack& line_rules, std::string_view path, language lang,
                                       std::string_view content, std::vector<inventory_note>& notes);

}  // namespace heimdall::analysis
