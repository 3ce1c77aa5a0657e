// Config rules (analysis/rules/config/*.json): every shipped rule against its
// own examples, the loader's errors, and the condition language's semantics.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "analysis/config_checks.h"
#include "analysis/config_parsers.h"
#include "analysis/config_rules.h"

using namespace heimdall;
using namespace heimdall::analysis;

namespace {

// The example documents of a rule are parsed as a file of the rule's kind.
std::string example_path(config_kind kind) {
  switch (kind) {
    case config_kind::terraform: return "main.tf";
    case config_kind::dockerfile: return "Dockerfile";
    case config_kind::github_actions: return ".github/workflows/ci.yml";
    case config_kind::gitlab_ci: return ".gitlab-ci.yml";
    case config_kind::helm_values: return "chart/values.yaml";
    default: return "manifest.yaml";
  }
}

std::set<std::string> fired_ids(const config_rule_set& rules, config_kind kind, const std::string& text,
                                std::string& parse_error) {
  std::vector<config_document> docs;
  config_parse_error error;
  std::string path = example_path(kind);
  std::set<std::string> ids;
  if (!parse_config(kind, path, text, docs, error)) {
    parse_error = "line " + std::to_string(error.line) + ": " + error.message;
    return ids;
  }
  for (config_document& doc : docs) {
    // Example files may lack what content detection looks for (a
    // Kubernetes example is always Kubernetes).
    doc.kind = kind;
    for (const finding& f : evaluate(rules, doc, path, text, /*include_audit=*/true)) {
      ids.insert(f.rule_id);
      CHECK(f.line_start >= 1);
      CHECK(f.source == "config");
    }
  }
  return ids;
}

}  // namespace

TEST_CASE("every shipped config rule reports its positive examples and none of its negative ones",
          "[analysis][config][rules]") {
  const auto& loaded = shipped_config_rules();
  INFO((loaded.is_ok() ? std::string() : loaded.error().message()));
  REQUIRE(loaded.is_ok());
  const config_rule_set& rules = *loaded;
  REQUIRE(rules.rules().size() >= 60);
  for (const config_rule& r : rules.rules()) {
    for (const std::string& doc : r.positive) {
      std::string error;
      auto ids = fired_ids(rules, r.kind, doc, error);
      INFO("rule " << r.id << " positive example:\n" << doc << "\nparse error: " << error);
      CHECK(error.empty());
      CHECK(ids.count(r.id) == 1);
    }
    for (const std::string& doc : r.negative) {
      std::string error;
      auto ids = fired_ids(rules, r.kind, doc, error);
      INFO("rule " << r.id << " negative example:\n" << doc << "\nparse error: " << error);
      CHECK(error.empty());
      CHECK(ids.count(r.id) == 0);
    }
  }
}

TEST_CASE("config rule loader rejects malformed rules with the file and rule named", "[analysis][config]") {
  auto error_of = [](const std::string& rule) {
    auto loaded = load_config_rules({{"x.json", R"({"rules": [)" + rule + "]}"}});
    REQUIRE_FALSE(loaded.is_ok());
    return loaded.error().message();
  };
  const std::string base = R"("id": "t.x", "title": "t", "cwe": 1, "severity": "low", "confidence": 0.5,
      "description": "d", "remediation": "r", "kind": "terraform",
      "examples": {"positive": ["a"], "negative": ["b"]})";
  CHECK_THAT(error_of("{" + base + R"(, "condition": {"path": "a", "bogus": 1}})"),
             Catch::Contains("x.json") && Catch::Contains("t.x") && Catch::Contains("bogus"));
  CHECK_THAT(error_of("{" + base + R"(, "condition": {"path": "a", "matches": "("}})"), Catch::Contains("bad regex"));
  CHECK_THAT(error_of("{" + base + R"(, "condition": {"all": []}})"), Catch::Contains("non-empty"));
  CHECK_THAT(error_of("{" + base + R"(, "scope": "container", "condition": {"path": "a", "exists": true}})"),
             Catch::Contains("no scope"));
  CHECK_THAT(error_of("{" + base + R"(, "condition": {"path": "a.**", "exists": true}})"), Catch::Contains("**"));
  CHECK_THAT(error_of("{" + base + R"(, "typo": 1, "condition": {"path": "a", "exists": true}})"),
             Catch::Contains("unknown field 'typo'"));
  CHECK_THAT(error_of(R"({"id": "t.y", "title": "t", "cwe": 1, "severity": "low", "confidence": 0.5,
      "description": "d", "remediation": "r", "kind": "terraform", "condition": {"path": "a", "exists": true}})"),
             Catch::Contains("examples"));
  auto dup = load_config_rules({{"x.json", R"({"rules": [{)" + base + R"(, "condition": {"path": "a", "exists": true}}, {)" +
                                               base + R"(, "condition": {"path": "a", "exists": true}}]})"}});
  REQUIRE_FALSE(dup.is_ok());
  CHECK_THAT(dup.error().message(), Catch::Contains("duplicate"));
}

