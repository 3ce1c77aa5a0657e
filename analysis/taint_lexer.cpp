#include "analysis/taint_lexer.h"

#include <algorithm>
#include <array>

#include "analysis/c_family_space.h"

namespace heimdall::analysis::taint_detail {
namespace {

int count_lines(std::string_view s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// Longest operator at s[i] from `ops` (sorted longest first), else one byte.
std::size_t op_length(std::string_view s, std::size_t i, const std::string_view* ops, std::size_t n_ops) {
  for (std::size_t k = 0; k < n_ops; ++k) {
    if (s[i] == ops[k][0] && s.substr(i, ops[k].size()) == ops[k]) return ops[k].size();
  }
  return 1;
}

constexpr std::array<std::string_view, 35> kJsOps = {
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "?\?=", "=>",
    "==",   "!=",  "<=",  ">=",  "+=",  "-=",  "*=",  "/=",  "%=",  "&=",  "|=",  "^=",
    "&&",   "||",  "??",  "?.",  "++",  "--",  "**",  "<<",  ">>",  "::",  "->"};

// ------------------------------------------------------------ JavaScript

std::size_t skip_js_template(std::string_view s, std::size_t i, std::vector<embedded>* parts, int line, int depth);

// Skips a quoted string (' or ") at s[i].
std::size_t skip_js_quoted(std::string_view s, std::size_t i) {
  const char q = s[i++];
  while (i < s.size()) {
    if (s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i] == '\n') return i;
    if (s[i++] == q) return i;
  }
  return std::min(i, s.size());  // a backslash may be the last byte
}

// Whether a '/' after `prev` starts a regex literal rather than a division.
bool regex_allowed(const token* prev) {
  if (!prev) return true;
  if (prev->kind == tok::number || prev->kind == tok::string) return false;
  if (prev->kind == tok::name) {
    static constexpr std::array<std::string_view, 14> kBefore = {
        "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await",
        "instanceof"};
    for (std::string_view k : kBefore) {
      if (prev->text == k) return true;
    }
    return false;
  }
  return prev->text != ")" && prev->text != "]" && prev->text != "}";
}

// The end of the token at s[i] (which is no space or comment), after
// `prev`, and its kind. A template literal's embedded expressions go to
// `parts` when given; `depth` is how many templates enclose this token.
std::size_t scan_js_token(std::string_view s, std::size_t i, const token* prev, int line, int depth, tok& kind,
                          std::vector<embedded>* parts) {
  const char c = s[i];
  if (c == '\'' || c == '"') {
    kind = tok::string;
    return skip_js_quoted(s, i);
  }
  if (c == '`') {
    kind = tok::string;
    return skip_js_template(s, i, parts, line, depth);
  }
  if (c == '/' && regex_allowed(prev)) {
    kind = tok::string;
    ++i;
    bool in_class = false;
    while (i < s.size() && s[i] != '\n') {
      if (s[i] == '\\') {
        i += 2;
        continue;
      }
      if (s[i] == '[') in_class = true;
      if (s[i] == ']') in_class = false;
      if (s[i] == '/' && !in_class) {
        ++i;
        break;
      }
      ++i;
    }
    while (i < s.size() && is_name_char(s[i])) ++i;
    return std::min(i, s.size());
  }
  if (is_name_start(c) || c == '$' || c == '#') {
    kind = tok::name;
    ++i;
    while (i < s.size() && (is_name_char(s[i]) || s[i] == '$')) ++i;
    return i;
  }
  if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
    kind = tok::number;
    while (i < s.size() && (is_name_char(s[i]) || s[i] == '.')) ++i;
    return i;
  }
  kind = tok::op;
  return i + op_length(s, i, kJsOps.data(), kJsOps.size());
}

// Skips the expression of `${...}` starting past the '{', token by token
// (so a quote or brace inside a regex, string or comment counts for
// nothing); returns the index of its closing '}' (or the end).
std::size_t skip_js_expression(std::string_view s, std::size_t i, int depth) {
  int braces = 0, line = 0;
  bool nl = false;
  token prev;
  const token* last = nullptr;
  while ((i = skip_c_family_space(s, i, line, nl)) < s.size()) {
    if (s[i] == '}' && braces == 0) return i;
    tok kind;
    std::size_t end = scan_js_token(s, i, last, 0, depth, kind, nullptr);
    if (kind == tok::op && s[i] == '{') ++braces;
    if (kind == tok::op && s[i] == '}') --braces;
    prev.kind = kind;
    prev.text = s.substr(i, end - i);
    last = &prev;
    i = end;
  }
  return s.size();
}

// Past kMaxInterpolationDepth nested templates, a template's `${` is text:
// the scan recurses once per level, and the stack must bound it, not the input.
std::size_t skip_js_template(std::string_view s, std::size_t i, std::vector<embedded>* parts, int line, int depth) {
  ++i;  // the backtick
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++line;
      i += 2;
      continue;
    }
    if (c == '\n') ++line;
    if (c == '`') return i + 1;
    if (c == '$' && i + 1 < s.size() && s[i + 1] == '{' && depth < kMaxInterpolationDepth) {
      std::size_t begin = i + 2;
      std::size_t end = skip_js_expression(s, begin, depth + 1);
      if (parts) parts->push_back({begin, end, line});
      line += count_lines(s.substr(begin, end - begin));
      i = end < s.size() ? end + 1 : end;
      continue;
    }
    ++i;
  }
  return std::min(i, s.size());
}

class js_lexer {
 public:
  js_lexer(lexed_file& out, int depth) : out_(out), depth_(depth) {}

  void run(std::string_view s, int line, std::vector<token>& tokens) {
    std::size_t i = 0;
    bool nl = false;
    if (s.substr(0, 2) == "#!") {
      while (i < s.size() && s[i] != '\n') ++i;
    }
    while (i < s.size()) {
      if (out_.truncated) return;
      if (std::size_t next = skip_c_family_space(s, i, line, nl); next != i) {
        i = next;
        continue;
      }
      std::size_t start = i;
      int start_line = line;
      tok kind;
      std::vector<embedded> parts;
      const token* prev = tokens.empty() ? nullptr : &tokens.back();
      i = scan_js_token(s, i, prev, line, depth_, kind, &parts);
      if (kind == tok::string) line += count_lines(s.substr(start, i - start));  // templates, line continuations
      if (++count_ > kMaxTokens) {
        out_.truncated = true;
        return;
      }
      token t;
      t.kind = kind;
      t.text = s.substr(start, i - start);
      t.line = start_line;
      t.nl_before = nl;
      nl = false;
      tokens.push_back(t);
      if (!parts.empty() && depth_ < kMaxInterpolationDepth) {
        lex_embedded(out_, tokens, tokens.size() - 1, parts.size(), [&](std::size_t k, std::vector<token>& part) {
          js_lexer inner(out_, depth_ + 1);
          inner.count_ = count_;
          inner.run(parts[k].text(s), parts[k].line, part);
          count_ = inner.count_;
        });
      }
    }
  }

 private:
  lexed_file& out_;
  int depth_;
  std::size_t count_ = 0;
};

}  // namespace

lexed_file lex_javascript(std::string_view content) {
  lexed_file out;
  js_lexer(out, 0).run(content, 1, out.tokens);
  return out;
}

}  // namespace heimdall::analysis::taint_detail
