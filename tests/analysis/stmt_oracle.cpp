#include "tests/analysis/stmt_oracle.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "analysis/syntax.h"
#include "analysis/taint_front_end.h"

namespace heimdall::analysis::test {
namespace {

using taint_detail::stmt;
using taint_detail::stmt_kind;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_statement(std::string_view t) {
  return ends_with(t, "_statement") || ends_with(t, "_declaration") || ends_with(t, "_definition") ||
         ends_with(t, "_signature") || t == "statement_block" || t == "block" || t == "else_if_clause";
}

// Children before a statement's first part, which the groupers step over.
bool is_prefix(std::string_view t) {
  return t.find("modifier") != std::string_view::npos || t.find("decorator") != std::string_view::npos ||
         t.find("annotation") != std::string_view::npos || t.find("comment") != std::string_view::npos ||
         t.find("attribute") != std::string_view::npos;
}

// Nodes whose functions the engine groups when it evaluates them.
bool is_expression_scope(std::string_view t) {
  return t == "function_expression" || t == "function" || t == "arrow_function" || t == "generator_function" ||
         t == "class" || t == "object" || t == "func_literal" || t == "object_creation_expression" || t == "anonymous_function" ||
         t == "anonymous_function_creation_expression" || t == "anonymous_class";
}

bool is_function_declaration(std::string_view t) {
  return t == "function_declaration" || t == "generator_function_declaration" || t == "method_definition" ||
         t == "method_declaration" || t == "function_definition";
}

struct tree_stmt {
  std::uint32_t start, end, first_part;
  std::string_view type;
};

struct tree_facts {
  std::vector<tree_stmt> statements;  // in preorder: by start, outer first
  std::vector<std::pair<std::uint32_t, std::uint32_t>> functions;
  std::optional<std::uint32_t> error;
};

tree_facts read_tree(TSNode root) {
  tree_facts f;
  TSTreeCursor c = ts_tree_cursor_new(root);
  std::vector<int> expression_depth{0};  // per level: expression scopes around it
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    std::string_view t = ts_node_type(n);
    if (t == "ERROR" || ts_node_is_missing(n)) {
      f.error = ts_node_start_byte(n);
      break;
    }
    const bool named = ts_node_is_named(n);
    if (named && is_statement(t)) {
      // PHP's elseif is ours an if holding the branches after it, which the
      // tree gives its parent.
      const std::uint32_t end = ts_node_end_byte(t == "else_if_clause" ? ts_node_parent(n) : n);
      tree_stmt s{ts_node_start_byte(n), end, end, t};
      for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
        TSNode child = ts_node_named_child(n, i);
        if (!is_prefix(ts_node_type(child))) {
          s.first_part = ts_node_start_byte(child);
          break;
        }
      }
      f.statements.push_back(s);
    }
    if (named && expression_depth.back() == 0 && is_function_declaration(t)) {
      TSNode body = ts_node_child_by_field_name(n, "body", 4);
      if (!ts_node_is_null(body)) f.functions.push_back({ts_node_start_byte(n), ts_node_end_byte(n)});
    }
    const int inner = expression_depth.back() + (named && is_expression_scope(t) ? 1 : 0);
    if (ts_tree_cursor_goto_first_child(&c)) {
      expression_depth.push_back(inner);
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&c)) {
      if (!ts_tree_cursor_goto_parent(&c)) {
        ts_tree_cursor_delete(&c);
        return f;
      }
      expression_depth.pop_back();
    }
  }
  ts_tree_cursor_delete(&c);
  return f;
}

struct our_stmt {
  std::uint32_t start, end;
  stmt_kind kind;
};

