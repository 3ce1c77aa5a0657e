#include "analysis/taint_erb.h"

#include <re2/re2.h>

namespace heimdall::analysis::taint_detail {
namespace {

// Template text as blanks: only its line breaks stay.
void blank(std::string& out, std::string_view text) {
  for (char c : text) out += c == '\n' || c == '\r' ? c : ' ';
}

// Whether a tag's code ends by opening a block (`do |f|`, `{`).
bool opens_block(std::string_view code) {
  static const RE2 kOpener(R"((?:\bdo|\{)\s*(?:\|[^|]*\|)?\s*$)");
  return RE2::PartialMatch(code, kOpener);
}

}  // namespace

std::string erb_code(std::string_view erb) {
  std::string out;
  out.reserve(erb.size());
  for (std::size_t at = 0; at < erb.size();) {
    std::size_t open = std::min(erb.find("<%", at), erb.size());
    blank(out, erb.substr(at, open - at));
    if (open == erb.size()) break;
    std::size_t head = open + 2;
    char kind = head < erb.size() ? erb[head] : ' ';
    if (kind == '%') {  // `<%%`: a literal `<%`
      blank(out, erb.substr(open, 3));
      at = open + 3;
      continue;
    }
    if (kind == '=' || kind == '-') ++head;
    const bool raw = kind == '=' && head < erb.size() && erb[head] == '=';
    if (raw) ++head;
    std::size_t close = std::min(erb.find("%>", head), erb.size());
    std::size_t code_end = close > head && erb[close - 1] == '-' ? close - 1 : close;
    std::string_view code = erb.substr(head, code_end - head);
    std::size_t end = std::min(close + 2, erb.size());
    at = end;
    if (kind == '#') {
      blank(out, erb.substr(open, end - open));
      continue;
    }
    const bool call = raw && !opens_block(code);
    if (call) {
      out += "raw(";  // as wide as `<%==`
    } else {
      blank(out, erb.substr(open, head - open));
    }
    out += code;
    if (close == erb.size()) break;
    out += call ? ");" : "; ";  // as wide as `%>`: the tag's end ends the statement
    blank(out, erb.substr(code_end, close - code_end));
  }
  return out;
}

}  // namespace heimdall::analysis::taint_detail
