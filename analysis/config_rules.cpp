// Evaluating config rules: subjects of a scope, path resolution, tests.
//
// Semantics (README.md has the reader's version): a path resolves to a set
// of nodes; lists are transparent (a key applied to a list applies to each
// item), so "spec.containers.image" reaches every container's image. A test
// holds when any resolved value satisfies it; `missing` when none resolves;
// the negated tests (`not_equals`, `not_in`, `not_matches`) when some value
// exists and fails the positive test, so an absent or unknown value never
// triggers them. Values an expression left unknown (an HCL reference, a
// `!Ref`) match only by regex.
#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>

#include "analysis/config_rules.h"
#include "analysis/rule_pack.h"
#include "analysis/snippet.h"
#include "analysis/text_lines.h"

namespace heimdall::analysis {

std::string_view shipped_config_rule_file(std::size_t index, std::string_view& name);  // generated

namespace {

using op = config_condition::op;

struct subject {
  const config_node* node;
  const config_node* context;
  const config_node* document;
};

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == text;
  std::string_view prefix = pattern.substr(0, star), rest = pattern.substr(star + 1);
  if (text.substr(0, prefix.size()) != prefix) return false;
  for (std::size_t i = prefix.size(); i <= text.size(); ++i) {
    if (glob_match(rest, text.substr(i))) return true;
  }
  return false;
}

bool type_accepted(const config_rule& r, std::string_view type) {
  return r.types.empty() ||
         std::any_of(r.types.begin(), r.types.end(), [&](const std::string& t) { return glob_match(t, type); });
}

void flatten(const config_node* n, std::vector<const config_node*>& out, int depth = 0) {
  if (n->is_list() && depth < kMaxConfigDepth) {
    for (const config_node& c : n->children) flatten(&c, out, depth + 1);
  } else {
    out.push_back(n);
  }
}

void deep_find(const config_node* n, const std::string& key, std::vector<const config_node*>& out, int depth = 0) {
  if (depth > kMaxConfigDepth) return;
  for (const config_node& c : n->children) {
    if (n->is_map() && c.key == key) out.push_back(&c);
    deep_find(&c, key, out, depth + 1);
  }
}

std::vector<const config_node*> resolve(const config_path& path, const subject& s) {
  const config_node* start = path.from == config_path::anchor::document ? s.document
                             : path.from == config_path::anchor::context ? s.context
                                                                          : s.node;
  std::vector<const config_node*> current{start};
  using type = config_path::segment::type;
  for (const config_path::segment& seg : path.segments) {
    std::vector<const config_node*> expanded, next;
    for (const config_node* n : current) flatten(n, expanded);
    for (const config_node* m : expanded) {
      switch (seg.kind) {
        case type::key:
          if (!m->is_map()) break;
          for (const config_node& c : m->children) {
            if (c.key == seg.name && (seg.label.empty() || (!c.labels.empty() && c.labels[0] == seg.label))) {
              next.push_back(&c);
            }
          }
          break;
        case type::any:
          for (const config_node& c : m->children) next.push_back(&c);
          break;
        case type::deep_key:
          deep_find(m, seg.name, next);
          break;
        case type::key_regex:
          if (!m->is_map()) break;
          for (const config_node& c : m->children) {
            if (RE2::PartialMatch(c.key, *seg.re)) next.push_back(&c);
          }
          break;
      }
    }
    if (seg.indexed) {
      // An index counts the items of a list, or the repeated keys.
      std::vector<const config_node*> items;
      for (const config_node* n : next) flatten(n, items);
      next = std::move(items);
      long n = static_cast<long>(next.size());
      long i = seg.index < 0 ? n + seg.index : seg.index;
      if (i >= 0 && i < n) {
        next = {next[static_cast<std::size_t>(i)]};
      } else {
        next.clear();
      }
    }
    current = std::move(next);
    if (current.empty()) break;
  }
  return current;
}

bool as_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end && *end == '\0';
}