TEST_CASE("config conditions: lists are transparent, negated tests need a value, indexes pick", "[analysis][config]") {
  auto rules_with = [](const std::string& condition, const std::string& kind = "kubernetes",
                       const std::string& scope = "document") {
    auto loaded = load_config_rules({{"t.json", R"({"rules": [{"id": "t.r", "title": "t", "cwe": 1,
        "severity": "low", "confidence": 0.5, "description": "d", "remediation": "r", "kind": ")" + kind +
                                                   R"(", "scope": ")" + scope + R"(", "condition": )" + condition +
                                                   R"(, "examples": {"positive": ["a"], "negative": ["b"]}}]})"}});
    INFO((loaded.is_ok() ? std::string() : loaded.error().message()));
    REQUIRE(loaded.is_ok());
    return std::move(loaded).value();
  };
  auto fires = [](const config_rule_set& rules, config_kind kind, const std::string& text) {
    std::vector<config_node> roots;
    config_document doc;
    doc.kind = kind;
    if (kind == config_kind::dockerfile) {
      REQUIRE_FALSE(parse_dockerfile(text, doc.root));
    } else {
      REQUIRE_FALSE(parse_yaml(text, roots));
      REQUIRE(roots.size() == 1);
      doc.root = roots[0];
    }
    return evaluate(rules, doc, "f", text);
  };
  const std::string pod = "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: x:1\n  - name: b\n    image: y\n";
  auto r1 = rules_with(R"({"path": "spec.containers.image", "matches": "^y$"})");
  auto found = fires(r1, config_kind::kubernetes, pod);
  REQUIRE(found.size() == 1);
  CHECK(found[0].line_start == 7);  // the matching node's line
  auto r2 = rules_with(R"({"path": "spec.volumes.hostPath", "not_equals": "x"})");
  CHECK(fires(r2, config_kind::kubernetes, pod).empty());  // absent: a negated test does not hold
  auto r3 = rules_with(R"({"path": "spec.containers[-1].name", "equals": "b"})");
  CHECK(fires(r3, config_kind::kubernetes, pod).size() == 1);
  auto r4 = rules_with(R"({"path": "spec.containers[0].name", "equals": "b"})");
  CHECK(fires(r4, config_kind::kubernetes, pod).empty());
  auto r5 = rules_with(R"({"path": "**.image", "equals": "y"})");
  CHECK(fires(r5, config_kind::kubernetes, pod).size() == 1);
  auto r6 = rules_with(R"({"each": "spec.containers", "where": {"all": [{"path": "name", "equals": "a"},
      {"path": "image", "equals": "y"}]}})");
  CHECK(fires(r6, config_kind::kubernetes, pod).empty());  // both tests must hold on one container
  auto r7 = rules_with(R"({"path": "spec.containers./^ima/", "equals": "x:1"})");
  CHECK(fires(r7, config_kind::kubernetes, pod).size() == 1);
  auto r8 = rules_with(R"({"path": "USER[-1]", "equals": "root"})", "dockerfile", "final_stage");
  CHECK(fires(r8, config_kind::dockerfile, "FROM a AS build\nUSER root\nFROM b\nUSER app\n").empty());
  CHECK(fires(r8, config_kind::dockerfile, "FROM a AS build\nUSER app\nFROM b\nUSER app\nUSER root\n").size() == 1);
}

