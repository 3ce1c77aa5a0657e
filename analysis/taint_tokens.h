// taint_tokens: the tokens the taint engine reads (lexed_file), which
// every front end writes from tree-sitter's tree: taint_python.h,
// taint_javascript.h, taint_go.h, taint_php.h, taint_ruby.h, taint_java.h
// (with taint_tree_writer.h). The expressions embedded in strings
// (f-strings, template literals, interpolations) are their own token lists
// (lexed_file::parts), so the engine can see taint flow through them.
//
// Plain data and inline helpers; thread-safe. Tokens point into the
// content a front end read (or at static text, or into lexed_file::text),
// which must outlive them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace heimdall::analysis {
class syntax_tree;  // syntax.h
}

namespace heimdall::analysis::taint_detail {

enum class tok { name, number, string, op, newline };

struct token {
  tok kind = tok::op;
  std::string_view text;
  int line = 1;        // 1-based line of the token's first byte
  int indent = 0;      // Python: the indentation of the logical line (set on its first token)
  bool nl_before = false;  // a line break precedes it (JS statement ends)
  bool line_start = false;  // first token of a Python logical line
  // For f-strings and template literals: the parts [part_begin, part_end)
  // of lexed_file::parts are the embedded expressions.
  std::uint32_t part_begin = 0, part_end = 0;
};

struct lexed_file {
  std::vector<token> tokens;
  std::vector<std::vector<token>> parts;  // expressions embedded in strings
  bool truncated = false;  // more than kMaxTokens: the rest was dropped
  // Token text a front end made up (Ruby's `:sym` as the string 'sym'); a
  // deque, so the texts stay put while it grows and when the file is moved.
  std::deque<std::string> text;
  // Why a front end gave no tokens for the file (Ruby: unparsable, no
  // grammar); empty otherwise. Static text.
  std::string_view left_out;
  // The tree a front end groups its statements from (Java's, taint_java.h),
  // and the content it was parsed from, which the tokens point into; null
  // and empty otherwise.
  std::shared_ptr<const syntax_tree> tree;
  std::string_view source;
};

// Bounds: a file past these is truncated (the engine skips it).
inline constexpr std::size_t kMaxTokens = 1u << 20;
inline constexpr int kMaxInterpolationDepth = 8;

// Gives the string token tokens[owner] its `count` embedded expressions:
// lex_part(k, part) writes the k-th one's tokens into `part` (a writer one
// interpolation level deeper), each kept in out.parts. The slots are taken
// first: the nested writers append the parts of deeper fields after them.
template <class LexPart>
void lex_embedded(lexed_file& out, std::vector<token>& tokens, std::size_t owner, std::size_t count, LexPart&& lex_part) {
  const auto first = static_cast<std::uint32_t>(out.parts.size());
  out.parts.resize(out.parts.size() + count);
  for (std::size_t k = 0; k < count; ++k) {
    std::vector<token> part;
    lex_part(k, part);
    out.parts[first + k] = std::move(part);
  }
  tokens[owner].part_begin = first;
  tokens[owner].part_end = first + static_cast<std::uint32_t>(count);
}

// Token tests the parser and the engine make on every token. The first
// byte is compared before the rest: nearly every test fails there, and a
// memcmp call per test was a fifth of the hunt stage's time.
inline bool text_is(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a.substr(1) == b.substr(1)));
}
// `t` is the word or operator `text` (never a string literal's text).
inline bool is(const token& t, std::string_view text) { return text_is(t.text, text) && t.kind != tok::string; }
inline bool opens(const token& t) {
  return t.kind == tok::op && t.text.size() == 1 && (t.text[0] == '(' || t.text[0] == '[' || t.text[0] == '{');
}
inline bool closes(const token& t) {
  return t.kind == tok::op && t.text.size() == 1 && (t.text[0] == ')' || t.text[0] == ']' || t.text[0] == '}');
}

// Identifier bytes, as the engine and the call graph scan names in text:
// ASCII letters, '_' and every non-ASCII byte (UTF-8 identifiers).
inline bool is_name_start(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || u >= 0x80;
}
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

}  // namespace heimdall::analysis::taint_detail
