// Secret detectors (analysis/secrets.h): every shipped detector against its
// own examples, the CRC32 token checksums, masking, placeholders, the
// generic entropy rule, line numbers, non-UTF-8 input and loader errors.
// Every token here is random and built by the test; none is a real credential.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "analysis/secrets.h"
#include "analysis/sha256.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
using heimdall::analysis::test::fired;
using heimdall::analysis::test::shipped_secret_detectors;

namespace {

// Random characters from `alphabet`, deterministic per seed.
std::string random_string(std::size_t n, std::string_view alphabet, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += alphabet[pick(gen)];
  return out;
}

constexpr std::string_view kAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// A CRC32 written independently of the one in secrets.cpp (bitwise, no
// table), so the test does not check the validator against itself.
std::uint32_t reference_crc32(std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : data) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// A token of the GitHub/npm shape: prefix, 30 random base62 characters,
// then the base62 CRC32 of those 30, left-padded with '0' to 6.
std::string token_with_checksum(const std::string& prefix, unsigned seed) {
  std::string body = random_string(30, kAlnum, seed);
  std::uint32_t crc = reference_crc32(body);
  std::string check(6, '0');
  for (std::size_t i = 6; i-- > 0 && crc > 0; crc /= 62) check[i] = kAlnum[crc % 62];
  return prefix + body + check;
}

}  // namespace

TEST_CASE("every shipped secret detector reports its positives and none of its negatives", "[analysis][secrets]") {
  const secret_detector& detector = shipped_secret_detectors();
  REQUIRE(detector.rules().size() >= 40);
  for (const secret_rule& r : detector.rules()) {
    const std::string id = "secrets." + r.id;
    for (const std::string& line : r.positive) {
      INFO("detector " << r.id << " must report: " << line);
      CHECK(fired(find_secrets(detector, "src/config.txt", line), id));
    }
    for (const std::string& line : r.negative) {
      INFO("detector " << r.id << " must not report: " << line);
      CHECK_FALSE(fired(find_secrets(detector, "src/config.txt", line), id));
    }
  }
}

TEST_CASE("GitHub and npm token checksums", "[analysis][secrets]") {
  const secret_detector& detector = shipped_secret_detectors();
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::string ghp = token_with_checksum("ghp_", seed);
    std::string npm = token_with_checksum("npm_", seed + 100);
    CHECK(valid_token_crc32(ghp));
    CHECK(valid_token_crc32(npm));
    std::string bad = ghp;
    bad[10] = bad[10] == 'a' ? 'b' : 'a';  // one changed body character
    CHECK_FALSE(valid_token_crc32(bad));

    auto good = find_secrets(detector, "a.py", "token = \"" + ghp + "\"\n");
    REQUIRE(good.size() == 1);
    CHECK(good[0].rule_id == "secrets.github-classic-token");
    CHECK(good[0].confidence > 0.9);
    CHECK(find_secrets(detector, "a.py", "token = \"" + bad + "\"\n").empty());

    auto n = find_secrets(detector, ".npmrc", "//npm.registry.example/:_authToken=" + npm + "\n");
    REQUIRE(n.size() == 1);
    CHECK(n[0].rule_id == "secrets.npm-token");
  }
  CHECK_FALSE(valid_token_crc32("ghp_short"));
}

TEST_CASE("snippets mask the secret and the description carries only its hash", "[analysis][secrets]") {
  const secret_detector& detector = shipped_secret_detectors();
  std::string value = random_string(36, kAlnum, 7);
  std::string ghp = token_with_checksum("ghp_", 11);
  std::string line = "creds = {\"gh\": \"" + ghp + "\", \"password\": \"" + value + "\"}";
  auto findings = find_secrets(detector, "app/settings.py", line);
  REQUIRE(!findings.empty());
  for (const finding& f : findings) {
    INFO(f.rule_id << ": " << f.code_snippet);
    CHECK(f.code_snippet.find(ghp) == std::string::npos);
    CHECK(f.code_snippet.find(ghp.substr(8)) == std::string::npos);
    CHECK(f.code_snippet.find(value.substr(4)) == std::string::npos);
    CHECK(f.description.find(ghp.substr(4)) == std::string::npos);
    CHECK(f.source == "secrets");
    CHECK(f.cwe_id > 0);
    CHECK_FALSE(f.remediation.empty());
  }
  CHECK(findings[0].code_snippet.find("ghp_") != std::string::npos);  // the short prefix stays

  // A second, unmatched occurrence of the value on the line is masked too.
  auto repeated = find_secrets(detector, "a.py", "password = \"" + value + "\"; log(\"" + value + "\")");
  REQUIRE(repeated.size() == 1);
  CHECK(repeated[0].code_snippet.find(value.substr(4)) == std::string::npos);

  std::string masked = mask_secret("abcdefghijklmnop");
  CHECK(masked == "abcd************");
  CHECK(mask_secret("abc") == "***");
  CHECK(mask_secret("abcdefgh") == "ab******");

  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(findings[0].description.find("sha256:" + sha256_hex(ghp)) != std::string::npos);
}