TEST_CASE("config conditions: public CIDRs and where a finding is reported", "[analysis][config]") {
  auto load = [](const std::string& condition, const std::string& report) {
    auto loaded = load_config_rules({{"t.json", R"({"rules": [{"id": "t.r", "title": "t", "cwe": 1,
        "severity": "low", "confidence": 0.5, "description": "d", "remediation": "r", "kind": "terraform",
        "report": ")" + report + R"(", "condition": )" + condition +
                                                   R"(, "examples": {"positive": ["a"], "negative": ["b"]}}]})"}});
    INFO((loaded.is_ok() ? std::string() : loaded.error().message()));
    REQUIRE(loaded.is_ok());
    return std::move(loaded).value();
  };
  auto lines = [](const config_rule_set& rules, const std::string& text) {
    config_document doc;
    doc.kind = config_kind::terraform;
    REQUIRE_FALSE(parse_hcl(text, doc.root));
    std::vector<int> out;
    for (const finding& f : evaluate(rules, doc, "main.tf", text)) out.push_back(f.line_start);
    return out;
  };
  auto cidr = load(R"({"each": "ingress", "where": {"path": "cidr", "cidr": "public"}})", "block");
  for (const char* open : {"0.0.0.0/0", "127.0.0.0/2", "11.0.0.0/8", "203.0.113.0/28", "::/0", "2001:db8::/32"}) {
    INFO(open);
    CHECK(lines(cidr, std::string("resource \"r\" \"x\" {\n  ingress {\n    cidr = \"") + open + "\"\n  }\n}\n") ==
          std::vector<int>{2});
  }
  for (const char* closed : {"10.0.0.0/8", "172.16.4.0/24", "192.168.0.0/16", "127.0.0.1", "fd00::/8", "fe80::1",
                             "203.0.113.7", "203.0.113.7/32", "2001:db8::1",
                             "not-an-ip", "10.0.0.0/33"}) {
    INFO(closed);
    CHECK(lines(cidr, std::string("resource \"r\" \"x\" {\n  ingress {\n    cidr = \"") + closed + "\"\n  }\n}\n").empty());
  }
  const std::string doc = "resource \"r\" \"x\" {\n  ingress {\n    port = 22\n  }\n}\n";
  const std::string each = R"({"each": "ingress", "where": {"path": "port", "equals": 22}})";
  CHECK(lines(load(each, "subject"), doc) == std::vector<int>{1});
  CHECK(lines(load(each, "block"), doc) == std::vector<int>{2});
  CHECK(lines(load(each, "match"), doc) == std::vector<int>{3});
}

