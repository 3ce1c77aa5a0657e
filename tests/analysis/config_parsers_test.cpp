// config_parsers: HCL, YAML, JSON and Dockerfile into config_node trees -
// structure and lines, the syntax corners, malformed input as errors with a
// line, and random bytes and truncations that must never crash or hang.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>

#include "analysis/config_parsers.h"

using namespace heimdall::analysis;

namespace {

const config_node& at(const config_node& n, std::size_t i) {
  REQUIRE(i < n.children.size());
  return n.children[i];
}

}  // namespace

TEST_CASE("HCL: blocks, labels, attributes, nested blocks, expressions", "[analysis][config][hcl]") {
  const std::string text =
      "# comment\n"
      "// another\n"
      "/* a block\n   comment { */\n"
      "resource \"aws_s3_bucket\" \"logs\" {\n"          // line 5
      "  bucket = \"team-${var.env}-logs\" # trailing\n"
      "  count  = 2\n"
      "  acl    = var.acl\n"
      "  tags   = { Name = \"logs\", \"team\" = local.team }\n"
      "  list   = [\"a\", 1,\n    true]\n"               // lines 10-11
      "  policy = <<-EOF\n"  // line 12
      "    {\"Statement\": [{\"Action\": \"*\"}]}\n"
      "    EOF\n"
      "  versioning {\n"
      "    enabled = true\n"                              // line 15
      "  }\n"
      "  cond = var.x ? \"a\" : \"b\"\n"
      "  s    = \"brace } and # inside\"\n"
      "}\n";
  config_node root;
  auto error = parse_hcl(text, root);
  INFO((error ? error->message : ""));
  REQUIRE_FALSE(error);
  const config_node& r = at(root, 0);
  CHECK(r.key == "resource");
  CHECK(r.labels == std::vector<std::string>{"aws_s3_bucket", "logs"});
  CHECK(r.line == 5);
  const config_node* bucket = r.find("bucket");
  REQUIRE(bucket);
  CHECK_FALSE(bucket->literal);
  CHECK(bucket->text == "team-${var.env}-logs");
  CHECK(r.find("count")->text == "2");
  CHECK(r.find("count")->literal);
  CHECK_FALSE(r.find("acl")->literal);
  CHECK(r.find("acl")->text == "var.acl");
  REQUIRE(r.find("tags")->is_map());
  CHECK(r.find("tags")->find("team"));
  REQUIRE(r.find("list")->is_list());
  CHECK(r.find("list")->children.size() == 3);
  const config_node* policy = r.find("policy");
  REQUIRE(policy->is_map());  // JSON in a heredoc is parsed
  CHECK(policy->find("Statement"));
  CHECK(policy->line == 12);
  CHECK(policy->find("Statement")->line == 12);  // the JSON is one string: its nodes keep the attribute's line
  CHECK(r.find("versioning")->find("enabled")->line == 16);
  CHECK(r.find("cond")->text == "var.x ? \"a\" : \"b\"");
  CHECK(r.find("s")->text == "brace } and # inside");
}

TEST_CASE("HCL: a negative number is a literal, an arithmetic expression is not", "[analysis][config][hcl]") {
  config_node root;
  auto error = parse_hcl("resource \"r\" \"x\" {\n  protocol = -1\n  port = 2 - 1\n  neg = -var.n\n}\n", root);
  REQUIRE_FALSE(error);
  const config_node& r = at(root, 0);
  CHECK(r.find("protocol")->text == "-1");
  CHECK(r.find("protocol")->literal);
  CHECK_FALSE(r.find("port")->literal);
  CHECK_FALSE(r.find("neg")->literal);
}

