#include "analysis/taint_lexer.h"

#include <array>

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

constexpr std::array<std::string_view, 24> kPythonOps = {
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "+=",
    "-=",  "*=",  "/=",  "%=",  "&=",  "|=", "^=", "@=", "**", "//", "<<", ">>"};

// ---------------------------------------------------------------- Python

struct py_string_prefix {
  std::size_t length = 0;  // letters before the quote
  bool f = false;
};

// Whether s[i..] is a string prefix (r, b, u, f, rb, fr, ... any case)
// directly followed by a quote.
py_string_prefix python_prefix(std::string_view s, std::size_t i) {
  py_string_prefix p;
  std::size_t k = i;
  while (k < s.size() && k - i < 2) {
    char c = static_cast<char>(s[k] | 0x20);
    if (c != 'r' && c != 'b' && c != 'u' && c != 'f') break;
    if (c == 'f') p.f = true;
    ++k;
  }
  if (k < s.size() && (s[k] == '\'' || s[k] == '"')) {
    p.length = k - i;
    return p;
  }
  return {};
}

// Skips a Python string whose opening quote is at s[i]; returns the index
// past it. Expression spans of an f-string go to `parts`. `depth`: the
// f-strings around it; past kMaxInterpolationDepth a field is text (the scan
// recurses once per level, and the stack must bound it, not the input).
std::size_t skip_python_string(std::string_view s, std::size_t i, bool f, int line, std::vector<embedded>* parts,
                               int depth);

// Skips an f-string replacement field's expression starting at s[i] (past
// the '{'); returns where the expression ends ('!', ':', '=' or '}').
std::size_t skip_python_expression(std::string_view s, std::size_t i, int depth) {
  int brackets = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '(' || c == '[' || c == '{') {
      ++brackets;
    } else if (c == ')' || c == ']' || c == '}') {
      if (brackets == 0) return i;
      --brackets;
    } else if (brackets == 0 && c == '!' && i + 1 < s.size() && s[i + 1] != '=') {
      return i;
    } else if (brackets == 0 && c == ':') {
      return i;
    } else if (c == '\'' || c == '"') {
      i = skip_python_string(s, i, false, 0, nullptr, depth);
      continue;
    } else if (is_name_start(c)) {
      py_string_prefix p = python_prefix(s, i);
      if (p.length > 0) {
        i = skip_python_string(s, i + p.length, p.f, 0, nullptr, depth);
        continue;
      }
      while (i < s.size() && is_name_char(s[i])) ++i;
      continue;
    }
    ++i;
  }
  return i;
}

std::size_t skip_python_string(std::string_view s, std::size_t i, bool f, int line, std::vector<embedded>* parts,
                               int depth) {
  const char q = s[i];
  const bool triple = s.size() - i >= 3 && s[i + 1] == q && s[i + 2] == q;
  i += triple ? 3 : 1;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++line;
      i += 2;
      continue;
    }
    if (c == '\n') {
      if (!triple) return i;  // unterminated: the line ends it
      ++line;
    }
    if (c == q && (!triple || (s.size() - i >= 3 && s[i + 1] == q && s[i + 2] == q))) {
      return i + (triple ? 3 : 1);
    }
    if (f && c == '{' && depth < kMaxInterpolationDepth) {
      if (i + 1 < s.size() && s[i + 1] == '{') {
        i += 2;
        continue;
      }
      std::size_t begin = i + 1;
      std::size_t end = skip_python_expression(s, begin, depth + 1);
      // A trailing '=' (f"{x=}") is the debug form, not part of the expression.
      std::size_t expr_end = end;
      if (expr_end > begin && s[expr_end - 1] == '=' && (expr_end - begin < 2 || s[expr_end - 2] != '=')) --expr_end;
      if (parts) parts->push_back({begin, expr_end, line});
      line += count_lines(s.substr(begin, end - begin));
      // The format spec may hold nested fields: skip to the matching '}'.
      int depth = 0;
      i = end;
      while (i < s.size()) {
        if (s[i] == '{') ++depth;
        if (s[i] == '}') {
          if (depth == 0) break;
          --depth;
        }
        if (s[i] == '\n') {
          if (!triple) break;
          ++line;
        }
        ++i;
      }
      if (i < s.size() && s[i] == '}') ++i;
      continue;
    }
    ++i;
  }
  return i;
}