bool value_equals(const config_node& n, const config_value& v) {
  if (!n.is_scalar() || !n.literal) return false;
  switch (v.kind) {
    case config_value::type::boolean: {
      std::string lower = n.text;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      return lower == v.text;
    }
    case config_value::type::number: {
      double d = 0;
      return as_number(n.text, d) && d == v.number;
    }
    case config_value::type::string:
      return n.text == v.text;
  }
  return false;
}


// Scalars at the path: for value tests.
std::vector<const config_node*> values_at(const config_condition& c, const subject& s) {
  std::vector<const config_node*> out;
  for (const config_node* n : resolve(c.path, s)) flatten(n, out);
  return out;
}

// Whether `text` is an IPv4 or IPv6 address or CIDR whose range holds an
// address outside the private, loopback, link-local and shared blocks and
// spans more than one address (a single host is an allow-list entry).
bool is_public_cidr(const std::string& text) {
  std::string addr = text;
  int prefix = -1;
  std::size_t slash = text.find('/');
  if (slash != std::string::npos) {
    addr = text.substr(0, slash);
    char* end = nullptr;
    long n = std::strtol(text.c_str() + slash + 1, &end, 10);
    if (end == text.c_str() + slash + 1 || *end != '\0' || n < 0 || n > 128) return false;
    prefix = static_cast<int>(n);
  }
  unsigned char bytes[16];
  if (inet_pton(AF_INET, addr.c_str(), bytes) == 1) {
    if (prefix < 0) prefix = 32;
    if (prefix > 32) return false;
    std::uint32_t ip = (std::uint32_t(bytes[0]) << 24) | (std::uint32_t(bytes[1]) << 16) | (std::uint32_t(bytes[2]) << 8) | bytes[3];
    std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
    std::uint32_t first = ip & mask, last = first | ~mask;
    if (first == last) return false;
    struct block { std::uint32_t base; int bits; };
    static const block kPrivate[] = {{0x0A000000, 8},  {0xAC100000, 12}, {0xC0A80000, 16},
                                     {0x7F000000, 8},  {0xA9FE0000, 16}, {0x64400000, 10}};
    for (const block& b : kPrivate) {
      std::uint32_t m = ~std::uint32_t(0) << (32 - b.bits);
      if ((first & m) == b.base && (last & m) == b.base) return false;
    }
    return true;
  }
  if (inet_pton(AF_INET6, addr.c_str(), bytes) == 1) {
    if (prefix < 0) prefix = 128;
    if (prefix == 128) return false;
    bool loopback = prefix == 128 && std::all_of(bytes, bytes + 15, [](unsigned char b) { return b == 0; }) && bytes[15] == 1;
    bool unique_local = prefix >= 7 && (bytes[0] & 0xFE) == 0xFC;
    bool link_local = prefix >= 10 && bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80;
    return !(loopback || unique_local || link_local);
  }
  return false;
}

// The nodes an `each` condition ranges over (lists flattened).
std::vector<const config_node*> each_matches(const config_condition& c, const subject& s);

