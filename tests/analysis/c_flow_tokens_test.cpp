// c_flow_tokens: the tokens of the C flow analysis, written from
// tree-sitter's tree: what becomes a token and what does not, literals,
// preprocessor lines and #defines, code in ERROR nodes, and the macros'
// expansion and merging.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analysis/c_flow.h"
#include "analysis/c_flow_tokens.h"
#include "analysis/syntax.h"

using namespace heimdall::analysis;
using namespace heimdall::analysis::c_flow_detail;

namespace {

std::vector<token> tokens(const std::string& code, language lang = language::c, c_macros* defs = nullptr) {
  parse_result parsed = parse_source_keeping_errors(lang, lang == language::c ? "x.c" : "x.cpp", code);
  REQUIRE(parsed.tree);
  return tokens_of(*parsed.tree, code, defs);
}

// The tokens' texts, a space between two.
std::string texts(const std::vector<token>& toks) {
  std::string s;
  for (const token& t : toks) s += (s.empty() ? "" : " ") + t.text;
  return s;
}

}  // namespace

TEST_CASE("c_flow_tokens: the leaves in order, comments dropped, lines kept", "[analysis][c_flow]") {
  std::vector<token> t = tokens("int f(int a) { /* a\n comment */ return a<<=2; // done\n}\n");
  CHECK(texts(t) == "int f ( int a ) { return a <<= 2 ; }");
  CHECK(t[0].kind == tk::ident);
  CHECK(t[7].kind == tk::ident);  // keywords are identifiers
  CHECK(t[10].kind == tk::number);
  CHECK(*t[10].num == 2);
  CHECK(t[7].line == 2);
  CHECK(t.back().line == 3);
  // Touching punctuation is cut as one run: the grammar's two `>` closing
  // template argument lists are the shift a compiler's lexer reads.
  CHECK(texts(tokens("std::vector<std::vector<int>> v;", language::cpp)) == "std :: vector < std :: vector < int >> v ;");
  CHECK(texts(tokens("x = a - -b; y = a->b; z = p ... ;")) == "x = a - - b ; y = a -> b ; z = p ... ;");
}

TEST_CASE("c_flow_tokens: literals are one token of their decoded body", "[analysis][c_flow]") {
  std::vector<token> t = tokens(R"(char *s = "a\tb\\" /* between */ "c\0x" L"w"; char c = '\n'; int n = 0x1F + 1'000u + 07;)");
  REQUIRE(t.size() == 20);
  CHECK(t[4].kind == tk::str);
  CHECK(t[4].text == std::string("a\tb\\c\0xw", 8));  // adjacent strings joined, across a comment
  CHECK(t[9].kind == tk::chr);
  CHECK(*t[9].num == '\n');
  CHECK(*t[14].num == 31);
  CHECK(*t[16].num == 1000);
  CHECK(*t[18].num == 7);
  CHECK(tokens("double d = 1.5e-3;")[3].num == std::nullopt);
  CHECK(tokens("char s[] = \"\\x41z\";")[5].text == "?z");
  // A raw string is its characters as written.
  std::vector<token> raw = tokens("auto s = R\"x(a \"quoted\" \\n)x\";", language::cpp);
  CHECK(raw[3].kind == tk::str);
  CHECK(raw[3].text == "a \"quoted\" \\n");
}

TEST_CASE("c_flow_tokens: preprocessor lines are dropped, every arm of an #if kept", "[analysis][c_flow]") {
  const std::string code =
      "#include <stdio.h>\n"
      "  # if defined(X) && \\\n   Y /* a\n comment */ > 2\n"
      "int a = 1;\n"
      "#else\n"
      "int a = 2;\n"
      "#endif\n"
      "#pragma once\n"
      "int b = a # 2;\n";
  std::vector<token> t = tokens(code);
  CHECK(texts(t) == "int a = 1 ; int a = 2 ; int b = a # 2 ;");
  CHECK(t[0].line == 5);
  CHECK(t[5].line == 7);
  CHECK(t.back().line == 10);
}

TEST_CASE("c_flow_tokens: #defines are recorded with their bodies' tokens", "[analysis][c_flow]") {
  c_macros defs;
  const std::string code =
      "#define ALLOC malloc\n"
      "#define RANDOM() (rand() % \\\n 100) /* why */\n"
      "#define MAX(a, b) ((a) > (b) ? (a) : (b))\n"
      "#define GREETING \"hi\"\n"
      "#define NAME \"x\"\n"
      "#define EMPTY\n"
      "#define LONG " + std::string(300, 'x') + "\n"
      "#ifdef WIN32\n#define SLEEP Sleep\n#else\n#define SLEEP sleep\n#endif\n"
      "void f(void) { char *p = ALLOC(RANDOM()); }\n";
  std::vector<token> t = tokens(code, language::c, &defs);
  CHECK(texts(t) == "void f ( void ) { char * p = ALLOC ( RANDOM ( ) ) ; }");
  CHECK(defs.defs.count("MAX") == 0);    // parameters: not a simple alias
  CHECK(defs.defs.count("EMPTY") == 0);  // no body
  CHECK(defs.defs.count("LONG") == 0);   // past kMaxMacroBytes
  REQUIRE(defs.defs.count("RANDOM") == 1);
  CHECK(defs.defs["RANDOM"].function_like);
  CHECK(texts(defs.defs["RANDOM"].tokens) == "( rand ( ) % 100 )");
  CHECK(texts(defs.defs["ALLOC"].tokens) == "malloc");
  // Each body is a text of its own: two string bodies are not joined.
  REQUIRE(defs.defs["GREETING"].tokens.size() == 1);
  CHECK(defs.defs["GREETING"].tokens[0].text == "hi");
  CHECK(defs.defs["NAME"].tokens[0].text == "x");
  // The arms of an #if define it twice: the last wins, and it is a guess.
  CHECK(texts(defs.defs["SLEEP"].tokens) == "sleep");
  CHECK(defs.redefined.count("SLEEP") == 1);
  std::vector<token> e = expand(t, defs, nullptr);
  CHECK(texts(e) == "void f ( void ) { char * p = malloc ( ( rand ( ) % 100 ) ) ; }");
  CHECK(e[8].line == 14);
}