class python_lexer {
 public:
  python_lexer(lexed_file& out, int depth) : out_(out), depth_(depth) {}

  // Top level (`top`): NEWLINE tokens and indentation; inside an f-string
  // field: neither.
  void run(std::string_view s, int line, std::vector<token>& tokens, bool top) {
    std::size_t i = 0;
    int brackets = 0;
    bool at_line_start = top;
    bool logical_empty = true;
    int indent = 0;
    while (i < s.size()) {
      if (out_.truncated) return;
      if (at_line_start) {
        indent = 0;
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f')) {
          indent = s[i] == '\t' ? (indent / 8 + 1) * 8 : indent + 1;
          ++i;
        }
        at_line_start = false;
        continue;
      }
      char c = s[i];
      if (c == '\n') {
        if (top && brackets == 0) {
          if (!logical_empty) push(tokens, tok::newline, s.substr(i, 1), line);
          logical_empty = true;
          at_line_start = true;
        }
        ++line;
        ++i;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        ++i;
        continue;
      }
      if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
        i += 2;
        if (i < s.size() && s[i - 1] == '\r' && s[i] == '\n') ++i;
        ++line;
        continue;
      }
      if (c == '#') {
        while (i < s.size() && s[i] != '\n') ++i;
        continue;
      }
      std::size_t start = i;
      int start_line = line;
      tok kind;
      std::vector<embedded> parts;
      py_string_prefix prefix = is_name_start(c) ? python_prefix(s, i) : py_string_prefix{};
      if (c == '\'' || c == '"' || prefix.length > 0) {
        i = skip_python_string(s, i + prefix.length, prefix.f, line, &parts, depth_);
        kind = tok::string;
        line += count_lines(s.substr(start, i - start));
      } else if (is_name_start(c)) {
        while (i < s.size() && is_name_char(s[i])) ++i;
        kind = tok::name;
      } else if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
        while (i < s.size() && (is_name_char(s[i]) || s[i] == '.' ||
                                ((s[i] == '+' || s[i] == '-') && (s[i - 1] == 'e' || s[i - 1] == 'E')))) {
          ++i;
        }
        kind = tok::number;
      } else {
        i += op_length(s, i, kPythonOps.data(), kPythonOps.size());
        kind = tok::op;
        if (c == '(' || c == '[' || c == '{') ++brackets;
        if ((c == ')' || c == ']' || c == '}') && brackets > 0) --brackets;
      }
      token& t = push(tokens, kind, s.substr(start, i - start), start_line);
      if (top && logical_empty) {
        t.line_start = true;
        t.indent = indent;
        logical_empty = false;
      }
      if (!parts.empty()) add_parts(tokens.size() - 1, tokens, s, parts);
    }
    if (top && !logical_empty) push(tokens, tok::newline, {}, line);
  }

 private:
  token& push(std::vector<token>& tokens, tok kind, std::string_view text, int line) {
    if (++count_ > kMaxTokens) out_.truncated = true;
    token t;
    t.kind = kind;
    t.text = text;
    t.line = line;
    tokens.push_back(t);
    return tokens.back();
  }

  void add_parts(std::size_t index, std::vector<token>& tokens, std::string_view s,
                 const std::vector<embedded>& parts) {
    if (depth_ >= kMaxInterpolationDepth) return;
    lex_embedded(out_, tokens, index, parts.size(), [&](std::size_t k, std::vector<token>& part) {
      python_lexer inner(out_, depth_ + 1);
      inner.count_ = count_;
      inner.run(parts[k].text(s), parts[k].line, part, false);
      count_ = inner.count_;
    });
  }

  lexed_file& out_;
  int depth_;
  std::size_t count_ = 0;
};

}  // namespace

lexed_file lex_python(std::string_view content) {
  lexed_file out;
  python_lexer(out, 0).run(content, 1, out.tokens, true);
  return out;
}

}  // namespace heimdall::analysis::taint_detail
