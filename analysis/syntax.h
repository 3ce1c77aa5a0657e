// syntax: source code parsed by tree-sitter into a concrete syntax tree, for
// the languages whose grammar the build has (analysis/grammars.h). Code in a
// language with no grammar in the build, or that the parser cannot make
// sense of, is analysed by the pattern rules alone; parse_source says which
// (parse_outcome), so callers can report it rather than skip it silently.
//
// Thread-safety: parse_source may run on any number of threads at once (a
// parser per call); a syntax_tree is immutable and may be read from any
// thread. Ownership: a syntax_tree owns its tree; it keeps no reference to
// the content it was parsed from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include <tree_sitter/api.h>

#include "analysis/language.h"

namespace heimdall::analysis {

enum class parse_outcome {
  parsed,      // a tree; it may hold ERROR nodes where some code does not parse
  no_grammar,  // the build has no grammar for the language
  unparsable,  // the parser gave up, or errors cover most of the file
};
std::string_view parse_outcome_name(parse_outcome outcome);  // "parsed", "no_grammar", "unparsable"

class syntax_tree {
 public:
  explicit syntax_tree(TSTree* tree) : tree_(tree) {}  // takes ownership

  TSNode root() const { return ts_tree_root_node(tree_.get()); }
  const TSLanguage* grammar() const { return ts_tree_language(tree_.get()); }

  // True when the bytes [start, end) lie inside one comment (a block
  // comment over many lines included, which a line-based check cannot see)
  // or inside a string that is a statement of its own (a Python docstring:
  // evaluated and dropped, it is text for a reader, as a comment is).
  // O(depth of the tree).
  bool in_documentation(std::uint32_t start, std::uint32_t end) const;

 private:
  struct tree_deleter {
    void operator()(TSTree* t) const { ts_tree_delete(t); }
  };
  std::unique_ptr<TSTree, tree_deleter> tree_;
};

struct parse_result {
  parse_outcome outcome = parse_outcome::no_grammar;
  // Set when outcome == parsed; with parse_source_keeping_errors, also when
  // the outcome is unparsable for the share of ERROR nodes alone.
  std::unique_ptr<syntax_tree> tree;
};

// The name (in third_party/grammars.txt) of the grammar for `lang`, chosen
// by `path` where a language has two (TypeScript: "tsx" for .tsx files, which
// hold JSX); empty for a language analysis parses with none (shell, YAML...).
std::string_view grammar_name(language lang, std::string_view path);
// That grammar; nullptr when there is none or the build lacks it.
const TSLanguage* grammar_for(language lang, std::string_view path);

// The symbol of `grammar`'s named node type `name`, or 0 when the grammar
// has none (no named node has symbol 0): for writers that compare a node's
// type per node, where a string compare costs a tenth of the parse.
inline TSSymbol named_symbol(const TSLanguage* grammar, std::string_view name) {
  return ts_language_symbol_for_name(grammar, name.data(), static_cast<std::uint32_t>(name.size()), true);
}

// Parses `content`; gives up (unparsable) after 5 s.
parse_result parse_source(language lang, std::string_view path, std::string_view content);
// The same, but the tree stays whatever share of it ERROR nodes cover, for
// an analysis that reads what they hold too (c_flow_tokens.h).
parse_result parse_source_keeping_errors(language lang, std::string_view path, std::string_view content);

}  // namespace heimdall::analysis
