// taint_erb: an ERB template (a Rails view, language.h is_erb_template) as
// the Ruby code it runs, for the taint engine's Ruby front end
// (taint_ruby.h). Every code byte keeps its line and column, so findings
// and their snippets point into the template:
//   template text, <%# comment %>      -> blanks (line breaks kept)
//   <% code %>                          -> code;      (statements, blocks: `<% xs.each do |x| %>`)
//   <%= e %>                            -> e;         (output escaped by ERB: no sink of its own,
//                                                      but `raw e`, `e.html_safe` in it are)
//   <%== e %>                           -> raw(e);    (output unescaped: the `raw` sink)
// `<%-` and `-%>` trim white space and are read as `<%` and `%>`; `<%%` is
// text. A `<%==` tag that opens a block (`<%== form do |f| %>`) is written
// without the call, which would not close. An unterminated tag runs to the
// end. Pure; thread-safe; linear in the template.
#pragma once

#include <string>
#include <string_view>

namespace heimdall::analysis::taint_detail {

std::string erb_code(std::string_view erb);

}  // namespace heimdall::analysis::taint_detail
