// c_flow: every check on a function that has the weakness and on the same
// function fixed the usual way (bounds check, right deallocator, constant
// data, initialisation), plus macros, summaries, robustness on any bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <thread>

#include "analysis/c_flow.h"
#include "tests/analysis/c_flow_run.h"

using namespace heimdall::analysis;

namespace {

std::vector<finding> run(const std::string& code, language lang = language::c, const c_macros* macros = nullptr) {
  return test::c_flow(lang == language::c ? "src/x.c" : "src/x.cpp", lang, code, macros);
}

bool has(const std::vector<finding>& found, const std::string& rule) {
  return std::any_of(found.begin(), found.end(), [&](const finding& f) { return f.rule_id == rule; });
}

std::string describe(const std::vector<finding>& found) {
  std::string s;
  for (const finding& f : found) s += f.rule_id + "@" + std::to_string(f.line_start) + " ";
  return s;
}

struct example {
  const char* rule;
  int cwe;
  language lang;
  const char* bad;
  const char* good;
};

const example kExamples[] = {
    {"c.flow.free-not-heap", 590, language::c,
     "void f(void) { char local[32]; char *p = local; strcpy(p, \"x\"); free(p); }",
     "void f(void) { char *p = malloc(32); if (!p) return; strcpy(p, \"x\"); free(p); }"},
    {"c.flow.free-not-heap", 590, language::cpp,
     "void f() { static int counter; int *p = &counter; *p = 1; delete p; }",
     "void f() { int *p = new int; *p = 1; delete p; }"},
    {"c.flow.mismatched-dealloc", 762, language::cpp,
     "void f() { char *name = (char *)malloc(16); if (name == NULL) return; delete [] name; }",
     "void f() { char *name = new char[16]; delete [] name; }"},
    {"c.flow.mismatched-dealloc", 762, language::cpp,
     "void f() { long *v = new long[8]; v[0] = 1; delete v; }",
     "void f() { long *v = new long[8]; v[0] = 1; delete [] v; }"},
    {"c.flow.free-offset", 761, language::c,
     "void f(void) { char *s = malloc(10); if (!s) return; strcpy(s, \"abc\"); s++; free(s); }",
     "void f(void) { char *s = malloc(10); if (!s) return; strcpy(s, \"abc\"); free(s); }"},
    {"c.flow.double-free", 415, language::c,
     "void f(void) { int *a = malloc(4 * sizeof(int)); if (!a) return; free(a); free(a); }",
     "void f(void) { int *a = malloc(4 * sizeof(int)); if (!a) return; free(a); a = NULL; }"},
    {"c.flow.use-after-free", 416, language::c,
     "void f(void) { char *m = malloc(8); if (!m) return; m[0] = 0; free(m); puts(m); }",
     "void f(void) { char *m = malloc(8); if (!m) return; m[0] = 0; puts(m); free(m); }"},
    {"c.flow.uninitialized", 457, language::c,
     "int f(void) { int total; return total + 1; }",
     "int f(void) { int total = 0; return total + 1; }"},
    {"c.flow.uninitialized", 457, language::c,
     "void f(void) { double vals[4]; int i; for (i = 0; i < 4; i++) show(vals[i]); }",
     "void f(void) { double vals[4]; int i; for (i = 0; i < 4; i++) vals[i] = i; for (i = 0; i < 4; i++) show(vals[i]); }"},
    {"c.flow.null-deref", 476, language::c,
     "void f(void) { struct pt *p = NULL; p->x = 3; }",
     "void f(struct pt *q) { struct pt *p = NULL; if (q != NULL) p = q; if (p != NULL && p->x == 3) done(); }"},
    {"c.flow.unchecked-allocation", 690, language::c,
     "void f(void) { int *buf = (int *)malloc(64 * sizeof(int)); buf[0] = 7; free(buf); }",
     "void f(void) { int *buf = (int *)malloc(64 * sizeof(int)); if (buf == NULL) exit(1); buf[0] = 7; free(buf); }"},
    {"c.flow.memory-leak", 401, language::c,
     "void f(void) { char *tmp = malloc(40); if (!tmp) return; strcpy(tmp, \"scratch\"); puts(tmp); }",
     "void f(void) { char *tmp = malloc(40); if (!tmp) return; strcpy(tmp, \"scratch\"); puts(tmp); free(tmp); }"},
    {"c.flow.buffer-overflow", 121, language::c,
     "void f(void) { char name[8]; strcpy(name, \"much too long\"); puts(name); }",
     "void f(void) { char name[16]; strcpy(name, \"much too long\"); puts(name); }"},
    {"c.flow.buffer-overflow", 121, language::c,
     "void f(void) { int slots[10]; int i; for (i = 0; i <= 10; i++) slots[i] = 0; }",
     "void f(void) { int slots[10]; int i; for (i = 0; i < 10; i++) slots[i] = 0; }"},
    {"c.flow.heap-overflow", 122, language::c,
     "void f(const char *src) { char big[64]; char *d = malloc(16); if (!d) return; memset(big, 'z', 63); big[63] = 0; "
     "memcpy(d, big, sizeof(big)); free(d); }",
     "void f(const char *src) { char big[64]; char *d = malloc(64); if (!d) return; memset(big, 'z', 63); big[63] = 0; "
     "memcpy(d, big, sizeof(big)); free(d); }"},
    {"c.flow.buffer-underwrite", 124, language::c,
     "void f(void) { char area[20]; char *w = area - 4; memset(w, 0, 8); }",
     "void f(void) { char area[20]; char *w = area + 4; memset(w, 0, 8); }"},
    {"c.flow.buffer-overread", 126, language::c,
     "void f(void) { char small[10]; char out[40]; memset(small, 'q', 9); small[9] = 0; memcpy(out, small, 40); }",
     "void f(void) { char small[10]; char out[40]; memset(small, 'q', 9); small[9] = 0; memcpy(out, small, 10); }"},
    {"c.flow.tainted-index-write", 787, language::c,
     "void f(void) { int table[10]; int k = 0; fscanf(stdin, \"%d\", &k); table[k] = 1; }",
     "void f(void) { int table[10]; int k = 0; fscanf(stdin, \"%d\", &k); if (k >= 0 && k < 10) table[k] = 1; }"},
    {"c.flow.buffer-underread", 127, language::c,
     "int f(void) { int table[10] = {0}; int k = 0; fscanf(stdin, \"%d\", &k); if (k < 10) return table[k]; return 0; }",
     "int f(void) { int table[10] = {0}; int k = 0; fscanf(stdin, \"%d\", &k); if (k >= 0 && k < 10) return table[k]; return 0; }"},
    {"c.flow.command-injection", 78, language::c,
     "void f(void) { char cmd[64] = \"ls \"; char *dir = getenv(\"TARGET\"); if (dir) strncat(cmd, dir, 50); system(cmd); }",
     "void f(void) { char cmd[64] = \"ls \"; strcat(cmd, \"/tmp\"); system(cmd); }"},
    {"c.flow.format-string", 134, language::c,
     "void f(void) { char line[80] = \"\"; if (fgets(line, sizeof line, stdin) == NULL) return; printf(line); }",
     "void f(void) { char line[80] = \"\"; if (fgets(line, sizeof line, stdin) == NULL) return; printf(\"%s\", line); }"},
    {"c.flow.path-traversal", 22, language::c,
     "void f(int s) { char name[100] = \"\"; recv(s, name, 99, 0); FILE *fp = fopen(name, \"r\"); if (fp) fclose(fp); }",
     "void f(int s) { char name[100] = \"\"; recv(s, name, 99, 0); FILE *fp = fopen(\"/var/lib/app/state\", \"r\"); if (fp) fclose(fp); }"},
    {"c.flow.library-injection", 114, language::c,
     "void f(void) { char *mod = getenv(\"PLUGIN\"); if (mod) dlopen(mod, 1); }",
     "void f(void) { dlopen(\"/usr/lib/app/plugin.so\", 1); }"},
    {"c.flow.uncontrolled-allocation", 789, language::c,
     "void f(void) { unsigned n = 0; fscanf(stdin, \"%u\", &n); char *b = malloc(n); if (b) free(b); }",
     "void f(void) { unsigned n = 0; fscanf(stdin, \"%u\", &n); if (n > 4096) return; char *b = malloc(n); if (b) free(b); }"},
    {"c.flow.allocation-size-overflow", 680, language::c,
     "void f(void) { int n = 0; fscanf(stdin, \"%d\", &n); int *b = malloc(n * sizeof(int)); if (b) free(b); }",
     "void f(void) { int n = 0; fscanf(stdin, \"%d\", &n); if (n <= 0 || n > 1000) return; int *b = malloc(n * sizeof(int)); if (b) free(b); }"},
    {"c.flow.signed-size", 195, language::c,
     "void f(char *dst) { int n = 0; char src[64] = \"\"; fscanf(stdin, \"%d\", &n); if (n < 64) memcpy(dst, src, n); }",
     "void f(char *dst) { int n = 0; char src[64] = \"\"; fscanf(stdin, \"%d\", &n); if (n >= 0 && n < 64) memcpy(dst, src, n); }"},
    {"c.flow.truncation", 197, language::c,
     "void f(void) { int wide = 0; fscanf(stdin, \"%d\", &wide); short narrow = (short)wide; use(narrow); }",
     "void f(void) { int wide = 0; fscanf(stdin, \"%d\", &wide); if (wide > 1000 || wide < -1000) return; short narrow = (short)wide; use(narrow); }"},
    {"c.flow.integer-overflow", 190, language::c,
     "void f(void) { int v = rand(); int twice = v * 2; use(twice); }",
     "void f(void) { int v = rand(); if (v > 0 && v < 1000) { int twice = v * 2; use(twice); } }"},
    {"c.flow.integer-overflow", 190, language::c,
     "void f(void) { short s = SHRT_MAX; s++; use(s); }",
     "void f(void) { short s = 100; s++; use(s); }"},
    {"c.flow.integer-underflow", 191, language::c,
     "void f(void) { unsigned u = (unsigned)rand(); unsigned less = u - 1; use(less); }",
     "void f(void) { unsigned u = (unsigned)rand(); if (u > 0) { unsigned less = u - 1; use(less); } }"},
    {"c.flow.divide-by-zero", 369, language::c,
     "int f(void) { int d = 0; fscanf(stdin, \"%d\", &d); return 100 / d; }",
     "int f(void) { int d = 0; fscanf(stdin, \"%d\", &d); if (d != 0) return 100 / d; return 0; }"},
};

}  // namespace