TEST_CASE("HCL: a nested dynamic block reads as the block it generates", "[analysis][config][hcl]") {
  config_node root;
  auto error = parse_hcl(
      "resource \"google_sql_database_instance\" \"db\" {\n"
      "  settings {\n"
      "    ip_configuration {\n"
      "      dynamic \"authorized_networks\" {\n"  // line 4
      "        for_each = var.nets\n"
      "        content {\n"
      "          value = \"0.0.0.0/0\"\n"
      "          name  = authorized_networks.value.name\n"
      "        }\n"
      "      }\n"
      "    }\n"
      "  }\n"
      "}\n"
      "dynamic \"top\" {\n  content {}\n}\n",
      root);
  REQUIRE_FALSE(error);
  const config_node* ip = at(root, 0).find("settings")->find("ip_configuration");
  REQUIRE(ip);
  const config_node* nets = ip->find("authorized_networks");
  REQUIRE(nets);
  CHECK(nets->line == 4);
  CHECK(nets->labels.empty());
  CHECK_FALSE(nets->find("content"));
  CHECK_FALSE(nets->find("for_each"));
  CHECK(nets->find("value")->text == "0.0.0.0/0");
  CHECK(nets->find("value")->literal);
  CHECK_FALSE(nets->find("name")->literal);
  CHECK(at(root, 1).key == "dynamic");  // only blocks inside a body are generated ones
}

TEST_CASE("HCL: malformed input is an error with its line", "[analysis][config][hcl]") {
  struct bad {
    std::string text;
    int line;
  };
  for (const bad& b : std::vector<bad>{{"resource \"a\" \"b\" {\n  x = 1\n", 1},
                                       {"a = \"unterminated\n", 1},
                                       {"a = 1\n/* never closed\n", 2},
                                       {"x {\n  y = <<EOF\n  text\n}\n", 2},
                                       {"a = 1\nb = \n", 2},
                                       {"}\n", 1},
                                       {"a = \"${ unclosed\"\n", 1}}) {
    config_node root;
    auto error = parse_hcl(b.text, root);
    INFO(b.text);
    REQUIRE(error);
    CHECK(error->line == b.line);
    CHECK_FALSE(error->message.empty());
  }
}

TEST_CASE("YAML: documents, tags, anchors and merge keys, lines", "[analysis][config][yaml]") {
  const std::string text =
      "base: &base\n"
      "  image: nginx\n"
      "  ports: [80]\n"
      "svc:\n"
      "  <<: *base\n"          // line 5
      "  image: custom\n"
      "ref: !Ref Bucket\n"
      "---\n"
      "kind: Pod\n";
  std::vector<config_node> docs;
  auto error = parse_yaml(text, docs);
  REQUIRE_FALSE(error);
  REQUIRE(docs.size() == 2);
  const config_node* svc = docs[0].find("svc");
  REQUIRE(svc);
  CHECK(svc->find("image")->text == "custom");  // own keys win over merged ones
  CHECK(svc->find("ports"));
  const config_node* ref = docs[0].find("ref");
  CHECK(ref->tag == "!Ref");
  CHECK_FALSE(ref->literal);
  CHECK(ref->line == 7);
  CHECK(docs[1].find("kind")->text == "Pod");
  CHECK(docs[1].find("kind")->line == 9);

  std::vector<config_node> bad;
  auto failed = parse_yaml("a: b\n c: [\n", bad);
  REQUIRE(failed);
  CHECK(failed->line >= 1);
  // Billion laughs: aliases that expand past the node budget are refused.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) laughs += std::string(i ? ", *" : "*") + static_cast<char>(c - 1);
    laughs += "]\n";
  }
  CHECK(parse_yaml(laughs, bad));
}

TEST_CASE("JSON: objects with lines, errors", "[analysis][config][json]") {
  config_node root;
  REQUIRE_FALSE(parse_json_config("{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\", \"n\": 1.5}\n  }\n}", root));
  const config_node* b = root.find("Resources")->find("B");
  REQUIRE(b);
  CHECK(b->line == 3);
  CHECK(b->find("n")->text == "1.5");
  CHECK(parse_json_config("{\"a\": }", root));
  CHECK(parse_json_config("[1, 2]", root));
}

