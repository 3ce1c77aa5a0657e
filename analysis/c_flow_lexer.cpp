// The tokenizer of the C flow analysis. Why by hand: it must accept any
// bytes and half-written code without failing, and keep line numbers
// through comments, continuations and macro expansion.
#include "analysis/c_flow_lexer.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "analysis/c_family_space.h"

namespace heimdall::analysis::c_flow_detail {
namespace {

bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

std::optional<long long> parse_int(std::string_view s) {
  std::string t;
  for (char c : s) {
    if (c == '\'') continue;
    t += c;
  }
  while (!t.empty() && (t.back() == 'u' || t.back() == 'U' || t.back() == 'l' || t.back() == 'L')) t.pop_back();
  if (t.empty() || t.find_first_of(".eEpP") != std::string::npos) {
    if (t.size() > 1 && (t[1] == 'x' || t[1] == 'X') && t.find_first_of(".pP") == std::string::npos) {
    } else {
      return std::nullopt;
    }
  }
  errno = 0;
  char* endp = nullptr;
  long long v = std::strtoll(t.c_str(), &endp, 0);
  if (errno != 0 || !endp || *endp != '\0') return std::nullopt;
  return v;
}

// Decodes a literal's body (between the quotes): escapes count as one char.
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

}  // namespace

// Tokens of `s`; the #defines met on the way go into `defs` (when given).
// Two macro bodies alike but for white space and leading underscores
// (`alloca` / `_alloca`: one function under its two C library names).
bool same_body(std::string_view a, std::string_view b) {
  auto norm = [](std::string_view x) {
    std::string out;
    for (char c : x)
      if (c != ' ' && c != '\t' && !(c == '_' && (out.empty() || !ident_char(out.back())))) out += c;
    return out;
  };
  return norm(a) == norm(b);
}

std::vector<token> tokenize(std::string_view s, c_macros* defs) {
  std::vector<token> out;
  int line = 1;
  bool line_start = true;
  std::size_t i = 0;
  auto push = [&](token t) {
    // Adjacent string literals are one.
    if (t.kind == tk::str && !out.empty() && out.back().kind == tk::str) {
      out.back().text += t.text;
      return;
    }
    out.push_back(std::move(t));
  };
  while (i < s.size() && out.size() < kMaxTokens) {
    // A comment counts as white space: a directive may follow one.
    if (std::size_t next = skip_c_family_space(s, i, line, line_start); next != i) {
      i = next;
      continue;
    }
    char c = s[i];
    if (c == '#' && line_start) {
      // A directive, with continuations. `#define NAME TOKEN` is remembered.
      std::string text;
      while (i < s.size() && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
          while (i < s.size() && s[i] != '\n') ++i;
          ++line;
          ++i;
          text += ' ';
          continue;
        }
        if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*') {
          // A comment ends the directive's text for our purposes.
          while (i + 1 < s.size() && !(s[i] == '*' && s[i + 1] == '/')) {
            if (s[i] == '\n') ++line;
            ++i;
          }
          i += 2;
          continue;
        }
        text += s[i++];
      }
      std::size_t p = 1;
      auto skip_ws = [&] { while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p; };
      skip_ws();
      if (text.compare(p, 6, "define") == 0) {
        p += 6;
        skip_ws();
        std::size_t n0 = p;
        while (p < text.size() && ident_char(text[p])) ++p;
        std::string name = text.substr(n0, p - n0);
        bool fn = p < text.size() && text[p] == '(';
        if (fn) {
          // Only parameterless function-like macros: NAME() body.
          std::size_t q = p + 1;
          while (q < text.size() && (text[q] == ' ' || text[q] == '\t')) ++q;
          if (q >= text.size() || text[q] != ')') name.clear();
          p = q + 1;
        }
        std::string body = p < text.size() ? text.substr(p) : std::string();
        if (defs && !name.empty() && body.size() <= kMaxMacroBytes && body.find_first_not_of(" \t") != std::string::npos) {
          if (auto old = defs->defs.find(name); old != defs->defs.end() && !same_body(old->second.body, body))
            defs->redefined.insert(name);
          defs->defs[name] = {fn, body};
        }
      }
      continue;
    }
    line_start = false;
    token t;
    t.line = line;
    bool wide_prefix = (c == 'L' || c == 'u' || c == 'U') && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\'');
    if (wide_prefix) c = s[++i];
    if (c == '"' || c == '\'') {
      char q = c;
      std::size_t j = i + 1;
      while (j < s.size() && s[j] != q && s[j] != '\n') j += (s[j] == '\\') ? 2 : 1;
      t.kind = q == '"' ? tk::str : tk::chr;
      t.text = decode_literal(s.substr(i + 1, std::min(j, s.size()) - i - 1));
      if (q == '\'' && !t.text.empty()) t.num = static_cast<unsigned char>(t.text[0]);
      i = std::min(j + 1, s.size());
      push(std::move(t));
      continue;
    }
    if (ident_start(c)) {
      std::size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      t.kind = tk::ident;
      t.text = std::string(s.substr(i, j - i));
      i = j;
      push(std::move(t));
      continue;
    }
    if (c >= '0' && c <= '9') {
      std::size_t j = i;
      while (j < s.size() && (ident_char(s[j]) || s[j] == '.' || s[j] == '\'' ||
                              ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
        ++j;
      t.kind = tk::number;
      t.text = std::string(s.substr(i, j - i));
      t.num = parse_int(t.text);
      i = j;
      push(std::move(t));
      continue;
    }
    static const char* const ops[] = {"<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&",
                                      "||",  "+=",  "-=",  "*=", "/=", "%=", "&=", "|=", "^=", "::"};
    t.kind = tk::punct;
    t.text = std::string(1, c);
    for (const char* op : ops) {
      std::size_t n = std::strlen(op);
      if (s.compare(i, n, op) == 0) {
        t.text = op;
        break;
      }
    }
    i += t.text.size();
    push(std::move(t));
  }
  return out;
}

// Replaces uses of the macros (object-like `NAME`, parameterless `NAME()`)
// by their bodies, a few levels deep, so `ALLOC(n)` defined as `malloc`
// or `RANDOM()` defined as an expression over rand() is seen as such.
std::vector<token> expand(std::vector<token> toks, const c_macros& defs) {
  if (defs.defs.empty()) return toks;
  std::map<std::string, std::pair<bool, std::vector<token>>> bodies;
  for (const auto& [name, d] : defs.defs) {
    bodies[name] = {d.function_like, tokenize(d.body)};
    if (defs.redefined.count(name))
      for (token& b : bodies[name].second) b.guessed = true;
  }
  for (int round = 0; round < 3; ++round) {
    bool changed = false;
    std::vector<token> out;
    out.reserve(toks.size());
    for (std::size_t i = 0; i < toks.size(); ++i) {
      const token& t = toks[i];
      auto it = t.kind == tk::ident ? bodies.find(t.text) : bodies.end();
      bool ok = it != bodies.end();
      if (ok && it->second.first)
        ok = i + 2 < toks.size() && toks[i + 1].text == "(" && toks[i + 2].text == ")";
      if (!ok || out.size() + it->second.second.size() > kMaxTokens) {
        out.push_back(t);
        continue;
      }
      for (token b : it->second.second) {
        b.line = t.line;
        b.guessed = b.guessed || t.guessed;
        out.push_back(std::move(b));
      }
      if (it->second.first) i += 2;
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
