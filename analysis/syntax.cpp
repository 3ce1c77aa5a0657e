#include "analysis/syntax.h"

#include <string>

#include "analysis/grammars.h"

namespace heimdall::analysis {
namespace {

// A parse this slow is a pathological file; the pattern rules still run.
constexpr std::uint64_t kParseTimeoutMicros = 5'000'000;

// Bytes under ERROR nodes, not counting ERROR nodes inside others.
std::size_t error_bytes(TSNode node) {
  if (std::string_view(ts_node_type(node)) == "ERROR") return ts_node_end_byte(node) - ts_node_start_byte(node);
  if (!ts_node_has_error(node)) return 0;
  std::size_t n = 0;
  for (std::uint32_t i = 0, count = ts_node_child_count(node); i < count; ++i) n += error_bytes(ts_node_child(node, i));
  return n;
}

// Every grammar names its comment nodes "comment", "line_comment" or
// "block_comment".
bool is_comment(TSNode node) { return std::string_view(ts_node_type(node)).find("comment") != std::string_view::npos; }

// A string (or concatenation of strings) that is a whole expression
// statement: a docstring, or any literal the program evaluates and drops.
bool is_string_statement(TSNode node) {
  if (std::string_view(ts_node_type(node)).find("string") == std::string_view::npos) return false;
  TSNode parent = ts_node_parent(node);
  return !ts_node_is_null(parent) && std::string_view(ts_node_type(parent)) == "expression_statement" &&
         ts_node_named_child_count(parent) == 1;
}

}  // namespace

std::string_view parse_outcome_name(parse_outcome outcome) {
  switch (outcome) {
    case parse_outcome::parsed: return "parsed";
    case parse_outcome::no_grammar: return "no_grammar";
    case parse_outcome::unparsable: return "unparsable";
  }
  return "unparsable";
}

std::string_view grammar_name(language lang, std::string_view path) {
  if (!is_programming_language(lang)) return {};
  if (lang == language::typescript) return path.ends_with(".tsx") ? "tsx" : "typescript";
  return language_name(lang);
}

const TSLanguage* grammar_for(language lang, std::string_view path) {
  std::string_view name = grammar_name(lang, path);
  return name.empty() ? nullptr : compiled_grammar(name);
}

namespace {

parse_result parse(language lang, std::string_view path, std::string_view content, bool keep_errors) {
  parse_result out;
  const TSLanguage* grammar = grammar_for(lang, path);
  if (!grammar) return out;
  // One parser per thread, kept: a new one per file costs 8% of a C file's
  // parse (its stacks are allocated again). Reset, so that a parse stopped
  // by the timeout is not resumed by the next file's.
  thread_local std::unique_ptr<TSParser, void (*)(TSParser*)> parser(ts_parser_new(), ts_parser_delete);
  ts_parser_reset(parser.get());
  out.outcome = parse_outcome::unparsable;
  if (!ts_parser_set_language(parser.get(), grammar)) return out;  // an ABI the runtime does not load
  ts_parser_set_timeout_micros(parser.get(), kParseTimeoutMicros);
  TSTree* tree = ts_parser_parse_string(parser.get(), nullptr, content.data(), static_cast<std::uint32_t>(content.size()));
  if (!tree) return out;
  out.tree = std::make_unique<syntax_tree>(tree);
  // Most of the file in ERROR nodes: the grammar does not fit this code (a
  // template, another dialect); what tree there is would mislead.
  if (2 * error_bytes(out.tree->root()) > content.size()) {
    if (!keep_errors) out.tree.reset();
    return out;
  }
  out.outcome = parse_outcome::parsed;
  return out;
}

}  // namespace

parse_result parse_source(language lang, std::string_view path, std::string_view content) {
  return parse(lang, path, content, false);
}

parse_result parse_source_keeping_errors(language lang, std::string_view path, std::string_view content) {
  return parse(lang, path, content, true);
}

bool syntax_tree::in_documentation(std::uint32_t start, std::uint32_t end) const {
  if (end <= start) return false;
  // The smallest node holding the whole range, then its ancestors: one of
  // them is a comment (or a string statement) exactly when the range lies
  // inside one.
  for (TSNode node = ts_node_descendant_for_byte_range(root(), start, end - 1); !ts_node_is_null(node);
       node = ts_node_parent(node)) {
    if (is_comment(node) || is_string_statement(node)) return true;
  }
  return false;
}

}  // namespace heimdall::analysis