TEST_CASE("config each_finding: one finding per matching node of a top-level each", "[analysis][config]") {
  auto load = [](const std::string& extra, const std::string& condition) {
    return load_config_rules({{"t.json", R"({"rules": [{"id": "t.r", "title": "t", "cwe": 1,
        "severity": "low", "confidence": 0.5, "description": "d", "remediation": "r", "kind": "terraform",
        "report": "block", )" + extra + R"("condition": )" + condition +
                                          R"(, "examples": {"positive": ["a"], "negative": ["b"]}}]})"}});
  };
  const std::string each = R"({"each": "ingress", "where": {"path": "port", "equals": 22}})";
  const std::string text =
      "resource \"r\" \"x\" {\n  ingress {\n    port = 22\n  }\n  ingress {\n    port = 80\n  }\n"
      "  ingress {\n    port = 22\n  }\n}\n";
  config_document doc;
  doc.kind = config_kind::terraform;
  REQUIRE_FALSE(parse_hcl(text, doc.root));
  auto lines = [&](const result<config_rule_set>& rules) {
    INFO((rules.is_ok() ? std::string() : rules.error().message()));
    REQUIRE(rules.is_ok());
    std::vector<int> out;
    for (const finding& f : evaluate(*rules, doc, "main.tf", text)) out.push_back(f.line_start);
    return out;
  };
  CHECK(lines(load("", each)) == std::vector<int>{2});
  CHECK(lines(load(R"("each_finding": true, )", each)) == std::vector<int>{2, 8});
  const std::string any = R"({"any": [{"each": "ingress", "where": {"path": "port", "equals": 22}},
                                      {"path": "name", "equals": "x"}]})";
  CHECK(lines(load(R"("each_finding": true, )", any)) == std::vector<int>{2, 8});
  const std::string all = R"({"all": [{"each": "ingress", "where": {"path": "port", "equals": 22}},
                                      {"path": "name", "missing": true}]})";
  CHECK(lines(load(R"("each_finding": true, )", all)) == std::vector<int>{2, 8});
  const std::string all_fails = R"({"all": [{"each": "ingress", "where": {"path": "port", "equals": 22}},
                                            {"path": "ingress.port", "equals": 443}]})";
  CHECK(lines(load(R"("each_finding": true, )", all_fails)).empty());
  auto wrong = load(R"("each_finding": true, )", R"({"path": "port", "equals": 22})");
  REQUIRE_FALSE(wrong.is_ok());
  CHECK(wrong.error().message().find("each_finding") != std::string::npos);
}

TEST_CASE("config findings name their subject in the snippet, so equal lines keep distinct fingerprints",
          "[analysis][config]") {
  const auto& rules = shipped_config_rules();
  REQUIRE(rules.is_ok());
  const std::string text =
      "resource \"aws_security_group\" \"a\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n"
      "    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n"
      "resource \"aws_security_group\" \"b\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n"
      "    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n";
  config_document doc;
  doc.kind = config_kind::terraform;
  REQUIRE_FALSE(parse_hcl(text, doc.root));
  std::vector<std::string> snippets;
  for (const finding& f : evaluate(*rules, doc, "main.tf", text)) {
    if (f.rule_id == "config.tf.aws.sg.admin-port-open") snippets.push_back(f.code_snippet);
  }
  CHECK(snippets == std::vector<std::string>{"aws_security_group.a: ingress {", "aws_security_group.b: ingress {"});
}

TEST_CASE("a Kubernetes List is checked item by item", "[analysis][config]") {
  const std::string text =
      "apiVersion: v1\nkind: List\nitems:\n"
      "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n  spec:\n    containers:\n    - name: a\n"
      "      image: a:1\n      securityContext:\n        privileged: true\n";
  std::vector<config_document> docs;
  config_parse_error error;
  REQUIRE(parse_config(config_kind::kubernetes, "list.yaml", text, docs, error));
  REQUIRE(docs.size() == 1);
  const auto& rules = shipped_config_rules();
  REQUIRE(rules.is_ok());
  auto found = evaluate(*rules, docs[0], "list.yaml", text);
  CHECK(std::any_of(found.begin(), found.end(), [](const finding& f) {
    return f.rule_id == "config.k8s.container.privileged" && f.line_start == 13;
  }));
}

TEST_CASE("subjects that look alike (containers of one name, unnamed Pods) keep distinct fingerprints",
          "[analysis][config]") {
  const std::string text =
      "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
      "  - name: app\n    securityContext:\n      privileged: true\n"
      "  - name: app\n    securityContext:\n      privileged: true\n"
      "---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
      "  - name: app\n    securityContext:\n      privileged: true\n";
  auto pack = build_rule_pack({});
  REQUIRE(pack.is_ok());
  std::vector<inventory_note> notes;
  std::vector<std::string> snippets;
  for (const finding& f : match_with_config(*pack, "pods.yaml", language::yaml, text, notes)) {
    if (f.rule_id == "config.k8s.container.privileged") snippets.push_back(f.code_snippet);
  }
  CHECK(notes.empty());
  CHECK(snippets == std::vector<std::string>{"Pod/ container app: privileged: true",
                                             "Pod/ container app: privileged: true (#2)",
                                             "Pod/ container app: privileged: true (#3)"});
}
