// Reading config rule files (simdjson DOM) into config_rule values. Every
// field is checked for presence and type and unknown fields are rejected,
// as for the line rules (rule_pack_load.cpp); paths and regexes are
// compiled here so that a broken rule fails at load, never at scan time.
#include <re2/re2.h>
#include <simdjson.h>

#include <set>

#include "analysis/config_rules.h"
#include "analysis/json_fields.h"
#include "analysis/line_matching.h"

namespace heimdall::analysis {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Scopes each kind offers; the first is the default.
const std::vector<std::string>& scopes_of(config_kind kind) {
  static const std::vector<std::string> none;
  static const std::vector<std::string> terraform{"resource", "data", "provider", "module"};
  static const std::vector<std::string> cloudformation{"resource"};
  static const std::vector<std::string> kubernetes{"document", "pod", "container"};
  static const std::vector<std::string> compose{"service", "document"};
  static const std::vector<std::string> dockerfile{"final_stage", "stage", "document"};
  static const std::vector<std::string> gha{"workflow", "job", "step"};
  static const std::vector<std::string> gitlab{"document", "job"};
  static const std::vector<std::string> helm{"document"};
  switch (kind) {
    case config_kind::terraform: return terraform;
    case config_kind::cloudformation: return cloudformation;
    case config_kind::kubernetes: return kubernetes;
    case config_kind::compose: return compose;
    case config_kind::dockerfile: return dockerfile;
    case config_kind::github_actions: return gha;
    case config_kind::gitlab_ci: return gitlab;
    case config_kind::helm_values: return helm;
    case config_kind::none: break;
  }
  return none;
}

status compile_regex(const json_place& at, const std::string& pattern, std::shared_ptr<const RE2>& out) {
  auto re = std::make_shared<RE2>(pattern, latin1_options());
  if (!re->ok()) return at.error("bad regex /" + pattern + "/: " + re->error());
  out = std::move(re);
  return status::ok();
}

status parse_segment(const json_place& at, std::string_view text, config_path::segment& seg) {
  if (text.size() > 2 && text.back() == ']') {
    std::size_t open = text.rfind('[');
    if (open != std::string_view::npos) {
      std::string number(text.substr(open + 1, text.size() - open - 2));
      char* end = nullptr;
      long index = std::strtol(number.c_str(), &end, 10);
      if (number.empty() || *end != '\0') return at.error("bad index in path segment '" + std::string(text) + "'");
      seg.indexed = true;
      seg.index = static_cast<int>(index);
      text = text.substr(0, open);
    }
  }
  if (text.empty()) return at.error("empty path segment");
  if (text == "*") {
    seg.kind = config_path::segment::type::any;
  } else if (text.size() > 2 && text.front() == '/' && text.back() == '/') {
    seg.kind = config_path::segment::type::key_regex;
    seg.name.assign(text.substr(1, text.size() - 2));
    return compile_regex(at, seg.name, seg.re);
  } else {
    seg.kind = config_path::segment::type::key;
    std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      seg.label.assign(text.substr(colon + 1));
      text = text.substr(0, colon);
    }
    seg.name.assign(text);
  }
  return status::ok();
}

// "a.b[0].*.**.c./regex/.resource:type", "$..." (document), "@..." (context).
status parse_path(const json_place& at, std::string_view text, config_path& out) {
  out.text.assign(text);
  // "." is the subject itself: inside an each's `where`, the node it visits
  // (a RUN instruction tested with two expressions).
  if (text == ".") return status::ok();
  if (!text.empty() && (text.front() == '$' || text.front() == '@')) {
    out.from = text.front() == '$' ? config_path::anchor::document : config_path::anchor::context;
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '.') text.remove_prefix(1);
    if (text.empty()) return status::ok();
  }
  bool deep = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end;
    if (pos < text.size() && text[pos] == '/') {
      end = text.find("/.", pos + 1);
      end = end == std::string_view::npos ? text.size() : end + 1;
    } else {
      end = text.find('.', pos);
      if (end == std::string_view::npos) end = text.size();
    }
    std::string_view piece = text.substr(pos, end - pos);
    if (piece == "**") {
      deep = true;
    } else {
      config_path::segment seg;
      if (status s = parse_segment(at, piece, seg); !s.is_ok()) return s;
      if (deep) {
        if (seg.kind != config_path::segment::type::key) return at.error("'**' must be followed by a key");
        seg.kind = config_path::segment::type::deep_key;
        deep = false;
      }
      out.segments.push_back(std::move(seg));
    }
    pos = end + 1;
  }
  if (deep) return at.error("path '" + out.text + "' ends with '**'");
  return status::ok();
}

