// The rule packs under analysis/rules and the matcher: every rule against its
// own examples, loader errors for malformed packs, line numbers, snippets,
// CRLF, long and non-UTF-8 lines, clean files, concurrent matching.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "analysis/rule_pack.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
using heimdall::analysis::test::fired;
using heimdall::analysis::test::shipped_rule_pack;
namespace fs = std::filesystem;

namespace {

std::set<std::string> rule_ids(const std::vector<finding>& findings) {
  std::set<std::string> ids;
  for (const finding& f : findings) ids.insert(f.rule_id);
  return ids;
}

// A fresh scratch directory under the build's test-data folder.
fs::path scratch(const std::string& name) {
  static int counter = 0;
  fs::path dir = fs::path(HEIMDALL_TEST_DATA) / "scratch" /
                 ("rule_pack-" + name + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// One well-formed rule; tests replace a piece of it to break it.
std::string rule_json(const std::string& id, const std::string& extra = "",
                      const std::string& pattern = R"j("\\beval\\(")j") {
  return R"j({"id": ")j" + id + R"j(", "cwe": 95, "severity": "high", "confidence": 0.7,
    "languages": ["python"], "title": "t", "message": "m", "remediation": "r",
    "pattern": )j" + pattern + extra + R"j(,
    "examples": {"positive": ["eval(x)"], "negative": ["evaluate(x)"]}})j";
}

// Loads a pack made of `files` (name -> content) and returns its error.
status load_error(const std::vector<std::pair<std::string, std::string>>& files) {
  fs::path dir = scratch("bad");
  for (const auto& [name, text] : files) write_file(dir / name, text);
  auto loaded = load_rule_pack(dir);
  REQUIRE_FALSE(loaded.is_ok());
  return loaded.error();
}

}  // namespace

TEST_CASE("every shipped rule reports its positive examples and none of its negative ones", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  REQUIRE(pack.rules().size() >= 80);
  std::size_t checked = 0;
  for (const rule& r : pack.rules()) {
    std::string path = r.examples.path.empty() ? "src/example" : r.examples.path;
    for (language lang : r.languages) {
      for (const std::string& line : r.examples.positive) {
        INFO("rule " << r.id << " (" << r.file << ", " << language_name(lang) << ") must report: " << line);
        CHECK(fired(match(pack, path, lang, line), r.id));
        ++checked;
      }
      for (const std::string& line : r.examples.negative) {
        INFO("rule " << r.id << " (" << r.file << ", " << language_name(lang) << ") must not report: " << line);
        CHECK_FALSE(fired(match(pack, path, lang, line), r.id));
        ++checked;
      }
    }
  }
  CHECK(checked >= 3 * pack.rules().size());
}

TEST_CASE("every code language and configuration format has rules", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  std::set<language> covered;
  for (const rule& r : pack.rules()) covered.insert(r.languages.begin(), r.languages.end());
  for (language lang : {language::python, language::javascript, language::typescript, language::java, language::go,
                        language::php, language::ruby, language::c, language::cpp, language::dockerfile,
                        language::yaml, language::terraform}) {
    INFO(language_name(lang));
    CHECK(covered.count(lang) == 1);
  }
}

TEST_CASE("findings carry 1-based lines, trimmed snippets and rule metadata", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  const std::string code =
      "import os\n"
      "\n"
      "def run(cmd):\n"
      "    os.system(\"ls \" + cmd)   \n"
      "    # os.system(cmd) in a comment is not code\n"
      "    return eval(cmd)\n";
  auto findings = match(pack, "app/tasks.py", language::python, code);
  REQUIRE(findings.size() == 2);

  const finding& command = findings[0];
  CHECK(command.rule_id == "python.cmdi.os-system");
  CHECK(command.line_start == 4);
  CHECK(command.line_end == 4);
  CHECK(command.code_snippet == "os.system(\"ls \" + cmd)");
  CHECK(command.file_path == "app/tasks.py");
  CHECK(command.source == "static");
  CHECK(command.cwe_id == 78);
  CHECK(command.severity == severity::high);
  CHECK_FALSE(command.title.empty());
  CHECK_FALSE(command.description.empty());
  CHECK_FALSE(command.remediation.empty());

  CHECK(findings[1].rule_id == "python.code.eval");
  CHECK(findings[1].line_start == 6);
  CHECK(findings[1].code_snippet == "return eval(cmd)");
}

TEST_CASE("a comment after code on a line is not code but a marker inside a string is no comment", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  auto rules_on = [&](const char* path, language lang, const std::string& code) {
    std::set<std::string> ids;
    for (const finding& f : match(pack, path, lang, code)) ids.insert(f.rule_id);
    return ids;
  };
  CHECK(rules_on("a.py", language::python, "x = 1  # os.system(cmd) was here\n").count("python.cmdi.os-system") == 0);
  CHECK(rules_on("a.py", language::python, "os.system('ls #' + cmd)\n").count("python.cmdi.os-system") == 1);
  CHECK(rules_on("a.c", language::c, "int n; /* not system(cmd) */ int m;\n").count("c.cmdi.system") == 0);
  CHECK(rules_on("a.c", language::c, "int n; /* x */ system(cmd);\n").count("c.cmdi.system") == 1);
  CHECK(rules_on("a.js", language::javascript, "run(); // eval(code)\n").count("js.code.eval") == 0);
  CHECK(rules_on("a.js", language::javascript, "eval(\"a // b\" + code);\n").count("js.code.eval") == 1);
}

TEST_CASE("CRLF line ends give the same lines and snippets as LF", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  const std::string lf = "FROM node:latest\nUSER root\nRUN npm ci\n";
  const std::string crlf = "FROM node:latest\r\nUSER root\r\nRUN npm ci\r\n";
  auto a = match(pack, "Dockerfile", language::dockerfile, lf);
  auto b = match(pack, "Dockerfile", language::dockerfile, crlf);
  REQUIRE(a.size() == 2);
  REQUIRE(b.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].rule_id == b[i].rule_id);
    CHECK(a[i].line_start == b[i].line_start);
    CHECK(a[i].code_snippet == b[i].code_snippet);
  }
  CHECK(b[1].code_snippet == "USER root");
  CHECK(b[1].source == "config");
}