// `witness`: the node that made the condition true; `block`: the innermost
// `each` node that did (null: none).
bool eval(const config_condition& c, const subject& s, const config_node*& witness, const config_node*& block) {
  switch (c.kind) {
    case op::all: {
      const config_node* first = nullptr;
      const config_node* first_block = nullptr;
      for (const config_condition& sub : c.subs) {
        const config_node* w = nullptr;
        const config_node* b = nullptr;
        if (!eval(sub, s, w, b)) return false;
        if (!first) first = w;
        if (!first_block) first_block = b;
      }
      witness = first;
      block = first_block;
      return true;
    }
    case op::any:
      for (const config_condition& sub : c.subs) {
        const config_node* w = nullptr;
        const config_node* b = nullptr;
        if (eval(sub, s, w, b)) {
          witness = w;
          block = b;
          return true;
        }
      }
      return false;
    case op::not_: {
      const config_node* ignored = nullptr;
      const config_node* ignored_block = nullptr;
      return !eval(c.subs.front(), s, ignored, ignored_block);
    }
    case op::each: {
      for (const config_node* n : each_matches(c, s)) {
        subject inner{n, s.context, s.document};
        const config_node* w = nullptr;
        const config_node* b = nullptr;
        if (c.subs.empty() || eval(c.subs.front(), inner, w, b)) {
          witness = w ? w : n;
          block = b ? b : n;
          return true;
        }
      }
      return false;
    }
    case op::exists: {
      auto nodes = resolve(c.path, s);
      if (nodes.empty()) return false;
      witness = nodes.front();
      return true;
    }
    case op::missing:
      return resolve(c.path, s).empty();
    default:
      break;
  }
  block = nullptr;
  bool negated = c.kind == op::not_equals || c.kind == op::not_in || c.kind == op::not_matches;
  for (const config_node* n : values_at(c, s)) {
    if (!n->is_scalar()) continue;
    bool hit = false;
    switch (c.kind) {
      case op::equals:
      case op::not_equals:
        if (!n->literal) continue;
        hit = value_equals(*n, c.values.front());
        break;
      case op::in:
      case op::not_in:
        if (!n->literal) continue;
        hit = std::any_of(c.values.begin(), c.values.end(), [&](const config_value& v) { return value_equals(*n, v); });
        break;
      case op::matches:
      case op::not_matches:
        hit = RE2::PartialMatch(n->text, *c.re);
        break;
      case op::cidr_public:
        if (!n->literal) continue;
        hit = is_public_cidr(n->text);
        break;
      default: {
        double d = 0;
        if (!n->literal || !as_number(n->text, d)) continue;
        hit = c.kind == op::lt ? d < c.number : c.kind == op::le ? d <= c.number : c.kind == op::gt ? d > c.number : d >= c.number;
        break;
      }
    }
    if (hit != negated) {
      witness = n;
      return true;
    }
  }
  return false;
}

// Kubernetes: where a workload keeps its pod spec.
const config_node* pod_spec(const config_node& root, std::string_view kind) {
  const config_node* spec = root.find("spec");
  if (kind == "Pod") return spec;
  if (kind == "PodTemplate") {
    const config_node* t = root.find("template");
    return t ? t->find("spec") : nullptr;
  }
  if (!spec) return nullptr;
  if (kind == "CronJob") {
    const config_node* jt = spec->find("jobTemplate");
    spec = jt ? jt->find("spec") : nullptr;
    if (!spec) return nullptr;
  }
  const config_node* t = spec->find("template");
  return t ? t->find("spec") : nullptr;
}

const char* const kGitlabReserved[] = {"image", "services", "stages", "variables", "include", "default", "workflow",
                                       "before_script", "after_script", "cache", "types", "spec"};