status read_value(const json_place& at, element e, config_value& out) {
  bool b = false;
  double d = 0;
  std::string_view s;
  if (e.get_bool().get(b) == simdjson::SUCCESS) {
    out.kind = config_value::type::boolean;
    out.boolean = b;
    out.text = b ? "true" : "false";
  } else if (e.get_double().get(d) == simdjson::SUCCESS) {
    out.kind = config_value::type::number;
    out.number = d;
  } else if (e.get_string().get(s) == simdjson::SUCCESS) {
    out.kind = config_value::type::string;
    out.text.assign(s);
  } else {
    return at.error("a value must be a string, number or boolean");
  }
  return status::ok();
}

status read_condition(const json_place& at, element e, config_condition& out, int depth);

status read_conditions(const json_place& at, element e, std::vector<config_condition>& out, int depth) {
  array items;
  if (e.get_array().get(items) != simdjson::SUCCESS || items.size() == 0) {
    return at.error("'all' and 'any' take a non-empty array of conditions");
  }
  for (element item : items) {
    out.emplace_back();
    if (status s = read_condition(at, item, out.back(), depth + 1); !s.is_ok()) return s;
  }
  return status::ok();
}

status read_condition(const json_place& at, element e, config_condition& out, int depth) {
  using op = config_condition::op;
  if (depth > 32) return at.error("condition nested too deeply");
  std::vector<std::pair<std::string_view, element>> members;
  if (status s = object_members(at, e, "a condition", members); !s.is_ok()) return s;
  element path, where;
  bool has_path = false, has_where = false, has_op = false;
  for (auto& [key, value] : members) {
    if (key == "path") {
      path = value;
      has_path = true;
      continue;
    }
    if (key == "where") {
      where = value;
      has_where = true;
      continue;
    }
    if (has_op) return at.error("a condition has exactly one operator (found another: '" + std::string(key) + "')");
    has_op = true;
    if (key == "all" || key == "any") {
      out.kind = key == "all" ? op::all : op::any;
      if (status s = read_conditions(at, value, out.subs, depth); !s.is_ok()) return s;
    } else if (key == "not") {
      out.kind = op::not_;
      out.subs.emplace_back();
      if (status s = read_condition(at, value, out.subs.back(), depth + 1); !s.is_ok()) return s;
    } else if (key == "each") {
      out.kind = op::each;
      std::string p;
      if (status s = read_string(at, "each", value, p); !s.is_ok()) return s;
      if (status s = parse_path(at, p, out.path); !s.is_ok()) return s;
    } else if (key == "exists" || key == "missing") {
      bool flag = false;
      if (status s = read_bool(at, key, value, flag); !s.is_ok()) return s;
      out.kind = (key == "exists") == flag ? op::exists : op::missing;
    } else if (key == "equals" || key == "not_equals") {
      out.kind = key == "equals" ? op::equals : op::not_equals;
      out.values.emplace_back();
      if (status s = read_value(at, value, out.values.back()); !s.is_ok()) return s;
    } else if (key == "in" || key == "not_in") {
      out.kind = key == "in" ? op::in : op::not_in;
      array items;
      if (value.get_array().get(items) != simdjson::SUCCESS || items.size() == 0) {
        return at.error("'" + std::string(key) + "' takes a non-empty array of values");
      }
      for (element item : items) {
        out.values.emplace_back();
        if (status s = read_value(at, item, out.values.back()); !s.is_ok()) return s;
      }
    } else if (key == "matches" || key == "not_matches") {
      out.kind = key == "matches" ? op::matches : op::not_matches;
      std::string pattern;
      if (status s = read_string(at, key, value, pattern); !s.is_ok()) return s;
      if (status s = compile_regex(at, pattern, out.re); !s.is_ok()) return s;
    } else if (key == "cidr") {
      std::string which;
      if (status s = read_string(at, "cidr", value, which); !s.is_ok()) return s;
      if (which != "public") return at.error("'cidr' takes \"public\"");
      out.kind = op::cidr_public;
    } else if (key == "lt" || key == "le" || key == "gt" || key == "ge") {
      out.kind = key == "lt" ? op::lt : key == "le" ? op::le : key == "gt" ? op::gt : op::ge;
      if (value.get_double().get(out.number) != simdjson::SUCCESS) {
        return at.error("'" + std::string(key) + "' takes a number");
      }
    } else {
      return at.error("unknown condition operator '" + std::string(key) + "'");
    }
  }
  if (!has_op) return at.error("a condition needs an operator");
  bool combinator = out.kind == op::all || out.kind == op::any || out.kind == op::not_;
  if (out.kind == op::each) {
    if (has_path) return at.error("'each' takes its path as its value, not 'path'");
    if (has_where) {
      out.subs.emplace_back();
      if (status s = read_condition(at, where, out.subs.back(), depth + 1); !s.is_ok()) return s;
    }
    return status::ok();
  }
  if (has_where) return at.error("'where' belongs to 'each'");
  if (combinator) {
    if (has_path) return at.error("'all', 'any' and 'not' take no 'path'");
    return status::ok();
  }
  if (!has_path) return at.error("a test needs a 'path'");
  std::string p;
  if (status s = read_string(at, "path", path, p); !s.is_ok()) return s;
  return parse_path(at, p, out.path);
}

