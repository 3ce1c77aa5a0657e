#include "analysis/taint_origin.h"

namespace heimdall::analysis::taint_detail {

std::string string_head(const token& t) {
  if (t.kind != tok::string) return {};
  std::string_view x = t.text;
  std::size_t i = x.find_first_of("'\"`");
  if (i == std::string_view::npos) return {};
  const char q = x[i];
  const bool triple = x.size() >= i + 6 && x[i + 1] == q && x[i + 2] == q;
  i += triple ? 3 : 1;
  std::string out;
  for (; i < x.size() && x[i] != q && x[i] != '\\'; ++i) {
    if (x[i] == '{') {
      // Python's "{{" is a literal brace; any other brace may open an
      // expression (after '$' in JS, '#' in Ruby: drop that marker).
      const bool marker = !out.empty() && (out.back() == '$' || out.back() == '#');
      if (marker || i + 1 >= x.size() || x[i + 1] != '{') {
        if (marker) out.pop_back();
        break;
      }
      ++i;
    }
    out += x[i];
  }
  return out;
}

bool starts_with_expression(const token& t) {
  if (t.kind != tok::string || t.part_begin == t.part_end) return false;
  std::string_view x = t.text;
  std::size_t i = x.find_first_of("'\"`");
  if (i == std::string_view::npos) return false;
  const char q = x[i];
  const bool triple = x.size() >= i + 6 && x[i + 1] == q && x[i + 2] == q;
  std::string_view body = x.substr(i + (triple ? 3 : 1));
  if (body.size() >= 2 && (body[0] == '$' || body[0] == '#') && body[1] == '{') return true;
  return body.size() >= 2 && body[0] == '{' && body[1] != '{';
}

bool configured_chain(const std::vector<std::string_view>& names) {
  auto upper = [](std::string_view n) {
    bool letter = false;
    for (char c : n) {
      if (c >= 'A' && c <= 'Z') letter = true;
      else if (!(c == '_' || (c >= '0' && c <= '9'))) return false;
    }
    return letter && n.size() >= 2;
  };
  if (names.empty()) return false;
  if (upper(names.front()) || upper(names.back())) return true;
  for (std::string_view n : names) {
    std::string low;
    for (char c : n) low += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (low.find("config") != std::string::npos || low.find("setting") != std::string::npos || low == "conf" ||
        low == "cfg" || low == "env" || low == "environ" || low == "getenv" || low == "environment") {
      return true;
    }
  }
  return false;
}

bool fixes_origin(std::string_view prefix) {
  auto separator = [](char c) { return c == '/' || c == '\\'; };
  // A same-origin path: "/a", but not the scheme-relative "//h" or "/\h".
  if (prefix.size() >= 2 && prefix[0] == '/' && !separator(prefix[1])) return true;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = prefix[i];
    if (c == '?' || c == '#') return true;
    // A separator after a host or path character (not after "scheme:" or
    // another separator) ends the authority.
    if (separator(c) && i > 0 && std::string_view("?#:/\\").find(prefix[i - 1]) == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace heimdall::analysis::taint_detail