TEST_CASE("c_flow reports each weakness and not its fix", "[analysis][c_flow]") {
  for (const example& e : kExamples) {
    INFO(e.rule << "\nbad:  " << e.bad << "\ngood: " << e.good);
    std::vector<finding> bad = run(e.bad, e.lang);
    INFO("bad found: " << describe(bad));
    REQUIRE(has(bad, e.rule));
    for (const finding& f : bad) {
      CHECK(f.cwe_id > 0);
      CHECK(f.source == "static");
      if (f.rule_id == e.rule) CHECK(f.cwe_id == e.cwe);
    }
    std::vector<finding> good = run(e.good, e.lang);
    INFO("good found: " << describe(good));
    CHECK_FALSE(has(good, e.rule));
  }
}

TEST_CASE("c_flow folds constant branches and follows the paths that remain", "[analysis][c_flow]") {
  // The freeing branch is dead: no double free.
  CHECK(run("void f(void) { char *p = malloc(4); if (!p) return; if (0) { free(p); } free(p); }").empty());
  // Both branches free: the second free is a double free on every path.
  CHECK(has(run("void f(int c) { char *p = malloc(4); if (!p) return; if (c) free(p); else free(p); free(p); }"),
            "c.flow.double-free"));
  // Only one branch frees: not reported (may-free is not must-free).
  CHECK_FALSE(has(run("void f(int c) { char *p = malloc(4); if (!p) return; if (c) free(p); free(p); }"),
                  "c.flow.double-free"));
  // A returning branch does not reach the join.
  CHECK_FALSE(has(run("void f(void) { char *p = malloc(4); if (p == NULL) { return; } p[0] = 1; free(p); }"),
                  "c.flow.unchecked-allocation"));
}

