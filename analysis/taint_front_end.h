// taint_front_end: the taint engine's front end for one language — its
// lexer (taint_lexer.h for Python and JavaScript/TypeScript; taint_go.h,
// taint_php.h, taint_ruby.h, taint_java.h), then its statement grouping
// (taint_statements.h; Java's from its tree, taint_java.h). Any other
// language is read as JavaScript. Pure; thread-safe.
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
