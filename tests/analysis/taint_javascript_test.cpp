// The JavaScript/TypeScript front end (taint_javascript.h): tree-sitter's
// leaves as the engine's tokens, with the cases the old hand lexer got wrong.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/taint_front_end.h"
#include "analysis/taint_javascript.h"

using namespace heimdall::analysis;
using namespace heimdall::analysis::taint_detail;

namespace {

// `code` must outlive the tokens, which point into it.
lexed_file js(std::string_view code) { return lex_javascript(language::javascript, "a.js", code); }

std::vector<std::string> names_of(const std::vector<token>& toks) {
  std::vector<std::string> out;
  for (const token& t : toks) {
    if (t.kind == tok::name) out.emplace_back(t.text);
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The tokens' texts joined by spaces, `/` before one a line break precedes;
// a string's parts in brackets after it.
std::string shapes(const lexed_file& f, const std::vector<token>& toks) {
  std::string out;
  for (const token& t : toks) {
    out += (t.nl_before ? "/" : "") + std::string(t.text) + " ";
    for (auto k = t.part_begin; k < t.part_end; ++k) out += "[ " + shapes(f, f.parts[k]) + "] ";
  }
  return out;
}

}  // namespace

TEST_CASE("javascript: the tree's leaves, literals whole, comments out, line breaks marked", "[taint][javascript]") {
  const std::string code =
      "#!/usr/bin/env node\n"
      "const a = req.query.q /* a\n comment */ + `x${b + `y${c}`}` // `${d}`\n"
      "x = /re[/]x/g.test(a) ? 1e+5 : 'q'\n"
      "o?.p(...r)\n";
  const lexed_file f = js(code);
  REQUIRE(f.left_out.empty());
  CHECK(shapes(f, f.tokens) ==
        "/const a = req . query . q /+ `x${b + `y${c}`}` [ b + `y${c}` [ c ] ] "
        "/x = /re[/]x/g . test ( a ) ? 1e+5 : 'q' "
        "/o ?. p ( ... r ) ");
  CHECK(f.tokens[0].line == 2);
  CHECK(f.tokens.back().line == 5);
}

TEST_CASE("javascript: a regex or comment inside ${} does not end its template", "[taint][javascript]") {
  const std::string code =
      "const a = `\"${v.replace(/\"/g, '\"\"')}\"`;  // the `quoted` form\n"
      "const b = `'${s.replace(/'/g, `'\\\\''`)}'`;\n"
      "const c = `${x // a } in a comment\n}`;\n"
      "const d = `${/`/.test(y)}`;\n"
      "const after = req;\n";
  const lexed_file f = js(code);
  std::vector<std::string> names = names_of(f.tokens);
  CHECK(has(names, "after"));
  CHECK(has(names, "req"));
  CHECK_FALSE(has(names, "quoted"));
  int templates = 0;
  for (const token& t : f.tokens) templates += t.kind == tok::string && t.text[0] == '`';
  CHECK(templates == 4);
  REQUIRE(f.tokens.size() > 3);
  REQUIRE(f.tokens[3].part_end == f.tokens[3].part_begin + 1);
  CHECK(has(names_of(f.parts[f.tokens[3].part_begin]), "v"));
}

TEST_CASE("javascript: nested templates are embedded to the bound, not a stack overflow", "[taint][javascript]") {
  lexed_file f = js("x = `a${`b${`c${d}`}`}`; y = 1;");
  CHECK(has(names_of(f.tokens), "y"));
  REQUIRE(f.tokens.size() > 2);
  REQUIRE(f.tokens[2].part_end - f.tokens[2].part_begin == 1);
  std::string deep = "x = ";
  for (int i = 0; i < 100; ++i) deep += "`${";
  deep += "q";
  for (int i = 0; i < 100; ++i) deep += "}`";
  deep += ";\ny = 1;\n";
  f = js(deep);
  REQUIRE(f.left_out.empty());
  CHECK(has(names_of(f.tokens), "y"));
  CHECK(f.parts.size() == kMaxInterpolationDepth);
  std::string nested = "x = ";  // brackets deeper than any recursion could go
  for (int i = 0; i < 100000; ++i) nested += "[";
  for (int i = 0; i < 100000; ++i) nested += "]";
  nested += ";\n";
  f = js(nested);
  REQUIRE(f.left_out.empty());
  CHECK(f.tokens.size() == 200003);
}

TEST_CASE("javascript: JSX text is one string and a closing tag is no regex", "[taint][javascript]") {
  // The hand lexer read `/div>...` as a regex running to the line's end,
  // which hid `send(req.query.q)`, and `'` of "don't" as a string's start.
  const lexed_file f = js("const v = <div>don't {x}</div>; send(req.query.q);\n");
  REQUIRE(f.left_out.empty());
  CHECK(shapes(f, f.tokens) == "const v = < div > don't  { x } </ div > ; send ( req . query . q ) ; ");
  CHECK(f.tokens[6].kind == tok::string);
}

TEST_CASE("typescript: annotations kept as written, and .tsx files read with JSX", "[taint][typescript]") {
  const std::string code =
      "function f(a: string, b?: Map<string, number> | undefined): void { return g(a!, <T>b); }\n";
  const lexed_file f = lex_javascript(language::typescript, "a.ts", code);
  REQUIRE(f.left_out.empty());
  CHECK(shapes(f, f.tokens) ==
        "function f ( a : string , b ? : Map < string , number > | undefined ) : void { return g ( a ! , < T > b ) "
        "; } ");
  for (const token& t : f.tokens) {
    if (t.text == "string" || t.text == "number") CHECK(t.kind == tok::name);
  }
  const lexed_file x = lex_file(language::typescript, "a.tsx", "const e = <b onClick={h}>{q}</b>;\n");
  REQUIRE(x.left_out.empty());
  CHECK(shapes(x, x.tokens) == "const e = < b onClick = { h } > { q } </ b > ; ");
}

TEST_CASE("javascript: code the grammar cannot read is left out and says so", "[taint][javascript]") {
  const lexed_file f = js("{{{{ ]]]] <?php echo $x; ?> )))) ]]]]\n");
  CHECK(f.tokens.empty());
  CHECK(f.left_out == "skipped: JavaScript/TypeScript code does not parse (tree-sitter), not taint-analysed");
}

TEST_CASE("generated programs: no string or comment is read as code", "[taint][javascript]") {
  std::mt19937 gen(11);
  const std::vector<std::string> fragments = {
      "'a\\'b\"c'", "\"x\\\"y'`\"", "`t${a + `u${b}`}v`", "`${v.replace(/\"/g, '\\\\\"')}`", "/re[/\"']q/g",
      "a / b / c", "(y) / 2", "`${x /* } */}`", "f(/`/, '`')", "{k: '}'}.k", "`\\${no}`", "[1, 2] / 3"};
  for (int n = 0; n < 40; ++n) {
    std::string code;
    for (int i = 0; i < 12; ++i) {
      code += "one = " + fragments[gen() % fragments.size()] + "; // 'q\n/* `z` */ two = [" +
              fragments[gen() % fragments.size()] + "];\n";
    }
    INFO(code);
    const lexed_file f = js(code);
    const std::vector<std::string> names = names_of(f.tokens);
    CHECK(std::count(names.begin(), names.end(), "one") == 12);
    CHECK(std::count(names.begin(), names.end(), "two") == 12);
    for (const char* inside : {"q", "z", "no"}) CHECK_FALSE(has(names, inside));
  }
}

TEST_CASE("typescript: a mapped type's `?:` is `?` `:`, as an optional member's", "[taint][typescript]") {
  const lexed_file f = lex_javascript(language::typescript, "a.ts",
                                      "type P<T> = { [K in keyof T]?: T[K] };\ntype R<T> = { -readonly [K in keyof T]-?: T[K] };\n");
  REQUIRE(f.left_out.empty());
  CHECK(shapes(f, f.tokens) ==
        "type P < T > = { [ K in keyof T ] ? : T [ K ] } ; "
        "/type R < T > = { - readonly [ K in keyof T ] - ? : T [ K ] } ; ");
}