TEST_CASE("c_flow follows outside data into helpers of the same file", "[analysis][c_flow]") {
  const char* code =
      "static void run_it(const char *c) { system(c); }\n"
      "void f(void) { char *c = getenv(\"CMD\"); if (c) run_it(c); }\n"
      "void g(void) { run_it(\"date\"); }\n";
  std::vector<finding> found = run(code);
  INFO(describe(found));
  REQUIRE(found.size() == 1);
  CHECK(found[0].rule_id == "c.flow.command-injection");
  CHECK(found[0].line_start == 2);
}

TEST_CASE("c_flow expands the project's macros", "[analysis][c_flow]") {
  c_macros macros;
  test::collect_header("#define STACK_ALLOC alloca\n#define RANDOM_INT() (rand() % 7 - rand())\n", macros);
  REQUIRE(macros.defs.size() == 2);
  CHECK(has(run("void f(void) { char *p = (char *)STACK_ALLOC(10); p[0] = 0; free(p); }", language::c, &macros),
            "c.flow.free-not-heap"));
  CHECK_FALSE(has(run("void f(void) { char *p = (char *)STACK_ALLOC(10); p[0] = 0; free(p); }"), "c.flow.free-not-heap"));
  CHECK(has(run("void f(void) { int v = RANDOM_INT(); int w = v + 1; use(w); }", language::c, &macros),
            "c.flow.integer-overflow"));
  // The file's own one-token defines too.
  CHECK(has(run("#define CAP 4\nvoid f(void) { char b[CAP]; strcpy(b, \"12345\"); }"), "c.flow.buffer-overflow"));
}

TEST_CASE("c_flow finds nothing in other languages and survives any bytes", "[analysis][c_flow]") {
  CHECK(test::c_flow("a.py", language::python, "free(p); free(p);").empty());
  std::mt19937 rng(7);
  const std::string alphabet = "{}()[];,=*&+-<>!\"'/\\\n #abcxyz019 if else for while free malloc";
  for (int round = 0; round < 200; ++round) {
    std::string text;
    std::size_t n = rng() % 400;
    for (std::size_t i = 0; i < n; ++i) {
      if (rng() % 5 == 0) text += static_cast<char>(rng() % 256);
      else text += alphabet[rng() % alphabet.size()];
    }
    std::vector<finding> found = run("void f(void) {" + text + "}");
    for (const finding& f : found) CHECK(f.cwe_id > 0);
  }
  // Deep nesting is bounded.
  std::string deep = "void f(void) { int x = " + std::string(5000, '(') + "1" + std::string(5000, ')') + "; }";
  CHECK_NOTHROW(run(deep));
}