std::vector<subject> subjects(const config_rule& r, const config_node& root) {
  std::vector<subject> out;
  auto add = [&](const config_node* n, const config_node* context) { out.push_back({n, context, &root}); };
  switch (r.kind) {
    case config_kind::terraform:
      for (const config_node& c : root.children) {
        if (c.is_map() && c.key == r.scope && !c.labels.empty() && type_accepted(r, c.labels[0])) add(&c, &root);
      }
      break;
    case config_kind::cloudformation:
      if (const config_node* resources = root.find("Resources"); resources && resources->is_map()) {
        for (const config_node& c : resources->children) {
          const config_node* type = c.find("Type");
          if (c.is_map() && type && type->is_scalar() && type_accepted(r, type->text)) add(&c, &root);
        }
      }
      break;
    case config_kind::kubernetes: {
      const config_node* kind = root.find("kind");
      if (!kind || !kind->is_scalar() || !type_accepted(r, kind->text)) break;
      if (r.scope == "document") {
        add(&root, &root);
        break;
      }
      const config_node* spec = pod_spec(root, kind->text);
      if (!spec || !spec->is_map()) break;
      if (r.scope == "pod") {
        add(spec, spec);
        break;
      }
      for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
        const config_node* l = spec->find(list);
        if (!l || !l->is_list()) continue;
        for (const config_node& c : l->children) {
          if (c.is_map()) add(&c, spec);
        }
      }
      break;
    }
    case config_kind::compose:
      if (r.scope == "document") {
        add(&root, &root);
      } else if (const config_node* services = root.find("services"); services && services->is_map()) {
        for (const config_node& c : services->children) {
          if (c.is_map()) add(&c, &root);
        }
      }
      break;
    case config_kind::dockerfile:
      if (r.scope == "document") {
        add(&root, &root);
        break;
      }
      for (const config_node& c : root.children) {
        if (c.key == "stage" && r.scope == "stage") add(&c, &root);
      }
      if (r.scope == "final_stage") {
        for (auto it = root.children.rbegin(); it != root.children.rend(); ++it) {
          if (it->key == "stage") {
            add(&*it, &root);
            break;
          }
        }
      }
      break;
    case config_kind::github_actions: {
      if (r.scope == "workflow") {
        add(&root, &root);
        break;
      }
      const config_node* jobs = root.find("jobs");
      if (!jobs || !jobs->is_map()) break;
      for (const config_node& job : jobs->children) {
        if (!job.is_map()) continue;
        if (r.scope == "job") {
          add(&job, &root);
          continue;
        }
        const config_node* steps = job.find("steps");
        if (!steps || !steps->is_list()) continue;
        for (const config_node& step : steps->children) {
          if (step.is_map()) add(&step, &job);
        }
      }
      break;
    }
    case config_kind::gitlab_ci:
      if (r.scope == "document") {
        add(&root, &root);
        break;
      }
      for (const config_node& c : root.children) {
        if (!c.is_map()) continue;
        if (std::any_of(std::begin(kGitlabReserved), std::end(kGitlabReserved),
                        [&](const char* k) { return c.key == k; })) {
          continue;
        }
        add(&c, &root);
      }
      break;
    case config_kind::helm_values:
      add(&root, &root);
      break;
    case config_kind::none:
      break;
  }
  return out;
}

// Names the subject in a finding's snippet ("aws_security_group.admin",
// "Deployment/web", "job build"), so that two resources reported on
// identical lines ("ingress {") keep distinct fingerprints.
std::string subject_label(const config_rule& r, const subject& s) {
  const config_node& n = *s.node;
  auto text_of = [](const config_node* c) { return c && c->is_scalar() ? c->text : std::string(); };
  switch (r.kind) {
    case config_kind::terraform: {
      std::string label;
      for (const std::string& l : n.labels) label += (label.empty() ? "" : ".") + l;
      return label;
    }
    case config_kind::cloudformation:
    case config_kind::compose:
    case config_kind::gitlab_ci:
      return n.key;
    case config_kind::kubernetes: {
      const config_node* meta = s.document->find("metadata");
      std::string label = text_of(s.document->find("kind")) + "/" + text_of(meta ? meta->find("name") : nullptr);
      if (r.scope == "container") label += " container " + text_of(n.find("name"));
      return label;
    }
    case config_kind::dockerfile: {
      const config_node* from = n.find("FROM");
      return from ? "FROM " + text_of(from->find("ref")) : std::string();
    }
    case config_kind::github_actions:
      if (r.scope == "job") return "job " + n.key;
      if (r.scope == "step") {
        std::string step = text_of(n.find("name"));
        if (step.empty()) step = text_of(n.find("uses"));
        return "job " + s.context->key + " step " + step;
      }
      return {};
    default:
      return {};
  }
}

std::vector<const config_node*> each_matches(const config_condition& c, const subject& s) {
  std::vector<const config_node*> nodes;
  for (const config_node* n : resolve(c.path, s)) flatten(n, nodes);
  return nodes;
}

