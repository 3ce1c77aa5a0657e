#include "analysis/c_family_space.h"

namespace heimdall::analysis {

std::size_t skip_c_family_space(std::string_view s, std::size_t i, int& line, bool& new_line) {
  int newlines = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n') {
      ++newlines;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      std::size_t end = s.find("*/", i + 2);
      end = end == std::string_view::npos ? s.size() : end + 2;
      for (; i < end; ++i) newlines += s[i] == '\n';
    } else {
      break;
    }
  }
  line += newlines;
  new_line = new_line || newlines > 0;
  return i;
}

}  // namespace heimdall::analysis