TEST_CASE("c_flow bounds nested statements and unbalanced brackets", "[analysis][c_flow]") {
  std::string blocks = "void f(void) { " + std::string(20000, '{') + "free(p);" + std::string(20000, '}') + " }";
  CHECK_NOTHROW(run(blocks));
  std::string ifs = "void f(int c) { ";
  for (int i = 0; i < 5000; ++i) ifs += "if (c) ";
  ifs += "c++; }";
  CHECK_NOTHROW(run(ifs));
  CHECK_NOTHROW(run("void f(void) { ((( [[ { free(p); "));
  CHECK_NOTHROW(run(") ] } void f(void) { }"));
}

TEST_CASE("c_flow reads prototypes: memory passed as a pointer to const is only read", "[analysis][c_flow]") {
  const char* body = "void f(void) { char *m = malloc(8); if (!m) return; m[0] = 0; show(m); }";
  // Unknown callee: it may keep the pointer, so no leak is claimed.
  CHECK_FALSE(has(run(body), "c.flow.memory-leak"));
  c_macros decls;
  test::collect_header("void show(const char *text);\nint keep(char *p, const int *q);\n", decls);
  REQUIRE(decls.readonly_params.count("show") == 1);
  CHECK(decls.readonly_params["show"] == 1u);
  CHECK(decls.readonly_params["keep"] == 2u);
  test::collect_header("bool find(const node *&out, const char **names);\n", decls);
  CHECK(decls.readonly_params.count("find") == 0);  // a reference to a pointer, a pointer to pointers: written
  CHECK(has(run(body, language::c, &decls), "c.flow.memory-leak"));
  // Declared in the file itself too.
  CHECK(has(run(std::string("void show(const char *text);\n") + body), "c.flow.memory-leak"));
}

TEST_CASE("c_flow follows loops, breaks and labels", "[analysis][c_flow]") {
  // Set late in one iteration, read early in the next: initialised then.
  CHECK_FALSE(has(run("void f(int n) { int last; int first = 1; while (n--) { if (!first) use(last); last = n; first = 0; } }"),
                  "c.flow.uninitialized"));
  // A break path reaches the code after the loop: freed on one path only.
  CHECK_FALSE(has(run("void f(int n) { char *p = malloc(4); if (!p) return; do { if (n) break; free(p); return; } while (0); free(p); }"),
                  "c.flow.double-free"));
  // Reached by a goto: nothing is assumed.
  CHECK_FALSE(has(run("void f(int n) { char *p = malloc(4); if (!p) return; if (n) goto out; free(p); return; out: free(p); }"),
                  "c.flow.double-free"));
  // A known first iteration: the loop's writes initialise the array.
  CHECK_FALSE(has(run("int f(void) { int a[3]; int i; for (i = 0; i < 3; i++) a[i] = i; return a[2]; }"),
                  "c.flow.uninitialized"));
  CHECK(has(run("int f(void) { int a[3]; int i; for (i = 0; i < 2; i++) a[i] = i; return a[2]; }"),
            "c.flow.uninitialized"));
}

TEST_CASE("c_flow: loop bounds, environment, ignored results", "[analysis][c_flow]") {
  CHECK(has(run("void f(void) { char b[16] = \"\"; int n, i; if (!fgets(b, 16, stdin)) return; n = atoi(b); for (i = 0; i < n; i++) tick(); }"),
            "c.flow.unchecked-loop-bound"));
  CHECK_FALSE(has(run("void f(void) { char b[16] = \"\"; int n, i; if (!fgets(b, 16, stdin)) return; n = atoi(b); if (n > 100) return; for (i = 0; i < n; i++) tick(); }"),
                  "c.flow.unchecked-loop-bound"));
  CHECK(has(run("void f(void) { char *v = getenv(\"EXTRA\"); if (v) putenv(v); }"), "c.flow.environment-injection"));
  CHECK_FALSE(has(run("void f(void) { putenv(\"PATH=/usr/bin\"); }"), "c.flow.environment-injection"));
  CHECK(has(run("void f(void) { char b[8]; fgets(b, 8, stdin); puts(b); }"), "c.flow.unchecked-return"));
  CHECK_FALSE(has(run("void f(void) { char b[8]; if (fgets(b, 8, stdin) == NULL) return; puts(b); }"), "c.flow.unchecked-return"));
  // A product that wraps, then used as an allocation size.
  CHECK(has(run("void f(void) { int n = 1073741825; size_t bytes = n * sizeof(int); int *p = malloc(bytes); if (p) free(p); }"),
            "c.flow.allocation-size-overflow"));
}