// An example: a document as one string, or as an array of its lines.
status read_documents(const json_place& at, std::string_view field, element e, std::vector<std::string>& out) {
  array items;
  if (e.get_array().get(items) != simdjson::SUCCESS || items.size() == 0) {
    return at.error("field 'examples." + std::string(field) + "' must be a non-empty array");
  }
  for (element item : items) {
    std::string_view s;
    array lines;
    if (item.get_string().get(s) == simdjson::SUCCESS) {
      out.emplace_back(s);
    } else if (item.get_array().get(lines) == simdjson::SUCCESS) {
      std::string doc;
      for (element line : lines) {
        if (line.get_string().get(s) != simdjson::SUCCESS) {
          return at.error("an example's lines must be strings");
        }
        doc.append(s);
        doc += '\n';
      }
      out.push_back(std::move(doc));
    } else {
      return at.error("an example is a string or an array of lines");
    }
  }
  return status::ok();
}

status read_rule(json_place& at, element value, config_rule& out) {
  std::vector<std::pair<std::string_view, element>> members;
  if (status s = object_members(at, value, "a rule", members); !s.is_ok()) return s;
  for (auto& [key, item] : members) {
    if (key == "id") {
      if (status s = read_string(at, "id", item, out.id); !s.is_ok()) return s;
      at.item = "rule '" + out.id + "'";
    }
  }
  if (out.id.empty()) return at.error("missing field 'id'");
  bool has[8] = {};
  std::string report;
  element condition;
  for (auto& [key, item] : members) {
    status s;
    if (key == "id") {
      continue;
    } else if (key == "title") {
      s = read_string(at, "title", item, out.title);
    } else if (key == "description") {
      s = read_string(at, "description", item, out.description);
    } else if (key == "remediation") {
      s = read_string(at, "remediation", item, out.remediation);
    } else if (key == "cwe") {
      std::int64_t cwe = 0;
      if (item.get_int64().get(cwe) != simdjson::SUCCESS || cwe <= 0 || cwe > 100000) {
        s = at.error("field 'cwe' must be a positive integer");
      }
      out.cwe = static_cast<int>(cwe);
    } else if (key == "severity") {
      std::string name;
      s = read_string(at, "severity", item, name);
      if (s.is_ok() && !parse_severity(name, out.severity)) s = at.error("unknown severity '" + name + "'");
      has[0] = true;
    } else if (key == "confidence") {
      if (item.get_double().get(out.confidence) != simdjson::SUCCESS || out.confidence < 0 || out.confidence > 1) {
        s = at.error("field 'confidence' must be a number from 0 to 1");
      }
      has[1] = true;
    } else if (key == "kind") {
      std::string name;
      s = read_string(at, "kind", item, name);
      out.kind = config_kind_from_name(name);
      if (s.is_ok() && out.kind == config_kind::none) s = at.error("unknown kind '" + name + "'");
    } else if (key == "scope") {
      s = read_string(at, "scope", item, out.scope);
    } else if (key == "types") {
      s = read_strings(at, "types", item, out.types);
    } else if (key == "report") {
      s = read_string(at, "report", item, report);
      if (s.is_ok() && report != "subject" && report != "block" && report != "match") {
        s = at.error("field 'report' must be \"subject\", \"block\" or \"match\"");
      }
    } else if (key == "audit") {
      s = read_bool(at, "audit", item, out.audit);
    } else if (key == "each_finding") {
      s = read_bool(at, "each_finding", item, out.each_finding);
    } else if (key == "supersedes") {
      s = read_strings(at, "supersedes", item, out.supersedes);
    } else if (key == "condition") {
      condition = item;
      has[2] = true;
    } else if (key == "examples") {
      std::vector<std::pair<std::string_view, element>> parts;
      s = object_members(at, item, "'examples'", parts);
      for (auto& [part, docs] : parts) {
        if (!s.is_ok()) break;
        if (part == "positive") {
          s = read_documents(at, part, docs, out.positive);
        } else if (part == "negative") {
          s = read_documents(at, part, docs, out.negative);
        } else {
          s = at.error("unknown field 'examples." + std::string(part) + "'");
        }
      }
    } else {
      s = at.error("unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (out.title.empty()) return at.error("missing field 'title'");
  if (out.description.empty()) return at.error("missing field 'description'");
  if (out.remediation.empty()) return at.error("missing field 'remediation'");
  if (out.cwe == 0) return at.error("missing field 'cwe'");
  if (!has[0]) return at.error("missing field 'severity'");
  if (!has[1]) return at.error("missing field 'confidence'");
  if (out.kind == config_kind::none) return at.error("missing field 'kind'");
  if (!has[2]) return at.error("missing field 'condition'");
  if (out.positive.empty() || out.negative.empty()) {
    return at.error("'examples' needs a positive and a negative example");
  }
  const auto& scopes = scopes_of(out.kind);
  if (out.scope.empty()) out.scope = scopes.front();
  if (std::find(scopes.begin(), scopes.end(), out.scope) == scopes.end()) {
    return at.error("kind '" + std::string(config_kind_name(out.kind)) + "' has no scope '" + out.scope + "'");
  }
  bool resource_like = out.kind == config_kind::terraform || out.kind == config_kind::cloudformation;
  if (report.empty()) report = resource_like ? "block" : "match";
  out.report = report == "subject" ? config_rule::report_at::subject
               : report == "block" ? config_rule::report_at::block
                                   : config_rule::report_at::match;
  status s = read_condition(at, condition, out.condition, 0);
  if (s.is_ok() && out.each_finding && out.condition.kind != config_condition::op::each &&
      out.condition.kind != config_condition::op::any && out.condition.kind != config_condition::op::all) {
    return at.error("'each_finding' needs a condition whose operator is 'each', 'any' or 'all'");
  }
  return s;
}

}  // namespace

std::vector<std::string> config_rule_set::superseded(config_kind kind) const {
  std::vector<std::string> out;
  for (const config_rule& r : rules_) {
    if (r.kind == kind) out.insert(out.end(), r.supersedes.begin(), r.supersedes.end());
  }
  return out;
}

result<config_rule_set> load_config_rules(const std::vector<std::pair<std::string, std::string>>& files) {
  config_rule_set set;
  std::set<std::string> ids;
  simdjson::dom::parser parser;
  for (const auto& [name, text] : files) {
    json_place at{name, {}};
    element root;
    if (auto code = parser.parse(text).get(root); code != simdjson::SUCCESS) {
      return at.error(std::string("invalid JSON: ") + simdjson::error_message(code));
    }
    std::vector<std::pair<std::string_view, element>> members;
    if (status s = object_members(at, root, "the top level", members); !s.is_ok()) return s;
    bool has_rules = false;
    for (auto& [key, item] : members) {
      if (key == "description") {
        std::string ignored;
        if (status s = read_string(at, "description", item, ignored); !s.is_ok()) return s;
      } else if (key == "rules") {
        array rules;
        if (item.get_array().get(rules) != simdjson::SUCCESS) return at.error("'rules' must be an array");
        has_rules = true;
        std::size_t index = 0;
        for (element r : rules) {
          json_place rule_at{name, "rule #" + std::to_string(++index)};
          config_rule rule;
          rule.file = name;
          if (status s = read_rule(rule_at, r, rule); !s.is_ok()) return s;
          if (!ids.insert(rule.id).second) return rule_at.error("duplicate id");
          set.rules_.push_back(std::move(rule));
        }
      } else {
        return at.error("unknown top-level field '" + std::string(key) + "'");
      }
    }
    if (!has_rules) return at.error("missing the 'rules' array");
  }
  return result<config_rule_set>(std::move(set));
}

}  // namespace heimdall::analysis
