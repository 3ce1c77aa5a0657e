#include "analysis/taint_php.h"

#include <array>

namespace heimdall::analysis::taint_detail {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != b[i]) return false;
  }
  return true;
}

// Longest first. `.`, `->`, `?->` and `::` are mapped before these.
constexpr std::array<std::string_view, 27> kPhpOps = {
    "<=>", "===", "!==", "**=", "?\?=", "<<=", ">>=", "...", "=>", "==", "!=", "<>", "<=", ">=",
    "+=",  "-=",  "*=",  "/=",  "%=",  "&=",  "|=",  "^=",  "&&", "||", "??", "++", "--"};

std::size_t op_len(std::string_view s, std::size_t i) {
  for (std::string_view op : kPhpOps) {
    if (s[i] == op[0] && s.substr(i, op.size()) == op) return op.size();
  }
  return 1;
}

// Statements the engine sees as calls: `echo $a, $b;` is `echo($a, $b);`.
bool statement_call(std::string_view word) {
  static constexpr std::array<std::string_view, 6> kWords = {"echo",    "print",        "include",
                                                             "require", "include_once", "require_once"};
  for (std::string_view w : kWords) {
    if (iequals(word, w)) return true;
  }
  return false;
}

// The length of a numeric cast at s[i] ('('), or 0.
std::size_t cast_length(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
  std::size_t w = j;
  while (j < s.size() && is_name_char(s[j])) ++j;
  std::string_view word = s.substr(w, j - w);
  static constexpr std::array<std::string_view, 7> kCasts = {"int", "integer", "float", "double", "bool", "boolean",
                                                             "real"};
  bool known = false;
  for (std::string_view c : kCasts) known = known || iequals(word, c);
  if (!known) return 0;
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
  return j < s.size() && s[j] == ')' ? j + 1 - i : 0;
}

// The end of `$name`, `$name[...]` or `$name->member` at s[i] ('$').
std::size_t simple_interpolation_end(std::string_view s, std::size_t i, std::size_t stop) {
  std::size_t j = i + 1;
  while (j < stop && is_name_char(s[j])) ++j;
  if (j < stop && s[j] == '[') {
    std::size_t close = s.find(']', j);
    if (close != std::string_view::npos && close < stop) return close + 1;
  } else if (j + 2 < stop && s[j] == '-' && s[j + 1] == '>' && is_name_start(s[j + 2])) {
    j += 2;
    while (j < stop && is_name_char(s[j])) ++j;
  }
  return j;
}

// The interpolations of an interpolating string body [b, stop).
void interpolations(std::string_view s, std::size_t b, std::size_t stop, int line, std::vector<embedded>& out) {
  for (std::size_t i = b; i < stop; ++i) {
    if (s[i] == '\n') ++line;
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '$' && i + 1 < stop && is_name_start(s[i + 1])) {
      std::size_t end = simple_interpolation_end(s, i, stop);
      out.push_back({i, end, line});
      i = end - 1;
    } else if (s[i] == '{' && i + 1 < stop && s[i + 1] == '$') {
      int depth = 0;
      std::size_t j = i;
      for (; j < stop; ++j) {
        if (s[j] == '{') ++depth;
        if (s[j] == '}' && --depth == 0) break;
      }
      out.push_back({i + 1, j, line});
      i = j < stop ? j : stop - 1;
    }
  }
}

// The end of a quoted literal opened at s[i]: past the closing quote, or the file's end.
std::size_t quoted_end(std::string_view s, std::size_t i) {
  char q = s[i];
  std::size_t j = i + 1;
  while (j < s.size() && s[j] != q) j += s[j] == '\\' ? 2 : 1;
  return j < s.size() ? j + 1 : s.size();
}

// A heredoc / nowdoc at s[i] (`<<<`): its end (past the closing label) and
// whether it interpolates; 0 when it is not one.
std::size_t heredoc_end(std::string_view s, std::size_t i, bool& interpolating, std::size_t& body) {
  std::size_t j = i + 3;
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
  char q = j < s.size() && (s[j] == '\'' || s[j] == '"') ? s[j] : 0;
  if (q) ++j;
  std::size_t label_at = j;
  while (j < s.size() && is_name_char(s[j])) ++j;
  std::string_view label = s.substr(label_at, j - label_at);
  if (label.empty()) return 0;
  if (q && (j >= s.size() || s[j] != q)) return 0;
  if (q) ++j;
  interpolating = q != '\'';
  std::size_t nl = s.find('\n', j);
  if (nl == std::string_view::npos) return 0;
  body = nl + 1;
  for (std::size_t line = body; line < s.size();) {
    std::size_t k = line;
    while (k < s.size() && (s[k] == ' ' || s[k] == '\t')) ++k;
    if (s.substr(k, label.size()) == label && (k + label.size() >= s.size() || !is_name_char(s[k + label.size()]))) {
      return k + label.size();
    }
    std::size_t next = s.find('\n', line);
    if (next == std::string_view::npos) break;
    line = next + 1;
  }
  return s.size();
}