TEST_CASE("c_flow: C++ types without constructors start uninitialised, C++ casts keep their operand", "[analysis][c_flow]") {
  const char* plain = "struct point { int x; int y; };\n";
  CHECK(has(run(std::string(plain) + "int f() { point p; return p.x; }", language::cpp), "c.flow.uninitialized"));
  CHECK_FALSE(has(run(std::string(plain) + "int f() { point p; p.x = 1; return p.x; }", language::cpp),
                  "c.flow.uninitialized"));
  // A constructor or a member initialiser: initialised.
  CHECK_FALSE(has(run("struct point { point() : x(0) {} int x; };\nint f() { point p; return p.x; }", language::cpp),
                  "c.flow.uninitialized"));
  CHECK_FALSE(has(run("struct point { int x = 0; };\nint f() { point p; return p.x; }", language::cpp),
                  "c.flow.uninitialized"));
  c_macros decls;
  test::collect_header("typedef struct tag_pair { int a; int b; } pair_t;\n", decls);
  CHECK(decls.plain_types.count("pair_t") == 1);
  CHECK(decls.plain_types.count("tag_pair") == 1);
  CHECK(has(run("int f() { pair_t *v = new pair_t[4]; int r = v[1].a; delete [] v; return r; }", language::cpp, &decls),
            "c.flow.uninitialized"));
  CHECK(has(run("void f() { char *p = reinterpret_cast<char *>(malloc(8)); delete p; }", language::cpp),
            "c.flow.mismatched-dealloc"));
}

TEST_CASE("c_flow: known zero divisors, pointers below a buffer in loops, returned freed memory", "[analysis][c_flow]") {
  CHECK(has(run("int f(void) { int d = 0; return 100 / d; }"), "c.flow.divide-by-zero"));
  CHECK(has(run("double f(void) { double d = 0.0; return 1.0 / d; }"), "c.flow.divide-by-zero"));
  CHECK_FALSE(has(run("int f(void) { int d = 4; return 100 / d; }"), "c.flow.divide-by-zero"));
  CHECK(has(run("void f(void) { char b[10]; char *p = b - 2; int i; for (i = 0; i < 5; i++) p[i] = 0; }"),
            "c.flow.buffer-underwrite"));
  CHECK_FALSE(has(run("void f(void) { char b[10]; char *p = b + 2; int i; for (i = 0; i < 5; i++) p[i] = 0; }"),
                  "c.flow.buffer-underwrite"));
  CHECK(has(run("char *f(void) { char *p = malloc(4); if (!p) return 0; p[0] = 0; free(p); return p; }"),
            "c.flow.use-after-free"));
  CHECK_FALSE(has(run("char *f(void) { char *p = malloc(4); if (!p) return 0; p[0] = 0; return p; }"),
                  "c.flow.use-after-free"));
  CHECK(has(run("void f(void) { char *p = realloc(NULL, 8); strcpy(p, \"abc\"); free(p); }"),
            "c.flow.unchecked-allocation"));
}

TEST_CASE("c_flow: a failed allocation is no leak", "[analysis][c_flow]") {
  CHECK_FALSE(has(run("void f(void) { int *d = malloc(sizeof(int)); if (d != NULL) { d[0] = 1; free(d); } }"),
                  "c.flow.memory-leak"));
  CHECK_FALSE(has(run("void f(void) { int *d = malloc(sizeof(int)); if (d) { d[0] = 1; free(d); } }"),
                  "c.flow.memory-leak"));
  CHECK(has(run("void f(void) { int *d = malloc(sizeof(int)); if (d) { d[0] = 1; } }"), "c.flow.memory-leak"));
}

TEST_CASE("c_flow: realloc onto its own argument loses the block on failure", "[analysis][c_flow]") {
  CHECK(has(run("void f(void) { char *p = malloc(8); if (!p) return; p = realloc(p, 64); if (p) free(p); }"),
            "c.flow.memory-leak"));
  CHECK_FALSE(has(run("void f(void) { char *p = malloc(8); if (!p) return; char *q = realloc(p, 64); if (q) p = q; free(p); }"),
                  "c.flow.memory-leak"));
}

TEST_CASE("c_flow runs on many threads at once with the same declarations", "[analysis][c_flow]") {
  c_macros decls;
  test::collect_header("#define GRAB malloc\nvoid show(const char *s);\n", decls);
  const std::string code = "void f(void) { char *p = GRAB(8); if (!p) return; p[0] = 0; show(p); free(p); free(p); }";
  std::vector<std::thread> threads;
  std::vector<int> counts(8, 0);
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      for (int round = 0; round < 50; ++round) counts[i] += has(run(code, language::c, &decls), "c.flow.double-free");
    });
  for (std::thread& t : threads) t.join();
  for (int c : counts) CHECK(c == 50);
}

TEST_CASE("c_flow sizes structs the headers define", "[analysis][c_flow]") {
  c_macros decls;
  test::collect_header("typedef struct { int id; char tag[4]; double w; } rec;\nstruct opaque { std::string s; };\n", decls);
  REQUIRE(decls.type_sizes.count("rec") == 1);
  CHECK(decls.type_sizes["rec"] == 16);
  CHECK(decls.type_sizes.count("opaque") == 0);
  CHECK(has(run("void f(void) { rec *r = malloc(4 * sizeof(rec)); int i; if (!r) return; for (i = 0; i < 5; i++) r[i].id = i; free(r); }",
                language::c, &decls),
            "c.flow.heap-overflow"));
  CHECK_FALSE(has(run("void f(void) { rec *r = malloc(4 * sizeof(rec)); int i; if (!r) return; for (i = 0; i < 4; i++) r[i].id = i; free(r); }",
                      language::c, &decls),
                  "c.flow.heap-overflow"));
}

