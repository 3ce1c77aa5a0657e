// `heimdall scan`: formats, --fail-on exit codes, progress on stderr, and
// clear errors for bad input.
#include <cstdlib>

#include <catch2/catch.hpp>

#include <simdjson.h>

#include <filesystem>

#include "tests/test_dirs.h"
#include "tests/test_repo.h"

using namespace heimdall::test;
namespace fs = std::filesystem;

TEST_CASE("heimdall scan prints findings as text, JSON or SARIF and exits by --fail-on", "[scan][cli]") {
  fs::path root = scratch_dir("scan-cli");
  test_repo(root / "vuln").commit({{"run.py", "import subprocess\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"},
                                   {"ok.py", "print('hello')\n"}});
  test_repo(root / "clean").commit({{"ok.py", "print('hello')\n"}});
  const std::string vuln = (root / "vuln").string();

  auto text = run_heimdall({"scan", vuln});
  INFO(text.err);
  CHECK(text.exit_code == 0);  // no --fail-on: findings alone do not fail
  CHECK(text.out.find("run.py:3") != std::string::npos);
  CHECK(text.err.find("[static_analysis] completed") != std::string::npos);
  CHECK(text.err.find("[report] completed") != std::string::npos);

  CHECK(run_heimdall({"scan", vuln, "--fail-on", "high", "--quiet"}).exit_code == 1);
  CHECK(run_heimdall({"scan", (root / "clean").string(), "--fail-on", "low", "--quiet"}).exit_code == 0);

  auto json = run_heimdall({"scan", vuln, "--format", "json", "--quiet"});
  REQUIRE(json.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json.out).get(doc) == simdjson::SUCCESS);
  std::string_view status, path;
  REQUIRE(doc["scan"]["status"].get(status) == simdjson::SUCCESS);
  CHECK(status == "completed");
  simdjson::dom::array findings;
  REQUIRE(doc["findings"].get(findings) == simdjson::SUCCESS);
  REQUIRE(findings.size() >= 1);
  const std::size_t json_findings = findings.size();
  REQUIRE(findings.at(0)["file_path"].get(path) == simdjson::SUCCESS);
  CHECK(path == "run.py");

  std::string sarif_file = (root / "out.sarif").string();
  auto sarif = run_heimdall({"scan", vuln, "--format", "sarif", "--output", sarif_file, "--quiet"});
  REQUIRE(sarif.exit_code == 0);
  CHECK(sarif.out.empty());
  simdjson::dom::parser sarif_parser;
  simdjson::dom::element log;
  REQUIRE(sarif_parser.load(sarif_file).get(log) == simdjson::SUCCESS);
  std::string_view version;
  REQUIRE(log["version"].get(version) == simdjson::SUCCESS);
  CHECK(version == "2.1.0");
  simdjson::dom::array results;
  REQUIRE(log["runs"].at(0)["results"].get(results) == simdjson::SUCCESS);
  CHECK(results.size() == json_findings);
}

TEST_CASE("heimdall scan completes when file names and code and parser messages hold bytes that are not UTF-8",
          "[scan][cli]") {
  // Every event is JSON, which must be UTF-8: a Latin-1 file name, a
  // Latin-1 line in a finding, or a configuration parser quoting a stray
  // byte in its error once made the log refuse the event, and the scan
  // stopped without an end (the command waited for ever).
  fs::path root = scratch_dir("scan-cli-bytes");
  test_repo(root / "repo").commit({{"caf\xe9.py", "import os\n# r\xe9sum\xe9\nos.system(cmd)  # \xe9\n"},
                                   {"main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n\xdf\xff {\n"}});
  auto json = run_heimdall({"scan", (root / "repo").string(), "--format", "json", "--quiet"});
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json.out).get(doc) == simdjson::SUCCESS);  // valid UTF-8 throughout
  simdjson::dom::array findings;
  REQUIRE(doc["findings"].get(findings) == simdjson::SUCCESS);
  bool named = false;
  for (simdjson::dom::element f : findings) {
    std::string_view path;
    if (f["file_path"].get(path) == simdjson::SUCCESS) named |= path == "caf\xef\xbf\xbd.py";  // U+FFFD
  }
  CHECK(named);
}

