// The taint front ends (taint_front_end.h) beyond each language's own
// tests: generated programs whose strings and comments no front end reads
// as code (Python, PHP), the bounds on nesting, the statement grouping
// checked against tree-sitter (stmt_oracle.h), PHP's tokens and the
// run's front-end cache. Each language's front end has its file too:
// taint_python_test.cpp, taint_javascript_test.cpp, taint_java_test.cpp,
// taint_ruby_test.cpp, taint_langs_test.cpp (Go, PHP).
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/taint_tokens.h"
#include "analysis/taint_front_end.h"
#include "analysis/taint_php.h"
#include "analysis/taint_python.h"
#include "tests/analysis/stmt_oracle.h"

using namespace heimdall::analysis;
using namespace heimdall::analysis::taint_detail;
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

TEST_CASE("deeply nested f-strings are bounded, not a stack overflow", "[taint][lexer]") {
  std::string py, py2;
  for (int i = 0; i < 300000; ++i) {
    py += "f'{";
    py2 += "f\"{f'{";
  }
  CHECK(lex_python(py).tokens.size() <= 2);
  CHECK(lex_python(py2).tokens.size() <= 2);
}

TEST_CASE("generated programs: the Python and PHP front ends read no string or comment as code", "[taint][lexer]") {
  std::mt19937 gen(11);
  const std::vector<std::string> py = {
      "'a\\'b\"c'", "\"x\\\"y'\"", "f'{a}{{b}}{c!r:>{w}}'", "rb'\\d+'", "'''t\n'x'\n'''", "f\"{d['k']}\"",
      "a // b", "u'\\u00e9'", "f'{x:{y}}'", "(1, 'a#b')", "\"\"\"#\"\"\"", "b'\\x00'"};
  const std::vector<std::string> php = {"'a\\'b\"'", "\"x\\\"y'{$a['k']}\"", "\"$a->b[1]\"", "a / b",
                                        "<<<EOT\n  x \" ' $v\n  EOT", "<<<'N'\n  $n \"\n  N", "'#'", "\"// \"",
                                        "`ls '$d'`"};
  for (int n = 0; n < 40; ++n) {
    // Python's front end is tree-sitter-python's leaves: no string or
    // comment read as code, and every line a logical line of its own.
    const std::string py_code = program(gen, py, "", "x = @  # '%\ny = [@, @]\n", 12);
    INFO(py_code);
    const lexed_file p = lex_python(py_code);
    REQUIRE(p.left_out.empty());
    const std::vector<std::string> py_names = names_of(p);
    CHECK(std::count(py_names.begin(), py_names.end(), "x") == 12);
    CHECK(std::count(py_names.begin(), py_names.end(), "y") == 12);
    for (const std::string& name : py_names) CHECK((name == "x" || name == "y" || name == "a" || name == "b"));
    CHECK(std::count_if(p.tokens.begin(), p.tokens.end(), [](const token& t) { return t.kind == tok::newline; }) ==
          24);
    CHECK(std::count_if(p.tokens.begin(), p.tokens.end(), [](const token& t) { return t.line_start; }) == 24);
    // PHP's front end writes out tree-sitter's own tokens: a string or
    // comment is never read as code, and each statement's variables are seen.
    const std::string code = program(gen, php, "<?php\n", "$x = @; // '%\n# \"%\n$y = [%, %];\n", 12);
    INFO(code);
    const lexed_file f = lex_php(code);
    const std::vector<std::string> names = names_of(f);
    CHECK(std::count(names.begin(), names.end(), "$x") == 12);
    CHECK(std::count(names.begin(), names.end(), "$y") == 12);
    for (const char* inside : {"$v", "$n", "$d", "k", "ls", "x", "y"}) CHECK_FALSE(has(names, inside));
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

namespace {

// The tokens' texts joined by spaces; a string's parts in brackets after it.
std::string shapes(const lexed_file& f, const std::vector<token>& toks) {
  std::string out;
  for (const token& t : toks) {
    out += std::string(t.text) + " ";
    for (auto k = t.part_begin; k < t.part_end; ++k) out += "[ " + shapes(f, f.parts[k]) + "] ";
  }
  return out;
}

}  // namespace

TEST_CASE("php: tree-sitter-php's tokens written in the engine's JavaScript terms", "[taint][lexer][php]") {
  const std::string code =
      "<p><?= $t ?></p><?php\n"
      "$s .= $o->a . $o?->b . K::C;\n"
      "ECHO \"x $v {$w['k']}\", 1;\n"
      "$n = (int) $_GET['n'];\n"
      "$r = `ls $d`;\n"
      "$f = fn($x) => $x;\n"
      "if ($a): include 'a.php'; endif;  // a comment ends at ?> <b>system($q);</b>\n";
  const lexed_file f = lex_php(code);
  REQUIRE(f.left_out.empty());
  CHECK(shapes(f, f.tokens) ==
        "echo ( $t ) ; "
        "$s += $o . a + $o . b + K . C ; "
        "echo ( \"x $v {$w['k']}\" [ $v ] [ $w [ 'k' ] ] , 1 ) ; "
        "$n = (int) $_GET [ 'n' ] ; "
        "$r = shell_exec ( `ls $d` [ $d ] ) ; "
        "$f = fn ( $x ) => $x ; "
        "if ( $a ) : include ( 'a.php' ) ; endif ; ; ");
  auto cast = std::find_if(f.tokens.begin(), f.tokens.end(), [](const token& t) { return t.text == "(int)"; });
  REQUIRE(cast != f.tokens.end());
  CHECK(is_php_numeric_cast(*cast));
  CHECK(cast->line == 4);
  CHECK(f.tokens.back().line == 7);
}

TEST_CASE("the front-end cache lexes a kept file once and keeps nothing past its budget", "[taint][lexer]") {
  front_end_cache roomy(1 << 20), full(0);
  auto a = roomy.get(3, language::php, "a.php", "<?php echo $x;", true);
  auto b = roomy.get(3, language::php, "a.php", "ignored: the kept file is returned", true);
  CHECK(a == b);
  REQUIRE(!a->lexed.tokens.empty());
  CHECK(a->lexed.tokens.front().text.data() >= a->content.data());  // its tokens point into its own content
  auto passing = roomy.get(4, language::php, "a.php", "<?php echo $y;", false);
  CHECK(passing != roomy.get(4, language::php, "a.php", "<?php echo $y;", true));  // not kept: lexed again
  auto first = full.get(1, language::php, "a.php", "<?php echo $x;", true);
  CHECK(first != full.get(1, language::php, "a.php", "<?php echo $x;", true));  // past the budget: lexed again
  CHECK(roomy.kept(3) == a);  // a pass holding it need not read the file
  CHECK(roomy.kept(5) == nullptr);
  CHECK(full.kept(1) == nullptr);
}
