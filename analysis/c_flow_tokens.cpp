// The token writer of the C flow analysis. Why from the tree: tree-sitter
// knows where comments, literals and directives are in any C or C++ (raw
// strings, digit separators, comments in directives); what it cannot
// parse it still covers with ERROR nodes whose leaves are kept, so the
// analysis reads every token a file has, parsed or not.
#include "analysis/c_flow_tokens.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <algorithm>
#include <memory>
#include <set>
#include <utility>

namespace heimdall::analysis::c_flow_detail {
namespace {

bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::optional<long long> parse_int(std::string_view s) {
  std::string t;
  for (char c : s) {
    if (c == '\'') continue;
    t += c;
  }
  while (!t.empty() && (t.back() == 'u' || t.back() == 'U' || t.back() == 'l' || t.back() == 'L')) t.pop_back();
  if (t.empty() || t.find_first_of(".eEpP") != std::string::npos) {
    // A hexadecimal integer may hold e and E digits.
    bool hex_int = t.size() > 1 && (t[1] == 'x' || t[1] == 'X') && t.find_first_of(".pP") == std::string::npos;
    if (!hex_int) return std::nullopt;
  }
  errno = 0;
  char* endp = nullptr;
  long long v = std::strtoll(t.c_str(), &endp, 0);
  if (errno != 0 || !endp || *endp != '\0') return std::nullopt;
  return v;
}

// Decodes a literal's body (between the quotes): an escape counts as one
// character; a hexadecimal one, whose value the analysis never needs, is '?'.
std::string decode_literal(std::string_view body) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out += body[i];
      continue;
    }
    char c = body[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0':
        out += '\0';
        while (i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7') ++i;
        break;
      case 'x':
        out += '?';
        while (i + 1 < body.size() && std::isxdigit(static_cast<unsigned char>(body[i + 1]))) ++i;
        break;
      default: out += c;
    }
  }
  return out;
}

// The operators read as one token; any other punctuation is one character.
constexpr std::string_view kOperators[] = {"<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
                                            "&&",  "||",  "+=",  "-=", "*=", "/=", "%=", "&=", "|=", "^=", "::"};

// A preprocessor line from its '#': its text (continuations as a space,
// block comments left out) and the offset of the newline ending it (or of
// the content's end).
struct directive {
  std::string text;
  std::size_t end = 0;
};

directive read_directive(std::string_view s, std::size_t i) {
  directive d;
  while (i < s.size() && s[i] != '\n') {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
      while (i < s.size() && s[i] != '\n') ++i;
      ++i;
      d.text += ' ';
      continue;
    }
    if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      std::size_t close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? s.size() : close + 2;
      continue;
    }
    d.text += s[i++];
  }
  d.end = std::min(i, s.size());
  return d;
}

// A #define that c_macros records: its name, whether it is function-like
// (then without parameters) and its body's text; or, for a parameterless
// function-like one too long to record, only that it exists (opaque).
struct define_site {
  std::string name;
  bool function_like = false;
  bool opaque = false;
  std::string body;
};