TEST_CASE("c_flow_tokens: code the grammar cannot parse is still read", "[analysis][c_flow]") {
  // A C++ header read with the C grammar: error recovery takes the string
  // literals apart, their tokens stay whole.
  std::vector<token> t = tokens("std::string show() { ss << first << \" = \" << second << \",\"; return ss.str(); }");
  CHECK(texts(t) == "std :: string show ( ) { ss << first <<  =  << second << , ; return ss . str ( ) ; }");
  CHECK(t[11].kind == tk::str);
  CHECK(t[15].kind == tk::str);
  // A macro as a statement, both arms of an #if opening one block, a word
  // the grammar cuts in two: every token there, none made up by recovery.
  const std::string code =
      "void f(int c) {\n  LOCK_BEGIN\n#ifdef A\n  if (c) {\n#else\n  if (!c) {\n#endif\n    free(p) }\n  FEATURES(64bit)\n}\n";
  parse_result parsed = parse_source_keeping_errors(language::c, "x.c", code);
  REQUIRE(parsed.tree);
  REQUIRE(ts_node_has_error(parsed.tree->root()));
  std::vector<token> u = tokens_of(*parsed.tree, code);
  CHECK(texts(u) == "void f ( int c ) { LOCK_BEGIN if ( c ) { if ( ! c ) { free ( p ) } FEATURES ( 64bit ) }");
  for (const token& k : u) CHECK_FALSE(k.text.empty());
  CHECK(u[7].line == 2);
  // Bytes no token starts: a token each.
  CHECK(texts(tokens("int $x = @;")) == "int $ x = @ ;");
}

TEST_CASE("c_flow_tokens: a file's tokens are bounded", "[analysis][c_flow]") {
  std::string code;
  for (std::size_t i = 0; i < kMaxTokens / 4 + 10; ++i) code += "a=b;";
  CHECK(tokens(code).size() == kMaxTokens);
}

TEST_CASE("c_flow_tokens: a file's macros over the project's", "[analysis][c_flow]") {
  c_macros project, own;
  tokens("#define ALLOC malloc\n#define GRAB calloc\n", language::c, &project);
  std::vector<token> t = tokens("#define GRAB  _calloc\n#define MINE ALLOC\nx = GRAB(1, 2) + MINE(3);\n", language::c, &own);
  std::vector<token> e = expand(t, own, &project);
  CHECK(texts(e) == "x = _calloc ( 1 , 2 ) + malloc ( 3 ) ;");
  for (const token& k : e) CHECK_FALSE(k.guessed);  // `_calloc` and `calloc`: one body
  c_macros other;
  tokens("#define ALLOC my_alloc\n", language::c, &other);
  std::vector<token> g = expand(tokens("p = ALLOC(4);"), other, &project);
  CHECK(texts(g) == "p = my_alloc ( 4 ) ;");
  CHECK(g[2].guessed);  // defined anew with another body: which one a build sees is unknown
}

TEST_CASE("c_flow_tokens: headers merged one by one, as if read in turn", "[analysis][c_flow]") {
  const std::string first = "#define ALLOC malloc\n#define SLEEP sleep\nvoid show(const char *s);\nstruct p { int a; };\n";
  const std::string second = "#define SLEEP _sleep\n#define ALLOC my_alloc\n#define ALLOC my_alloc\n"
                             "void show(char *d, const int *n);\ntypedef struct { char c[3]; } q;\nstruct p { long b; };\n";
  auto collect = [](const std::string& text, c_macros& into) {
    parse_result parsed = parse_source_keeping_errors(language::c, "x.h", text);
    REQUIRE(parsed.tree);
    collect_c_macros(text, *parsed.tree, into);
  };
  c_macros together, a, b;
  collect(first + second, together);
  collect(first, a);
  collect(second, b);
  merge_c_macros(std::move(b), a);
  CHECK(a.redefined == together.redefined);
  CHECK(a.redefined == std::set<std::string>{"ALLOC"});  // SLEEP: one body under two names
  CHECK(a.readonly_params == together.readonly_params);
  CHECK(a.readonly_params["show"] == 3u);
  CHECK(a.declared_functions == together.declared_functions);
  CHECK(a.plain_types == together.plain_types);
  CHECK(a.type_sizes == together.type_sizes);
  CHECK(a.type_sizes["p"] == 8);
  REQUIRE(a.defs.size() == together.defs.size());
  for (const auto& [name, d] : together.defs) CHECK(texts(a.defs[name].tokens) == texts(d.tokens));
}
