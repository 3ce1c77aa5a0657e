// Validation (analysis/validation.h): fingerprints that survive moves but not
// edits, suppression comments per language, duplicates, lower confidence in
// test code, symlinks refused, and the taint-over-pattern pass.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/validation.h"
#include "tests/analysis/scratch_tree.h"

using namespace heimdall::analysis;
using heimdall::analysis::test::scratch_tree;
namespace fs = std::filesystem;

namespace {

finding make(std::string rule, std::string file, int line, std::string code, std::string source = "static",
             int cwe = 89) {
  finding f;
  f.rule_id = std::move(rule);
  f.source = std::move(source);
  f.file_path = std::move(file);
  f.line_start = f.line_end = line;
  f.code_snippet = std::move(code);
  f.cwe_id = cwe;
  f.confidence = 0.8;
  return f;
}

// The verdict on a finding of `rule` at `line` of `file` in `t`.
verdict check_at(const scratch_tree& t, const std::string& rule, const std::string& file, int line) {
  finding_validator v(t.root());
  finding f = make(rule, file, line, "code();");
  return v.check(f);
}

}  // namespace

TEST_CASE("fingerprints ignore line numbers and white space, not code, rule or file", "[analysis][validation]") {
  finding a = make("python.sqli.string-format", "app/db.py", 3, "cur.execute(\"SELECT \" + q)");
  std::string fp = fingerprint_of(a);
  CHECK(fp.size() == 32);
  CHECK(fp.find_first_not_of("0123456789abcdef") == std::string::npos);

  finding moved = a;
  moved.line_start = moved.line_end = 40;  // the code moved down
  moved.code_snippet = "cur.execute(\"SELECT \"  +\tq)";
  CHECK(fingerprint_of(moved) == fp);

  finding edited = a;
  edited.code_snippet = "cur.execute(\"SELECT \" + name)";
  CHECK(fingerprint_of(edited) != fp);
  finding other_rule = a;
  other_rule.rule_id = "python.sqli.other";
  CHECK(fingerprint_of(other_rule) != fp);
  finding other_file = a;
  other_file.file_path = "app/db2.py";
  CHECK(fingerprint_of(other_file) != fp);
  // The separator keeps (rule, file) boundaries apart.
  CHECK(fingerprint_of(make("a", "bc", 1, "x")) != fingerprint_of(make("ab", "c", 1, "x")));
}

TEST_CASE("suppression comments in each language's syntax", "[analysis][validation]") {
  scratch_tree t;
  t.write("app.py",
          "import os\n"
          "os.system(cmd)  # nosec\n"                      // 2: same line
          "# heimdall:ignore\n"
          "os.system(cmd)\n"                               // 4: line above
          "# heimdall:ignore python.cmdi\n"
          "os.system(cmd)\n"                               // 6: rule prefix
          "# heimdall:ignore other-rule\n"
          "os.system(cmd)\n"                               // 8: another rule: kept
          "x = a // nosec\n"                               // 9: '//' is not a Python comment
          "# heimdall:ignore python.cm\n"
          "os.system(cmd)\n"                               // 11: not a prefix at a '.'
          "# nosec\n"
          "\n"
          "os.system(cmd)\n"                               // 14: two lines below: kept
          "# heimdall:ignored\n"
          "os.system(cmd)\n"                               // 16: not the directive
          "os.system(cmd)  # heimdall:ignore other, python.cmdi.os-system -- trusted\n");  // 17
  const std::string rule = "python.cmdi.os-system";
  CHECK(check_at(t, rule, "app.py", 2) == verdict::suppressed);
  CHECK(check_at(t, rule, "app.py", 4) == verdict::suppressed);
  CHECK(check_at(t, rule, "app.py", 6) == verdict::suppressed);
  CHECK(check_at(t, rule, "app.py", 8) == verdict::keep);
  CHECK(check_at(t, rule, "app.py", 9) == verdict::keep);
  CHECK(check_at(t, rule, "app.py", 11) == verdict::keep);
  CHECK(check_at(t, rule, "app.py", 14) == verdict::keep);
  CHECK(check_at(t, rule, "app.py", 16) == verdict::keep);
  CHECK(check_at(t, rule, "app.py", 17) == verdict::suppressed);
  CHECK(check_at(t, "python.other", "app.py", 17) == verdict::keep);

  t.write("web/app.js",
          "exec('ls ' + dir); # nosec\n"                               // 1: '#' is not a JS comment
          "const s = 'nosec'; exec(s + dir);\n"                        // 2: in a string, no comment
          "exec('ls ' + dir); // heimdall:ignore javascript.cmdi\n"  // 3
          "\n"
          "/* nosec */ exec('ls ' + dir);\n");                         // 5
  CHECK(check_at(t, "javascript.cmdi.exec", "web/app.js", 1) == verdict::keep);
  CHECK(check_at(t, "javascript.cmdi.exec", "web/app.js", 2) == verdict::keep);
  CHECK(check_at(t, "javascript.cmdi.exec", "web/app.js", 3) == verdict::suppressed);
  CHECK(check_at(t, "javascript.xss.inner-html", "web/app.js", 3) == verdict::keep);
  CHECK(check_at(t, "javascript.cmdi.exec", "web/app.js", 5) == verdict::suppressed);

  t.write("src/Q.java",
          "class Q {\n"
          "  /* heimdall:ignore java.sqli */\n"
          "  void q() { st.executeQuery(\"SELECT \" + id); }\n"
          "  /* heimdall:ignore java.xss */ void r() { st.executeQuery(\"SELECT \" + id); }\n"
          "}\n");
  CHECK(check_at(t, "java.sqli.concat", "src/Q.java", 3) == verdict::suppressed);
  CHECK(check_at(t, "java.sqli.concat", "src/Q.java", 4) == verdict::keep);

  t.write("cmd/main.go", "package main\n//#nosec G204\nexec.Command(\"sh\", \"-c\", c)\n");
  CHECK(check_at(t, "go.cmdi.shell", "cmd/main.go", 3) == verdict::suppressed);

  t.write("native/copy.c", "void f(char *d, const char *s) {\n  strcpy(d, s); /* NOSEC: bounded above */\n}\n");
  CHECK(check_at(t, "c.buffer.strcpy", "native/copy.c", 2) == verdict::suppressed);
  CHECK(check_at(t, "c.buffer.strcpy", "native/copy.c", 3) == verdict::suppressed);  // line above
  CHECK(check_at(t, "c.buffer.strcpy", "native/copy.c", 1) == verdict::keep);

  // A file that is missing, or findings without a line, suppress nothing.
  CHECK(check_at(t, rule, "missing.py", 2) == verdict::keep);
  CHECK(check_at(t, rule, "app.py", 0) == verdict::keep);
}