TEST_CASE("c_flow: negative and signed sizes", "[analysis][c_flow]") {
  CHECK(has(run("void f(char *d, const char *s) { int n = -1; memmove(d, s, n); }"), "c.flow.signed-size"));
  CHECK_FALSE(has(run("void f(char *d, const char *s) { int n = 8; memmove(d, s, n); }"), "c.flow.signed-size"));
  CHECK(has(run("void f(void) { short n = 0; fscanf(stdin, \"%hd\", &n); if (n < 100) { char *b = malloc(n); if (b) free(b); } }"),
            "c.flow.signed-size"));
  CHECK_FALSE(has(run("void f(void) { short n = 0; fscanf(stdin, \"%hd\", &n); if (n > 0 && n < 100) { char *b = malloc(n); if (b) free(b); } }"),
                  "c.flow.signed-size"));
}

TEST_CASE("c_flow: *p++ touches the element before the step", "[analysis][c_flow]") {
  CHECK_FALSE(has(run("void f(void) { char b[2]; char *p = b; *p++ = 'a'; *p++ = 0; puts(b); }"), "c.flow.buffer-overflow"));
  CHECK(has(run("void f(void) { char b[2]; char *p = b; *p++ = 'a'; *p++ = 'b'; *p++ = 0; }"), "c.flow.buffer-overflow"));
  CHECK(has(run("void f(void) { char *p = malloc(4); *p++ = 'a'; free(p - 1); }"), "c.flow.unchecked-allocation"));
}

TEST_CASE("c_flow reports nothing in a branch its condition rules out", "[analysis][c_flow]") {
  CHECK_FALSE(has(run("void f(void) { short s = SHRT_MAX; if (s < SHRT_MAX) { s++; use(s); } }"), "c.flow.integer-overflow"));
  CHECK_FALSE(has(run("int f(void) { int d = 0; if (d != 0) return 100 / d; return 0; }"), "c.flow.divide-by-zero"));
  CHECK_FALSE(has(run("void f(void) { int b[10] = {0}; int k = 10; if (k >= 0 && k < 10) b[k] = 1; }"), "c.flow.buffer-overflow"));
  CHECK(has(run("void f(void) { int b[10] = {0}; int k = 10; if (k >= 0) b[k] = 1; }"), "c.flow.buffer-overflow"));
}

TEST_CASE("c_flow: a call's result tested tells nothing of whether its argument is NULL", "[analysis][c_flow]") {
  // Before: `if (up(bh))` was read as `if (bh)`, so bh was NULL after it.
  const char* decl = "struct bh { char *data; }; struct bh *get(int n); int up(struct bh *b); void mark(char *d);\n";
  CHECK_FALSE(has(run(std::string(decl) +
                      "int f(int n) { struct bh *bh = NULL; bh = get(n); if (!bh) return 0; if (up(bh)) return 1; "
                      "mark(bh->data); return 2; }"),
                  "c.flow.null-deref"));
  CHECK(has(run(std::string(decl) + "int f(int n) { struct bh *bh = NULL; if (n) bh = get(n); if (bh) return 1; "
                                    "mark(bh->data); return 2; }"),
            "c.flow.null-deref"));
  // Branch hints test what their condition tests.
  CHECK(has(run(std::string(decl) + "int f(int n) { struct bh *bh = NULL; if (n) bh = get(n); if (likely(bh)) return 1; "
                                    "mark(bh->data); return 2; }"),
            "c.flow.null-deref"));
  CHECK(has(run(std::string(decl) + "int f(int n) { struct bh *bh = NULL; if (n) bh = get(n); "
                                    "if (__builtin_expect(!bh, 0)) { mark(bh->data); } return 2; }"),
            "c.flow.null-deref"));
  CHECK_FALSE(has(run(std::string(decl) + "int f(int n) { struct bh *bh = NULL; if (n) bh = get(n); "
                                          "if (unlikely(!bh)) return 1; mark(bh->data); return 2; }"),
                  "c.flow.null-deref"));
}

TEST_CASE("c_flow: a call's result compared with 0 says nothing of its argument being NULL", "[analysis][c_flow]") {
  const char* decl = "struct inode { int gen; };\nstruct inode *get(int n);\nint insert(struct inode *i);\n";
  CHECK_FALSE(has(run(std::string(decl) + "int f(int n) { struct inode *inode = get(n); if (!inode) return 1; "
                                          "if (insert(inode) < 0) return 2; inode->gen = 1; return 0; }"),
                  "c.flow.null-deref"));
  CHECK_FALSE(has(run(std::string(decl) + "int f(int n) { struct inode *inode = get(n); if (!inode) return 1; "
                                          "if (insert(inode) != 0) return 2; inode->gen = 1; return 0; }"),
                  "c.flow.null-deref"));
  // The pointer itself compared: its else branch knows.
  CHECK(has(run(std::string(decl) + "int f(int n) { struct inode *inode = get(n); if (inode != 0) return 1; "
                                    "inode->gen = 1; return 0; }"),
            "c.flow.null-deref"));
}

