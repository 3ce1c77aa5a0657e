// YAML (libyaml's event parser) and JSON (simdjson, then libyaml) into
// config_node trees.
//
// Why libyaml's events rather than a DOM library: the tree is built with an
// explicit stack, so nesting depth and alias expansion ("billion laughs")
// are bounded here, and libyaml reports the line of every event and of
// every syntax error.
#include <simdjson.h>
#include <yaml.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "analysis/config_parsers.h"

namespace heimdall::analysis {
namespace {

std::size_t subtree_size(const config_node& n) {
  std::size_t size = 1;
  for (const config_node& c : n.children) size += subtree_size(c);
  return size;
}

// A tag the YAML core schema defines ("!!str", "!!int") keeps a scalar
// literal; an application tag (CloudFormation's "!Ref", "!Sub") makes it an
// expression.
bool is_core_tag(std::string_view tag) { return tag.empty() || tag.rfind("tag:yaml.org,2002:", 0) == 0; }

std::string tag_of(const yaml_char_t* tag) { return tag ? std::string(reinterpret_cast<const char*>(tag)) : ""; }

class yaml_builder {
 public:
  explicit yaml_builder(std::vector<config_node>& documents) : documents_(documents) {}

  // Adds a finished node where it belongs; false with `error` set when the
  // node budget is exceeded.
  bool add(config_node node, const std::string& anchor, config_parse_error& error) {
    nodes_ += subtree_size(node);
    if (nodes_ > kMaxConfigNodes) {
      error = {node.line, "document too large (more than " + std::to_string(kMaxConfigNodes) + " nodes after aliases)"};
      return false;
    }
    if (!anchor.empty()) anchors_[anchor] = node;
    if (stack_.empty()) {
      documents_.push_back(std::move(node));
      return true;
    }
    frame& top = stack_.back();
    if (top.node.is_list()) {
      top.node.children.push_back(std::move(node));
      return true;
    }
    if (!top.have_key) {
      top.have_key = true;
      top.key = node.is_scalar() ? node.text : "";
      top.key_line = node.line;
      return true;
    }
    top.have_key = false;
    node.key = top.key;
    node.line = top.key_line;
    if (top.key == "<<") {
      top.merged.push_back(std::move(node));
      return true;
    }
    top.node.children.push_back(std::move(node));
    return true;
  }

  bool open(config_node_kind kind, int line, std::string tag, std::string anchor, config_parse_error& error) {
    if (stack_.size() >= static_cast<std::size_t>(kMaxConfigDepth)) {
      error = {line, "nested too deeply"};
      return false;
    }
    frame f;
    f.node.kind = kind;
    f.node.line = line;
    f.node.tag = std::move(tag);
    f.anchor = std::move(anchor);
    stack_.push_back(std::move(f));
    return true;
  }

  bool close(config_parse_error& error) {
    frame f = std::move(stack_.back());
    stack_.pop_back();
    for (const config_node& m : f.merged) merge(f.node, m);
    return add(std::move(f.node), f.anchor, error);
  }

  bool alias(const std::string& name, int line, config_parse_error& error) {
    auto found = anchors_.find(name);
    if (found == anchors_.end()) {
      error = {line, "unknown alias *" + name};
      return false;
    }
    config_node copy = found->second;
    copy.line = line;
    return add(std::move(copy), "", error);
  }

 private:
  struct frame {
    config_node node;
    std::string anchor;
    bool have_key = false;
    std::vector<config_node> merged;  // `<<` values, applied when the map closes
    std::string key;
    int key_line = 0;
  };

  // `<<: *base` (or a list of them): the merged maps' entries the map does
  // not set itself.
  static void merge(config_node& into, const config_node& from) {
    if (from.is_list()) {
      for (const config_node& item : from.children) merge(into, item);
      return;
    }
    if (!from.is_map()) return;
    for (const config_node& entry : from.children) {
      if (!into.find(entry.key)) into.children.push_back(entry);
    }
  }

  std::vector<config_node>& documents_;
  std::vector<frame> stack_;
  std::map<std::string, config_node> anchors_;
  std::size_t nodes_ = 0;
};

struct yaml_parser_guard {
  yaml_parser_t parser;
  yaml_parser_guard() { yaml_parser_initialize(&parser); }
  ~yaml_parser_guard() { yaml_parser_delete(&parser); }
};

struct yaml_event_guard {
  yaml_event_t event;
  ~yaml_event_guard() { yaml_event_delete(&event); }
};

}  // namespace

std::optional<config_parse_error> parse_yaml(std::string_view text, std::vector<config_node>& documents) {
  documents.clear();
  yaml_parser_guard guard;
  yaml_parser_set_input_string(&guard.parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  yaml_builder builder(documents);
  config_parse_error error;
  while (true) {
    yaml_event_guard e;
    if (!yaml_parser_parse(&guard.parser, &e.event)) {
      const yaml_parser_t& p = guard.parser;
      std::string what = p.problem ? p.problem : "invalid YAML";
      if (p.context) what = std::string(p.context) + ": " + what;
      return config_parse_error{static_cast<int>(p.problem_mark.line) + 1, what};
    }
    int line = static_cast<int>(e.event.start_mark.line) + 1;
    switch (e.event.type) {
      case YAML_STREAM_END_EVENT:
        return std::nullopt;
      case YAML_SCALAR_EVENT: {
        config_node n;
        n.line = line;
        n.text.assign(reinterpret_cast<const char*>(e.event.data.scalar.value), e.event.data.scalar.length);
        n.tag = tag_of(e.event.data.scalar.tag);
        n.literal = is_core_tag(n.tag);
        if (!builder.add(std::move(n), tag_of(e.event.data.scalar.anchor), error)) return error;
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        if (!builder.open(config_node_kind::list, line, tag_of(e.event.data.sequence_start.tag),
                          tag_of(e.event.data.sequence_start.anchor), error)) {
          return error;
        }
        break;
      case YAML_MAPPING_START_EVENT:
        if (!builder.open(config_node_kind::map, line, tag_of(e.event.data.mapping_start.tag),
                          tag_of(e.event.data.mapping_start.anchor), error)) {
          return error;
        }
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        if (!builder.close(error)) return error;
        break;
      case YAML_ALIAS_EVENT:
        if (!builder.alias(tag_of(e.event.data.alias.anchor), line, error)) return error;
        break;
      default:  // stream and document start, document end
        break;
    }
  }
}

namespace {

void shift_lines(config_node& n, int by) {
  n.line += by;
  for (config_node& c : n.children) shift_lines(c, by);
}

}  // namespace

// Why both parsers: simdjson decides strictly whether the text is JSON (YAML
// would accept much more), and libyaml, which reads JSON as the flow subset
// of YAML, gives every node its line.
std::optional<config_parse_error> parse_json_config(std::string_view text, config_node& root, int first_line) {
  root = config_node();
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (auto e = parser.parse(text.data(), text.size()).get(element)) {
    return config_parse_error{first_line, std::string("invalid JSON: ") + simdjson::error_message(e)};
  }
  if (!element.is_object()) return config_parse_error{first_line, "invalid JSON: the top level is not an object"};
  std::vector<config_node> documents;
  if (auto failed = parse_yaml(text, documents)) {
    failed->line += first_line - 1;
    return failed;
  }
  if (documents.size() != 1 || !documents[0].is_map()) return config_parse_error{first_line, "invalid JSON"};
  root = std::move(documents[0]);
  shift_lines(root, first_line - 1);
  return std::nullopt;
}

}  // namespace heimdall::analysis
