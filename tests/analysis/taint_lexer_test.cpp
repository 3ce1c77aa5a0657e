// The taint engine's hand lexers: the cases a forgiving scan gets wrong, and
// generated programs checked against tree-sitter (lexer_oracle.h); their
// statement grouping checked against it too (stmt_oracle.h).
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/taint_lexer.h"
#include "tests/analysis/lexer_oracle.h"
#include "tests/analysis/stmt_oracle.h"

using namespace heimdall::analysis;
using namespace heimdall::analysis::taint_detail;
using heimdall::analysis::test::compare_lexer_with_tree;
using heimdall::analysis::test::lexer_verdict;
using heimdall::analysis::test::compare_statements_with_tree;
using heimdall::analysis::test::stmt_verdict;

namespace {

std::vector<std::string> names_of(const lexed_file& f) {
  std::vector<std::string> out;
  for (const token& t : f.tokens) {
    if (t.kind == tok::name) out.emplace_back(t.text);
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void check_agrees(language lang, const std::string& path, const std::string& code) {
  lexer_verdict v = compare_lexer_with_tree(lang, path, code);
  INFO(path << " line " << v.line << ": " << v.where << "\n" << code);
  CHECK(v.outcome == lexer_verdict::agree);
}

// A random program of `count` statements, each filling its '@' with a
// fragment and its '%' (in a comment) with a fragment of one line and no `*/`:
// every fragment is valid code in its language, so the tree has no ERROR node.
// (PHP gets one heredoc a statement: tree-sitter-php misreads a second one
// opened on the line that closes the first.)
std::string program(std::mt19937& gen, const std::vector<std::string>& fragments, const std::string& head,
                    const std::string& statement, int count) {
  std::vector<std::string> one_line;
  for (const std::string& f : fragments) {
    if (f.find('\n') == std::string::npos && f.find("*/") == std::string::npos) one_line.push_back(f);
  }
  std::string out = head;
  for (int i = 0; i < count; ++i) {
    std::string s = statement;
    for (std::size_t at; (at = s.find_first_of("@%")) != std::string::npos;) {
      const auto& from = s[at] == '@' ? fragments : one_line;
      s.replace(at, 1, from[gen() % from.size()]);
    }
    out += s;
  }
  return out;
}

}  // namespace

TEST_CASE("javascript: a regex or comment inside ${} does not end its template", "[taint][lexer]") {
  const std::string code =
      "const a = `\"${v.replace(/\"/g, '\"\"')}\"`;  // the `quoted` form\n"
      "const b = `'${s.replace(/'/g, `'\\\\''`)}'`;\n"
      "const c = `${x // a } in a comment\n}`;\n"
      "const d = `${/`/.test(y)}`;\n"
      "const after = req;\n";
  lexed_file f = lex_javascript(code);
  std::vector<std::string> names = names_of(f);
  CHECK(has(names, "after"));
  CHECK(has(names, "req"));
  CHECK_FALSE(has(names, "quoted"));
  CHECK_FALSE(has(names, "comment"));
  int templates = 0;
  for (const token& t : f.tokens) templates += t.kind == tok::string && t.text[0] == '`';
  CHECK(templates == 4);
  check_agrees(language::javascript, "a.js", code);
}

TEST_CASE("deeply nested templates and f-strings are bounded, not a stack overflow", "[taint][lexer]") {
  std::string js, py, py2;
  for (int i = 0; i < 300000; ++i) {
    js += "`${";
    py += "f'{";
    py2 += "f\"{f'{";
  }
  CHECK(lex_javascript(js).tokens.size() == 1);
  CHECK(lex_python(py).tokens.size() <= 2);
  CHECK(lex_python(py2).tokens.size() <= 2);
  // Within the bound, nesting is read as written.
  lexed_file f = lex_javascript("x = `a${`b${`c${d}`}`}`; y = 1;");
  CHECK(has(names_of(f), "y"));
  REQUIRE(f.tokens.size() > 2);
  REQUIRE(f.tokens[2].part_end - f.tokens[2].part_begin == 1);
}

TEST_CASE("generated programs: the lexers agree with tree-sitter on strings and comments", "[taint][lexer]") {
  std::mt19937 gen(11);
  const std::vector<std::string> js = {
      "'a\\'b\"c'", "\"x\\\"y'`\"", "`t${a + `u${b}`}v`", "`${v.replace(/\"/g, '\\\\\"')}`", "/re[/\"']x/g",
      "a / b / c", "(y) / 2", "`${x /* } */}`", "f(/`/, '`')", "{k: '}'}.k", "`\\${no}`", "[1, 2] / 3"};
  const std::vector<std::string> py = {
      "'a\\'b\"c'", "\"x\\\"y'\"", "f'{a}{{b}}{c!r:>{w}}'", "rb'\\d+'", "'''t\n'x'\n'''", "f\"{d['k']}\"",
      "a // b", "u'\\u00e9'", "f'{x:{y}}'", "(1, 'a#b')", "\"\"\"#\"\"\"", "b'\\x00'"};
  const std::vector<std::string> java = {"\"a\\\"b'\"", "'\"'", "'\\''", "\"\"\"\n  t \" '\n  \"\"\"", "a / b",
                                         "\"/* no */\"", "\"//\""};
  const std::vector<std::string> php = {"'a\\'b\"'", "\"x\\\"y'{$a['k']}\"", "\"$a->b[1]\"", "a / b",
                                        "<<<EOT\n  x \" ' $v\n  EOT", "<<<'N'\n  $n \"\n  N", "'#'", "\"// \"",
                                        "`ls '$d'`"};
  for (int n = 0; n < 40; ++n) {
    check_agrees(language::javascript, "g.js", program(gen, js, "", "x = @; // '%\n/* `%` */ y = [@, @];\n", 12));
    check_agrees(language::python, "g.py", program(gen, py, "", "x = @  # '%\ny = [@, @]\n", 12));
    check_agrees(language::java, "G.java",
                 program(gen, java, "class G { void f() {\n", "  x = @; // \"%\n  /* '% */ y = g(@, @);\n", 12) + "} }\n");
    check_agrees(language::php, "g.php", program(gen, php, "<?php\n", "$x = @; // '%\n# \"%\n$y = [%, %];\n", 12));
  }
}

namespace {

void check_grouping_agrees(language lang, const std::string& path, const std::string& code) {
  stmt_verdict v = compare_statements_with_tree(lang, path, code);
  INFO(path << " line " << v.line << ": [" << v.rule << "] " << v.where << "\n" << code);
  CHECK(v.outcome == stmt_verdict::agree);
  CHECK(v.checked > 0);
}

}  // namespace

TEST_CASE("statement grouping agrees with tree-sitter on where statements and functions are", "[taint][lexer]") {
  check_grouping_agrees(language::javascript, "a.js", R"(
import x from 'x';
const f = (a, b) => {
  if (a) { b(); } else if (b) c(); else { d() }
  for (const k of a) g(k)
  switch (a) {
    case 1: { h(); break; }
    default: i();
  }
  label: while (a) { a = a.next }
  try { j() } catch (e) { k(e) } finally { l() }
  return a
    + b;
};
function g(x) { return x; }
class C extends D {
  static m(a) { return a; }
  get n() { return 1; }
  field = 2;
}
module.exports = function (req) { return req.q; };
)");
  check_grouping_agrees(language::java, "A.java", R"(
package p;
import java.io.File;
public class A extends B implements C {
  private static final int N = 1;
  @Override
  public String m(String a) throws Exception {
    try (var in = open(a); var out = open(a)) { use(in, out); }
    switch (a) { case "x": f(); break; default: g(); }
    for (String s : list) { h(s); }
    Runnable r = () -> { run(); };
    return a;
  }
  A(int x) { super(x); this.x = x; }
  interface I { void f(); }
}
)");
  check_grouping_agrees(language::php, "a.php", R"(<?php
namespace App;
use Foo\Bar;
function f($a) { return $a; }
class C extends D {
  private $x = 1;
  const Y = 2;
  public static function m($a) {
    if ($a) { g(); } elseif ($b) { h(); } else { i(); }
    foreach ($a as $k => $v) { echo $v; }
    switch ($a) { case 1: j(); break; default: k(); }
    try { l(); } catch (E $e) { m(); } finally { n(); }
    return $a;
  }
}
)");
}
