// Java's taint front end (analysis/taint_java.h): the tokens of the tree's
// leaves, the statements of its nodes, and what the tree reads right that
// bracket grouping read wrong. Every snippet here is written for this test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/taint.h"
#include "analysis/taint_java.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
using namespace heimdall::analysis::taint_detail;

namespace {

std::string text_of(span s) {
  std::string out;
  for (std::uint32_t i = s.b; i < s.e; ++i) out += std::string(s[i].text) + (i + 1 < s.e ? " " : "");
  return out;
}

std::vector<finding> scan(const std::vector<std::pair<std::string, std::string>>& files) {
  return test::taint_scan(files).found;
}

bool at(const std::vector<finding>& found, const std::string& rule, const std::string& file, int line) {
  for (const finding& f : found) {
    if (f.rule_id == rule && f.file_path == file && f.line_start == line) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("java: a string, text block or char literal is one string token, and comments are dropped", "[taint][java]") {
  const std::vector<std::string> strings = {"\"a\\\"b'\"", "'\"'", "'\\''", "\"\"\"\n  t \" '\n  \"\"\"",
                                            "\"\"\"\n  q \\\"\"\" r\n  \"\"\"", "\"/* no */\"", "\"//\""};
  for (const std::string& s : strings) {
    const std::string code = "class G { void f() {\n  x = " + s + "; // \"'\n  /* '\" */ y = g(a / b);\n} }\n";
    lexed_file f = lex_java(code);
    INFO(code);
    REQUIRE(f.left_out.empty());
    std::vector<std::string> texts;
    for (const token& t : f.tokens) {
      texts.emplace_back(t.text);
      const bool comment_like =
          t.text.find("//") != std::string_view::npos || t.text.find("/*") != std::string_view::npos;
      CHECK((!comment_like || t.kind == tok::string));
    }
    CHECK(texts == std::vector<std::string>{"class", "G", "{", "void", "f", "(", ")", "{", "x", "=", s, ";", "y",
                                            "=", "g", "(", "a", "/", "b", ")", ";", "}", "}"});
    const token& y = f.tokens[12];
    const int lines_in = static_cast<int>(std::count(s.begin(), s.end(), '\n'));
    CHECK(y.line == lines_in + 3);
    CHECK(y.nl_before);
  }
}

TEST_CASE("java: statements come from the tree's nodes", "[taint][java]") {
  const std::string code = R"(package p;
import java.io.File;
public class A extends B implements C {
  private static final int N = 1;
  @Override @Path("/m")
  public String m(final String a, int... b) throws Exception {
    try (var in = open(a); var out = open(a)) { use(in, out); } catch (IOException e) { h(e); } finally { done(); }
    switch (a) { case "x", "y": f(); break; case "z": default: g(); }
    for (String s : list) { h(s); }
    for (int i = 0; i < n; i++) k(i);
    Runnable r = () -> { run(); };
    if (a == null) throw new E(); else if (b) { x(); } else y();
    return a;
  }
  A(int x) { super(x); this.x = x; }
  interface I { void f(); }
}
)";
  lexed_file f = lex_java(code);
  REQUIRE(f.left_out.empty());
  std::vector<stmt> top = parse_java(f);
  REQUIRE(top.size() == 2);
  CHECK(top[0].kind == stmt_kind::simple);
  CHECK(text_of(top[0].head) == "import java . io . File");
  const stmt& a = top[1];
  CHECK(a.kind == stmt_kind::class_);
  CHECK(a.name == "A");
  CHECK(text_of(a.head) == "extends B implements C");
  REQUIRE(a.body.size() == 4);
  CHECK(text_of(a.body[0].head) == "int N = 1");
  const stmt& m = a.body[1];
  CHECK(m.kind == stmt_kind::func);
  CHECK(m.name == "m");
  CHECK(m.line == 6);
  REQUIRE(m.decorators.size() == 2);
  CHECK(text_of(m.decorators[0]) == "Override");
  CHECK(text_of(m.decorators[1]) == "Path ( \"/m\" )");
  CHECK(text_of(m.head) == "final String a , int ... b");
  REQUIRE(m.body.size() == 7);
  const stmt& t = m.body[0];
  CHECK(t.kind == stmt_kind::try_);
  REQUIRE(t.body.size() == 3);  // the resources run first
  CHECK(text_of(t.body[0].head) == "var in = open ( a )");
  CHECK(text_of(t.body[2].head) == "use ( in , out )");
  CHECK(t.handlers.size() == 1);
  CHECK(t.final_body.size() == 1);
  const stmt& sw = m.body[1];
  CHECK(sw.kind == stmt_kind::switch_);
  CHECK(text_of(sw.head) == "a");
  REQUIRE(sw.case_labels.size() == 2);
  REQUIRE(sw.case_labels[0].size() == 2);
  CHECK(text_of(sw.case_labels[0][1]) == "\"y\"");
  CHECK(sw.case_labels[1].empty());  // with `default`
  CHECK(sw.handlers[0].size() == 2);
  CHECK(m.body[2].loop == loop_form::js_for_in_of);
  CHECK(text_of(m.body[2].head) == "String s : list");
  CHECK(m.body[3].loop == loop_form::c_for);
  CHECK(text_of(m.body[3].head) == "int i = 0 ; i < n ; i ++");
  CHECK(m.body[3].body.size() == 1);
  CHECK(m.body[4].kind == stmt_kind::simple);  // the lambda stays in its statement's tokens
  const stmt& i = m.body[5];
  CHECK(i.kind == stmt_kind::if_);
  CHECK(text_of(i.head) == "a == null");
  CHECK(text_of(i.body[0].head) == "new E ( )");
  REQUIRE(i.orelse.size() == 1);
  CHECK(i.orelse[0].kind == stmt_kind::if_);
  CHECK(i.orelse[0].orelse.size() == 1);
  CHECK(m.body[6].kind == stmt_kind::ret);
  CHECK(text_of(m.body[6].head) == "a");
  CHECK(a.body[2].kind == stmt_kind::func);
  CHECK(a.body[2].name == "A");
  CHECK(a.body[3].kind == stmt_kind::class_);
  REQUIRE(a.body[3].body.size() == 1);
  CHECK(a.body[3].body[0].name == "f");
}

TEST_CASE("java: code tree-sitter cannot parse is left out with a note", "[taint][java]") {
  lexed_file f = lex_java("}}}} class ((( @@ \"");
  CHECK(f.tokens.empty());
  CHECK(f.left_out.find("does not parse") != std::string_view::npos);
  CHECK(parse_java(f).empty());
}

// Each of these read wrong by the bracket grouping of JavaScript's tokens:
// the loop as an expression, the class after a modifier that is no JS word
// (and a record) as one statement.
TEST_CASE("java: a labeled loop binds its variable", "[taint][java]") {
  auto found = scan({{"src/Q.java",
                      "import javax.servlet.http.*;\n"
                      "public class Q extends HttpServlet {\n"
                      "  public void doGet(HttpServletRequest req, HttpServletResponse res) throws Exception {\n"
                      "    outer:\n"
                      "    for (String id : req.getParameterValues(\"id\")) {\n"
                      "      stmt.executeQuery(\"SELECT * FROM t WHERE id = \" + id);\n"  // line 6
                      "    }\n"
                      "  }\n"
                      "}\n"}});
  CHECK(at(found, "java.taint.sqli", "src/Q.java", 6));
}

TEST_CASE("java: a sealed or non-sealed class is a class", "[taint][java]") {
  for (std::string modifier : {"sealed", "non-sealed"}) {
    auto found = scan({{"src/S.java",
                        "import javax.servlet.http.*;\n"
                        "public " + modifier + " class S extends HttpServlet {\n"
                        "  public void doGet(HttpServletRequest req, HttpServletResponse res) throws Exception {\n"
                        "    String c = req.getParameter(\"c\");\n"
                        "    Runtime.getRuntime().exec(c);\n"  // line 5
                        "  }\n"
                        "}\n"}});
    INFO(modifier);
    CHECK(at(found, "java.taint.cmdi", "src/S.java", 5));
  }
}

TEST_CASE("java: a record's methods are functions", "[taint][java]") {
  auto found = scan({{"src/R.java",
                      "import javax.servlet.http.*;\n"
                      "public record R(String unused) {\n"
                      "  public void doGet(HttpServletRequest req, HttpServletResponse res) throws Exception {\n"
                      "    String c = req.getParameter(\"c\");\n"
                      "    Runtime.getRuntime().exec(c);\n"  // line 5
                      "  }\n"
                      "}\n"}});
  CHECK(at(found, "java.taint.cmdi", "src/R.java", 5));
}