TEST_CASE("placeholders are not secrets", "[analysis][secrets]") {
  for (const char* v : {"changeme", "${API_KEY}", "<your-token>", "your_api_key_here", "xxxxxxxxxxxxxxxx",
                        "EXAMPLEKEY12345678", "os.environ[\"X\"]", "{{ secrets.TOKEN }}", "****************", ""}) {
    INFO(v);
    CHECK(is_placeholder(v));
  }
  CHECK_FALSE(is_placeholder(random_string(32, kAlnum, 3)));
  const secret_detector& detector = shipped_secret_detectors();
  CHECK(find_secrets(detector, ".env", "API_KEY=${API_KEY}\nPASSWORD=<password>\nTOKEN=\n").empty());
  CHECK(find_secrets(detector, "a.tf", "password = var.db_password\n").empty());
}

TEST_CASE("the generic rule keys on entropy", "[analysis][secrets]") {
  const secret_detector& detector = shipped_secret_detectors();
  std::string random32 = random_string(32, kAlnum, 42);
  auto hit = find_secrets(detector, "app.py", "password = \"" + random32 + "\"\n");
  REQUIRE(hit.size() == 1);
  CHECK(hit[0].rule_id == "secrets.generic-secret-assignment");
  CHECK(hit[0].cwe_id == 798);
  CHECK(find_secrets(detector, "app.py", "password = \"changeme\"\n").empty());
  CHECK(find_secrets(detector, "app.py", "password = os.environ[\"X\"]\n").empty());
  CHECK(find_secrets(detector, "app.py", "password = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n").empty());
  CHECK(find_secrets(detector, "app.py", "password = \"Summer2024\"\n").empty());  // short, low entropy
  CHECK(find_secrets(detector, ".env", "SECRET_TOKEN=" + random_string(40, kAlnum, 5) + "\n").size() == 1);
  // Hex needs 32 characters.
  CHECK(find_secrets(detector, "a.py", "secret = \"" + random_string(20, "0123456789abcdef", 9) + "\"\n").empty());
  CHECK(find_secrets(detector, "a.py", "secret = \"" + random_string(40, "0123456789abcdef", 9) + "\"\n").size() == 1);
  // In code a value without quotes is a name; in configuration it is the value.
  CHECK(find_secrets(detector, "merge.js", "  withCredentials: defaultToConfig2,\n  calculateToken: calculateNativeAuthToken2,\n").empty());
  CHECK(find_secrets(detector, "config.yml", "api_token: " + random_string(32, kAlnum, 11) + "\n").size() == 1);
  CHECK(find_secrets(detector, "config.js", "api_token: '" + random_string(32, kAlnum, 11) + "',\n").size() == 1);

  CHECK(shannon_entropy("") == 0);
  CHECK(shannon_entropy("aaaa") == 0);
  CHECK(shannon_entropy("abcd") == Approx(2.0));
}

TEST_CASE("line numbers, CRLF and clean files", "[analysis][secrets]") {
  const secret_detector& detector = shipped_secret_detectors();
  std::string key = "AKIA" + random_string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 8);
  std::string text = "# config\r\n\r\nregion = eu-west-1\r\naws_access_key_id = " + key + "\r\nend\r\n";
  auto findings = find_secrets(detector, "conf.ini", text);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule_id == "secrets.aws-access-key-id");
  CHECK(findings[0].line_start == 4);
  CHECK(findings[0].line_end == 4);
  CHECK(findings[0].file_path == "conf.ini");
  CHECK(findings[0].code_snippet == "aws_access_key_id = AKIA****************");
  CHECK(findings[0].severity == severity::critical);

  CHECK(find_secrets(detector, "main.py", "import os\n\ndef main():\n    print('hello')\n").empty());
  CHECK(find_secrets(detector, "empty", "").empty());
}

