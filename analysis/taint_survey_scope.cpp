#include "analysis/taint_survey_scope.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_set>

#include "analysis/taint_calls.h"
#include "analysis/taint_tokens.h"

namespace heimdall::analysis::taint_detail {
namespace {

// Calls `word(b, e)` for each identifier of `text` (a longest run of
// identifier bytes, is_name_char, not starting with a digit) in order,
// while it says to go on; in one with non-ASCII bytes, for each run of
// ASCII ones in it too (a lexer may end a name at a non-ASCII space). A
// name with `$` (Java, JavaScript) is the pieces around it: the one a
// declaration's `(` follows is that of the call.
template <typename F>
void for_each_word(std::string_view text, F&& word) {
  auto ascii = [](char c) { return static_cast<unsigned char>(c) < 0x80; };
  for (std::size_t i = 0; i < text.size();) {
    if (!is_name_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t e = i;
    bool mixed = false;
    for (; e < text.size() && is_name_char(text[e]); ++e) mixed = mixed || !ascii(text[e]);
    if (!is_digit(text[i]) && !word(i, e)) return;
    for (std::size_t b = i; mixed && b < e;) {
      std::size_t end = b;
      while (end < e && ascii(text[end])) ++end;
      if (end > b && end - b < e - i && !is_digit(text[b]) && !word(b, end)) return;
      b = end + 1;
    }
    i = e;
  }
}

// Past the blanks and comments (`#` to the line's end with `hash`, else
// `//` and `/* */`) from `i`.
std::size_t past_blanks(std::string_view text, std::size_t i, bool hash) {
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\\') {
      ++i;
    } else if ((hash && c == '#') || (!hash && text.substr(i, 2) == "//")) {
      std::size_t eol = text.find('\n', i);
      i = eol == std::string_view::npos ? text.size() : eol;
    } else if (!hash && text.substr(i, 2) == "/*") {
      std::size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else {
      break;
    }
  }
  return i;
}

// Java's reserved words, which name no method (`for (`, `else {`).
bool java_reserved(std::string_view w) {
  static const std::unordered_set<std::string_view> reserved = {
      "abstract", "assert",   "boolean",    "break",     "byte",         "case",      "catch",    "char",
      "class",    "const",    "continue",   "default",   "do",           "double",    "else",     "enum",
      "extends",  "false",    "final",      "finally",   "float",        "for",       "goto",     "if",
      "implements", "import", "instanceof", "int",       "interface",    "long",      "native",   "new",
      "null",     "package",  "private",    "protected", "public",       "return",    "short",    "static",
      "strictfp", "super",    "switch",     "synchronized", "this",      "throw",     "throws",   "transient",
      "true",     "try",      "void",       "volatile",  "while"};
  return reserved.count(w) > 0;
}

}  // namespace

std::vector<std::uint64_t> definable_names(language lang, std::string_view text) {
  std::vector<std::uint64_t> out;
  bool after_def = false;  // Python: the last identifier was `def`, with only blanks since
  std::size_t last_end = 0;
  for_each_word(text, [&](std::size_t b, std::size_t e) {
    const std::string_view w = text.substr(b, e - b);
    if (lang == language::python) {
      if (after_def && past_blanks(text, last_end, true) == b) out.push_back(name_hash(w));
      after_def = w == "def";
      last_end = e;
    } else if (lang == language::java) {
      // Not a member written after a `.` either: a call, never a declaration.
      const std::size_t next = past_blanks(text, e, false);
      if (next < text.size() && (text[next] == '(' || text[next] == '{') && !(b > 0 && text[b - 1] == '.') &&
          !java_reserved(w)) {
        out.push_back(name_hash(w));
      }
    } else {
      out.push_back(name_hash(w));
    }
    return true;
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool writes_any(std::string_view text, const std::unordered_set<std::uint64_t>& names) {
  bool found = false;
  for_each_word(text, [&](std::size_t b, std::size_t e) {
    found = names.count(name_hash(text.substr(b, e - b))) > 0;
    return !found;
  });
  return found;
}

bool names_a_file(std::string_view text, const std::unordered_set<std::uint64_t>& file_names) {
  std::size_t b = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\'' && text[i] != '"' && text[i] != '`' && text[i] != '/') continue;
    if (i > b && file_names.count(name_hash(text.substr(b, i - b)))) return true;
    b = i + 1;
  }
  return false;
}

}  // namespace heimdall::analysis::taint_detail
