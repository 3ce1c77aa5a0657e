#include "analysis/ruby_visibility.h"

#include <map>
#include <string>
#include <vector>

#include "analysis/syntax.h"

namespace heimdall::analysis {
namespace {

constexpr int kMaxDepth = 64;  // classes nest far less deep in written code

std::string_view type_of(TSNode n) { return ts_node_type(n); }
int line_of(TSNode n) { return static_cast<int>(ts_node_start_point(n).row) + 1; }

// n's named children, read with a cursor (ts_node_named_child(n, i) walks
// from the first child each time: quadratic over a long class body).
std::vector<TSNode> named_children(TSNode n) {
  std::vector<TSNode> out;
  if (ts_node_is_null(n)) return out;
  TSTreeCursor c = ts_tree_cursor_new(n);
  if (ts_tree_cursor_goto_first_child(&c)) {
    do {
      TSNode k = ts_tree_cursor_current_node(&c);
      if (ts_node_is_named(k)) out.push_back(k);
    } while (ts_tree_cursor_goto_next_sibling(&c));
  }
  ts_tree_cursor_delete(&c);
  return out;
}

class walker {
 public:
  walker(std::string_view src, std::set<int>& out) : src_(src), out_(out) {}

  // The statements of one class or module body (or the file's top level).
  // `hidden`: every method here is no public instance method (class << self).
  void body(TSNode n, int depth, bool hidden) {
    if (ts_node_is_null(n) || depth > kMaxDepth) return;
    bool open = true;                          // the current section is public
    std::map<std::string, std::vector<int>> defined;  // this body's methods by name, their lines
    for (TSNode s : named_children(n)) {
      std::string_view t = type_of(s);
      if (t == "method") {
        TSNode name = ts_node_child_by_field_name(s, "name", 4);
        int line = line_of(s);
        if (!ts_node_is_null(name)) defined[std::string(text(name))].push_back(line);
        if (hidden || !open) out_.insert(line);
      } else if (t == "class" || t == "module") {
        body(ts_node_child_by_field_name(s, "body", 4), depth + 1, false);
      } else if (t == "singleton_class") {
        body(ts_node_child_by_field_name(s, "body", 4), depth + 1, true);
      } else if (t == "identifier" && modifier(text(s))) {
        open = text(s) == "public";
      } else if (t == "call" && ts_node_is_null(ts_node_child_by_field_name(s, "receiver", 8))) {
        std::string_view m = text(ts_node_child_by_field_name(s, "method", 6));
        TSNode args = ts_node_child_by_field_name(s, "arguments", 9);
        if (!modifier(m)) continue;
        if (ts_node_is_null(args)) {
          open = m == "public";
          continue;
        }
        const bool makes_public = m == "public";
        for (TSNode a : named_children(args)) {
          std::string_view at = type_of(a);
          if (at == "method") {  // private def x ... end
            TSNode name = ts_node_child_by_field_name(a, "name", 4);
            if (!ts_node_is_null(name)) defined[std::string(text(name))].push_back(line_of(a));
            if (hidden || !makes_public) out_.insert(line_of(a));
            else out_.erase(line_of(a));
            continue;
          }
          auto it = defined.find(symbol(a));
          if (it == defined.end()) continue;
          for (int line : it->second) {
            if (makes_public && !hidden) out_.erase(line);
            else out_.insert(line);
          }
        }
      }
    }
  }

 private:
  std::string_view text(TSNode n) const {
    if (ts_node_is_null(n)) return {};
    return src_.substr(ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
  }

  static bool modifier(std::string_view m) {
    return m == "private" || m == "protected" || m == "public" || m == "module_function";
  }

  // The method a `:name` or "name" argument names; empty for anything else.
  std::string symbol(TSNode a) const {
    std::string_view t = type_of(a), x = text(a);
    if (t == "simple_symbol" && x.size() > 1) return std::string(x.substr(1));
    if (t == "string" && x.size() > 2 && ts_node_named_child_count(a) == 1 &&
        type_of(ts_node_named_child(a, 0)) == "string_content") {
      return std::string(x.substr(1, x.size() - 2));
    }
    return {};
  }

  std::string_view src_;
  std::set<int>& out_;
};

}  // namespace

std::set<int> ruby_nonpublic_method_lines(std::string_view path, std::string_view content) {
  std::set<int> out;
  parse_result parsed = parse_source(language::ruby, path, content);
  if (parsed.outcome != parse_outcome::parsed) return out;
  walker(content, out).body(parsed.tree->root(), 0, false);
  return out;
}

}  // namespace heimdall::analysis
