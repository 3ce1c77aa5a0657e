// static_analysis: the rule pack over a real tree - planted issues found,
// clean files quiet, hostile swaps refused, cancellation honoured.
#include <catch2/catch.hpp>


#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "analysis/static_analysis.h"
#include "analysis/taint.h"
#include "analysis/validation.h"
#include "tests/analysis/scratch_tree.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
using heimdall::analysis::test::scratch_tree;
namespace fs = std::filesystem;

namespace {

// The stage with the shipped rules and detectors; findings go to `found`.
result<static_analysis_summary> analyze(const fs::path& root, const inventory& inv, std::vector<finding>& found,
                                        const std::function<bool()>& cancelled = {}) {
  return run_static_analysis(root, inv, test::shipped_rule_pack(), test::shipped_secret_detectors(),
                             [&](finding f) { found.push_back(std::move(f)); }, cancelled);
}

}  // namespace

TEST_CASE("static analysis finds planted issues and nothing in clean files", "[analysis][static]") {
  scratch_tree t;
  fs::path root = t.root();
  t.write("app/views.py",
        "import subprocess\n"
        "def run(cmd):\n"
        "    subprocess.call(cmd, shell=True)\n");
  t.write("web/server.js",
        "const { exec } = require('child_process');\n"
        "app.get('/x', (req, res) => { exec('ls ' + req.query.dir); });\n");
  t.write("src/Main.java",
        "class Main {\n"
        "  void q(java.sql.Statement st, String id) throws Exception {\n"
        "    st.executeQuery(\"SELECT * FROM users WHERE id = \" + id);\n"
        "  }\n"
        "}\n");
  t.write("native/copy.c", "#include <string.h>\nvoid f(char *d, const char *s) { strcpy(d, s); }\n");
  t.write("Dockerfile", "FROM ubuntu:latest\nUSER root\n");
  const std::string key = "AKIA" + std::string("Q3EGRT7YHKX2M5ZB");  // shape of an AWS access key id
  t.write("deploy/.env", "AWS_ACCESS_KEY_ID=" + key + "\n");
  // Clean counterparts: parameterised, no shell, bounded copies, pinned image.
  t.write("clean/views.py",
        "import subprocess\n"
        "def run(args):\n"
        "    subprocess.run(['ls', '-l'], check=True)\n");
  t.write("clean/server.js", "const path = require('path');\nmodule.exports = (a, b) => path.join(a, b);\n");
  t.write("clean/Query.java",
        "class Query {\n"
        "  void q(java.sql.Connection c, String id) throws Exception {\n"
        "    var ps = c.prepareStatement(\"SELECT * FROM users WHERE id = ?\");\n"
        "    ps.setString(1, id);\n"
        "  }\n"
        "}\n");
  t.write("clean/copy.c", "#include <string.h>\nvoid f(char *d, const char *s, size_t n) { strncpy(d, s, n - 1); }\n");
  t.write("clean/Dockerfile", "FROM ubuntu:22.04\nUSER app\n");
  t.write("clean/.env", "AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}\nPASSWORD=changeme\n");

  auto inv = take_inventory(root, inventory_limits{});
  REQUIRE(inv);
  std::vector<finding> found;
  auto summary = analyze(root, *inv, found);
  REQUIRE(summary);
  CHECK(summary->files_scanned == 12);
  CHECK(summary->findings == found.size());

  std::set<std::string> files_with_findings;
  for (const auto& f : found) {
    files_with_findings.insert(f.file_path);
    CHECK(f.cwe_id > 0);
    CHECK(f.line_start > 0);
    CHECK_FALSE(f.rule_id.empty());
  }
  for (const char* planted :
       {"app/views.py", "web/server.js", "src/Main.java", "native/copy.c", "Dockerfile", "deploy/.env"}) {
    INFO(planted);
    CHECK(files_with_findings.count(planted) == 1);
  }
  for (const auto& file : files_with_findings) {
    INFO(file);
    CHECK(file.rfind("clean/", 0) != 0);
  }
  // The secret is reported by its own detector, masked.
  bool secret_reported = false;
  for (const auto& f : found) {
    if (f.file_path != "deploy/.env") continue;
    secret_reported = secret_reported || f.source == "secrets";
    CHECK(f.code_snippet.find(key) == std::string::npos);
  }
  CHECK(secret_reported);
}