TEST_CASE("non-UTF-8 bytes are matched and snippets stay valid UTF-8", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  const std::string line = "x = eval(data)  # caf\xe9 \xff\xfe \xc3\x28";
  std::vector<finding> findings;
  REQUIRE_NOTHROW(findings = match(pack, "legacy.py", language::python, line + "\n" + "\xff\xfe\xfd\n"));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].line_start == 1);
  const std::string& snippet = findings[0].code_snippet;
  CHECK(snippet.find("x = eval(data)") == 0);
  CHECK(snippet.find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD stands in for bad bytes
  CHECK(snippet.find('\xff') == std::string::npos);
  CHECK(snippet.find('\xe9') == std::string::npos);
}

TEST_CASE("long lines are scanned up to the cap and snippets are cut", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  const std::string padding(10000, 'a');
  auto early = match(pack, "min.js", language::javascript, "eval(input); var s = '" + padding + "';\n");
  REQUIRE(early.size() == 1);
  CHECK(early[0].code_snippet.size() <= kMaxSnippetBytes + 3);
  CHECK(early[0].code_snippet.ends_with("..."));

  auto late = match(pack, "min.js", language::javascript, "var s = '" + padding + "'; eval(input);\n");
  CHECK(late.empty());
}

TEST_CASE("the whole-file and the line-by-line passes report the same findings", "[analysis][rules]") {
  // Every example of a language's rules in one file; a line longer than the
  // scan cap at the end sends the same lines through the line-by-line pass.
  const rule_pack& pack = shipped_rule_pack();
  for (language lang : {language::python, language::javascript, language::java, language::go, language::php,
                        language::ruby, language::c, language::dockerfile, language::yaml, language::terraform}) {
    std::string file;
    for (const rule& r : pack.rules()) {
      if (!r.paths.empty() || std::find(r.languages.begin(), r.languages.end(), lang) == r.languages.end()) continue;
      for (const auto* examples : {&r.examples.positive, &r.examples.negative}) {
        for (const std::string& line : *examples) file += line + "\n";
      }
    }
    auto whole = match(pack, "src/all", lang, file);
    auto by_line = match(pack, "src/all", lang, file + std::string(kMaxScannedLineBytes + 1, ' ') + "\n");
    INFO(language_name(lang));
    CHECK(whole.size() >= 10);
    REQUIRE(by_line.size() == whole.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
      CHECK(by_line[i].rule_id == whole[i].rule_id);
      CHECK(by_line[i].line_start == whole[i].line_start);
    }
  }
}