TEST_CASE("suppression comments are not read through symlinks", "[analysis][validation]") {
  scratch_tree t;
  t.write("real/app.py", "os.system(cmd)  # nosec\n", /*outside=*/true);
  fs::create_directories(t.root() / "lib");
  fs::create_symlink(t.base() / "real" / "app.py", t.root() / "lib" / "link.py");
  fs::create_directory_symlink(t.base() / "real", t.root() / "linked_dir");
  t.write("lib/app.py", "os.system(cmd)  # nosec\n");
  CHECK(check_at(t, "python.cmdi.os-system", "lib/app.py", 1) == verdict::suppressed);
  CHECK(check_at(t, "python.cmdi.os-system", "lib/link.py", 1) == verdict::keep);
  CHECK(check_at(t, "python.cmdi.os-system", "linked_dir/app.py", 1) == verdict::keep);
  CHECK(check_at(t, "python.cmdi.os-system", "lib/../lib/app.py", 1) == verdict::keep);
}

TEST_CASE("duplicates by fingerprint, identical code on two lines counted twice, and a resume", "[analysis][validation]") {
  scratch_tree t;
  t.write("app.py", "q = 1\n");
  finding_validator v(t.root());
  finding first = make("python.sqli.format", "app.py", 3, "cur.execute(q % x)");
  finding found_again = make("python.sqli.format", "app.py", 3, "cur.execute(q % x)");  // a second pass
  finding twin = make("python.sqli.format", "app.py", 30, "cur.execute(q  %  x)");  // the same code, elsewhere
  finding other = make("python.sqli.format", "app.py", 31, "cur.execute(q % y)");
  CHECK(v.check(first) == verdict::keep);
  CHECK(v.check(found_again) == verdict::duplicate);
  CHECK(found_again.fingerprint == first.fingerprint);
  CHECK(v.check(twin) == verdict::keep);
  CHECK(twin.fingerprint != first.fingerprint);
  CHECK(twin.fingerprint == fingerprint_of(twin, 2));
  CHECK(first.fingerprint == fingerprint_of(first));  // the first keeps the plain one
  CHECK(v.check(other) == verdict::keep);
  CHECK(v.counts().kept == 3);
  CHECK(v.counts().duplicates == 1);
  CHECK(v.counts().suppressed == 0);

  // A resumed scan reports the same findings in the same order again: each
  // is the one recorded before.
  finding_validator resumed(t.root());
  resumed.remember(first.fingerprint);
  resumed.remember(twin.fingerprint);
  finding first_again = make("python.sqli.format", "app.py", 3, "cur.execute(q % x)");
  finding twin_again = make("python.sqli.format", "app.py", 30, "cur.execute(q % x)");
  CHECK(resumed.check(first_again) == verdict::duplicate);
  CHECK(resumed.check(twin_again) == verdict::duplicate);
  CHECK(resumed.counts().kept == 0);
}