TEST_CASE("Dockerfile: stages, continuation, heredocs, directives", "[analysis][config][dockerfile]") {
  const std::string text =
      "# escape=`\n"
      "ARG VERSION=3.19\n"
      "FROM --platform=linux/amd64 alpine:${VERSION} AS build\n"
      "RUN apk add `\n"
      "    # a comment inside\n"
      "    curl\n"
      "FROM registry.example.com:5000/app@sha256:abc\n"  // line 7
      "RUN <<EOF\n"
      "echo hi\n"
      "EOF\n"
      "user app\n";
  config_node root;
  auto error = parse_dockerfile(text, root);
  INFO((error ? error->message : ""));
  REQUIRE_FALSE(error);
  CHECK(root.find("ARG")->text == "VERSION=3.19");
  REQUIRE(root.children.size() == 3);
  const config_node& build = root.children[1];
  CHECK(build.find("FROM")->find("image")->text == "alpine");
  CHECK(build.find("FROM")->find("alias")->text == "build");
  CHECK(build.find("FROM")->find("platform")->text == "linux/amd64");
  CHECK(build.find("RUN")->text.find("curl") != std::string::npos);
  const config_node& final_stage = root.children[2];
  CHECK(final_stage.line == 7);
  CHECK(final_stage.find("FROM")->find("image")->text == "registry.example.com:5000/app");
  CHECK_FALSE(final_stage.find("FROM")->find("tag"));
  CHECK(final_stage.find("FROM")->find("digest")->text == "sha256:abc");
  CHECK(final_stage.find("RUN")->text.find("echo hi") != std::string::npos);
  CHECK(final_stage.find("USER")->text == "app");
  CHECK(final_stage.find("USER")->line == 11);

  config_node bad;
  CHECK(parse_dockerfile("FROM a\nBOGUS x\n", bad)->line == 2);
  CHECK(parse_dockerfile("RUN x\n", bad));
  CHECK(parse_dockerfile("", bad));
}

TEST_CASE("config parsers survive random bytes and truncations", "[analysis][config][fuzz]") {
  const std::vector<std::string> seeds = {
      "resource \"aws_s3_bucket\" \"b\" {\n  x = \"${a(\"}\")}\"\n  y = <<EOF\n{\"a\":1}\nEOF\n  z { w = [1, {a = 2}] }\n}\n",
      "a: &x {b: [1, 2, *x]}\n---\n- !Sub '${A}'\n- {c: d}\n",
      "{\"a\": [1, {\"b\": null}], \"c\": \"d\"}",
      "FROM a AS b\nRUN x \\\n  y\nRUN <<E\nz\nE\nUSER root\n"};
  std::mt19937 rng(20261201);
  auto started = std::chrono::steady_clock::now();
  auto run_all = [](const std::string& input) {
    config_node node;
    std::vector<config_node> docs;
    (void)parse_hcl(input, node);
    (void)parse_yaml(input, docs);
    (void)parse_json_config(input, node);
    (void)parse_dockerfile(input, node);
  };
  for (const std::string& seed : seeds) {
    for (std::size_t n = 0; n <= seed.size(); ++n) run_all(seed.substr(0, n));  // every truncation
    for (int round = 0; round < 300; ++round) {
      std::string mutated = seed;
      for (int k = 0; k < 4; ++k) {
        std::size_t pos = rng() % (mutated.size() + 1);
        switch (rng() % 3) {
          case 0: mutated.insert(pos, 1, static_cast<char>(rng() % 256)); break;
          case 1: if (pos < mutated.size()) mutated.erase(pos, 1); break;
          default: if (pos < mutated.size()) mutated[pos] = "{}[]\"'$<>:-\n#*&!\\`"[rng() % 19]; break;
        }
      }
      run_all(mutated);
    }
  }
  for (int round = 0; round < 200; ++round) {
    std::string noise(rng() % 400, '\0');
    for (char& c : noise) c = static_cast<char>(rng() % 256);
    run_all(noise);
  }
  // Deep nesting is refused, not recursed into.
  run_all(std::string(100000, '['));
  run_all(std::string(100000, '{'));
  run_all("a = " + std::string(50000, '[') + "\n");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(60));
}
