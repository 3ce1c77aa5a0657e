// HCL (Terraform native syntax) into a config_node tree.
//
// Why a real tokenizer: a `#` or `{` inside a string or a `${...}`
// template, a heredoc holding JSON, or a `/* */` comment spanning blocks
// would each derail a line-oriented reading. The parser is tolerant of
// what it cannot evaluate (function calls, references, conditionals: kept
// as source text) and strict about structure (unclosed blocks, strings or
// comments are errors with the line).
#include <cctype>
#include <cstring>
#include <optional>
#include <string>

#include "analysis/config_parsers.h"

namespace heimdall::analysis {
namespace {

enum class tk { ident, number, string, heredoc, punct, newline, eof };

struct token {
  tk type = tk::eof;
  std::size_t begin = 0, end = 0;  // source bytes
  int line = 1;
  std::string value;               // string/heredoc content, ident/number/punct text
  bool interpolated = false;       // a string or heredoc holding ${} or %{}
};

struct parse_failure {
  config_parse_error error;
};

class lexer {
 public:
  explicit lexer(std::string_view text) : s_(text) {}

  bool run(std::vector<token>& out, config_parse_error& error) {
    try {
      while (true) {
        token t = next();
        out.push_back(std::move(t));
        if (out.back().type == tk::eof) return true;
      }
    } catch (const parse_failure& f) {
      error = f.error;
      return false;
    }
  }

 private:
  [[noreturn]] void fail(int line, const std::string& what) { throw parse_failure{{line, what}}; }

  char at(std::size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  static bool ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
  static bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c >= 0x80; }

  // Skips a `${...}` / `%{...}` body starting after the '{'; returns the
  // index after its closing '}'.
  std::size_t skip_template(std::size_t i, int depth) {
    if (depth > kMaxConfigDepth) fail(line_, "templates nested too deeply");
    int braces = 1;
    while (i < s_.size()) {
      char c = s_[i];
      if (c == '\n') ++line_;
      if (c == '"') {
        std::string ignored;
        bool interp = false;
        i = scan_string(i + 1, ignored, interp, depth + 1);
        continue;
      }
      if (c == '{') ++braces;
      if (c == '}' && --braces == 0) return i + 1;
      ++i;
    }
    fail(line_, "unterminated template interpolation");
  }

  // Scans a quoted string's body starting after the opening quote; returns
  // the index after the closing quote.
  std::size_t scan_string(std::size_t i, std::string& out, bool& interp, int depth) {
    int start_line = line_;
    while (true) {
      if (i >= s_.size() || s_[i] == '\n') fail(start_line, "unterminated string");
      char c = s_[i];
      if (c == '"') return i + 1;
      if (c == '\\') {
        char e = at(i + 1);
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '\0': fail(start_line, "unterminated string");
          default: out += '\\'; out += e; break;  // \uNNNN kept as written
        }
        i += 2;
        continue;
      }
      if ((c == '$' || c == '%') && at(i + 1) == c && at(i + 2) == '{') {  // $${ is a literal ${
        out += c;
        out += '{';
        i += 3;
        continue;
      }
      if ((c == '$' || c == '%') && at(i + 1) == '{') {
        interp = true;
        std::size_t end = skip_template(i + 2, depth);
        out.append(s_.substr(i, end - i));
        i = end;
        continue;
      }
      out += c;
      ++i;
    }
  }

