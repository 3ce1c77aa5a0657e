#include "tests/analysis/lexer_oracle.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "analysis/syntax.h"
#include "analysis/taint_front_end.h"

namespace heimdall::analysis::test {
namespace {

using taint_detail::lexed_file;
using taint_detail::tok;
using spans = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

// The literal node types of the six grammars (named nodes only: TypeScript's
// `string` type keyword is an anonymous node of the same name).
bool is_literal(std::string_view t) {
  return t == "string" || t == "template_string" || t == "regex" || t == "string_literal" ||
         t == "character_literal" || t == "interpreted_string_literal" || t == "raw_string_literal" ||
         t == "rune_literal" || t == "encapsed_string" || t == "heredoc" || t == "nowdoc";
}

// The outermost literals and comments under `n`, in order; false (and
// `error` set to its offset) when the tree holds an ERROR or MISSING node.
bool collect(TSNode n, spans& literals, spans& comments, std::uint32_t& error) {
  std::string_view t = ts_node_type(n);
  if (t == "ERROR" || ts_node_is_missing(n)) {
    error = ts_node_start_byte(n);
    return false;
  }
  if (t.find("comment") != std::string_view::npos) {
    comments.push_back({ts_node_start_byte(n), ts_node_end_byte(n)});
    return true;
  }
  if (ts_node_is_named(n) && is_literal(t)) {
    literals.push_back({ts_node_start_byte(n), ts_node_end_byte(n)});
    return true;
  }
  for (std::uint32_t i = 0, c = ts_node_child_count(n); i < c; ++i) {
    if (!collect(ts_node_child(n, i), literals, comments, error)) return false;
  }
  return true;
}

bool inside(std::uint32_t at, const spans& v) {
  auto it = std::upper_bound(v.begin(), v.end(), std::make_pair(at, UINT32_MAX));
  return it != v.begin() && at < std::prev(it)->second;
}

int line_of(std::string_view s, std::size_t at) {
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

}  // namespace

bool has_hand_lexer(language lang) {
  return lang == language::python;
}

lexer_verdict compare_lexer_with_tree(language lang, std::string_view path, std::string_view content) {
  lexer_verdict v;
  if (!has_hand_lexer(lang)) return v;
  const lexed_file lexed = taint_detail::lex_file(lang, path, content);
  parse_result parsed = parse_source(lang, path, content);
  spans literals, comments;
  std::uint32_t error = 0;
  if (!parsed.tree) {
    v.where = "not compared: " + std::string(parse_outcome_name(parsed.outcome));
    return v;
  }
  if (!collect(parsed.tree->root(), literals, comments, error)) {
    v.line = line_of(content, error);
    v.where = "not compared: the tree has an ERROR node";
    return v;
  }
  v.outcome = lexer_verdict::agree;
  auto offset = [&](std::string_view text) -> std::optional<std::uint32_t> {
    if (text.data() < content.data() || text.data() >= content.data() + content.size()) return std::nullopt;
    return static_cast<std::uint32_t>(text.data() - content.data());  // synthetic tokens point elsewhere
  };
  std::set<std::uint32_t> string_starts;
  for (const auto& t : lexed.tokens) {
    auto at = offset(t.text);
    if (!at) continue;
    if (t.kind == tok::string) {
      string_starts.insert(*at);
    } else if (t.kind != tok::newline && (inside(*at, literals) || inside(*at, comments))) {
      v = {lexer_verdict::disagree, line_of(content, *at),
           "code token '" + std::string(t.text) + "' inside a string or comment"};
      return v;
    }
  }
  for (const auto& [begin, end] : literals) {
    if (!string_starts.count(begin)) {
      v = {lexer_verdict::disagree, line_of(content, begin),
           "no string token where the literal " + std::string(content.substr(begin, std::min(end - begin, 40u))) +
               " starts"};
      return v;
    }
  }
  return v;
}

}  // namespace heimdall::analysis::test
