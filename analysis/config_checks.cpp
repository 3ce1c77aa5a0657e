#include "analysis/config_checks.h"

#include <algorithm>
#include <map>

#include "analysis/config_parsers.h"
#include "analysis/config_rules.h"

namespace heimdall::analysis {
namespace {

std::string_view file_name(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool contains(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

bool is_cloudformation(const config_node& root) {
  if (!root.is_map()) return false;
  if (root.find("AWSTemplateFormatVersion")) return true;
  const config_node* resources = root.find("Resources");
  if (!resources || !resources->is_map()) return false;
  return std::any_of(resources->children.begin(), resources->children.end(), [](const config_node& r) {
    const config_node* type = r.find("Type");
    return type && type->is_scalar() && (type->text.rfind("AWS::", 0) == 0 || type->text.rfind("Custom::", 0) == 0);
  });
}

// The kind a YAML file has by its path alone.
config_kind yaml_kind_by_path(std::string_view path) {
  std::string_view name = file_name(path);
  if (contains(path, ".github/workflows/")) return config_kind::github_actions;
  if (name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml" || name.ends_with(".gitlab-ci.yml")) return config_kind::gitlab_ci;
  if (name == "values.yaml" || name == "values.yml") return config_kind::helm_values;
  return config_kind::none;
}

}  // namespace

config_kind detect_document_kind(const config_node& root) {
  if (!root.is_map()) return config_kind::none;
  if (is_cloudformation(root)) return config_kind::cloudformation;
  const config_node* api = root.find("apiVersion");
  const config_node* kind = root.find("kind");
  if (api && kind && api->is_scalar() && kind->is_scalar()) return config_kind::kubernetes;
  const config_node* on = root.find("on");
  const config_node* jobs = root.find("jobs");
  if (on && jobs && jobs->is_map() &&
      std::any_of(jobs->children.begin(), jobs->children.end(), [](const config_node& j) {
        return j.find("runs-on") || j.find("steps") || j.find("uses");
      })) {
    return config_kind::github_actions;
  }
  const config_node* services = root.find("services");
  if (services && services->is_map() && !services->children.empty() &&
      std::all_of(services->children.begin(), services->children.end(), [](const config_node& s) {
        return s.is_map() && (s.find("image") || s.find("build"));
      })) {
    return config_kind::compose;
  }
  return config_kind::none;
}

config_kind detect_config_kind(std::string_view path, language lang, std::string_view content) {
  switch (lang) {
    case language::terraform:
      return path.ends_with(".tf") ? config_kind::terraform : config_kind::none;
    case language::dockerfile:
      return config_kind::dockerfile;
    case language::json:
      return contains(content, "AWSTemplateFormatVersion") || (contains(content, "\"Resources\"") && contains(content, "\"AWS::"))
                 ? config_kind::cloudformation
                 : config_kind::none;
    case language::yaml: {
      config_kind by_path = yaml_kind_by_path(path);
      if (by_path != config_kind::none) return by_path;
      // Worth parsing: per-document kinds are decided after parsing.
      bool candidate = contains(content, "apiVersion") || contains(content, "AWSTemplateFormatVersion") ||
                       contains(content, "Resources") || contains(content, "services") || contains(content, "jobs");
      return candidate ? config_kind::kubernetes : config_kind::none;  // "some YAML kind"; refined per document
    }
    default:
      return config_kind::none;
  }
}

bool parse_config(config_kind kind, std::string_view path, std::string_view content,
                  std::vector<config_document>& out, config_parse_error& error) {
  out.clear();
  std::optional<config_parse_error> failed;
  if (kind == config_kind::terraform || kind == config_kind::dockerfile) {
    config_document doc;
    doc.kind = kind;
    failed = kind == config_kind::terraform ? parse_hcl(content, doc.root) : parse_dockerfile(content, doc.root);
    if (!failed) out.push_back(std::move(doc));
  } else if (path.ends_with(".json")) {
    config_document doc;
    doc.kind = config_kind::cloudformation;
    failed = parse_json_config(content, doc.root);
    if (!failed) out.push_back(std::move(doc));
  } else {
    std::vector<config_node> roots;
    failed = parse_yaml(content, roots);
    if (!failed) {
      config_kind by_path = yaml_kind_by_path(path);
      for (config_node& root : roots) {
        config_document doc;
        doc.kind = by_path != config_kind::none ? by_path : detect_document_kind(root);
        if (doc.kind == config_kind::none) continue;
        // A Kubernetes List (what `kubectl get -o yaml` prints) holds its
        // manifests under items: each is checked as a document of its own.
        const config_node* list_kind = root.find("kind");
        const config_node* items = root.find("items");
        if (doc.kind == config_kind::kubernetes && list_kind && list_kind->text == "List" && items && items->is_list()) {
          for (const config_node& item : items->children) {
            if (!item.is_map() || !item.find("kind")) continue;
            config_document manifest;
            manifest.kind = config_kind::kubernetes;
            manifest.root = item;
            out.push_back(std::move(manifest));
          }
          continue;
        }
        doc.root = std::move(root);
        out.push_back(std::move(doc));
      }
    }
  }
  if (failed) {
    error = *failed;
    return false;
  }
  return true;
}

std::vector<finding> match_with_config(const rule_pack& line_rules, std::string_view path, language lang,
                                       std::string_view content, std::vector<inventory_note>& notes) {
  std::vector<finding> found = match(line_rules, path, lang, content);
  config_kind kind = detect_config_kind(path, lang, content);
  if (kind == config_kind::none) return found;
  const result<config_rule_set>& rules = shipped_config_rules();
  if (!rules.is_ok()) {
    notes.push_back({std::string(path), "config: rules not loaded: " + rules.error().message()});
    return found;
  }
  std::vector<config_document> docs;
  config_parse_error error;
  if (!parse_config(kind, path, content, docs, error)) {
    // A YAML file that only looked like a candidate and fails is not
    // necessarily a config file; one with a kind from its name or content is.
    notes.push_back({std::string(path), "config: " + std::string(path) + ": parse error at line " +
                                            std::to_string(error.line) + ": " + error.message});
    return found;
  }
  std::vector<std::string> superseded;
  std::vector<finding> config_findings;
  for (const config_document& doc : docs) {
    for (std::string& id : rules->superseded(doc.kind)) superseded.push_back(std::move(id));
    for (finding& f : evaluate(*rules, doc, path, content)) config_findings.push_back(std::move(f));
  }
  std::erase_if(found, [&](const finding& f) {
    return std::find(superseded.begin(), superseded.end(), f.rule_id) != superseded.end();
  });
  // Subjects the snippet cannot tell apart (two containers named alike, two
  // unnamed Pods of one file) would share a fingerprint and be merged as
  // duplicates; the second and later get their ordinal, in line order.
  std::stable_sort(config_findings.begin(), config_findings.end(),
                   [](const finding& a, const finding& b) { return a.line_start < b.line_start; });
  std::map<std::pair<std::string, std::string>, int> occurrences;
  for (finding& f : config_findings) {
    int n = ++occurrences[{f.rule_id, f.code_snippet}];
    if (n > 1) f.code_snippet += " (#" + std::to_string(n) + ")";
  }
  for (finding& f : config_findings) found.push_back(std::move(f));
  std::stable_sort(found.begin(), found.end(),
                   [](const finding& a, const finding& b) { return a.line_start < b.line_start; });
  return found;
}

}  // namespace heimdall::analysis
