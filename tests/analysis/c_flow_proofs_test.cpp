// c_flow's clearances: a copy or format the flow analysis proved safe
// withdraws the shipped pattern rule's finding on that line; one it could
// not prove (unknown or outside lengths, variable formats, loops, labels,
// preprocessor conditionals, shadowed names) leaves it standing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/c_flow.h"
#include "tests/analysis/c_flow_run.h"
#include "analysis/rule_pack.h"
#include "analysis/validation.h"
#include "tests/analysis/shipped.h"

using namespace heimdall::analysis;

namespace {

const char* kPath = "src/x.c";

// The rule ids of the pattern findings that stand on `line` after the
// clearances c_flow gives for `code`.
std::vector<std::string> standing_on(const std::string& code, int line) {
  std::vector<finding> all = match(test::shipped_rule_pack(), kPath, language::c, code);
  std::vector<taint_clearance> cleared;
  test::c_flow(kPath, language::c, code, nullptr, &cleared);
  std::vector<std::size_t> gone = redundant_findings(all, cleared);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].line_start == line && !std::binary_search(gone.begin(), gone.end(), i)) out.push_back(all[i].rule_id);
  return out;
}

bool stands(const std::string& code, int line, const std::string& rule) {
  std::vector<std::string> s = standing_on(code, line);
  return std::find(s.begin(), s.end(), rule) != s.end();
}

// The pattern rule fires on line 4 of each of these; the question is whether
// the flow analysis withdraws it.
std::string in_function(const std::string& before, const std::string& sink) {
  return "void f(int argc, char **argv, FILE *in) {\n" + before + "\n  char *tail = 0;\n  " + sink + "\n  show(tail);\n}\n";
}

}  // namespace

TEST_CASE("c_flow clears a strcpy or strcat that provably fits its destination", "[analysis][c_flow][proofs]") {
  const std::string copy = "c.buffer.unbounded-copy";
  // Precondition: the pattern rule does fire on an unproved copy.
  REQUIRE(stands(in_function("  char d[8];", "strcpy(d, argv[1]);"), 4, copy));
  CHECK_FALSE(stands(in_function("  char d[16], s[] = \"fifteen chars..\";", "strcpy(d, s);"), 4, copy));
  CHECK_FALSE(stands(in_function("  char s[50];\n  char d[100] = \"\";\n  memset(s, 'A', 49); s[49] = '\\0';",
                                 "strcat(d, s);"),
                     4 + 2, copy));
  CHECK_FALSE(stands(in_function("  char *d = malloc(11);\n  if (!d) return;\n  char s[11] = \"0123456789\";",
                                 "strcpy(d, s);"),
                     4 + 2, copy));
  // The longer of two paths decides.
  CHECK_FALSE(stands(in_function("  char d[6] = \"\";\n  char s[8];\n  if (argc) strcpy(s, \"ab\"); else strcpy(s, \"abcd\");",
                                 "strcat(d, s);"),
                     4 + 2, copy));
  CHECK(stands(in_function("  char d[4] = \"\";\n  char s[8];\n  if (argc) strcpy(s, \"ab\"); else strcpy(s, \"abcd\");",
                           "strcat(d, s);"),
               4 + 2, copy));
}

TEST_CASE("c_flow clears no copy whose source length it does not know", "[analysis][c_flow][proofs]") {
  const std::string copy = "c.buffer.unbounded-copy";
  CHECK(stands(in_function("  char d[100];", "strcpy(d, argv[1]);"), 4, copy));
  CHECK(stands(in_function("  char d[100], s[50];\n  if (!fgets(s, 50, in)) return;", "strcpy(d, s);"), 4 + 1, copy));
  CHECK(stands(in_function("  char d[100];\n  char *s = getenv(\"HOME\");", "strcpy(d, s);"), 4 + 1, copy));
  // Too long, an unknown destination, an element written after the length was known.
  CHECK(stands(in_function("  char d[4], s[] = \"four\";", "strcpy(d, s);"), 4, copy));
  CHECK(stands("void f(char *d) {\n  char s[] = \"x\";\n\n  strcpy(d, s);\n}\n", 4, copy));
  CHECK(stands(in_function("  char d[8], s[20] = \"ab\";\n  s[2] = 'c';", "strcpy(d, s);"), 4 + 1, copy));
  CHECK(stands(in_function("  char d[3], s[20] = \"ab\";\n  *(s + 2) = 'c';", "strcpy(d, s);"), 4 + 1, copy));
  CHECK(stands(in_function("  char d[3], s[20] = \"ab\";\n  (s + 1)[1] = 'c';", "strcpy(d, s);"), 4 + 1, copy));
  // An array its literal fills to the last byte: no terminator.
  CHECK(stands(in_function("  char d[8], s[3] = \"abc\";", "strcpy(d, s);"), 4, copy));
  CHECK_FALSE(stands(in_function("  char d[8], s[4] = \"abc\";", "strcpy(d, s);"), 4, copy));
  // stpcpy returns the end of the copy, not the start.
  CHECK(stands(in_function("  char d[8], s[] = \"abcde\", t[] = \"xyz\";\n  char *p = stpcpy(d, s);", "strcpy(p, t);"), 4 + 1,
               copy));
  // A C++ reference to the pointer changes it.
  const std::string aliased =
      "void f(char **argv) {\n  char d[8], s[] = \"abc\", *p = s;\n  char *&r = p; r = argv[1];\n  strcpy(d, p);\n}\n";
  {
    std::vector<taint_clearance> cleared;
    test::c_flow("src/x.cpp", language::cpp, aliased, nullptr, &cleared);
    CHECK(cleared.empty());
  }
  // A static buffer grows over calls.
  CHECK(stands(in_function("  static char d[8] = \"\";\n  char s[] = \"abc\";", "strcat(d, s);"), 4 + 1, copy));
  // realloc to a size that may cut the terminator off.
  CHECK(stands(in_function("  char d[8], *s = strdup(\"abc\");\n  s = realloc(s, 2);", "strcpy(d, s);"), 4 + 1, copy));
  // A pointer changed through its address.
  CHECK(stands(in_function("  char d[8], s[] = \"abc\", *p = s, **pp = &p;\n  *pp = argv[1];", "strcpy(d, p);"), 4 + 1, copy));
  CHECK(stands(in_function("  char d[8], s[] = \"abc\", *p = d, **pp = &p;\n  *pp = argv[1];", "strcpy(p, s);"), 4 + 1, copy));
  // A helper that may write the source, and memory handed to unknown code.
  CHECK(stands(in_function("  char d[8], s[20] = \"ab\";\n  fill(s);", "strcpy(d, s);"), 4 + 1, copy));
  // A call the analysis does not model on the same line.
  CHECK(stands(in_function("  char d[8], s[] = \"ab\";", "strcpy(d, s); lstrcpyA(d, argv[1]);"), 4, copy));
  CHECK_FALSE(stands(in_function("  char d[8], s[] = \"ab\";", "strcpy(d, s); puts(d);"), 4, copy));
}