std::optional<define_site> read_define(const std::string& text) {
  std::size_t p = 1;
  auto skip_blanks = [&] {
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
  };
  skip_blanks();
  if (text.compare(p, 6, "define") != 0) return std::nullopt;
  p += 6;
  skip_blanks();
  std::size_t n0 = p;
  while (p < text.size() && ident_char(text[p])) ++p;
  define_site d;
  d.name = text.substr(n0, p - n0);
  d.function_like = p < text.size() && text[p] == '(';
  if (d.function_like) {
    // Only parameterless function-like macros: NAME() body.
    std::size_t q = p + 1;
    while (q < text.size() && (text[q] == ' ' || text[q] == '\t')) ++q;
    if (q >= text.size() || text[q] != ')') return std::nullopt;
    p = q + 1;
  }
  if (p < text.size()) d.body = text.substr(p);
  if (d.name.empty() || d.body.find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  if (d.body.size() > kMaxMacroBytes) {
    if (!d.function_like) return std::nullopt;
    d.opaque = true;
    d.body.clear();
  }
  return d;
}

// The grammar's symbols the writer treats apart (0: the grammar has none).
struct symbols {
  explicit symbols(const TSLanguage* g)
      : comment(named_symbol(g, "comment")),
        string(named_symbol(g, "string_literal")),
        chr(named_symbol(g, "char_literal")),
        raw_string(named_symbol(g, "raw_string_literal")),
        raw_content(named_symbol(g, "raw_string_content")) {}
  TSSymbol comment, string, chr, raw_string, raw_content;
};

// Writes a tree's leaves out as tokens (see the header). With `segments`
// (sorted, disjoint byte ranges of the content), the tokens of each go to
// its own list, each read as a text of its own: the macro bodies of a file.
class writer {
 public:
  writer(std::string_view src, const symbols& sym, std::vector<token>& out) : src_(src), sym_(sym), out_(&out) {
    find_special();
  }
  writer(std::string_view src, const symbols& sym, const std::vector<std::pair<std::size_t, std::size_t>>& segments,
         std::vector<std::vector<token>>& outs)
      : src_(src), sym_(sym), out_(nullptr), segments_(&segments), outs_(&outs) {
    find_special();
  }

  // Where the #defines met go (for the file's own text only).
  void record_defines(std::vector<std::pair<define_site, std::size_t>>* into) { defines_ = into; }

  void walk(TSNode root) {
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    std::unique_ptr<TSTreeCursor, void (*)(TSTreeCursor*)> owned(&cursor, ts_tree_cursor_delete);
    for (;;) {
      if (full()) break;
      TSNode n = ts_tree_cursor_current_node(&cursor);
      const std::uint32_t start = ts_node_start_byte(n), end = ts_node_end_byte(n);
      const TSSymbol s = ts_node_symbol(n);
      const bool literal_node = s == sym_.string || s == sym_.chr || s == sym_.raw_string;
      // Zero width: a MISSING node, or nothing.
      const bool wanted = end > skip_to_ && end > start;
      if (wanted && !literal_node && start >= skip_to_ && plain(start, end)) {
        if (cut(start, end, static_cast<int>(ts_node_start_point(n).row) + 1))
          last_row_ = static_cast<int>(ts_node_end_point(n).row);
      } else if (wanted && !literal_node && ts_tree_cursor_goto_first_child(&cursor)) {
        continue;
      } else if (wanted && (s != sym_.comment || start < skip_to_)) {
        // A comment is no token, unless it began inside a literal cut read.
        leaf(n, start, end, s, literal_node);
      }
      bool next = false;
      while (!(next = ts_tree_cursor_goto_next_sibling(&cursor)))
        if (!ts_tree_cursor_goto_parent(&cursor)) break;
      if (!next) break;
    }
    flush();
  }

 private:
  bool full() const { return out_ && out_->size() >= kMaxTokens; }

  // Whether [start, end) is plain code, in one segment: none of the
  // characters that begin a comment, a literal, a directive or a
  // continuation line. Its leaves are then exactly what cut makes of its
  // text (white space, and nothing else, lies between them), so the
  // subtree is cut as one text, which is much faster than a cursor's walk
  // down to every leaf. `start` never decreases from one call to the next
  // (the walk is in document order).
  bool plain(std::size_t start, std::size_t end) {
    while (next_special_ < special_.size() && special_[next_special_] < start) ++next_special_;
    if (next_special_ < special_.size() && special_[next_special_] < end) return false;
    if (!segments_) return true;
    return select(start) && end <= (*segments_)[segment_].second;
  }

  void find_special() {
    for (std::size_t i = 0; i < src_.size(); ++i) {
      const char c = src_[i];
      if (c == '/' || c == '#' || c == '"' || c == '\'' || c == '\\') special_.push_back(static_cast<std::uint32_t>(i));
    }
  }

  // A leaf (or a literal) [start, end) reaching past skip_to_.
  void leaf(TSNode n, std::uint32_t start, std::uint32_t end, TSSymbol s, bool literal_node) {
    const int row = static_cast<int>(ts_node_start_point(n).row);
    // Inside a preprocessor line or a literal read from the source (cut):
    // what lies past its end is code text (the tree paired the quotes
    // otherwise).
    if (start < skip_to_) {
      const auto from = static_cast<std::ptrdiff_t>(skip_to_);
      const int past = static_cast<int>(std::count(src_.begin() + start, src_.begin() + from, '\n'));
      if (select(skip_to_) && cut(skip_to_, end, row + past + 1)) last_row_ = static_cast<int>(ts_node_end_point(n).row);
      return;
    }
    if (!select(start)) return;
    if (literal_node) {
      literal(n, s);
    } else if (first_on_line(row) && src_[start] == '#') {
      preprocessor_line(start, row);
      return;
    } else if (!cut(start, end, row + 1)) {
      return;  // white space: a directive's newline
    }
    last_row_ = static_cast<int>(ts_node_end_point(n).row);
  }

  // Whether a leaf starting on `row` is the first of its line; in a
  // segment, the first of the segment (a body is one line).
  bool first_on_line(int row) const { return segments_ ? out_->empty() && !run_ : row > last_row_; }

  // Makes out_ the list of the segment holding `at`; false outside them.
  bool select(std::size_t at) {
    if (!segments_) return true;
    while (segment_ < segments_->size() && (*segments_)[segment_].second <= at) ++segment_;
    if (segment_ >= segments_->size() || at < (*segments_)[segment_].first) return false;
    if (out_ != &(*outs_)[segment_]) {
      flush();
      out_ = &(*outs_)[segment_];
    }
    return true;
  }

  void push(token t) {
    // Adjacent string literals are one.
    if (t.kind == tk::str && !out_->empty() && out_->back().kind == tk::str) {
      out_->back().text += t.text;
      return;
    }
    if (!full()) out_->push_back(std::move(t));
  }

  void literal(TSNode n, TSSymbol s) {
    flush();
    token t;
    t.line = static_cast<int>(ts_node_start_point(n).row) + 1;
    const std::uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
    if (s == sym_.raw_string) {
      // R"delim(...)delim": the characters between the parentheses, as written.
      t.kind = tk::str;
      for (std::uint32_t i = 0, count = ts_node_child_count(n); i < count; ++i) {
        TSNode c = ts_node_child(n, i);
        if (ts_node_symbol(c) == sym_.raw_content) t.text = text(c);
      }
      push(std::move(t));
      return;
    }
    // From the opening quote (after an L, u, U or u8 prefix) to the closing
    // one, unless error recovery made that up.
    std::string_view whole = src_.substr(b, e - b);
    const char quote = s == sym_.string ? '"' : '\'';
    std::size_t open = whole.find(quote);
    if (open == std::string_view::npos) return;
    std::size_t close = whole.size();
    const std::uint32_t count = ts_node_child_count(n);
    TSNode last = ts_node_child(n, count - 1);
    if (count > 1 && !ts_node_is_missing(last) && ts_node_end_byte(last) - ts_node_start_byte(last) == 1) --close;
    t.kind = s == sym_.string ? tk::str : tk::chr;
    t.text = decode_literal(whole.substr(open + 1, close - open - 1));
    if (t.kind == tk::chr && !t.text.empty()) t.num = static_cast<unsigned char>(t.text[0]);
    push(std::move(t));
  }

  // The preprocessor line whose '#' is at `at`: dropped, a #define recorded.
  void preprocessor_line(std::size_t at, int row) {
    flush();
    directive d = read_directive(src_, at);
    skip_to_ = std::min(d.end + 1, src_.size());  // its newline too
    last_row_ = row + static_cast<int>(std::count(src_.begin() + static_cast<std::ptrdiff_t>(at),
                                                  src_.begin() + static_cast<std::ptrdiff_t>(d.end), '\n'));
    if (!defines_) return;
    if (auto site = read_define(d.text)) defines_->emplace_back(std::move(*site), at);
  }

  // Code text [b, e) starting on `line`: identifiers, numbers, and
  // punctuation gathered into run_ until something else comes. A quote
  // here is a literal error recovery took apart (its quotes and contents
  // are leaves of an ERROR node): read from the source to its closing
  // quote or the end of the line, and what the tree made of that skipped.
  // False when [b, e) is white space only.
  bool cut(std::size_t b, std::size_t e, int line) {
    bool wrote = false;
    std::size_t i = b;
    while (i < e) {
      const char c = src_[i];
      if (space(c)) {
        line += c == '\n';
        ++i;
        continue;
      }
      wrote = true;
      const bool prefix = (c == 'L' || c == 'u' || c == 'U') && i + 1 < src_.size() && quote(src_[i + 1]);
      if (quote(c) || prefix) {
        std::size_t after = quoted(i + prefix, line);
        if (after > e) {
          skip_to_ = std::max(skip_to_, after);
          break;
        }
        i = after;
        continue;
      }
      if (ident_char(c)) {
        flush();
        // A word the grammar cut in two (`64bit`, a number and a name to
        // it) is one, as a compiler's lexer reads it.
        const bool more = i == word_end_ && !out_->empty() &&
                          (out_->back().kind == tk::ident || out_->back().kind == tk::number);
        const bool number = more ? out_->back().kind == tk::number : digit(c);
        std::size_t j = i;
        if (number) {
          while (j < e && (ident_char(src_[j]) || src_[j] == '.' || src_[j] == '\'' ||
                           ((src_[j] == '+' || src_[j] == '-') && (src_[j - 1] == 'e' || src_[j - 1] == 'E'))))
            ++j;
        } else {
          while (j < e && ident_char(src_[j])) ++j;
        }
        word_end_ = j;
        if (more) {
          token& t = out_->back();
          t.text += src_.substr(i, j - i);
          if (number) t.num = parse_int(t.text);
          i = j;
          continue;
        }
        token t;
        t.kind = number ? tk::number : tk::ident;
        t.text = std::string(src_.substr(i, j - i));
        if (number) t.num = parse_int(t.text);
        t.line = line;
        push(std::move(t));
        i = j;
        continue;
      }
      if (!run_ || run_end_ != i) {
        flush();
        run_ = true;
        run_start_ = i;
        run_line_ = line;
      }
      run_end_ = ++i;
    }
    return wrote;
  }

  static bool quote(char c) { return c == '"' || c == '\''; }

  // The literal whose opening quote is at `i`, to the closing quote or the
  // end of its line; where it ends.
  std::size_t quoted(std::size_t i, int line) {
    flush();
    const char q = src_[i];
    std::size_t j = i + 1;
    while (j < src_.size() && src_[j] != q && src_[j] != '\n') j += src_[j] == '\\' ? 2 : 1;
    j = std::min(j, src_.size());
    token t;
    t.kind = q == '"' ? tk::str : tk::chr;
    t.line = line;
    t.text = decode_literal(src_.substr(i + 1, j - i - 1));
    if (t.kind == tk::chr && !t.text.empty()) t.num = static_cast<unsigned char>(t.text[0]);
    push(std::move(t));
    return std::min(j + 1, src_.size());
  }

  // The punctuation run as operators, longest first.
  void flush() {
    if (!run_) return;
    run_ = false;
    for (std::size_t i = run_start_; i < run_end_;) {
      token t;
      t.kind = tk::punct;
      t.line = run_line_;
      std::string_view text = src_.substr(i, 1);
      for (std::string_view op : kOperators) {
        if (i + 1 >= run_end_) break;
        if (i + op.size() <= run_end_ && src_.compare(i, op.size(), op) == 0) {
          text = op;
          break;
        }
      }
      t.text = std::string(text);
      i += text.size();
      push(std::move(t));
    }
  }

  std::string text(TSNode n) const {
    return std::string(src_.substr(ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n)));
  }

  std::string_view src_;
  const symbols& sym_;
  std::vector<token>* out_;
  const std::vector<std::pair<std::size_t, std::size_t>>* segments_ = nullptr;
  std::vector<std::vector<token>>* outs_ = nullptr;
  std::size_t segment_ = 0;
  std::vector<std::pair<define_site, std::size_t>>* defines_ = nullptr;
  std::size_t skip_to_ = 0;  // the end of the preprocessor line being dropped
  std::size_t word_end_ = 0;  // where the last identifier or number written ends
  std::vector<std::uint32_t> special_;  // where the content has a character plain() looks for, in order
  std::size_t next_special_ = 0;        // the first of them at or after the node last asked about
  int last_row_ = -1;        // the row the last leaf written ended on
  bool run_ = false;         // punctuation pending in [run_start_, run_end_)
  std::size_t run_start_ = 0, run_end_ = 0;
  int run_line_ = 0;
};

