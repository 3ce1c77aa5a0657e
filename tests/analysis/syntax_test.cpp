#include <string>

#include <catch2/catch.hpp>

#include "analysis/syntax.h"

using namespace heimdall::analysis;

TEST_CASE("syntax: every language of the issue has its grammar in the build (scripts/fetch-grammars.sh)",
          "[syntax]") {
  for (language lang : {language::python, language::javascript, language::typescript, language::java, language::go,
                        language::php, language::ruby, language::c, language::cpp}) {
    INFO(language_name(lang));
    CHECK(grammar_for(lang, "x") != nullptr);
  }
  CHECK(grammar_for(language::typescript, "app.tsx") != grammar_for(language::typescript, "app.ts"));
  CHECK(grammar_for(language::shell, "run.sh") == nullptr);
}

namespace {

// Whether the code of line `n` (1-based, without its indentation) lies in a
// comment or docstring.
bool line_in_comment(const syntax_tree& tree, const std::string& text, int n) {
  std::size_t begin = 0;
  for (int i = 1; i < n; ++i) begin = text.find('\n', begin) + 1;
  std::size_t end = text.find('\n', begin);
  begin = text.find_first_not_of(" ", begin);
  return tree.in_documentation(static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end));
}

}  // namespace

TEST_CASE("syntax: a block comment holds its lines, not code with a comment after it", "[syntax]") {
  const std::string c =
      "int main(void) {\n"
      "  /* an old version:\n"
      "     strcpy(buf, input);\n"
      "  */\n"
      "  strcpy(buf, \"/* not a comment */\"); // copy\n"
      "  return 0;\n"
      "}\n";
  auto parsed = parse_source(language::c, "main.c", c);
  REQUIRE(parsed.outcome == parse_outcome::parsed);
  CHECK_FALSE(line_in_comment(*parsed.tree, c, 1));
  CHECK(line_in_comment(*parsed.tree, c, 2));
  CHECK(line_in_comment(*parsed.tree, c, 3));
  CHECK(line_in_comment(*parsed.tree, c, 4));
  CHECK_FALSE(line_in_comment(*parsed.tree, c, 5));
  CHECK_FALSE(line_in_comment(*parsed.tree, c, 6));

  const std::string py = "x = 1\n# os.system(cmd)\nos.system(cmd)  # ok\n";
  auto py_tree = parse_source(language::python, "a.py", py);
  REQUIRE(py_tree.outcome == parse_outcome::parsed);
  CHECK_FALSE(line_in_comment(*py_tree.tree, py, 1));
  CHECK(line_in_comment(*py_tree.tree, py, 2));
  CHECK_FALSE(line_in_comment(*py_tree.tree, py, 3));

  // A docstring is documentation; a string the code uses is not.
  const std::string doc = "def f(q):\n    '''f(q) runs os.system(q)'''\n    return run('os.system(q)')\n";
  auto doc_tree = parse_source(language::python, "d.py", doc);
  REQUIRE(doc_tree.outcome == parse_outcome::parsed);
  CHECK(line_in_comment(*doc_tree.tree, doc, 2));
  CHECK_FALSE(line_in_comment(*doc_tree.tree, doc, 3));
}

TEST_CASE("syntax: a language without a grammar, and code the grammar cannot parse, say so", "[syntax]") {
  CHECK(parse_source(language::shell, "run.sh", "echo hi\n").outcome == parse_outcome::no_grammar);
  CHECK(parse_source(language::python, "a.py", "))))(((( ]]]] :::: @@@@ $$$$\n").outcome == parse_outcome::unparsable);
  auto partial = parse_source(language::python, "b.py", "def f(x):\n    return x\n\ndef g(:\n    pass\n" + std::string(200, '#') + "\n");
  CHECK(partial.outcome == parse_outcome::parsed);  // an error in one function leaves a usable tree
  CHECK(parse_outcome_name(parse_outcome::unparsable) == "unparsable");
}

TEST_CASE("syntax: inputs that corrupt an older runtime's heap parse or are refused, never crash", "[syntax]") {
  // Debian's libtree-sitter 0.20.7 aborts (free(): invalid pointer) on each
  // of these; the runtime of third_party/tree-sitter.txt does not.
  auto repeat = [](const std::string& unit, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += unit;
    return out;
  };
  CHECK(parse_source(language::python, "a.py", repeat("# a comment\n", 70000) + "x = 1\n").outcome ==
        parse_outcome::parsed);
  CHECK(parse_source(language::c, "a.c", repeat("/* c */ ", 70000) + "int x;\n").outcome == parse_outcome::parsed);
  CHECK(parse_source(language::ruby, "a.rb", repeat("x.each do |a|\n", 25000)).outcome == parse_outcome::unparsable);
  CHECK(parse_source(language::ruby, "b.rb", repeat("def f\n", 50000)).outcome == parse_outcome::unparsable);
  CHECK(parse_source(language::javascript, "a.js", repeat("[", 50000)).outcome == parse_outcome::unparsable);
}
