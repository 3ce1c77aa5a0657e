// taint_front_end: the taint engine's front end for one language — its
// lexer (taint_lexer.h for Python, JavaScript/TypeScript and Java;
// taint_php.h; tree-sitter's tree written out by taint_go.h, taint_ruby.h), then its statement grouping
// (taint_statements.h). Any other language is read as JavaScript. Pure;
// thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "analysis/language.h"
#include "analysis/taint_lexer.h"
#include "analysis/taint_statements.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_file(language lang, std::string_view content);
std::vector<stmt> parse_file(language lang, const lexed_file& lexed);

}  // namespace heimdall::analysis::taint_detail