// The bodies' tokens: the bodies written one a line into one text, parsed
// once, each line's tokens its body's.
std::vector<std::vector<token>> body_tokens(const TSLanguage* grammar,
                                            const std::vector<std::pair<define_site, std::size_t>>& sites) {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> segments;
  for (const auto& [site, at] : sites) {
    segments.emplace_back(text.size(), text.size() + site.body.size());
    text += site.body;
    text += '\n';
  }
  std::vector<std::vector<token>> out(sites.size());
  std::unique_ptr<TSParser, void (*)(TSParser*)> parser(ts_parser_new(), ts_parser_delete);
  if (!ts_parser_set_language(parser.get(), grammar)) return out;
  std::unique_ptr<TSTree, void (*)(TSTree*)> tree(
      ts_parser_parse_string(parser.get(), nullptr, text.data(), static_cast<std::uint32_t>(text.size())),
      ts_tree_delete);
  if (!tree) return out;
  symbols sym(grammar);
  writer(text, sym, segments, out).walk(ts_tree_root_node(tree.get()));
  return out;
}

}  // namespace

// `alloca` / `_alloca`: one function under its two C library names.
bool same_body(std::string_view a, std::string_view b) {
  auto norm = [](std::string_view x) {
    std::string out;
    for (char c : x)
      if (c != ' ' && c != '\t' && !(c == '_' && (out.empty() || !ident_char(out.back())))) out += c;
    return out;
  };
  return norm(a) == norm(b);
}