constexpr std::string_view kDot = ".", kPlus = "+", kPlusAssign = "+=", kOpen = "(", kClose = ")", kSemicolon = ";",
                           kShellExec = "shell_exec", kEcho = "echo";

class php_lexer {
 public:
  php_lexer(lexed_file& out, int depth) : out_(out), depth_(depth) {}

  // Lexes [0, s.size()) of `s`; `code`: start in PHP code (an
  // interpolation), else in inline HTML.
  void run(std::string_view s, int line, std::vector<token>& tokens, bool code) {
    s_ = s;
    line_ = line;
    toks_ = &tokens;
    std::size_t i = 0;
    if (!code) i = html(0);
    while (i < s.size() && !out_.truncated) {
      char c = s[i];
      if (c == '\n') {
        nl_ = true, ++line_, ++i;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++i;
        continue;
      }
      if (!code && c == '?' && i + 1 < s.size() && s[i + 1] == '>') {
        close_calls(0);
        emit(tok::op, kSemicolon);
        i = html(i + 2);
        continue;
      }
      if (c == '#' && i + 1 < s.size() && s[i + 1] == '[') {  // an attribute: no code the engine needs
        i = attribute_end(i + 1);
        continue;
      }
      if ((c == '/' && i + 1 < s.size() && s[i + 1] == '/') || c == '#') {
        while (i < s.size() && s[i] != '\n' && !(s[i] == '?' && i + 1 < s.size() && s[i + 1] == '>')) ++i;
        continue;
      }
      if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
        std::size_t end = s.find("*/", i + 2);
        end = end == std::string_view::npos ? s.size() : end + 2;
        count_lines(i, end);
        i = end;
        continue;
      }
      i = one(i);
    }
    close_calls(0);
  }

 private:
  // Skips inline HTML from i to the next open tag; `<?=` opens an echo.
  std::size_t html(std::size_t i) {
    std::size_t open = s_.find("<?", i);
    std::size_t end = open == std::string_view::npos ? s_.size() : open;
    count_lines(i, end);
    if (open == std::string_view::npos) return s_.size();
    if (s_.substr(open, 3) == "<?=") {
      emit(tok::name, kEcho);
      open_call();
      return open + 3;
    }
    if (iequals(s_.substr(open, 5), "<?php")) return open + 5;
    return open + 2;
  }

  // Past the `]` closing the attribute's `[` at s[i].
  std::size_t attribute_end(std::size_t i) {
    int depth = 0;
    std::size_t j = i;
    for (; j < s_.size(); ++j) {
      if (s_[j] == '\'' || s_[j] == '"') j = quoted_end(s_, j) - 1;
      else if (s_[j] == '[') ++depth;
      else if (s_[j] == ']' && --depth == 0) break;
    }
    std::size_t end = j < s_.size() ? j + 1 : s_.size();
    count_lines(i, end);
    return end;
  }

  void count_lines(std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      if (s_[k] == '\n') ++line_, nl_ = true;
    }
  }

  // One token (or a synthetic group) at s[i]; returns the index past it.
  std::size_t one(std::size_t i) {
    const std::string_view s = s_;
    char c = s[i];
    std::size_t j = i + 1;
    std::vector<embedded> parts;
    int start_line = line_;
    if (c == '\'' || c == '"') {
      j = quoted_end(s, i);
      if (c == '"') interpolations(s, i + 1, j, line_, parts);
      emit(tok::string, s.substr(i, j - i), &parts, start_line);
      count_lines(i, j);
      return j;
    }
    if (c == '`') {  // a shell command: shell_exec("...")
      j = quoted_end(s, i);
      interpolations(s, i + 1, j, line_, parts);
      emit(tok::name, kShellExec);
      emit(tok::op, kOpen);
      emit(tok::string, s.substr(i, j - i), &parts, start_line);
      emit(tok::op, kClose);
      count_lines(i, j);
      return j;
    }
    if (c == '<' && s.substr(i, 3) == "<<<") {
      bool interpolating = false;
      std::size_t body = 0;
      std::size_t end = heredoc_end(s, i, interpolating, body);
      if (end) {
        if (interpolating) interpolations(s, body, end, line_ + 1, parts);
        emit(tok::string, s.substr(i, end - i), &parts, start_line);
        count_lines(i, end);
        return end;
      }
    }
    if (c == '$' && j < s.size() && is_name_start(s[j])) {
      while (j < s.size() && is_name_char(s[j])) ++j;
      emit(tok::name, s.substr(i, j - i));
      return j;
    }
    if (is_name_start(c)) {
      while (j < s.size() && is_name_char(s[j])) ++j;
      std::string_view word = s.substr(i, j - i);
      bool member = !toks_->empty() && toks_->back().text == kDot;
      emit(tok::name, word);
      if (!member && statement_call(word)) open_call();
      return j;
    }
    if (is_digit(c) || (c == '.' && j < s.size() && is_digit(s[j]))) {
      while (j < s.size() && (is_name_char(s[j]) || s[j] == '.')) ++j;
      emit(tok::number, s.substr(i, j - i));
      return j;
    }
    if (c == '(') {
      if (std::size_t n = cast_length(s, i)) {
        emit(tok::op, s.substr(i, n));
        return i + n;
      }
    }
    if (s.substr(i, 2) == "->" || s.substr(i, 2) == "::") {
      emit(tok::op, kDot);
      return i + 2;
    }
    if (s.substr(i, 3) == "?->") {
      emit(tok::op, kDot);
      return i + 3;
    }
    if (c == '.' && s.substr(i, 3) != "...") {
      bool assign = j < s.size() && s[j] == '=';
      emit(tok::op, assign ? kPlusAssign : kPlus);
      return assign ? i + 2 : i + 1;
    }
    if (c == ';') close_calls(depth_of_brackets_);
    j = i + op_len(s, i);
    emit(tok::op, s.substr(i, j - i));
    return j;
  }

  // A statement call's opening parenthesis; closed at its statement's end.
  void open_call() {
    emit(tok::op, kOpen);
    pending_.push_back(depth_of_brackets_);
  }

  // Closes the statement calls opened at bracket depth >= `depth`.
  void close_calls(int depth) {
    while (!pending_.empty() && pending_.back() >= depth) {
      pending_.pop_back();
      emit(tok::op, kClose);
    }
  }

  void emit(tok kind, std::string_view text, const std::vector<embedded>* parts = nullptr, int line = 0) {
    if (++count_ > kMaxTokens) {
      out_.truncated = true;
      return;
    }
    token t;
    t.kind = kind;
    t.text = text;
    t.line = line ? line : line_;
    t.nl_before = nl_;
    nl_ = false;
    if (kind == tok::op && text.size() == 1) {
      // Synthetic parentheses are counted too: a statement call's `(` opens one level.
      if (text[0] == '(' || text[0] == '[' || text[0] == '{') ++depth_of_brackets_;
      if ((text[0] == ')' || text[0] == ']' || text[0] == '}') && depth_of_brackets_ > 0) --depth_of_brackets_;
    }
    toks_->push_back(t);
    if (parts && !parts->empty() && depth_ < kMaxInterpolationDepth) lex_parts(*parts);
  }

  void lex_parts(const std::vector<embedded>& parts) {
    lex_embedded(out_, *toks_, toks_->size() - 1, parts.size(), [&](std::size_t k, std::vector<token>& part) {
      php_lexer inner(out_, depth_ + 1);
      inner.count_ = count_;
      inner.run(parts[k].text(s_), parts[k].line, part, true);
      count_ = inner.count_;
    });
  }

  lexed_file& out_;
  int depth_;
  std::string_view s_;
  std::vector<token>* toks_ = nullptr;
  int line_ = 1;
  bool nl_ = false;
  int depth_of_brackets_ = 0;
  std::vector<int> pending_;  // bracket depth inside each open statement call
  std::size_t count_ = 0;
};

}  // namespace

lexed_file lex_php(std::string_view content) {
  lexed_file out;
  php_lexer(out, 0).run(content, 1, out.tokens, false);
  return out;
}

bool is_php_numeric_cast(const token& t) {
  return t.kind == tok::op && t.text.size() > 2 && t.text.front() == '(' && t.text.back() == ')';
}

}  // namespace heimdall::analysis::taint_detail