TEST_CASE("confidence is lowered in test, example, fixture, mock and docs code", "[analysis][validation]") {
  for (const char* path : {"tests/test_db.py", "src/test/java/QTest.java", "web/__tests__/a.js", "spec/x_spec.rb",
                           "examples/demo.py", "pkg/testdata/input.go", "fixtures/keys.env", "docs/howto.md",
                           "Tests/Util.cs", "db_test.go", "test_db.py", "ui/button.spec.ts", "ui/button.test.tsx",
                           "QTests.java", "conftest.py", "pkg/mock_store.go", "src/__mocks__/api.js"}) {
    INFO(path);
    CHECK(is_non_production_path(path));
  }
  for (const char* path : {"src/app.py", "latest.py", "contest/Main.java", "attest.go", "src/Test.java",
                           "protest/x.py", "testimony/app.js", "docsite.py", ".env", "Testing.java"}) {
    INFO(path);
    CHECK_FALSE(is_non_production_path(path));
  }

  scratch_tree t;
  finding_validator v(t.root());
  finding prod = make("python.sqli.format", "app/db.py", 3, "cur.execute(q % x)");
  finding in_test = make("python.sqli.format", "tests/test_db.py", 3, "cur.execute(q % x)");
  REQUIRE(v.check(prod) == verdict::keep);
  REQUIRE(v.check(in_test) == verdict::keep);
  CHECK(prod.confidence == Approx(0.8));
  CHECK(in_test.confidence == Approx(0.8 * kNonProductionConfidenceFactor));
  CHECK(in_test.confidence < prod.confidence);
}

TEST_CASE("a taint finding withdraws the pattern findings it explains", "[analysis][validation]") {
  std::vector<finding> all = {
      make("python.sqli.format", "app/db.py", 12, "cur.execute(q % x)"),              // 0: covered
      make("hunt.sqli", "app/db.py", 12, "cur.execute(q % x)", "taint"),             // 1
      make("python.sqli.format", "app/db.py", 40, "cur.execute(q % y)"),             // 2: other lines
      make("python.cmdi.os-system", "app/db.py", 12, "os.system(x)", "static", 78),  // 3: other CWE
      make("python.sqli.format", "app/other.py", 12, "cur.execute(q % x)"),          // 4: other file
      make("secrets.generic", "app/db.py", 12, "pw = 'ab**'", "secrets", 89),        // 5: not a pattern
      make("tf.sqli", "app/db.py", 20, "x", "config"),                               // 6: inside 18..21
      make("python.sqli.format", "app/db.py", 17, "cur.execute(q % z)"),             // 7: just before
  };
  finding flow = make("hunt.sqli.flow", "app/db.py", 18, "cur.execute(sql)", "taint");
  flow.line_end = 21;
  all.push_back(flow);  // 8
  CHECK(redundant_findings(all) == std::vector<std::size_t>{0, 6});
  all[6].line_start = all[6].line_end = 21;
  all[7].line_end = 18;  // a two-line pattern finding that reaches the flow
  CHECK(redundant_findings(all) == std::vector<std::size_t>{0, 6, 7});
  CHECK(redundant_findings({}).empty());
}

TEST_CASE("a taint clearance withdraws pattern findings of the same weakness inside it", "[analysis][validation]") {
  std::vector<finding> all = {
      make("python.code.eval", "app/h.py", 12, "eval(x)", "static", 95),      // 0: 94 ~ 95, inside
      make("python.sqli.format", "app/h.py", 12, "cur.execute(q % x)"),       // 1: other weakness
      make("python.code.eval", "app/h.py", 30, "eval(x)", "static", 95),      // 2: outside
      make("python.code.eval", "app/other.py", 12, "eval(x)", "static", 95),  // 3: other file
  };
  std::vector<taint_clearance> cleared = {{"app/h.py", 10, 20, 94}};
  CHECK(redundant_findings(all, cleared) == std::vector<std::size_t>{0});
  CHECK(redundant_findings(all).empty());
  // A rule for a weakness of any data (rule::any_data) stands: the clearance says only that no request data gets there.
  CHECK(redundant_findings(all, cleared, {"python.code.eval"}).empty());
  CHECK(same_weakness(22, 23));
  CHECK(same_weakness(78, 77));
  CHECK_FALSE(same_weakness(89, 78));
}