TEST_CASE("c_flow: a variable handed to a name declared nowhere may be assigned there (a macro)", "[analysis][c_flow]") {
  // spin_lock_irqsave(&l, flags) and list_for_each_entry(pos, ...) are macros that assign flags and pos.
  CHECK_FALSE(has(run("void f(struct s *p) { unsigned long flags; spin_lock_irqsave(&p->lock, flags); use(flags); }"),
                  "c.flow.uninitialized"));
  CHECK_FALSE(has(run("void f(struct s *h) { struct s *pos; list_for_each_entry(pos, &h->list, node) { use(pos); } }"),
                  "c.flow.uninitialized"));
  // A function the code declares cannot assign its value argument.
  CHECK(has(run("void take(unsigned long v);\nvoid f(void) { unsigned long flags; take(flags); }"),
            "c.flow.uninitialized"));
}

TEST_CASE("c_flow: a struct written through an element, an address or a macro argument is no read of it", "[analysis][c_flow]") {
  const char* decl = "struct b { unsigned long w[2]; int n; };\nunsigned long use(unsigned long v);\n";
  // An element of an array field written: `tmp.w[0] = v` writes tmp, as `tmp.n = v` does.
  CHECK_FALSE(has(run(std::string(decl) + "unsigned long f(unsigned long a) { struct b tmp; tmp.w[0] = a; tmp.w[1] = a; "
                                          "return use(tmp.w[0]); }"),
                  "c.flow.uninitialized"));
  CHECK_FALSE(has(run(std::string(decl) + "void f(unsigned long a) { struct b tmp; int i; "
                                          "for (i = 0; i < 2; i++) tmp.w[i] = a; use(tmp.w[1]); }"),
                  "c.flow.uninitialized"));
  // A field's address handed on: whatever receives it may write the struct.
  CHECK_FALSE(has(run(std::string(decl) + "int fill(unsigned long *to);\nint f(void) { struct b tmp; "
                                          "if (fill(&tmp.w[0]) || fill(&tmp.n)) return 1; return tmp.n; }"),
                  "c.flow.uninitialized"));
  // A field handed to a name declared nowhere (a macro: get_user(x, p) assigns x; an array field
  // decays to its address).
  CHECK_FALSE(has(run(std::string(decl) + "int f(int *p) { struct b tmp; if (get_user(tmp.n, p)) return 1; "
                                          "return tmp.n; }"),
                  "c.flow.uninitialized"));
  // Still read: a field read before any write, an element read, a field handed to a declared function.
  CHECK(has(run(std::string(decl) + "unsigned long f(void) { struct b tmp; return use(tmp.w[0]); }"),
            "c.flow.uninitialized"));
  CHECK(has(run(std::string(decl) + "int f(void) { struct b tmp; return tmp.n; }"), "c.flow.uninitialized"));
  CHECK(has(run(std::string(decl) + "int f(void) { struct b tmp; use(tmp.n); return 0; }"), "c.flow.uninitialized"));
}

TEST_CASE("c_flow: a parameterless macro too long to expand may assign any variable", "[analysis][c_flow]") {
  // zlib's LOAD() copies the stream's fields into the function's locals; its body is past the
  // length recorded for expansion (kMaxMacroBytes), so what it assigns is unknown.
  std::string load = "#define LOAD() \\\n  do { \\\n";
  for (int i = 0; i < 12; ++i) load += "    have = strm->avail_in; left = strm->avail_out; \\\n";
  load += "  } while (0)\n";
  const std::string code = "struct z { unsigned avail_in, avail_out; };\nint use(unsigned v);\n" + load +
                           "int f(struct z *strm) { unsigned have, left; LOAD(); return use(have) + use(left); }";
  CHECK_FALSE(has(run(code), "c.flow.uninitialized"));
  // A short one is expanded and says what it assigns.
  CHECK(has(run("#define NONE() do { } while (0)\nint use(unsigned v);\nint f(void) { unsigned have; NONE(); "
                "return use(have); }"),
            "c.flow.uninitialized"));
}