TEST_CASE("heimdall scan reports bad input clearly with exit 2", "[scan][cli]") {
  fs::path root = scratch_dir("scan-cli-bad");
  fs::create_directories(root / "plain");
  auto missing = run_heimdall({"scan", (root / "nope").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("cannot scan") != std::string::npos);
  auto not_git = run_heimdall({"scan", (root / "plain").string(), "--quiet"});
  CHECK(not_git.exit_code == 2);
  CHECK(not_git.err.find("checkout") != std::string::npos);
  CHECK(run_heimdall({"scan", (root / "plain").string(), "--format", "xml"}).exit_code == 2);
  CHECK(run_heimdall({"scan", (root / "plain").string(), "--fail-on", "severe"}).exit_code == 2);
  CHECK(run_heimdall({"scan"}).exit_code == 2);
  auto no_key = run_heimdall({"scan", (root / "plain").string(), "--git-ssh-key", (root / "id_none").string()});
  CHECK(no_key.exit_code == 2);
  CHECK(no_key.err.find("--git-ssh-key: no such file") != std::string::npos);
}

TEST_CASE("heimdall scan takes git credentials from the environment and never prints them", "[scan][cli]") {
  // Nothing listens on port 1 of the loopback: the clone fails at once, and
  // its error must not carry the token that was offered.
  const std::string secret = "hmdl-test-token-5f1c9a";
  ::setenv("HEIMDALL_GIT_TOKEN", secret.c_str(), 1);
  auto failed = run_heimdall({"scan", "https://127.0.0.1:1/team/app.git", "--git-user", "ci-bot"});
  ::unsetenv("HEIMDALL_GIT_TOKEN");
  CHECK(failed.exit_code == 2);
  CHECK(failed.err.find(secret) == std::string::npos);
  CHECK(failed.out.find(secret) == std::string::npos);
  // A token inside the URL is refused before anything is fetched.
  auto in_url = run_heimdall({"scan", "https://ci-bot:" + secret + "@127.0.0.1:1/team/app.git"});
  CHECK(in_url.exit_code == 2);
  CHECK(in_url.err.find(secret) == std::string::npos);
}

TEST_CASE("heimdall scan into a kept log scans the same repository again under one repo", "[scan][cli]") {
  fs::path root = scratch_dir("scan-cli-kept");
  test_repo(root / "a").commit({{"run.py", "import subprocess\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"}});
  test_repo(root / "b").commit({{"ok.py", "print('hello')\n"}});
  const std::string data = (root / "data").string();
  auto repo_and_scan = [&](const fs::path& repo) {
    auto run = run_heimdall({"scan", repo.string(), "--data", data, "--format", "json", "--quiet"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(run.out).get(doc) == simdjson::SUCCESS);
    std::string_view repo_id, scan_id;
    REQUIRE(doc["scan"]["repo_id"].get(repo_id) == simdjson::SUCCESS);
    REQUIRE(doc["scan"]["id"].get(scan_id) == simdjson::SUCCESS);
    return std::make_pair(std::string(repo_id), std::string(scan_id));
  };
  auto first = repo_and_scan(root / "a");
  auto second = repo_and_scan(root / "a");
  auto other = repo_and_scan(root / "b");
  CHECK(second.first == first.first);
  CHECK(second.second != first.second);
  CHECK(other.first != first.first);
  auto streams = run_heimdall({"log", "streams", "--data", data});
  REQUIRE(streams.exit_code == 0);
  std::size_t repos = 0;
  for (std::size_t at = streams.out.find("\nrepo-"); at != std::string::npos; at = streams.out.find("\nrepo-", at + 1)) ++repos;
  CHECK(repos == 2);
}
