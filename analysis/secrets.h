// secrets: hard-coded credentials in a file's text, found by detectors
// loaded from data (analysis/rules/secrets/secrets.json: top-level
// "description", "remediation" and "detectors"; each detector has the
// fields of secret_rule below, examples as {"positive": [...],
// "negative": [...]}; unknown fields are errors).
//
// A detector is an RE2 expression whose first capture group is the secret
// value, plus what is known about the format: a checksum that the value
// must pass (GitHub and npm tokens carry a CRC32), or, for the generic
// `name = value` detector, a minimum Shannon entropy and the rejection of
// placeholders (changeme, ${VAR}, <...>, os.environ[...]). Every line is
// matched as Latin-1 bytes, so any byte sequence is safe; only the first
// kMaxScannedLineBytes of a line are scanned.
//
// The value is never returned whole: a finding's code_snippet is the line
// with every secret on it masked (a short prefix, then '*'), and its
// description carries the SHA-256 of the value in hex (analysis/sha256.h)
// so identical secrets can be de-duplicated without storing them.
//
// Threads: a loaded secret_detector is immutable; find_secrets may run on
// any number of threads over the same detector. It owns its compiled
// expressions and is movable, not copyable.
//
// Errors: load_secret_detectors returns not_found / io_error for the file
// and invalid_argument naming the detector for anything malformed (bad
// JSON, unknown field, bad regex, no capture group, unknown checksum).
// find_secrets cannot fail.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.h"
#include "base/result.h"

namespace heimdall::analysis {

struct secret_rule {
  std::string id;  // e.g. "github-pat"; findings use "secrets." + id
  std::string title;
  int cwe = 798;
  analysis::severity severity = severity::high;
  double confidence = 0.8;  // 0..1; raised when a checksum passes
  std::string pattern;      // RE2; capture group 1 is the secret value
  std::string not_pattern;  // must not match the line; empty: none
  std::string checksum;     // "" | "github_crc32" | "npm_crc32"
  bool generic = false;     // entropy, code and common-word filters apply
  bool skip_common_words = false;  // "password", "secret", ... are not values
  double min_entropy = 0;   // bits per byte of the value; 0: no check
  // Id of another detector that must report within a few lines for this
  // one's finding to stand (an AWS secret key near an AWS key id); "": none.
  std::string near;
  std::vector<std::string> positive;  // example lines it must report
  std::vector<std::string> negative;  // similar lines it must not
};

class secret_detector {
 public:
  secret_detector(secret_detector&&) noexcept;
  secret_detector& operator=(secret_detector&&) noexcept;
  ~secret_detector();

  const std::vector<secret_rule>& rules() const { return rules_; }
  const std::string& remediation() const { return remediation_; }

  struct compiled;  // defined in secrets.cpp

 private:
  secret_detector();
  std::vector<secret_rule> rules_;
  std::string remediation_;
  std::unique_ptr<compiled> compiled_;

  friend result<secret_detector> build_secret_detector(std::vector<secret_rule> rules,
                                                       std::string remediation);
  friend std::vector<finding> find_secrets(const secret_detector&, std::string_view path,
                                           std::string_view content);
};

// Reads and compiles the detector file (JSON).
result<secret_detector> load_secret_detectors(const std::filesystem::path& file);

// Compiles detectors already parsed: unique ids, regexes with a capture
// group, known checksum names. Errors are invalid_argument.
result<secret_detector> build_secret_detector(std::vector<secret_rule> rules, std::string remediation);

// Every secret in `content` (LF or CRLF lines), ordered by line then
// position. At most one finding per secret occurrence: where a specific
// detector and the generic one match the same bytes, the specific one wins.
// In a programming language (detect_language of `path`, is_programming_language)
// the generic detector skips a bare name written without quotes: a variable.
// source "secrets", rule_id "secrets.<id>", 1-based lines.
std::vector<finding> find_secrets(const secret_detector& detector, std::string_view path,
                                  std::string_view content);

// Validators and helpers, exposed for tests.
// Bits per byte of `value` (0 for an empty value).
double shannon_entropy(std::string_view value);
// True when `value` looks like a placeholder rather than a real secret.
bool is_placeholder(std::string_view value);
// True for words that name a credential ("password", "secret", "admin").
bool is_common_word(std::string_view value);
// GitHub / npm token checksum: the last 6 characters are the base62 CRC32
// of the 30 characters after the prefix ("ghp_", "npm_", ...).
bool valid_token_crc32(std::string_view token);
// `value` with all but a short prefix replaced by '*'.
std::string mask_secret(std::string_view value);

}  // namespace heimdall::analysis