TEST_CASE("path filters limit GitHub Actions rules to workflow files", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  const std::string yaml = "      - uses: actions/checkout@master\n";
  CHECK(fired(match(pack, ".github/workflows/build.yml", language::yaml, yaml), "gha.action.unpinned-branch"));
  CHECK(fired(match(pack, "sub/.github/workflows/build.yaml", language::yaml, yaml), "gha.action.unpinned-branch"));
  CHECK(match(pack, "deploy/app.yaml", language::yaml, yaml).empty());
}

TEST_CASE("clean files in every language produce no findings", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  struct sample {
    const char* path;
    language lang;
    const char* text;
  };
  const sample samples[] = {
      {"app/views.py", language::python,
       "import secrets\nimport subprocess\n\n"
       "def lookup(cursor, name):\n"
       "    cursor.execute(\"SELECT id FROM users WHERE name = %s\", (name,))\n"
       "    token = secrets.token_urlsafe(32)\n"
       "    subprocess.run([\"git\", \"status\"], check=True)\n"
       "    digest = hashlib.sha256(token.encode()).hexdigest()\n"
       "    return yaml.safe_load(open(\"config.yml\"))\n"},
      {"web/server.ts", language::typescript,
       "import { execFile } from \"child_process\";\n"
       "app.get(\"/users/:id\", async (req, res) => {\n"
       "  const rows = await db.query(\"SELECT * FROM users WHERE id = $1\", [req.params.id]);\n"
       "  el.textContent = rows[0].name;\n"
       "  execFile(\"git\", [\"log\"], () => {});\n"
       "  res.json(rows);\n"
       "});\n"},
      {"src/Main.java", language::java,
       "PreparedStatement ps = conn.prepareStatement(\"SELECT * FROM users WHERE id = ?\");\n"
       "ps.setString(1, id);\n"
       "MessageDigest md = MessageDigest.getInstance(\"SHA-256\");\n"
       "SecureRandom random = new SecureRandom();\n"
       "Cipher c = Cipher.getInstance(\"AES/GCM/NoPadding\");\n"},
      {"cmd/main.go", language::go,
       "rows, err := db.Query(\"SELECT id FROM users WHERE name = $1\", name)\n"
       "cmd := exec.Command(\"git\", \"status\")\n"
       "sum := sha256.Sum256(data)\n"
       "_, err = rand.Read(buf)\n"
       "cfg := &tls.Config{MinVersion: tls.VersionTLS12}\n"},
      {"public/index.php", language::php,
       "<?php\n$stmt = $pdo->prepare('SELECT * FROM users WHERE id = ?');\n"
       "$stmt->execute([$_GET['id']]);\n"
       "echo htmlspecialchars($_GET['name'], ENT_QUOTES, 'UTF-8');\n"
       "$token = bin2hex(random_bytes(32));\n"},
      {"app/models/user.rb", language::ruby,
       "User.where(name: params[:name])\n"
       "token = SecureRandom.hex(32)\n"
       "system(\"git\", \"status\")\n"
       "config = YAML.safe_load(File.read(path))\n"},
      {"src/util.c", language::c,
       "#include <stdio.h>\n"
       "int main(void) {\n"
       "  char buf[64];\n"
       "  if (fgets(buf, sizeof buf, stdin) == NULL) return 1;\n"
       "  snprintf(out, sizeof out, \"%s\", buf);\n"
       "  printf(\"%s\\n\", buf);\n"
       "  return 0;\n"
       "}\n"},
      {"Dockerfile", language::dockerfile,
       "FROM python:3.12-slim AS build\n"
       "RUN pip install --no-cache-dir -r requirements.txt\n"
       "FROM build\n"
       "COPY . /app\n"
       "USER 10001\n"
       "CMD [\"python\", \"-m\", \"app\"]\n"},
      {"deploy/pod.yaml", language::yaml,
       "apiVersion: v1\nkind: Pod\nspec:\n"
       "  containers:\n"
       "    - name: app\n"
       "      securityContext:\n"
       "        runAsNonRoot: true\n"
       "        allowPrivilegeEscalation: false\n"
       "        capabilities:\n"
       "          drop: [\"ALL\"]\n"},
      {"infra/main.tf", language::terraform,
       "resource \"aws_db_instance\" \"main\" {\n"
       "  storage_encrypted   = true\n"
       "  publicly_accessible = false\n"
       "  password            = var.db_password\n"
       "}\n"},
      {".github/workflows/ci.yml", language::yaml,
       "on: [push, pull_request]\n"
       "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
       "      - uses: actions/checkout@v4\n"
       "      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n"
       "        run: echo \"$TITLE\"\n"},
  };
  for (const sample& s : samples) {
    auto findings = match(pack, s.path, s.lang, s.text);
    INFO(s.path);
    for (const finding& f : findings) INFO(f.rule_id << " on line " << f.line_start << ": " << f.code_snippet);
    CHECK(findings.empty());
  }
}