std::vector<token> tokens_of(const syntax_tree& tree, std::string_view content, c_macros* defs) {
  std::vector<token> out;
  out.reserve(std::min(content.size() / 4, kMaxTokens));  // about a token in four bytes of C
  symbols sym(tree.grammar());
  std::vector<std::pair<define_site, std::size_t>> sites;
  writer w(content, sym, out);
  if (defs) w.record_defines(&sites);
  w.walk(tree.root());
  if (!defs || sites.empty()) return out;
  std::vector<std::vector<token>> bodies = body_tokens(tree.grammar(), sites);
  for (std::size_t k = 0; k < sites.size(); ++k) {
    define_site& site = sites[k].first;
    if (site.opaque) {
      defs->opaque_macros.insert(std::move(site.name));
      continue;
    }
    if (auto old = defs->defs.find(site.name); old != defs->defs.end() && !same_body(old->second.body, site.body))
      defs->redefined.insert(site.name);
    defs->defs[site.name] = {site.function_like, std::move(site.body), std::move(bodies[k])};
  }
  return out;
}

// Replaces uses of the macros (object-like `NAME`, parameterless `NAME()`)
// by their bodies, a few levels deep, so `ALLOC(n)` defined as `malloc`
// or `RANDOM()` defined as an expression over rand() is seen as such.
std::vector<token> expand(std::vector<token> toks, const c_macros& defs, const c_macros* project) {
  if (defs.defs.empty() && (!project || project->defs.empty())) return toks;
  // The definition in effect for `name`, and whether its body is a guess
  // (c_macros::redefined; the file's defined anew over the project's).
  auto lookup = [&](const std::string& name) -> std::pair<const c_macros::definition*, bool> {
    auto own = defs.defs.find(name);
    auto base = project ? project->defs.find(name) : std::map<std::string, c_macros::definition>::const_iterator();
    const bool in_base = project && base != project->defs.end();
    if (own == defs.defs.end()) {
      if (!in_base) return {nullptr, false};
      return {&base->second, project->redefined.count(name) > 0};
    }
    bool guessed = defs.redefined.count(name) > 0 ||
                   (in_base && (project->redefined.count(name) > 0 || !same_body(base->second.body, own->second.body)));
    return {&own->second, guessed};
  };
  for (int round = 0; round < 3; ++round) {
    bool changed = false;
    std::vector<token> out;
    out.reserve(toks.size());
    for (std::size_t i = 0; i < toks.size(); ++i) {
      const token& t = toks[i];
      auto [d, guessed] = t.kind == tk::ident ? lookup(t.text) : std::pair<const c_macros::definition*, bool>{};
      bool ok = d != nullptr;
      if (ok && d->function_like) ok = i + 2 < toks.size() && toks[i + 1].text == "(" && toks[i + 2].text == ")";
      if (!ok || out.size() + d->tokens.size() > kMaxTokens) {
        out.push_back(t);
        continue;
      }
      for (token b : d->tokens) {
        b.line = t.line;
        b.guessed = guessed || t.guessed;
        out.push_back(std::move(b));
      }
      if (d->function_like) i += 2;
      changed = true;
    }
    toks = std::move(out);
    if (!changed) break;
  }
  return toks;
}

