// taint_front_end: the taint engine's front end for one language — its
// tree-sitter tree written out as the engine's tokens (taint_tokens.h) by
// taint_python.h, taint_javascript.h, taint_go.h, taint_php.h,
// taint_ruby.h, taint_java.h, then its statement grouping
// (taint_statements.h; Java's from its tree, taint_java.h). Any other
// language is read as JavaScript (the engine passes none: taint.cpp
// analyses these seven only). Pure; thread-safe. And front_end_cache: one
// run's lexed files, so the passes of the analysis (taint.cpp: survey,
// summaries, analysis) parse a file once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/language.h"
#include "analysis/taint_tokens.h"
#include "analysis/taint_statements.h"

namespace heimdall::analysis::taint_detail {

// `path`, the file's, chooses the grammar of a language that has two
// (TypeScript's tsx for a .tsx file: syntax.h, grammar_name).
lexed_file lex_file(language lang, std::string_view path, std::string_view content);
std::vector<stmt> parse_file(language lang, const lexed_file& lexed);

// A file's lexed form with the content its tokens point into, and its
// statements (parse_file, grouped once). The syntax tree a front end groups
// from (Java's, lexed_file::tree) is dropped once grouped: it is larger than
// the tokens and nothing reads it after.
struct front_end_output {
  std::string content;
  lexed_file lexed;
  std::vector<stmt> top;  // empty when lexed.truncated
};

// The lexed files of one run, by the file's index in its inventory, kept
// while their bytes (content, tokens and statements) fit the budget: past it
// a file is lexed and not kept, so memory stays bounded and the cost is a
// second lex.
// Thread-safe; two threads asking for one file at once may both lex it.
class front_end_cache {
 public:
  explicit front_end_cache(std::size_t budget_bytes) : budget_(budget_bytes) {}

  // File `file`'s output: the kept one, else `content` lexed now, kept when
  // `keep` and the budget allows.
  std::shared_ptr<const front_end_output> get(std::uint32_t file, language lang, std::string_view path,
                                              std::string content, bool keep);
  // File `file`'s kept output, or null: a pass holding it need not read the file.
  std::shared_ptr<const front_end_output> kept(std::uint32_t file);

 private:
  std::mutex mu_;
  std::unordered_map<std::uint32_t, std::shared_ptr<const front_end_output>> kept_;
  const std::size_t budget_;
  std::size_t used_ = 0;
};

}  // namespace heimdall::analysis::taint_detail