TEST_CASE("a pack can be matched from several threads at once", "[analysis][rules]") {
  const rule_pack& pack = shipped_rule_pack();
  std::string code;
  for (int i = 0; i < 200; ++i) code += "x = 1\nos.system(cmd)\nvalue = eval(data)\n";
  auto expected = match(pack, "a.py", language::python, code);
  REQUIRE(expected.size() == 400);
  std::vector<std::vector<finding>> results(4);
  std::vector<std::thread> threads;
  for (auto& out : results) threads.emplace_back([&] { out = match(pack, "a.py", language::python, code); });
  for (auto& t : threads) t.join();
  for (const auto& out : results) {
    REQUIRE(out.size() == expected.size());
    CHECK(rule_ids(out) == rule_ids(expected));
    CHECK(out.back().line_start == expected.back().line_start);
  }
}

TEST_CASE("patterns, not_pattern and unknown languages", "[analysis][rules]") {
  rule r;
  r.id = "test.multi";
  r.cwe = 1;
  r.languages = {language::python};
  r.title = r.message = r.remediation = "x";
  r.patterns = {"open\\(", "request"};
  r.not_pattern = "basename";
  r.examples.positive = {"open(request.args)"};
  r.examples.negative = {"open(path)"};
  auto built = build_rule_pack({r});
  REQUIRE(built.is_ok());
  CHECK(match(*built, "a.py", language::python, "f = open(request.args['p'])").size() == 1);
  CHECK(match(*built, "a.py", language::python, "f = open(path)").empty());
  CHECK(match(*built, "a.py", language::python, "f = open(basename(request.args['p']))").empty());
  CHECK(match(*built, "a.rb", language::ruby, "f = open(request.args['p'])").empty());
  CHECK(match(*built, "a.py", language::python, "").empty());
}