// Records, for each function declared or defined in `toks`, which of its
// parameters are pointers to const: a call passing memory there only reads
// it (the memory neither escapes nor gets written).
void collect_prototypes(const std::vector<token>& toks, c_macros& into) {
  for (std::size_t i = 1; i + 1 < toks.size(); ++i) {
    if (toks[i].kind != tk::ident || toks[i + 1].text != "(") continue;
    const token& before = toks[i - 1];
    if (!(before.kind == tk::ident || before.text == "*" || before.text == "&")) continue;
    if (before.kind == tk::ident && (before.text == "return" || before.text == "else" || before.text == "new")) continue;
    std::size_t close = i + 2;
    int depth = 1;
    for (; close < toks.size() && depth > 0; ++close) {
      if (toks[close].text == "(") ++depth;
      if (toks[close].text == ")") --depth;
      if (toks[close].text == ";" || toks[close].text == "{") break;
    }
    if (depth != 0 || close >= toks.size() || (toks[close].text != ";" && toks[close].text != "{")) continue;
    std::uint32_t readonly = 0;
    int param = 0;
    bool saw_const = false, saw_star = false, const_first = false, any = false;
    for (std::size_t j = i + 2; j < close; ++j) {
      const std::string& x = toks[j].text;
      if (x != ",") {
        any = true;
        if (x == "const" && !saw_star) saw_const = true;
        if (x == "*") {
          if (!saw_star && saw_const) const_first = true;
          else if (saw_star) const_first = false;  // const T ** is writable
          saw_star = true;
        }
        if ((x == "&" || x == "&&") && saw_star) const_first = false;  // const T *&: the pointer is written
        if (x == "(") {  // a function-pointer parameter: not a plain pointer
          int d = 0;
          for (; j < close; ++j) {
            if (toks[j].text == "(") ++d;
            if (toks[j].text == ")" && --d == 0) break;
          }
          const_first = false;
        }
      }
      if (x == "," || j + 1 >= close) {
        if (any && const_first && param < 32) readonly |= 1u << param;
        ++param;
        saw_const = saw_star = const_first = any = false;
      }
    }
    into.declared_functions.insert(toks[i].text);
    if (readonly) into.readonly_params[toks[i].text] |= readonly;
  }
}