// Our statements' byte ranges, nested ones included; a statement whose
// tokens are all synthetic (PHP's) has none.
void flatten(const std::vector<stmt>& in, std::string_view content, std::vector<our_stmt>& out) {
  auto offset = [&](std::string_view text) -> std::optional<std::uint32_t> {
    if (text.data() < content.data() || text.data() >= content.data() + content.size()) return std::nullopt;
    return static_cast<std::uint32_t>(text.data() - content.data());
  };
  for (const stmt& s : in) {
    const auto& x = s.extent;
    std::optional<std::uint32_t> start, end;
    for (std::uint32_t i = x.b; x.toks && i < x.e && !start; ++i) start = offset(x[i].text);
    for (std::uint32_t i = x.e; x.toks && i > x.b && !end; --i) {
      if (auto at = offset(x[i - 1].text)) end = *at + static_cast<std::uint32_t>(x[i - 1].text.size());
    }
    if (start && end && *start < *end) out.push_back({*start, *end, s.kind});
    flatten(s.body, content, out);
    flatten(s.orelse, content, out);
    for (const auto& h : s.handlers) flatten(h, content, out);
    flatten(s.final_body, content, out);
  }
}

int line_of(std::string_view s, std::size_t at) {
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

std::string excerpt(std::string_view content, std::uint32_t at) {
  std::string_view rest = content.substr(at, 50);
  std::string out(rest.substr(0, rest.find('\n')));
  return out;
}

}  // namespace

bool has_brace_grouper(language lang) {
  return lang == language::javascript || lang == language::typescript ||
         lang == language::php;
}

stmt_verdict compare_statements_with_tree(language lang, std::string_view path, std::string_view content) {
  stmt_verdict v;
  if (!has_brace_grouper(lang)) return v;
  parse_result parsed = parse_source(lang, path, content);
  if (!parsed.tree) {
    v.where = "not compared: " + std::string(parse_outcome_name(parsed.outcome));
    return v;
  }
  const tree_facts tree = read_tree(parsed.tree->root());
  if (tree.error) {
    v.line = line_of(content, *tree.error);
    v.where = "not compared: the tree has an ERROR node";
    return v;
  }
  const taint_detail::lexed_file lexed = taint_detail::lex_file(lang, path, content);
  std::vector<our_stmt> ours;
  flatten(taint_detail::parse_file(lang, lexed), content, ours);
  std::stable_sort(ours.begin(), ours.end(), [](const our_stmt& a, const our_stmt& b) { return a.start < b.start; });

  v.outcome = stmt_verdict::agree;
  std::uint32_t first_at = UINT32_MAX;
  auto disagree = [&](std::uint32_t at, std::string_view rule, std::string what) {
    ++v.disagreements;
    if (at >= first_at) return;
    first_at = at;
    v.outcome = stmt_verdict::disagree;
    v.line = line_of(content, at);
    v.rule = rule;
    v.where = std::move(what);
  };

  // The innermost tree statement holding each of our statements' start: a
  // sweep with the statements open at that byte on a stack.
  std::vector<const tree_stmt*> open;
  std::size_t next = 0;
  for (const our_stmt& s : ours) {
    ++v.checked;
    while (next < tree.statements.size() && tree.statements[next].start <= s.start) {
      while (!open.empty() && open.back()->end <= tree.statements[next].start) open.pop_back();
      open.push_back(&tree.statements[next++]);
    }
    while (!open.empty() && open.back()->end <= s.start) open.pop_back();
    if (open.empty()) continue;
    const tree_stmt& t = *open.back();
    if (s.end > t.end) {
      disagree(s.start, "runs_past",
               "ours runs past the " + std::string(t.type) + " at '" + excerpt(content, t.start) + "' (line " +
                   std::to_string(line_of(content, t.start)) + ")");
    } else if (s.start > t.first_part) {
      disagree(s.start, "starts_inside",
               "ours starts inside the " + std::string(t.type) + " at '" + excerpt(content, t.start) + "' (line " +
                   std::to_string(line_of(content, t.start)) + "): '" + excerpt(content, s.start) + "'");
    }
  }

  std::vector<std::uint32_t> function_ends;
  for (const our_stmt& s : ours) {
    if (s.kind == stmt_kind::func) function_ends.push_back(s.end);
  }
  std::sort(function_ends.begin(), function_ends.end());
  for (const auto& [start, end] : tree.functions) {
    ++v.checked;
    if (!std::binary_search(function_ends.begin(), function_ends.end(), end)) {
      disagree(start, "no_function", "no function of ours ends where '" + excerpt(content, start) + "' does");
    }
  }
  return v;
}

}  // namespace heimdall::analysis::test