TEST_CASE("c_flow: C's names that C++ reserves, asm outputs, macros as statements, designated initializers", "[analysis][c_flow]") {
  // `class` and `new` are names in C: `class = f();` is an assignment, not a class definition.
  CHECK_FALSE(has(run("const char *name(int);\nint use(const char *s);\n"
                      "int f(int n) { const char *class; if (n) { class = name(n); if (class) return use(class); } return 0; }"),
                  "c.flow.uninitialized"));
  // Inline assembly's outputs are assigned there.
  CHECK_FALSE(has(run("int f(int r0) { int cc; __asm__ volatile(\"ipm %[cc]\" : [cc] \"=r\" (cc) : [r0] \"r\" (r0)); "
                      "return cc >> 28; }"),
                  "c.flow.uninitialized"));
  // A macro used as a statement may assign anything (here the list it fills).
  const char* list = "struct t { struct t *next; int speed; };\nstruct t *template_list;\n";
  CHECK_FALSE(has(run(std::string(list) + "int f(void) { struct t *best; template_list = NULL; XOR_TRY_TEMPLATES; "
                                          "best = template_list; return best->speed; }"),
                  "c.flow.null-deref"));
  CHECK(has(run(std::string(list) + "int f(void) { struct t *best; template_list = NULL; "
                                    "best = template_list; return best->speed; }"),
            "c.flow.null-deref"));
  // A designated initializer takes the address it names.
  CHECK_FALSE(has(run("struct r { int n; };\nstruct arg { struct r *result; int flags; };\nint lookup(struct arg *a);\n"
                      "int f(void) { struct r res; struct arg a = { .result = &res, .flags = 1 }; "
                      "if (lookup(&a) < 0) return 1; return res.n; }"),
                  "c.flow.uninitialized"));
}

TEST_CASE("c_flow: a macro's loop header and its body are a loop", "[analysis][c_flow]") {
  // The body of list_for_each_entry(...) { ... } was read as part of one expression.
  const char* decl = "struct e { int n; struct e *next; };\n";
  CHECK_FALSE(has(run(std::string(decl) + "int f(struct e *h) { struct e *prev = NULL; struct e *it; "
                                          "list_for_each_entry(it, h, next) { if (!prev) return 0; prev->n += 1; prev = it; } "
                                          "return 1; }"),
                  "c.flow.null-deref"));
  CHECK(has(run(std::string(decl) + "int f(struct e *h) { struct e *prev = NULL; struct e *it; "
                                    "list_for_each_entry(it, h, next) { prev->n += 1; } return 1; }"),
            "c.flow.null-deref"));
  CHECK(has(run(std::string(decl) + "int f(struct e *h) { struct e *prev = NULL; int c; "
                                    "for_each_cpu(c, h) prev->n += c; return 1; }"),
            "c.flow.null-deref"));
}

TEST_CASE("c_flow: a NULL pointer handed to a name declared nowhere may be assigned there (a macro)", "[analysis][c_flow]") {
  const char* decl = "struct e { int n; struct e *next; };\n";
  CHECK_FALSE(has(run(std::string(decl) + "int f(struct e *h) { struct e *it = NULL; list_for_each_entry(it, h, next) { "
                                          "h->n += it->n; } return 1; }"),
                  "c.flow.null-deref"));
  CHECK(has(run(std::string(decl) + "void walk(struct e *v);\nint f(struct e *h) { struct e *it = NULL; walk(it); "
                                    "h->n += it->n; return 1; }"),
            "c.flow.null-deref"));
}

TEST_CASE("c_flow: memory handed to a function of the file may be written there", "[analysis][c_flow]") {
  const char* fill = "static void fill(unsigned *out) { out[0] = 1; out[1] = 2; }\n";
  CHECK_FALSE(has(run(std::string(fill) + "unsigned f(void) { unsigned h[2]; fill(h); return h[0] + h[1]; }"),
                  "c.flow.uninitialized"));
  const char* peek = "static unsigned peek(const unsigned *in) { return in[0]; }\n";
  CHECK(has(run(std::string(peek) + "unsigned f(void) { unsigned h[2]; peek(h); return h[0] + h[1]; }"),
            "c.flow.uninitialized"));
}

TEST_CASE("c_flow: the operands of sizeof and typeof are not evaluated", "[analysis][c_flow]") {
  CHECK_FALSE(has(run("void f(void) { struct s *c; c = malloc(sizeof *c); if (c) free(c); }"), "c.flow.uninitialized"));
  CHECK_FALSE(has(run("void f(void) { struct s *c; c = malloc(sizeof *(c)); if (c) free(c); }"), "c.flow.uninitialized"));
  CHECK_FALSE(has(run("void f(void) { struct s *c; c = malloc(sizeof c->v[0]); if (c) free(c); }"), "c.flow.uninitialized"));
  CHECK_FALSE(has(run("void f(void) { struct s *k; unsigned n = offsetof(typeof(*k), node); use(n); }"),
                  "c.flow.uninitialized"));
  // sizeof *p of a known type still sizes the buffer.
  CHECK(has(run("void f(void) { long *p; char b[4]; p = 0; memset(b, 0, sizeof *p); }"), "c.flow.buffer-overflow"));
  CHECK(has(run("int f(void) { int total; return total + 1; }"), "c.flow.uninitialized"));
}

TEST_CASE("c_flow: a row of a two-dimensional array is an address, not an element read", "[analysis][c_flow]") {
  const char* decl = "void set(unsigned long *dst, const unsigned long *src, int n);\n";
  CHECK_FALSE(has(run(std::string(decl) + "void f(const unsigned long *p) { unsigned long rx[2][4]; set(rx[1], p, 4); "
                                          "set(rx[0], rx[1], 4); }"),
                  "c.flow.uninitialized"));
  CHECK(has(run("unsigned long f(void) { unsigned long rx[4]; return rx[1]; }"), "c.flow.uninitialized"));
}
