#include "analysis/taint_front_end.h"

#include "analysis/taint_go.h"
#include "analysis/taint_java.h"
#include "analysis/taint_php.h"
#include "analysis/taint_ruby.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_file(language lang, std::string_view content) {
  if (lang == language::python) return lex_python(content);
  if (lang == language::go) return lex_go(content);
  if (lang == language::php) return lex_php(content);
  if (lang == language::ruby) return lex_ruby(content);
  if (lang == language::java) return lex_java(content);
  return lex_javascript(content);
}

std::vector<stmt> parse_file(language lang, const lexed_file& lexed) {
  const auto n = static_cast<std::uint32_t>(lexed.tokens.size());
  if (lang == language::python) return parse_python(lexed);
  if (lang == language::java) return parse_java(lexed);
  if (lang == language::go) return parse_go(lexed.tokens, 0, n);
  if (lang == language::php) return parse_php(lexed.tokens, 0, n);
  if (lang == language::ruby) return parse_ruby(lexed.tokens, 0, n);
  return parse_javascript(lexed.tokens, 0, n);
}

}  // namespace heimdall::analysis::taint_detail