void collect_plain_types(const std::vector<token>& toks, c_macros& into) {
  for (std::size_t i = 0; i + 2 < toks.size(); ++i) {
    const std::string& kw = toks[i].text;
    if (toks[i].kind != tk::ident || (kw != "struct" && kw != "class" && kw != "union")) continue;
    std::size_t j = i + 1;
    std::string name;
    if (toks[j].kind == tk::ident) name = toks[j++].text;
    if (j >= toks.size() || toks[j].text != "{") continue;  // a use, a forward declaration or a base list
    // Plain: only data members of builtin or pointer type (no member
    // functions, initialisers, or members that have constructors of their own).
    static const std::set<std::string> builtin = {"char",    "short",   "int",     "long",     "float",
                                                  "double",  "signed",  "unsigned", "bool",    "_Bool",
                                                  "size_t",  "int8_t",  "int16_t", "int32_t",  "int64_t",
                                                  "uint8_t", "uint16_t", "uint32_t", "uint64_t", "wchar_t",
                                                  "const",   "volatile"};
    bool plain = true;
    int depth = 0;
    std::size_t k = j;
    std::size_t member_start = j + 1;
    // Its size with natural alignment, when every member's is known.
    long long size = 0, align = 1;
    bool sized = true;
    auto member_size = [&](std::size_t from, std::size_t to) -> long long {
      long long elem = 0, count = 1;
      bool pointer = false;
      for (std::size_t m = from; m < to; ++m) {
        const std::string& w = toks[m].text;
        if (w == "*") pointer = true;
        if (w == "[" && m + 2 < to && toks[m + 1].num && toks[m + 2].text == "]") count *= *toks[m + 1].num;
        if (w == "char" || w == "bool" || w == "_Bool" || w == "int8_t" || w == "uint8_t") elem = std::max(elem, 1LL);
        if (w == "short" || w == "int16_t" || w == "uint16_t") elem = std::max(elem, 2LL);
        if (w == "int" || w == "float" || w == "wchar_t" || w == "int32_t" || w == "uint32_t" || w == "unsigned" ||
            w == "signed")
          elem = std::max(elem, 4LL);
        if (w == "long" || w == "double" || w == "int64_t" || w == "uint64_t" || w == "size_t") elem = 8;
      }
      if (pointer) elem = 8;
      if (elem == 0) return -1;
      align = std::max(align, elem);
      size = (size + elem - 1) / elem * elem + elem * count;
      return elem * count;
    };
    for (; k < toks.size(); ++k) {
      const std::string& x = toks[k].text;
      if (toks[k].kind == tk::punct && (x == "{" || x == "(" || x == "[")) ++depth;
      if (toks[k].kind == tk::punct && (x == "}" || x == ")" || x == "]") && --depth == 0) break;
      if (depth == 2 && x == "(") plain = false;  // a member function or constructor
      if (depth != 1) continue;
      if (toks[k].kind == tk::punct && (x == "=" || x == "(")) plain = false;
      if (toks[k].kind == tk::punct && x == ":" && k > 0 &&
          (toks[k - 1].text == "public" || toks[k - 1].text == "private" || toks[k - 1].text == "protected")) {
        member_start = k + 1;
        continue;
      }
      if (toks[k].kind == tk::punct && x == ";") {
        // One member declaration: a builtin type, or a pointer.
        bool ok = member_start < k && (builtin.count(toks[member_start].text) > 0);
        for (std::size_t m = member_start; m < k && !ok; ++m) ok = toks[m].text == "*";
        if (!ok) plain = false;
        if (ok && member_size(member_start, k) < 0) sized = false;
        member_start = k + 1;
      }
    }
    if (!plain || k >= toks.size()) continue;
    long long total = sized && size > 0 ? (size + align - 1) / align * align : -1;
    auto record = [&](const std::string& n) {
      into.plain_types.insert(n);
      if (total > 0) into.type_sizes[n] = total;
    };
    if (!name.empty()) record(name);
    // typedef struct {...} name1, *name2;
    if (i > 0 && toks[i - 1].text == "typedef")
      for (std::size_t n = k + 1; n < toks.size() && toks[n].text != ";"; ++n)
        if (toks[n].kind == tk::ident && (n + 1 >= toks.size() || toks[n + 1].text != "(") &&
            toks[n - 1].text != "*")
          record(toks[n].text);
    i = k;
  }
}

}  // namespace heimdall::analysis::c_flow_detail