TEST_CASE("not_in_block looks through the block a match opens or sits in", "[analysis][rules]") {
  rule r;
  r.id = "test.block";
  r.cwe = 614;
  r.languages = {language::go, language::java};
  r.title = r.message = r.remediation = "x";
  r.patterns = {"\\bCookie\\s*[{(]"};
  r.not_in_block = "\\bSecure\\b|setSecure\\(\\s*true";
  r.examples.positive = {"c := http.Cookie{"};
  r.examples.negative = {"c := http.Cookie{Secure: true}"};
  auto built = build_rule_pack({r});
  REQUIRE(built.is_ok());
  auto lines_of = [](const std::vector<finding>& found) {
    std::vector<int> out;
    for (const auto& f : found) out.push_back(f.line_start);
    return out;
  };
  SECTION("a literal the line opens ends where it closes") {
    std::string code =
        "a := http.Cookie{\n  Name: \"s\",\n  // Secure: true\n}\n"
        "b := http.Cookie{\n  Name: \"t\",\n  Secure: true,\n}\n"
        "c := http.Cookie{\n  Name: \"u\",\n}\nd.Secure = true\n";
    CHECK(lines_of(match(*built, "a.go", language::go, code)) == std::vector<int>{1, 9});
  }
  SECTION("a statement the line completes looks on to the end of its block") {
    std::string code =
        "void a() {\n  Cookie c = new Cookie(\"s\", v);\n  c.setSecure(true);\n}\n"
        "void b() {\n  Cookie c = new Cookie(\"s\", v);\n  add(c);\n}\nvoid c() { x.setSecure(true); }\n";
    CHECK(lines_of(match(*built, "A.java", language::java, code)) == std::vector<int>{6});
  }
  SECTION("the look-ahead is bounded") {
    std::string code = "c := http.Cookie{\n";
    for (std::size_t i = 0; i < kMaxBlockLines; ++i) code += "  Name: \"s\",\n";
    code += "  Secure: true,\n}\n";
    CHECK(lines_of(match(*built, "a.go", language::go, code)) == std::vector<int>{1});
  }
}

TEST_CASE("in_block requires its pattern in the block of the match", "[analysis][rules]") {
  rule r;
  r.id = "test.in-block";
  r.cwe = 1336;
  r.languages = {language::go};
  r.title = r.message = r.remediation = "x";
  r.patterns = {"\\bfmt\\.Sprintf\\("};
  r.in_block = "\\{\\{";
  r.examples.positive = {"t := fmt.Sprintf(\"{{.Name}} %s\", q)"};
  r.examples.negative = {"t := fmt.Sprintf(\"%s\", q)"};
  auto built = build_rule_pack({r});
  REQUIRE(built.is_ok());
  std::string code =
      "a := fmt.Sprintf(`\n<p>{{ .Email }}</p>\n<p>%s</p>\n`, q)\n"
      "b := fmt.Sprintf(`\n<p>%s</p>\n`, q)\n"
      "c := \"{{ .Other }}\"\n";
  auto found = match(*built, "a.go", language::go, code);
  REQUIRE(found.size() == 1);
  CHECK(found[0].line_start == 1);
}

TEST_CASE("not_earlier_in_block looks back through the block of the match at its own level", "[analysis][rules]") {
  rule r;
  r.id = "test.earlier";
  r.cwe = 611;
  r.languages = {language::java, language::python};
  r.title = r.message = r.remediation = "x";
  r.patterns = {"\\.newDocumentBuilder\\("};
  r.not_earlier_in_block = "disallow-doctype-decl\"\\s*,\\s*true";
  r.examples.positive = {"f.setFeature(\"x\", true);\nb = f.newDocumentBuilder();"};
  r.examples.negative = {"f.setFeature(\"disallow-doctype-decl\", true);\nb = f.newDocumentBuilder();"};
  auto built = build_rule_pack({r});
  REQUIRE(built.is_ok());
  std::string code =
      "void hardened() {\n"                                        // 1
      "  f.setFeature(\"disallow-doctype-decl\", true);\n"          // 2
      "  if (c) {\n    g();\n  } else {\n    h();\n  }\n"          // 3-7: a nested block between
      "  b = f.newDocumentBuilder();\n"                            // 8: hardened before, same level
      "}\n"
      "void other() {\n"                                           // 10
      "  b = f.newDocumentBuilder();\n"                            // 11: another function's setting
      "}\n"
      "void conditional() {\n"                                     // 13
      "  if (c) {\n    f.setFeature(\"disallow-doctype-decl\", true);\n  }\n"
      "  b = f.newDocumentBuilder();\n"                            // 17: hardened only sometimes
      "}\n";
  std::vector<int> lines;
  for (const auto& f : match(*built, "A.java", language::java, code)) lines.push_back(f.line_start);
  CHECK(lines == std::vector<int>{11, 17});
  // Indentation bounds an indented block.
  std::string py =
      "def hardened():\n    f.setFeature(\"disallow-doctype-decl\", true)\n    b = f.newDocumentBuilder()\n"
      "def other():\n    b = f.newDocumentBuilder()\n";
  auto found = match(*built, "a.py", language::python, py);
  REQUIRE(found.size() == 1);
  CHECK(found[0].line_start == 5);
}