TEST_CASE("C files are flow-analysed with the macros and prototypes of the project's headers", "[analysis][static]") {
  scratch_tree t;
  fs::path root = t.root();
  t.write("include/platform.h", "#define STACK_BYTES alloca\nvoid log_text(const char *text);\n");
  t.write("src/work.c",
          "#include \"platform.h\"\n"
          "void scratch(void) { char *p = (char *)STACK_BYTES(32); p[0] = 0; free(p); }\n"
          "void note(void) { char *m = malloc(16); if (!m) return; m[0] = 0; log_text(m); }\n");
  auto inv = take_inventory(root, inventory_limits{});
  REQUIRE(inv);
  std::vector<finding> found;
  REQUIRE(analyze(root, *inv, found));
  std::set<std::pair<std::string, int>> got;
  for (const auto& f : found) got.insert({f.rule_id, f.line_start});
  CHECK(got.count({"c.flow.free-not-heap", 2}) == 1);  // the header's macro names alloca
  CHECK(got.count({"c.flow.memory-leak", 3}) == 1);    // the header's prototype only reads m
}

TEST_CASE("static analysis hands on the lines c_flow proved safe", "[analysis][static]") {
  scratch_tree t;
  t.write("src/copy.c",
          "void f(char **argv) {\n  char d[8], s[] = \"abc\";\n  strcpy(d, s);\n  strcpy(d, argv[1]);\n}\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  std::vector<finding> found;
  auto done = analyze(t.root(), *inv, found);
  REQUIRE(done);
  REQUIRE(done.value().cleared.size() == 1);
  const taint_clearance& c = done.value().cleared[0];
  CHECK((c.file_path == "src/copy.c" && c.line_start == 3 && c.line_end == 3 && c.cwe == 120));
  // The pattern findings on both copies are recorded; vidarr withdraws the proved one.
  CHECK(std::count_if(found.begin(), found.end(), [](const finding& f) { return f.rule_id == "c.buffer.unbounded-copy"; }) == 2);
}

TEST_CASE("a file swapped for a symlink after the inventory is not read", "[analysis][static]") {
  scratch_tree t;
  fs::path root = t.root();
  t.write("secret.py", "eval(input())\n", /*outside=*/true);
  t.write("a.py", "print('hello')\n");
  auto inv = take_inventory(root, inventory_limits{});
  REQUIRE(inv);
  fs::remove(root / "a.py");
  fs::create_symlink(t.base() / "secret.py", root / "a.py");
  std::vector<finding> found;
  auto summary = analyze(root, *inv, found);
  REQUIRE(summary);
  CHECK(found.empty());
  REQUIRE(summary->notes.size() == 1);
  CHECK(summary->notes[0].path == "a.py");
  CHECK_THAT(summary->notes[0].reason, Catch::StartsWith("skipped: cannot read"));
}

TEST_CASE("static analysis stops when cancelled", "[analysis][static]") {
  scratch_tree t;
  fs::path root = t.root();
  for (int i = 0; i < 5; ++i) t.write("f" + std::to_string(i) + ".py", "x = 1\n");
  auto inv = take_inventory(root, inventory_limits{});
  REQUIRE(inv);
  int checks = 0;
  std::vector<finding> found;
  auto summary = analyze(root, *inv, found, [&] { return ++checks > 2; });
  REQUIRE_FALSE(summary);
  CHECK(summary.error().code() == errc::closed);
}

TEST_CASE("static analysis runs parsed config checks and notes files that do not parse", "[analysis][static][config]") {
  scratch_tree t;
  fs::path root = t.root();
  t.write("infra/main.tf",
          "resource \"aws_security_group\" \"admin\" {\n"
          "  description = \"admin\"\n"
          "  ingress {\n"
          "    from_port   = 22\n"
          "    to_port     = 22\n"
          "    protocol    = \"tcp\"\n"
          "    cidr_blocks = [\"0.0.0.0/0\"]\n"
          "  }\n"
          "}\n");
  t.write("deploy/pod.yaml",
          "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n"
          "    securityContext:\n      privileged: true\n");
  t.write("Dockerfile", "FROM alpine:3.19\nUSER root\n");
  t.write("broken/bad.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n");
  auto inv = take_inventory(root, inventory_limits{});
  REQUIRE(inv.is_ok());
  std::vector<finding> found;
  auto summary = analyze(root, *inv, found);
  REQUIRE(summary.is_ok());
  auto has = [&](const std::string& id, const std::string& path, int line) {
    return std::any_of(found.begin(), found.end(), [&](const finding& f) {
      return f.rule_id == id && f.file_path == path && f.line_start == line && f.source == "config";
    });
  };
  CHECK(has("config.tf.aws.sg.admin-port-open", "infra/main.tf", 3));  // the ingress block
  CHECK(has("config.k8s.container.privileged", "deploy/pod.yaml", 10));
  CHECK(has("config.docker.user.last-root", "Dockerfile", 2));
  // Superseded line rules are not reported a second time on parsed files...
  for (const finding& f : found) {
    CHECK(f.rule_id != "k8s.privileged");
    CHECK(f.rule_id != "docker.user.root");
    CHECK(!(f.rule_id == "tf.network.open-cidr" && f.file_path == "infra/main.tf"));
  }
  // ...but a file that fails to parse keeps its line rules and gets a note.
  CHECK(std::any_of(found.begin(), found.end(),
                    [](const finding& f) { return f.file_path == "broken/bad.tf" && f.rule_id == "tf.storage.public-acl"; }));
  CHECK(std::any_of(summary->notes.begin(), summary->notes.end(), [](const inventory_note& n) {
    return n.path == "broken/bad.tf" && n.reason.find("config: broken/bad.tf: parse error at line 1") == 0;
  }));
}

TEST_CASE("static analysis drops rule matches inside block comments, keeps secrets there, and counts the parses",
          "[analysis][static][syntax]") {
  scratch_tree t;
  t.write("native/copy.c",
          "#include <string.h>\n"
          "/* The old way, kept for reference:\n"
          "   strcpy(d, s);\n"
          "*/\n"
          "void f(char *d, const char *s) { strcpy(d, s); }\n");
  const std::string key = "AKIA" + std::string("Q3EGRT7YHKX2M5ZB");
  t.write("native/key.c", "/*\n  aws key: " + key + "\n*/\nint x;\n");
  t.write("clean/none.c", "int add(int a, int b) { return a + b; }\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv.is_ok());
  std::vector<finding> found;
  auto summary = analyze(t.root(), inv.value(), found);
  REQUIRE(summary.is_ok());
  std::vector<int> copy_lines;
  bool secret_in_comment = false;
  for (const finding& f : found) {
    if (f.rule_id == "c.buffer.unbounded-copy") copy_lines.push_back(f.line_start);
    if (f.file_path == "native/key.c") secret_in_comment = true;
  }
  CHECK(copy_lines == std::vector<int>{5});
  CHECK(secret_in_comment);
  CHECK(summary->matches_in_comments == 1);
  CHECK(summary->files_parsed == 1);  // copy.c: only a file with a rule match below a block comment is parsed
  CHECK(summary->files_unparsable == 0);
}

TEST_CASE("static analysis drops rule matches inside python docstrings, not inside strings the code uses",
          "[analysis][static][syntax]") {
  scratch_tree t;
  t.write("app/run.py",
          "\"\"\"Runs commands.\n"
          "\n"
          "    os.system(cmd)  # what not to do\n"
          "\"\"\"\n"
          "import os\n"
          "def run(cmd, db, uid):\n"
          "    '''Example: yaml.load(text)'''\n"
          "    os.system(cmd)\n"
          "    db.execute(\"\"\"SELECT * FROM t WHERE id = '%s'\"\"\" % uid)\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv.is_ok());
  std::vector<finding> found;
  auto summary = analyze(t.root(), inv.value(), found);
  REQUIRE(summary.is_ok());
  std::set<int> lines;
  for (const finding& f : found) lines.insert(f.line_start);
  CHECK_FALSE(lines.count(3));
  CHECK_FALSE(lines.count(7));
  CHECK(lines.count(8));
  CHECK(lines.count(9));  // the query the code builds, in triple quotes
  CHECK(summary->matches_in_comments >= 2);
  CHECK(summary->files_parsed == 1);
}

TEST_CASE("a generic credential in a docstring or block comment is an example, a provider's key there is not",
          "[analysis][static][syntax]") {
  scratch_tree t;
  const std::string key = "AKIA" + std::string("Q3EGRT7YHKX2M5ZB");
  t.write("oauth/params.py",
          "def parse(body):\n"
          "    \"\"\"Parses a token response, e.g.\n"
          "\n"
          "        access_token=\"2YotnFZFEjr1zCsicMWpAA\"\n"
          "        aws key: " + key + "\n"
          "    \"\"\"\n"
          "    return body\n"
          "access_token = \"tGzv3JOkF0XG5Qx2TlKWIA\"\n");
  t.write("oauth/params.c",
          "/* A response:\n"
          "   access_token=\"2YotnFZFEjr1zCsicMWpAA\"\n"
          "*/\n"
          "const char *access_token = \"tGzv3JOkF0XG5Qx2TlKWIA\";\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv.is_ok());
  std::vector<finding> found;
  auto summary = analyze(t.root(), inv.value(), found);
  REQUIRE(summary.is_ok());
  std::set<std::pair<std::string, int>> generic, aws;
  for (const finding& f : found) {
    if (f.rule_id == "secrets.generic-secret-assignment") generic.insert({f.file_path, f.line_start});
    if (f.rule_id.find("aws") != std::string::npos) aws.insert({f.file_path, f.line_start});
  }
  CHECK(generic == std::set<std::pair<std::string, int>>{{"oauth/params.py", 8}, {"oauth/params.c", 4}});
  CHECK(aws == std::set<std::pair<std::string, int>>{{"oauth/params.py", 5}});
  CHECK(summary->matches_in_comments == 2);
}

TEST_CASE("typescript declaration files get no code rules but are searched for secrets", "[analysis][static]") {
  scratch_tree t;
  const std::string key = "AKIA" + std::string("Q3EGRT7YHKX2M5ZB");
  t.write("types/client.d.ts", "export interface Client {\n  eval(script: string, keys: number): Promise<unknown>;\n}\n"
                               "// aws: " + key + "\n");
  t.write("src/run.ts", "export function run(script: string) {\n  return eval(script);\n}\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv.is_ok());
  std::vector<finding> found;
  REQUIRE(analyze(t.root(), inv.value(), found).is_ok());
  bool code_in_declarations = false, code_in_source = false, secret_in_declarations = false;
  for (const finding& f : found) {
    if (f.file_path == "types/client.d.ts") (f.source == "secrets" ? secret_in_declarations : code_in_declarations) = true;
    if (f.file_path == "src/run.ts" && f.line_start == 2) code_in_source = true;
  }
  CHECK_FALSE(code_in_declarations);
  CHECK(secret_in_declarations);
  CHECK(code_in_source);
  CHECK(is_type_declarations("a/b.d.mts"));
  CHECK_FALSE(is_type_declarations("a/d.ts"));
}

TEST_CASE("static analysis parses only files where a match could sit in a block comment", "[analysis][static][syntax]") {
  scratch_tree t;
  // Python has no block comments, and this file no triple quotes: the
  // rules' own comment check suffices.
  t.write("app/run.py", "import os\ndef run(cmd):\n    os.system(cmd)\n");
  // Ruby's =begin ... =end: the lines inside start with no comment marker.
  t.write("lib/old.rb", "=begin\n  system(\"rm -rf #{params[:dir]}\")\n=end\nputs 'ok'\n");
  t.write("lib/new.rb", "system(\"rm -rf #{params[:dir]}\")\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv.is_ok());
  std::vector<finding> found;
  auto summary = analyze(t.root(), inv.value(), found);
  REQUIRE(summary.is_ok());
  bool python_found = false, ruby_found = false;
  for (const finding& f : found) {
    CHECK(f.file_path != "lib/old.rb");
    python_found = python_found || f.file_path == "app/run.py";
    ruby_found = ruby_found || f.file_path == "lib/new.rb";
  }
  CHECK(python_found);
  CHECK(ruby_found);  // the same line outside the block comment
  CHECK(summary->files_parsed == 1);  // old.rb alone
  CHECK(summary->matches_in_comments >= 1);
}

TEST_CASE("an erb template's unescaped output is one finding per line beside the taint one", "[analysis][static]") {
  scratch_tree t;
  t.write("app/views/posts/show.html.erb",
          "<h1><%= @post.title %></h1>\n"                 // 1
          "<div><%== @post.body %></div>\n"               // 2
          "<p><%= raw params[:note] %></p>\n"             // 3
          "<a href=<%= @post.url %>>link</a>\n"           // 4
          "<script>var d = <%== @tags.to_json %>;</script>\n");  // 5
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  std::vector<finding> found;
  REQUIRE(analyze(t.root(), *inv, found));
  auto taint = run_taint_analysis(t.root(), *inv, test::shipped_taint_spec(), threat_model{},
                                  [&](finding f) { found.push_back(std::move(f)); });
  REQUIRE(taint);
  std::vector<std::size_t> gone = redundant_findings(found, taint->cleared);
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (std::find(gone.begin(), gone.end(), i) == gone.end()) {
      kept.push_back(std::to_string(found[i].line_start) + " " + found[i].rule_id);
    }
  }
  std::sort(kept.begin(), kept.end());
  CHECK(kept == std::vector<std::string>{"2 html.xss.erb-unescaped-output", "3 ruby.taint.xss",
                                         "4 html.xss.unquoted-attribute-template-value"});
}

TEST_CASE("each template engine's unescaped output is found in its own files only", "[analysis][static]") {
  scratch_tree t;
  t.write("app/templates/profile.html.j2", "<div>{{ user.bio|safe }}</div>\n");
  // Ansible's template of a configuration file: no HTML rules.
  t.write("roles/web/templates/site.conf.j2", "server_name {{ host|safe }};\n");
  t.write("views/profile.ejs", "<% if (user) { %>\n<p><%- user.bio %></p>\n<% } %>\n");
  // In ERB, <%- opens trimmed code, not output.
  t.write("app/views/users/show.html.erb", "<%- if @user %>\n<p><%= @user.bio %></p>\n<%- end %>\n");
  t.write("views/profile.pug", "div\n  p!= user.bio\n");
  t.write("views/profile.hbs", "<p>{{{ user.bio }}}</p>\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  std::vector<finding> found;
  REQUIRE(analyze(t.root(), *inv, found));
  std::vector<std::string> got;
  for (const finding& f : found) got.push_back(f.file_path + ":" + std::to_string(f.line_start) + " " + f.rule_id);
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"app/templates/profile.html.j2:1 html.xss.template-safe-filter",
                                        "views/profile.ejs:2 html.xss.ejs-unescaped-output",
                                        "views/profile.hbs:1 html.xss.mustache-triple-stash",
                                        "views/profile.pug:2 html.xss.pug-unescaped-output"});
}
