#include "analysis/taint_front_end.h"

#include "analysis/taint_go.h"
#include "analysis/taint_java.h"
#include "analysis/taint_javascript.h"
#include "analysis/taint_php.h"
#include "analysis/taint_python.h"
#include "analysis/taint_ruby.h"

namespace heimdall::analysis::taint_detail {

lexed_file lex_file(language lang, std::string_view path, std::string_view content) {
  if (lang == language::python) return lex_python(content);
  if (lang == language::go) return lex_go(content);
  if (lang == language::php) return lex_php(content);
  if (lang == language::ruby) return lex_ruby(content);
  if (lang == language::java) return lex_java(content);
  return lex_javascript(lang == language::typescript ? lang : language::javascript, path, content);
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

namespace {

std::size_t bytes_of(const std::vector<stmt>& block) {
  std::size_t n = block.size() * sizeof(stmt);
  for (const stmt& s : block) {
    n += bytes_of(s.body) + bytes_of(s.orelse) + bytes_of(s.final_body) + s.decorators.size() * sizeof(span);
    for (const auto& h : s.handlers) n += bytes_of(h);
    for (const auto& labels : s.case_labels) n += labels.size() * sizeof(span);
  }
  return n;
}

std::size_t bytes_of(const front_end_output& out) {
  std::size_t n = out.content.size() + out.lexed.tokens.size() * sizeof(token) + bytes_of(out.top);
  for (const auto& part : out.lexed.parts) n += part.size() * sizeof(token);
  for (const auto& text : out.lexed.text) n += text.size();
  return n;
}

}  // namespace

std::shared_ptr<const front_end_output> front_end_cache::kept(std::uint32_t file) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = kept_.find(file);
  return it == kept_.end() ? nullptr : it->second;
}

std::shared_ptr<const front_end_output> front_end_cache::get(std::uint32_t file, language lang, std::string_view path,
                                                             std::string content, bool keep) {
  if (auto out = kept(file)) return out;
  auto out = std::make_shared<front_end_output>();
  out->content = std::move(content);
  out->lexed = lex_file(lang, path, out->content);
  if (!out->lexed.truncated) out->top = parse_file(lang, out->lexed);
  out->lexed.tree.reset();
  if (!keep) return out;
  const std::size_t bytes = bytes_of(*out);
  std::lock_guard<std::mutex> lock(mu_);
  if (used_ + bytes <= budget_ && kept_.emplace(file, out).second) used_ += bytes;
  return out;
}

}  // namespace heimdall::analysis::taint_detail