// each_finding: every node of an `each` that satisfies its `where`; an
// `any` collects its members' matches; an `all` that holds, its `each`
// members' matches (every RUN of a stage that lacks a setting elsewhere in
// the stage); any other condition is one match.
void every_match(const config_condition& c, const subject& s,
                 std::vector<std::pair<const config_node*, const config_node*>>& out) {
  if (c.kind == op::all) {
    const std::size_t before = out.size();
    const config_node* w = nullptr;
    const config_node* b = nullptr;
    if (!eval(c, s, w, b)) return;
    for (const config_condition& sub : c.subs) {
      if (sub.kind == op::each) every_match(sub, s, out);
    }
    if (out.size() == before) out.emplace_back(w, b);
  } else if (c.kind == op::each) {
    for (const config_node* n : each_matches(c, s)) {
      const config_node* w = nullptr;
      const config_node* b = nullptr;
      subject inner{n, s.context, s.document};
      if (c.subs.empty() || eval(c.subs.front(), inner, w, b)) out.emplace_back(w ? w : n, b ? b : n);
    }
  } else if (c.kind == op::any) {
    for (const config_condition& sub : c.subs) every_match(sub, s, out);
  } else {
    const config_node* w = nullptr;
    const config_node* b = nullptr;
    if (eval(c, s, w, b)) out.emplace_back(w, b);
  }
}


}  // namespace

std::vector<finding> evaluate(const config_rule_set& rules, const config_document& doc, std::string_view path,
                              std::string_view content, bool include_audit) {
  std::vector<finding> out;
  std::set<std::pair<std::string_view, int>> seen;
  std::optional<text_lines> lines;  // built at the first finding: most documents have none
  for (const config_rule& r : rules.rules()) {
    if (r.kind != doc.kind || (r.audit && !include_audit)) continue;
    for (const subject& s : subjects(r, doc.root)) {
      // The matches to report: the condition's first, or with each_finding
      // every node of the top-level `each` that satisfies its `where`.
      std::vector<std::pair<const config_node*, const config_node*>> matches;  // witness, block
      if (r.each_finding) {
        every_match(r.condition, s, matches);
      } else {
        const config_node* witness = nullptr;
        const config_node* block = nullptr;
        if (eval(r.condition, s, witness, block)) matches.emplace_back(witness, block);
      }
      for (auto [witness, block] : matches) {
        const config_node* at = r.report == config_rule::report_at::match   ? witness
                                : r.report == config_rule::report_at::block ? block
                                                                            : nullptr;
        int line = at && at->line > 0 ? at->line : s.node->line;
        if (line <= 0) line = 1;
        if (!seen.insert({r.id, line}).second) continue;
        finding f;
        f.rule_id = r.id;
        f.source = "config";
        f.severity = r.severity;
        f.confidence = r.confidence;
        f.title = r.title;
        f.description = r.description;
        f.cwe_id = r.cwe;
        f.file_path.assign(path);
        f.line_start = f.line_end = line;
        std::string label = subject_label(r, s);
        if (!lines) lines.emplace(content);
        std::string code(trim(lines->line(static_cast<std::size_t>(line) - 1)));
        f.code_snippet = make_snippet(label.empty() ? code : label + ": " + code, kMaxSnippetBytes);
        f.remediation = r.remediation;
        out.push_back(std::move(f));
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const finding& a, const finding& b) { return a.line_start < b.line_start; });
  return out;
}

const result<config_rule_set>& shipped_config_rules() {
  static const result<config_rule_set> loaded = [] {
    std::vector<std::pair<std::string, std::string>> files;
    for (std::size_t i = 0;; ++i) {
      std::string_view name;
      std::string_view text = shipped_config_rule_file(i, name);
      if (name.empty()) break;
      files.emplace_back(std::string(name), std::string(text));
    }
    return load_config_rules(files);
  }();
  return loaded;
}

}  // namespace heimdall::analysis