// A rule on `execute(<variable>)` whose variable holds a concatenated string.
rule assigned_rule() {
  rule r;
  r.id = "test.assigned";
  r.cwe = 89;
  r.languages = {language::python, language::javascript, language::go};
  r.title = r.message = r.remediation = "x";
  r.patterns = {"\\bexecute\\(\\s*(\\w+)\\s*[,)]"};
  r.assigned = "^\"[^\"]*\"\\s*\\+";
  r.examples.positive = {"q = \"SELECT \" + x\nexecute(q)"};
  r.examples.negative = {"q = \"SELECT 1\"\nexecute(q)"};
  return r;
}

std::vector<int> lines_of(const std::vector<finding>& found) {
  std::vector<int> out;
  for (const auto& f : found) out.push_back(f.line_start);
  return out;
}

TEST_CASE("assigned matches the value last bound to the variable a match names", "[analysis][rules]") {
  auto built = build_rule_pack({assigned_rule()});
  REQUIRE(built.is_ok());
  SECTION("the nearest earlier assignment in scope decides") {
    std::string code =
        "q = \"SELECT \" + a\n"         // 1
        "execute(q)\n"                  // 2: reported
        "q = \"SELECT 1\"\n"            // 3
        "execute(q)\n"                  // 4: rebound to a constant
        "q: str = \"SELECT \" + b\n"    // 5
        "execute(q, params)\n"          // 6: reported (annotated)
        "execute(other)\n";             // 7: never bound
    CHECK(lines_of(match(*built, "a.py", language::python, code)) == std::vector<int>{2, 6});
  }
  SECTION("enclosing blocks are in scope, nested blocks and other functions are not") {
    std::string code =
        "def f():\n"                              // 1
        "    q = \"SELECT \" + a\n"               // 2
        "    with db() as c:\n"                   // 3
        "        execute(q)\n"                    // 4: reported
        "def g():\n"                              // 5
        "    if x:\n"                             // 6
        "        q = \"SELECT \" + a\n"           // 7
        "    execute(q)\n"                        // 8: only a nested block binds it
        "def h(q):\n"                             // 9
        "    execute(q)\n"                        // 10: a parameter
        "def k(q=\"SELECT \" + a):\n"             // 11
        "    execute(q)\n";                       // 12: reported (parameter default)
    CHECK(lines_of(match(*built, "a.py", language::python, code)) == std::vector<int>{4, 12});
  }
  SECTION("declarations of brace languages") {
    std::string js = "function f() {\n  const q = \"SELECT \" + a;\n  if (a) {\n    execute(q);\n  }\n}\n";
    CHECK(lines_of(match(*built, "a.js", language::javascript, js)) == std::vector<int>{4});
    // A header that names the variable ends the walk, even a condition.
    std::string go = "func f() {\n\tq := \"SELECT \" + a\n\texecute(q)\n\tif q != \"\" {\n\t\texecute(q)\n\t}\n}\n";
    CHECK(lines_of(match(*built, "a.go", language::go, go)) == std::vector<int>{3});
  }
  SECTION("a comparison is no binding, and the walk back is bounded") {
    CHECK(match(*built, "a.py", language::python, "q == \"SELECT \" + a\nexecute(q)\n").empty());
    std::string far = "q = \"SELECT \" + a\n";
    for (std::size_t i = 0; i < kMaxBindingLines; ++i) far += "x = 1\n";
    CHECK(match(*built, "a.py", language::python, far + "execute(q)\n").empty());
  }
  SECTION("not_assigned excludes values") {
    rule r = assigned_rule();
    r.not_assigned = "\\+\\s*str\\(";
    auto narrowed = build_rule_pack({r});
    REQUIRE(narrowed.is_ok());
    std::string code = "q = \"SELECT \" + str(n)\nexecute(q)\np = \"SELECT \" + a\nexecute(p)\n";
    CHECK(lines_of(match(*narrowed, "a.py", language::python, code)) == std::vector<int>{4});
  }
  SECTION("not_assigned alone drops only a variable bound to such a value") {
    rule r = assigned_rule();
    r.patterns = {"\\bexecute\\(\\s*(?:(\\w+)\\s*\\))?"};
    r.assigned.clear();
    r.not_assigned = "^\"[^\"]*\"\\s*$";
    r.examples.positive = {"execute(q)"};
    r.examples.negative = {"q = \"SELECT 1\"\nexecute(q)"};
    auto built_alone = build_rule_pack({r});
    REQUIRE(built_alone.is_ok());
    std::string code =
        "q = \"SELECT 1\"\n"      // 1
        "execute(q)\n"              // 2: a constant
        "p = \"SELECT \" + a\n"   // 3
        "execute(p)\n"              // 4: reported
        "execute(unbound)\n"        // 5: reported
        "execute(q + a)\n";         // 6: no bare variable, reported
    CHECK(lines_of(match(*built_alone, "a.py", language::python, code)) == std::vector<int>{4, 5, 6});
  }
  SECTION("the first pattern must capture the variable") {
    rule r = assigned_rule();
    r.patterns = {"\\bexecute\\("};
    auto bad = build_rule_pack({r});
    REQUIRE_FALSE(bad.is_ok());
    CHECK_THAT(bad.error().message(), Catch::Contains("capture group"));
  }
}