TEST_CASE("non-UTF-8 content is matched safely", "[analysis][secrets]") {
  const secret_detector& detector = shipped_secret_detectors();
  std::string key = "AKIA" + random_string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 12);
  std::string text = std::string("\xff\xfe\x00garbage\x80\n", 13) + "k = \"\xc3\x28" + key + "\" \xff\n";
  text += std::string(10000, '\xa0') + "\n";
  auto findings = find_secrets(detector, "blob.bin", text);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].line_start == 2);
  const std::string& s = findings[0].code_snippet;
  CHECK(s.find(key) == std::string::npos);
  CHECK(s.find("\xef\xbf\xbd") != std::string::npos);  // invalid bytes replaced
}

TEST_CASE("malformed detector definitions are rejected", "[analysis][secrets]") {
  secret_rule r;
  r.id = "x";
  r.title = "x";
  r.pattern = "abc[0-9]+";  // no capture group
  CHECK(build_secret_detector({r}, "fix").error().code() == errc::invalid_argument);
  r.pattern = "(abc[0-9]+";
  CHECK_FALSE(build_secret_detector({r}, "fix").is_ok());
  r.pattern = "(abc[0-9]+)";
  r.checksum = "luhn";
  CHECK_FALSE(build_secret_detector({r}, "fix").is_ok());
  r.checksum.clear();
  CHECK(build_secret_detector({r}, "fix").is_ok());
  CHECK_FALSE(build_secret_detector({r, r}, "fix").is_ok());
  CHECK(load_secret_detectors("/nonexistent/secrets.json").error().code() == errc::not_found);
}

TEST_CASE("detector files with unknown fields or bad JSON are rejected with the detector named",
          "[analysis][secrets]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(HEIMDALL_TEST_DATA) / "scratch" / ("secrets-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto load = [&](const std::string& text) {
    fs::path file = dir / "secrets.json";
    std::ofstream(file, std::ios::binary) << text;
    return load_secret_detectors(file);
  };
  const std::string good =
      R"({"remediation": "rotate", "detectors": [{"id": "demo", "title": "Demo token", "cwe": 798,
          "severity": "high", "confidence": 0.8, "pattern": "\\b(demo_[a-z0-9]{16})\\b",
          "examples": {"positive": ["t = demo_0123456789abcdef"], "negative": ["t = demo_1"]}}]})";
  auto ok = load(good);
  REQUIRE(ok.is_ok());
  CHECK(ok->rules().size() == 1);
  CHECK(ok->remediation() == "rotate");

  std::string misspelt = good;
  misspelt.replace(misspelt.find("\"confidence\""), 12, "\"confidance\"");
  auto bad = load(misspelt);
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.error().code() == errc::invalid_argument);
  CHECK(bad.error().message().find("demo") != std::string::npos);
  CHECK(bad.error().message().find("confidance") != std::string::npos);

  CHECK_FALSE(load("{not json").is_ok());
  CHECK_FALSE(load(R"({"detectors": []})").is_ok());
  fs::remove_all(dir);
}

TEST_CASE("an AWS secret key counts only near an AWS key id", "[analysis][secrets]") {
  const secret_detector& detector = shipped_secret_detectors();
  std::string id = "AKIA" + random_string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 21);
  std::string secret = random_string(40, std::string(kAlnum) + "+/", 22);
  std::string file = "[deploy]\nkey_id = " + id + "\nregion = eu-west-1\nkey = " + secret + "\n";
  auto findings = find_secrets(detector, "creds.ini", file);
  REQUIRE(findings.size() == 2);
  CHECK(findings[1].rule_id == "secrets.aws-secret-near-key-id");
  CHECK(findings[1].line_start == 4);
  CHECK(findings[1].code_snippet.find(secret.substr(4)) == std::string::npos);

  std::string far = "key_id = " + id + "\n" + std::string(10, '\n') + "key = " + secret + "\n";
  CHECK_FALSE(fired(find_secrets(detector, "creds.ini", far), "secrets.aws-secret-near-key-id"));
  CHECK(find_secrets(detector, "creds.ini", "key = " + secret + "\n").empty());
}