TEST_CASE("c_flow proves nothing across loops, labels, preprocessor arms or shadowed names", "[analysis][c_flow][proofs]") {
  const std::string copy = "c.buffer.unbounded-copy";
  // Appended in a loop: the length grows with each iteration.
  CHECK(stands(in_function("  char d[8] = \"\", s[100] = \"\";\n  for (int i = 0; i < argc; i++) strcat(s, \"x\");",
                           "strcpy(d, s);"),
               4 + 1, copy));
  CHECK(stands("void f(int n) {\n  char d[8] = \"\", s[] = \"x\";\n  while (n--)\n    strcat(d, s);\n}\n", 4, copy));
  CHECK(stands(in_function("  char d[8] = \"\", s[100] = \"\";\nagain:\n  strcat(s, \"x\");\n  if (argc--) goto again;",
                           "strcpy(d, s);"),
               4 + 3, copy));
  CHECK(stands(in_function("  char s[] = \"abc\";\n#ifdef SMALL\n  char d[2];\n#else\n  char d[100];\n#endif", "strcpy(d, s);"),
               4 + 5, copy));
  CHECK(stands(in_function("  char d[2], s[] = \"abc\";\n  { char d[100]; strcpy(d, s); }", "strcpy(d, s);"), 4 + 1, copy));
  // A size from a macro the arms of an #if define differently; a function
  // under its two C library names is one.
  const std::string sized = in_function("  char d[N], s[] = \"abc\";", "strcpy(d, s);");
  CHECK(stands("#ifdef SMALL\n#define N 2\n#else\n#define N 100\n#endif\n" + sized, 4 + 5, copy));
  CHECK_FALSE(stands("#define N 100\n" + sized, 4 + 1, copy));
  const std::string allocated = in_function("  char *d = (char *)ALLOCA(100), s[] = \"abc\";", "strcpy(d, s);");
  CHECK_FALSE(stands("#ifdef _WIN32\n#define ALLOCA _alloca\n#else\n#define ALLOCA alloca\n#endif\n" + allocated, 4 + 5, copy));
}

TEST_CASE("c_flow clears a format string that is a constant without conversions", "[analysis][c_flow][proofs]") {
  const std::string fmt = "c.format-string";
  REQUIRE(stands(in_function("  char *s = argv[1];", "printf(s);"), 4, fmt));
  CHECK_FALSE(stands(in_function("  char b[100] = \"\";\n  char *s = b;\n  strcpy(s, \"fixed\");", "printf(s);"), 4 + 2, fmt));
  CHECK_FALSE(stands(in_function("  const char *s = \"fixed\";", "fprintf(stderr, s);"), 4, fmt));
  // Data from outside, a constant that holds a conversion, one that may be either.
  CHECK(stands(in_function("  char b[100];\n  if (!fgets(b, 100, in)) return;", "printf(b);"), 4 + 1, fmt));
  CHECK(stands(in_function("  const char *s = \"%s%n\";", "printf(s);"), 4, fmt));
  CHECK(stands(in_function("  char b[100] = \"fixed\";\n  if (argc > 2) strcpy(b, argv[2]);", "printf(b);"), 4 + 1, fmt));
  CHECK(stands("void f(const char *s) {\n\n\n  printf(s);\n}\n", 4, fmt));
}

TEST_CASE("c_flow gives clearances only for the lines it proved", "[analysis][c_flow][proofs]") {
  std::vector<taint_clearance> cleared;
  test::c_flow(kPath, language::c,
                 "void f(char **argv) {\n  char d[8];\n  strcpy(d, \"ab\");\n  strcpy(d, argv[1]);\n  printf(\"x\");\n}\n",
                 nullptr, &cleared);
  REQUIRE(cleared.size() == 2);
  CHECK(cleared[0].file_path == kPath);
  CHECK((cleared[0].line_start == 3 && cleared[0].line_end == 3 && cleared[0].cwe == 120));
  CHECK((cleared[1].line_start == 5 && cleared[1].cwe == 134));
  // Two functions on one line: the unproved copy of the second keeps the line.
  CHECK(stands("void a(void) { char d[9], s[] = \"x\"; strcpy(d, s); } void b(char *x) { char d[2]; strcpy(d, x); }\n",
               1, "c.buffer.unbounded-copy"));
  // Nothing for other languages.
  cleared.clear();
  test::c_flow("a.py", language::python, "strcpy(d, \"ab\")", nullptr, &cleared);
  CHECK(cleared.empty());
}