TEST_CASE("the loader names the file and rule of each error", "[analysis][rules]") {
  SECTION("invalid JSON") {
    status s = load_error({{"broken.json", R"j({"rules": [ {"id": "x", )j"}});
    CHECK(s.code() == errc::invalid_argument);
    CHECK_THAT(s.message(), Catch::Contains("broken.json") && Catch::Contains("invalid JSON"));
  }
  SECTION("missing field") {
    std::string text = rule_json("test.no-severity");
    text.replace(text.find(R"j("severity": "high", )j"), 20, "");
    status s = load_error({{"p.json", R"j({"rules": [)j" + text + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("p.json") && Catch::Contains("test.no-severity") &&
                                Catch::Contains("missing field 'severity'"));
  }
  SECTION("bad regex carries RE2's message") {
    status s = load_error({{"p.json", R"j({"rules": [)j" + rule_json("test.bad-regex", "", R"j("eval(")j") + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("p.json") && Catch::Contains("test.bad-regex") &&
                                Catch::Contains("bad regex") && Catch::Contains("missing )"));
  }
  SECTION("bad not_in_block regex") {
    status s = load_error({{"p.json", R"j({"rules": [)j" + rule_json("test.bad-block", R"j(, "not_in_block": "Secure(")j") + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.bad-block") && Catch::Contains("not_in_block") &&
                                Catch::Contains("missing )"));
  }
  SECTION("examples of several lines need assigned") {
    std::string text = rule_json("test.two-lines");
    text.replace(text.find(R"j(["eval(x)"])j"), 11, R"j(["x = 1\neval(x)"])j");
    status s = load_error({{"p.json", R"j({"rules": [)j" + text + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.two-lines") && Catch::Contains("examples are single lines"));
  }
  SECTION("unknown language") {
    std::string text = rule_json("test.lang");
    text.replace(text.find(R"j(["python"])j"), 10, R"j(["cobol"])j");
    status s = load_error({{"p.json", R"j({"rules": [)j" + text + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.lang") && Catch::Contains("unknown language 'cobol'"));
  }
  SECTION("unknown severity") {
    std::string text = rule_json("test.sev");
    text.replace(text.find(R"j("high")j"), 6, R"j("severe")j");
    status s = load_error({{"p.json", R"j({"rules": [)j" + text + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.sev") && Catch::Contains("unknown severity 'severe'"));
  }
  SECTION("duplicate id across files") {
    status s = load_error({{"a.json", R"j({"rules": [)j" + rule_json("test.same") + "]}"},
                           {"b.json", R"j({"rules": [)j" + rule_json("test.same") + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("b.json") && Catch::Contains("test.same") &&
                                Catch::Contains("duplicate id") && Catch::Contains("a.json"));
  }
  SECTION("unknown field") {
    status s = load_error({{"p.json", R"j({"rules": [)j" + rule_json("test.typo", R"j(, "not_patern": "x")j") + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.typo") && Catch::Contains("unknown field 'not_patern'"));
  }
  SECTION("confidence out of range") {
    std::string text = rule_json("test.conf");
    text.replace(text.find("0.7"), 3, "1.5");
    status s = load_error({{"p.json", R"j({"rules": [)j" + text + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.conf") && Catch::Contains("confidence"));
  }
  SECTION("path filter without an example path") {
    status s = load_error({{"p.json", R"j({"rules": [)j" + rule_json("test.paths", R"j(, "paths": ["^ci/"])j") + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.paths") && Catch::Contains("examples.path"));
  }
  SECTION("non-ASCII pattern") {
    status s = load_error({{"p.json", R"j({"rules": [)j" + rule_json("test.ascii", "", "\"caf\xc3\xa9\"") + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.ascii") && Catch::Contains("ASCII"));
  }
  SECTION("pattern that matches an empty line") {
    status s = load_error({{"p.json", R"j({"rules": [)j" + rule_json("test.empty", "", R"j("(eval)?")j") + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.empty") && Catch::Contains("matches an empty line"));
  }
  SECTION("unknown fragment") {
    status s = load_error({{"p.json", R"j({"fragments": {"call": "\\beval\\("}, "rules": [)j" +
                                          rule_json("test.frag", "", R"j("{{cal}}")j") + "]}"}});
    CHECK_THAT(s.message(), Catch::Contains("test.frag") && Catch::Contains("unknown fragment '{{cal}}'"));
  }
  SECTION("rule without an id") {
    status s = load_error({{"p.json", R"j({"rules": [{"cwe": 1}]})j"}});
    CHECK_THAT(s.message(), Catch::Contains("p.json: rule #1") && Catch::Contains("missing field 'id'"));
  }
  SECTION("directory without rule files") {
    status s = load_error({{"README.md", "# nothing"}});
    CHECK_THAT(s.message(), Catch::Contains("no *.json rule file"));
  }
}

TEST_CASE("fragments are expanded into the patterns of their file", "[analysis][rules]") {
  fs::path dir = scratch("fragments");
  write_file(dir / "p.json", R"j({"fragments": {"call": "\\beval\\("},
    "rules": [)j" + rule_json("test.frag", R"j(, "not_pattern": "{{call}}\\s*\"", "in_block": "{{call}}")j", R"j("x = {{call}}")j") + "]}");
  auto loaded = load_rule_pack(dir);
  REQUIRE(loaded.is_ok());
  const rule& r = loaded->rules().front();
  CHECK(r.patterns.front() == "x = \\beval\\(");
  CHECK(r.not_pattern == "\\beval\\(\\s*\"");
  CHECK(r.in_block == "\\beval\\(");
  CHECK(match(*loaded, "a.py", language::python, "x = eval(data)").size() == 1);
  CHECK(match(*loaded, "a.py", language::python, "x = eval(\"1\")").empty());
}

TEST_CASE("a missing rule directory is not_found", "[analysis][rules]") {
  auto loaded = load_rule_pack(scratch("missing") / "nope");
  REQUIRE_FALSE(loaded.is_ok());
  CHECK(loaded.error().code() == errc::not_found);
}