  token next() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '#' || (c == '/' && at(pos_ + 1) == '/')) {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == '/' && at(pos_ + 1) == '*') {
        int start = line_;
        std::size_t end = s_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) fail(start, "unterminated /* comment");
        for (std::size_t i = pos_; i < end; ++i) line_ += s_[i] == '\n';
        pos_ = end + 2;
      } else {
        break;
      }
    }
    token t;
    t.begin = pos_;
    t.line = line_;
    if (pos_ >= s_.size()) {
      t.type = tk::eof;
      t.end = pos_;
      return t;
    }
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c == '\n') {
      t.type = tk::newline;
      ++pos_;
      ++line_;
    } else if (c == '"') {
      t.type = tk::string;
      pos_ = scan_string(pos_ + 1, t.value, t.interpolated, 0);
    } else if (c == '<' && at(pos_ + 1) == '<' && (ident_start(at(pos_ + 2)) || (at(pos_ + 2) == '-' && ident_start(at(pos_ + 3))))) {
      heredoc(t);
    } else if (std::isdigit(c)) {
      t.type = tk::number;
      std::size_t i = pos_;
      while (i < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i])) || s_[i] == '.' ||
                               ((s_[i] == '+' || s_[i] == '-') && (s_[i - 1] == 'e' || s_[i - 1] == 'E')))) {
        ++i;
      }
      t.value.assign(s_.substr(pos_, i - pos_));
      pos_ = i;
    } else if (ident_start(c)) {
      t.type = tk::ident;
      std::size_t i = pos_;
      while (i < s_.size() && ident_char(static_cast<unsigned char>(s_[i]))) ++i;
      t.value.assign(s_.substr(pos_, i - pos_));
      pos_ = i;
    } else if (std::strchr("=!<>&|.:?+-*/%,()[]{}~^@;", c) && c != '\0') {
      t.type = tk::punct;
      static const char* const two[] = {"==", "!=", "<=", ">=", "&&", "||", "=>", "::"};
      std::size_t n = 1;
      if (s_.substr(pos_, 3) == "...") {
        n = 3;
      } else {
        for (const char* op : two) {
          if (s_.substr(pos_, 2) == op) n = 2;
        }
      }
      t.value.assign(s_.substr(pos_, n));
      pos_ += n;
    } else {
      fail(line_, "unexpected character 0x" + hex(c));
    }
    t.end = pos_;
    return t;
  }

  static std::string hex(unsigned char c) {
    const char* digits = "0123456789abcdef";
    return {digits[c >> 4], digits[c & 15]};
  }

  void heredoc(token& t) {
    t.type = tk::heredoc;
    int start = line_;
    std::size_t i = pos_ + 2;
    if (s_[i] == '-') ++i;
    std::size_t name_begin = i;
    while (i < s_.size() && ident_char(static_cast<unsigned char>(s_[i]))) ++i;
    std::string_view marker = s_.substr(name_begin, i - name_begin);
    while (i < s_.size() && (s_[i] == ' ' || s_[i] == '\t' || s_[i] == '\r')) ++i;
    if (i >= s_.size() || s_[i] != '\n') fail(start, "a heredoc marker must end its line");
    ++i;
    ++line_;
    while (true) {
      if (i >= s_.size()) fail(start, "unterminated heredoc <<" + std::string(marker));
      std::size_t end = s_.find('\n', i);
      if (end == std::string_view::npos) end = s_.size();
      std::string_view line = s_.substr(i, end - i);
      std::size_t a = line.find_first_not_of(" \t");
      std::size_t b = line.find_last_not_of(" \t\r");
      if (a != std::string_view::npos && line.substr(a, b - a + 1) == marker) {
        pos_ = end;  // the newline after the marker stays a token
        return;
      }
      t.value.append(line);
      t.value += '\n';
      if (line.find("${") != std::string_view::npos || line.find("%{") != std::string_view::npos) {
        t.interpolated = true;
      }
      ++line_;
      i = end + 1;
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

bool is_punct(const token& t, std::string_view p) { return t.type == tk::punct && t.value == p; }
bool opens(const token& t) { return is_punct(t, "(") || is_punct(t, "[") || is_punct(t, "{"); }
bool closes(const token& t) { return is_punct(t, ")") || is_punct(t, "]") || is_punct(t, "}"); }

class parser {
 public:
  parser(std::string_view text, std::vector<token> tokens) : s_(text), t_(std::move(tokens)) {}

  std::optional<config_parse_error> run(config_node& root) {
    try {
      root.kind = config_node_kind::map;
      root.line = 1;
      body(root, 0, false);
      return std::nullopt;
    } catch (const parse_failure& f) {
      return f.error;
    }
  }

 private:
  [[noreturn]] void fail(int line, const std::string& what) { throw parse_failure{{line, what}}; }

  const token& peek() const { return t_[i_]; }

  void body(config_node& into, int depth, bool closing) {
    if (depth > kMaxConfigDepth) fail(peek().line, "blocks nested too deeply");
    int open_line = peek().line;
    while (true) {
      while (peek().type == tk::newline) ++i_;
      const token& t = peek();
      if (t.type == tk::eof) {
        if (closing) fail(open_line, "block opened here is never closed");
        return;
      }
      if (is_punct(t, "}")) {
        if (!closing) fail(t.line, "unexpected '}'");
        ++i_;
        return;
      }
      if (t.type != tk::ident) fail(t.line, "expected an attribute or block name, found '" + text_of(t) + "'");
      config_node child;
      child.key = t.value;
      child.line = t.line;
      ++i_;
      if (is_punct(peek(), "=")) {
        ++i_;
        std::size_t b = i_;
        std::size_t e = expression_end(b);
        if (e == b) fail(child.line, "attribute '" + child.key + "' has no value");
        i_ = e;
        convert(b, e, child, depth + 1);
        child.key = t_[b - 2].value;
        child.line = t_[b - 2].line;
        if (peek().type != tk::newline && peek().type != tk::eof && !is_punct(peek(), "}")) {
          fail(peek().line, "unexpected '" + text_of(peek()) + "' after attribute '" + child.key + "'");
        }
      } else {
        while (peek().type == tk::string || peek().type == tk::ident) {
          child.labels.push_back(peek().value);
          ++i_;
        }
        if (!is_punct(peek(), "{")) {
          fail(peek().line, "expected '=' or a block after '" + child.key + "'");
        }
        ++i_;
        child.kind = config_node_kind::map;
        body(child, depth + 1, true);
        if (depth > 0) unwrap_dynamic(child);
      }
      into.children.push_back(std::move(child));
    }
  }

  // A nested `dynamic "X" { for_each = ... content { ... } }` stands for
  // zero or more X blocks of content's shape: it becomes one X block with
  // content's body (on the dynamic's line), so rules read it like a
  // written-out block. Its attributes refer to the iterator (`X.value`) and
  // stay unknown; only a literal written in content is known.
  static void unwrap_dynamic(config_node& block) {
    if (block.key != "dynamic" || block.labels.size() != 1) return;
    for (config_node& c : block.children) {
      if (c.key != "content" || !c.is_map()) continue;
      block.key = block.labels.front();
      block.labels.clear();
      std::vector<config_node> body = std::move(c.children);
      block.children = std::move(body);
      return;
    }
  }

  std::string text_of(const token& t) const {
    if (t.type == tk::eof) return "end of file";
    if (t.type == tk::newline) return "end of line";
    return std::string(s_.substr(t.begin, std::min<std::size_t>(t.end - t.begin, 40)));
  }

  // The end of an expression starting at b: a newline outside brackets, or
  // a closing bracket / ',' not opened inside it.
  std::size_t expression_end(std::size_t b) const {
    int depth = 0;
    std::size_t i = b;
    for (; t_[i].type != tk::eof; ++i) {
      const token& t = t_[i];
      if (depth == 0 && (t.type == tk::newline || closes(t) || is_punct(t, ","))) break;
      if (opens(t)) ++depth;
      if (closes(t)) --depth;
    }
    return i;
  }

  // The index of the bracket closing the one at `open`, or npos (within e).
  std::size_t matching(std::size_t open, std::size_t e) const {
    int depth = 0;
    for (std::size_t i = open; i < e; ++i) {
      if (opens(t_[i])) ++depth;
      if (closes(t_[i]) && --depth == 0) return i;
    }
    return std::string::npos;
  }

  void trim_newlines(std::size_t& b, std::size_t& e) const {
    while (b < e && t_[b].type == tk::newline) ++b;
    while (e > b && t_[e - 1].type == tk::newline) --e;
  }

  void expression_text(std::size_t b, std::size_t e, config_node& out) const {
    out.kind = config_node_kind::scalar;
    out.literal = false;
    out.text.assign(s_.substr(t_[b].begin, t_[e - 1].end - t_[b].begin));
  }

  // A literal string that holds a JSON object (a policy document) becomes
  // that object. Its nodes all take the string's line: to HCL the JSON is one
  // string value, so a finding in it points at the attribute holding it (a
  // heredoc's `policy = <<EOF` line), as other Terraform scanners report it.
  static void maybe_json(config_node& out) {
    std::size_t a = out.text.find_first_not_of(" \t\r\n");
    std::size_t z = out.text.find_last_not_of(" \t\r\n");
    if (a == std::string::npos || out.text[a] != '{' || out.text[z] != '}') return;
    config_node parsed;
    if (parse_json_config(out.text, parsed)) return;  // not JSON: keep the text
    std::string key = std::move(out.key);
    pin_lines(parsed, out.line);
    out = std::move(parsed);
    out.key = std::move(key);
  }

  static void pin_lines(config_node& n, int line) {
    n.line = line;
    for (config_node& c : n.children) pin_lines(c, line);
  }

  void convert(std::size_t b, std::size_t e, config_node& out, int depth) {
    trim_newlines(b, e);
    if (b >= e) fail(t_[b].line, "expected an expression");
    if (depth > kMaxConfigDepth) fail(t_[b].line, "expression nested too deeply");
    out.line = t_[b].line;
    const token& first = t_[b];
    if (e - b == 1) {
      out.kind = config_node_kind::scalar;
      switch (first.type) {
        case tk::string:
        case tk::heredoc:
          out.text = first.value;
          out.literal = !first.interpolated;
          // A policy document stays JSON with `${}` references inside its
          // strings, so templates are tried too.
          maybe_json(out);
          return;
        case tk::number:
          out.text = first.value;
          return;
        case tk::ident:
          out.text = first.value;
          out.literal = first.value == "true" || first.value == "false" || first.value == "null";
          return;
        default:
          expression_text(b, e, out);
          return;
      }
    }
    // A negative number (`protocol = -1`) is a literal, not an expression.
    if (e - b == 2 && is_punct(first, "-") && t_[b + 1].type == tk::number) {
      out.kind = config_node_kind::scalar;
      out.text = "-" + t_[b + 1].value;
      return;
    }
    if ((is_punct(first, "[") || is_punct(first, "{")) && matching(b, e) == e - 1) {
      std::size_t ib = b + 1;
      while (ib < e - 1 && t_[ib].type == tk::newline) ++ib;
      if (t_[ib].type == tk::ident && t_[ib].value == "for") return expression_text(b, e, out);
      if (is_punct(first, "[")) return list(b + 1, e - 1, out, depth);
      return object(b + 1, e - 1, out, depth);
    }
    if (first.type == tk::ident && e - b >= 3 && is_punct(t_[b + 1], "(") && matching(b + 1, e) == e - 1 &&
        (first.value == "jsonencode" || first.value == "tolist" || first.value == "toset")) {
      std::size_t ib = b + 2, ie = e - 1;
      trim_newlines(ib, ie);
      if (ib < ie && expression_end_in(ib, ie) == ie) {
        std::string key = std::move(out.key);
        convert(ib, ie, out, depth + 1);
        out.key = std::move(key);
        return;
      }
    }
    expression_text(b, e, out);
  }

  // Like expression_end, but bounded by e and ignoring newlines (inside
  // brackets they do not end anything).
  std::size_t expression_end_in(std::size_t b, std::size_t e) const {
    int depth = 0;
    std::size_t i = b;
    for (; i < e; ++i) {
      const token& t = t_[i];
      if (depth == 0 && (closes(t) || is_punct(t, ","))) break;
      if (opens(t)) ++depth;
      if (closes(t)) --depth;
    }
    return i;
  }

  void list(std::size_t b, std::size_t e, config_node& out, int depth) {
    out.kind = config_node_kind::list;
    std::size_t i = b;
    while (i < e) {
      while (i < e && t_[i].type == tk::newline) ++i;
      if (i >= e) break;
      std::size_t end = expression_end_in(i, e);
      if (end == i) fail(t_[i].line, "unexpected '" + text_of(t_[i]) + "' in a list");
      config_node item;
      convert(i, end, item, depth + 1);
      out.children.push_back(std::move(item));
      i = end;
      if (i < e && is_punct(t_[i], ",")) ++i;
    }
  }

  void object(std::size_t b, std::size_t e, config_node& out, int depth) {
    out.kind = config_node_kind::map;
    std::size_t i = b;
    while (i < e) {
      while (i < e && (t_[i].type == tk::newline || is_punct(t_[i], ","))) ++i;
      if (i >= e) break;
      // The key: up to '=' or ':' at this level.
      std::size_t k = i;
      int d = 0;
      for (; k < e; ++k) {
        if (d == 0 && (is_punct(t_[k], "=") || is_punct(t_[k], ":") || t_[k].type == tk::newline ||
                       is_punct(t_[k], ","))) {
          break;
        }
        if (opens(t_[k])) ++d;
        if (closes(t_[k])) --d;
      }
      if (k >= e || !(is_punct(t_[k], "=") || is_punct(t_[k], ":")) || k == i) {
        fail(t_[i].line, "expected 'key = value' in an object");
      }
      config_node entry;
      std::size_t vb = k + 1;
      std::size_t ve = vb;
      d = 0;
      for (; ve < e; ++ve) {
        if (d == 0 && (t_[ve].type == tk::newline || is_punct(t_[ve], ","))) break;
        if (opens(t_[ve])) ++d;
        if (closes(t_[ve])) --d;
      }
      if (ve == vb) fail(t_[k].line, "object key without a value");
      convert(vb, ve, entry, depth + 1);
      if (k - i == 1 && (t_[i].type == tk::ident || t_[i].type == tk::string)) {
        entry.key = t_[i].value;
      } else {
        entry.key.assign(s_.substr(t_[i].begin, t_[k - 1].end - t_[i].begin));
      }
      entry.line = t_[i].line;
      out.children.push_back(std::move(entry));
      i = ve;
    }
  }

  std::string_view s_;
  std::vector<token> t_;
  std::size_t i_ = 0;
};

}  // namespace

std::optional<config_parse_error> parse_hcl(std::string_view text, config_node& root) {
  std::vector<token> tokens;
  config_parse_error error;
  if (!lexer(text).run(tokens, error)) return error;
  root = config_node();
  return parser(text, std::move(tokens)).run(root);
}

}  // namespace heimdall::analysis
