#include "analysis/config_document.h"

namespace heimdall::analysis {
namespace {

struct kind_name {
  config_kind kind;
  std::string_view name;
};

constexpr kind_name kKinds[] = {
    {config_kind::terraform, "terraform"},   {config_kind::cloudformation, "cloudformation"},
    {config_kind::kubernetes, "kubernetes"}, {config_kind::compose, "compose"},
    {config_kind::dockerfile, "dockerfile"}, {config_kind::github_actions, "github-actions"},
    {config_kind::gitlab_ci, "gitlab-ci"},   {config_kind::helm_values, "helm-values"},
};

}  // namespace

const config_node* config_node::find(std::string_view k) const {
  for (const config_node& c : children) {
    if (c.key == k) return &c;
  }
  return nullptr;
}

std::string_view config_kind_name(config_kind k) {
  for (const kind_name& n : kKinds) {
    if (n.kind == k) return n.name;
  }
  return "none";
}

config_kind config_kind_from_name(std::string_view name) {
  for (const kind_name& n : kKinds) {
    if (n.name == name) return n.kind;
  }
  return config_kind::none;
}

}  // namespace heimdall::analysis
