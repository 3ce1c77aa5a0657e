// Secret detectors: loading, compiling and matching.
//
// Why a whole-file RE2::Set first: almost every file holds no secret, and
// one DFA pass over the text names the few detectors that can match at all
// (in multi-line mode, so any per-line match is also a whole-file match).
// Only those detectors then run line by line, where their capture group
// gives the value that the filters (checksum, entropy, placeholder) judge.
#include "analysis/language.h"
#include "analysis/line_matching.h"
#include "analysis/snippet.h"
#include "analysis/secrets.h"
#include "analysis/sha256.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <map>

namespace heimdall::analysis {

// A snippet is the masked line, cut to this many bytes plus "...".
constexpr std::size_t kMaxSecretSnippetBytes = 300;
// How far (in lines) a `near` detector looks for its partner's finding:
// a credentials file or block keeps an id and its secret within a few lines.
constexpr int kNearLines = 5;
// Characters of a secret left visible in a snippet, at most.
constexpr std::size_t kMaskPrefix = 4;

struct secret_detector::compiled {
  explicit compiled(const RE2::Options& options) : file_set(options, RE2::UNANCHORED) {}
  RE2::Set file_set;  // every pattern, multi-line mode
  std::vector<std::unique_ptr<RE2>> patterns;
  std::vector<std::unique_ptr<RE2>> not_patterns;  // null: none
  std::vector<int> near;  // index of the rule named by `near`, or -1
};

secret_detector::secret_detector() = default;
secret_detector::secret_detector(secret_detector&&) noexcept = default;
secret_detector& secret_detector::operator=(secret_detector&&) noexcept = default;
secret_detector::~secret_detector() = default;

namespace {

status detector_error(const std::string& id, const std::string& what) {
  return status(errc::invalid_argument, "secret detector '" + id + "': " + what);
}

// ---- checksums -------------------------------------------------------------

std::uint32_t crc32(std::string_view data) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string base62_6(std::uint32_t n) {
  constexpr std::string_view kDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out(6, '0');
  for (std::size_t i = 6; i-- > 0 && n > 0;) {
    out[i] = kDigits[n % 62];
    n /= 62;
  }
  return out;
}

bool is_known_checksum(std::string_view name) { return name == "github_crc32" || name == "npm_crc32"; }

// ---- text helpers ----------------------------------------------------------


std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}



// ---- generic-value filters -------------------------------------------------

bool all_of_set(std::string_view v, std::string_view set) {
  return v.find_first_not_of(set) == std::string_view::npos;
}

// The entropy a generic value needs, by its alphabet: hex strings carry at
// most 4 bits per character and are common as non-secret ids and hashes,
// so they need length too.
bool passes_generic_entropy(std::string_view v, double min_entropy) {
  constexpr std::string_view kHex = "0123456789abcdefABCDEF";
  bool has_digit = v.find_first_of("0123456789") != std::string_view::npos;
  bool has_alpha = std::any_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
  // Words, identifiers and numbers are not random: both are needed.
  if (!has_digit || !has_alpha) return false;
  double h = shannon_entropy(v);
  if (all_of_set(v, kHex)) return v.size() >= 32 && h >= 3.0;
  if (v.size() < 16) return false;
  return h >= std::max(min_entropy, 3.5);
}

// Values that are code, not literals: a call, an index, an attribute path.
bool looks_like_code(std::string_view v) {
  if (v.find_first_of("()[]{}") != std::string_view::npos) return true;
  if (v.find("://") != std::string_view::npos) return true;
  if (v.front() == '$' || v.front() == '%' || v.front() == '@' || v.front() == '/' || v.front() == '.') return true;
  // a.b.c attribute chains and qualified names (settings.SECRET_KEY,
  // crypto.RsaPrivateKey2048): every dot-separated part is an identifier.
  if (v.find('.') == std::string_view::npos ||
      !all_of_set(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")) {
    return false;
  }
  for (std::size_t begin = 0; begin <= v.size();) {
    std::size_t end = std::min(v.find('.', begin), v.size());
    if (end == begin || (v[begin] >= '0' && v[begin] <= '9')) return false;
    begin = end + 1;
  }
  return true;
}

// In a programming language a name written without quotes is a variable
// (`withCredentials: defaultToConfig2`), never a literal secret; in
// configuration (YAML, .env, properties) it is the value itself. (A value
// inside a string, `"...?api_key=8f7d..."`, has no quote before it either,
// but is seldom a bare name.)
bool is_identifier(std::string_view v) {
  return !v.empty() && !(v[0] >= '0' && v[0] <= '9') &&
         all_of_set(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
}

struct candidate {
  std::size_t begin = 0, end = 0;  // the value's bytes within the line
  std::size_t rule = 0;
  double confidence = 0;
  // A token whose checksum failed: not reported, but its bytes stay
  // claimed so that the generic detector does not report them instead.
  bool rejected = false;
};

}  // namespace

// ---- public helpers --------------------------------------------------------

double shannon_entropy(std::string_view value) {
  if (value.empty()) return 0;
  std::array<std::size_t, 256> counts{};
  for (unsigned char c : value) ++counts[c];
  double h = 0;
  const double n = static_cast<double>(value.size());
  for (std::size_t count : counts) {
    if (count == 0) continue;
    double p = static_cast<double>(count) / n;
    h -= p * std::log2(p);
  }
  return h;
}

bool is_placeholder(std::string_view value) {
  std::string_view v = trim(value);
  if (v.size() < 4) return true;
  if (all_of_set(v, std::string(1, v.front()))) return true;  // "xxxxxxxx", "********"
  if (v.front() == '<' || v.back() == '>') return true;        // <your-token>
  if (v.front() == '{' || v.back() == '}') return true;        // {password}, f-string fields
  // Interpolation and format syntax: $VAR, ${VAR}, $(cmd), %(name)s.
  if (v.starts_with("${") || v.starts_with("$(") || v.starts_with("%(") || v.starts_with("{{")) return true;
  if (v.front() == '$' && v.size() > 1 && all_of_set(v.substr(1), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") &&
      !(v[1] >= '0' && v[1] <= '9')) {
    return true;
  }
  std::string l = lower(v);
  static constexpr std::string_view kMarkers[] = {
      "example", "xxxx",     "changeme", "change_me", "change-me", "placeholder", "your_",       "your-",
      "yourkey", "your",     "dummy",    "sample",    "redacted",  "fake",        "insert",      "replace",
      "todo",    "${",       "{{",       "process.env", "environ", "getenv",      "****",        "...",
      "secret_here", "token_here", "notreal", "not_a_real", "test_key", "abcdef123", "123456789", "0000000",
      "a1b2c3"};
  for (std::string_view marker : kMarkers) {
    if (l.find(marker) != std::string::npos) return true;
  }
  return false;
}

bool is_common_word(std::string_view value) {
  // Words that stand for a credential rather than being one.
  static constexpr std::string_view kWords[] = {
      "password", "passwd", "pass", "secret", "pwd", "admin", "root", "user", "username", "guest",
      "changeit", "token", "apikey", "api_key", "null", "none", "true", "false", "undefined", "default"};
  std::string l = lower(trim(value));
  return std::any_of(std::begin(kWords), std::end(kWords), [&](std::string_view w) { return l == w; });
}

bool valid_token_crc32(std::string_view token) {
  std::size_t underscore = token.rfind('_');
  if (underscore == std::string_view::npos) return false;
  std::string_view body = token.substr(underscore + 1);
  if (body.size() != 36) return false;
  return base62_6(crc32(body.substr(0, 30))) == body.substr(30);
}

std::string mask_secret(std::string_view value) {
  // Keep at most a quarter of the value visible, and never more than 4.
  std::size_t keep = std::min(kMaskPrefix, value.size() / 4);
  return std::string(value.substr(0, keep)) + std::string(value.size() - keep, '*');
}

// ---- building --------------------------------------------------------------

result<secret_detector> build_secret_detector(std::vector<secret_rule> rules, std::string remediation) {
  secret_detector detector;
  auto compiled = std::make_unique<secret_detector::compiled>(set_options());
  std::map<std::string, bool> ids;
  for (const secret_rule& r : rules) {
    if (r.id.empty() || !std::all_of(r.id.begin(), r.id.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        })) {
      return detector_error(r.id, "id must be lower-case letters, digits, '.', '-' and '_'");
    }
    if (!ids.emplace(r.id, true).second) return detector_error(r.id, "duplicate id");
    for (const std::string* p : {&r.pattern, &r.not_pattern}) {
      for (unsigned char c : *p) {
        if (c >= 0x80) return detector_error(r.id, "patterns must be ASCII (lines are matched as Latin-1)");
      }
    }
    if (!r.checksum.empty() && !is_known_checksum(r.checksum)) {
      return detector_error(r.id, "unknown checksum '" + r.checksum + "'");
    }
    auto re = std::make_unique<RE2>(r.pattern, latin1_options());
    if (!re->ok()) return detector_error(r.id, "bad regex /" + r.pattern + "/: " + re->error());
    if (re->NumberOfCapturingGroups() < 1) return detector_error(r.id, "pattern needs a capture group for the value");
    if (RE2::PartialMatch("", *re)) return detector_error(r.id, "pattern matches an empty line");
    std::unique_ptr<RE2> not_re;
    if (!r.not_pattern.empty()) {
      not_re = std::make_unique<RE2>(r.not_pattern, latin1_options());
      if (!not_re->ok()) return detector_error(r.id, "bad not_pattern: " + not_re->error());
    }
    std::string error;
    if (compiled->file_set.Add("(?m)" + r.pattern, &error) < 0) return detector_error(r.id, "bad regex: " + error);
    compiled->patterns.push_back(std::move(re));
    compiled->not_patterns.push_back(std::move(not_re));
  }
  for (const secret_rule& r : rules) {
    int found = -1;
    for (std::size_t i = 0; !r.near.empty() && i < rules.size(); ++i) {
      if (rules[i].id == r.near && rules[i].near.empty()) found = static_cast<int>(i);
    }
    if (!r.near.empty() && found < 0) {
      return detector_error(r.id, "'near' must name another detector that has no 'near' itself");
    }
    compiled->near.push_back(found);
  }
  if (rules.empty()) return status(errc::invalid_argument, "no secret detector defined");
  if (!compiled->file_set.Compile()) {
    return status(errc::invalid_argument, "the secret detectors exceed RE2's memory budget");
  }
  detector.rules_ = std::move(rules);
  detector.remediation_ = std::move(remediation);
  detector.compiled_ = std::move(compiled);
  return result<secret_detector>(std::move(detector));
}

// ---- loading ---------------------------------------------------------------

namespace {

using simdjson::dom::element;

status read_string_list(const std::string& id, std::string_view field, element value, std::vector<std::string>& out) {
  simdjson::dom::array items;
  if (value.get_array().get(items) != simdjson::SUCCESS) {
    return detector_error(id, "'" + std::string(field) + "' must be an array of strings");
  }
  for (element item : items) {
    std::string_view text;
    if (item.get_string().get(text) != simdjson::SUCCESS || text.empty()) {
      return detector_error(id, "'" + std::string(field) + "' must hold non-empty strings");
    }
    if (text.find_first_of("\r\n") != std::string_view::npos) {
      return detector_error(id, "examples are single lines");
    }
    out.emplace_back(text);
  }
  return status::ok();
}

status read_detector(element value, secret_rule& r) {
  simdjson::dom::object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) return detector_error("?", "must be an object");
  std::string_view id;
  if (fields["id"].get_string().get(id) != simdjson::SUCCESS) return detector_error("?", "missing string field 'id'");
  r.id.assign(id);
  bool has_pattern = false, has_title = false, has_examples = false;
  for (auto [key, item] : fields) {
    std::string_view text;
    auto need_string = [&](std::string& out) -> status {
      if (item.get_string().get(text) != simdjson::SUCCESS || text.empty()) {
        return detector_error(r.id, "field '" + std::string(key) + "' must be a non-empty string");
      }
      out.assign(text);
      return status::ok();
    };
    status s;
    if (key == "id") {
      continue;
    } else if (key == "title") {
      s = need_string(r.title);
      has_title = true;
    } else if (key == "pattern") {
      s = need_string(r.pattern);
      has_pattern = true;
    } else if (key == "not_pattern") {
      s = need_string(r.not_pattern);
    } else if (key == "near") {
      s = need_string(r.near);
    } else if (key == "checksum") {
      s = need_string(r.checksum);
    } else if (key == "cwe") {
      std::int64_t cwe = 0;
      if (item.get_int64().get(cwe) != simdjson::SUCCESS || cwe <= 0) s = detector_error(r.id, "bad 'cwe'");
      r.cwe = static_cast<int>(cwe);
    } else if (key == "severity") {
      std::string name;
      s = need_string(name);
      if (s.is_ok() && !parse_severity(name, r.severity)) s = detector_error(r.id, "unknown severity '" + name + "'");
    } else if (key == "confidence") {
      if (item.get_double().get(r.confidence) != simdjson::SUCCESS || r.confidence < 0 || r.confidence > 1) {
        s = detector_error(r.id, "'confidence' must be a number from 0 to 1");
      }
    } else if (key == "min_entropy") {
      if (item.get_double().get(r.min_entropy) != simdjson::SUCCESS || r.min_entropy < 0 || r.min_entropy > 8) {
        s = detector_error(r.id, "'min_entropy' must be a number from 0 to 8");
      }
    } else if (key == "skip_common_words") {
      if (item.get_bool().get(r.skip_common_words) != simdjson::SUCCESS) {
        s = detector_error(r.id, "'skip_common_words' must be a boolean");
      }
    } else if (key == "generic") {
      if (item.get_bool().get(r.generic) != simdjson::SUCCESS) s = detector_error(r.id, "'generic' must be a boolean");
    } else if (key == "examples") {
      simdjson::dom::object ex;
      if (item.get_object().get(ex) != simdjson::SUCCESS) {
        s = detector_error(r.id, "'examples' must be an object");
      } else {
        for (auto [ek, ev] : ex) {
          if (ek == "positive") {
            s = read_string_list(r.id, "examples.positive", ev, r.positive);
          } else if (ek == "negative") {
            s = read_string_list(r.id, "examples.negative", ev, r.negative);
          } else {
            s = detector_error(r.id, "unknown field 'examples." + std::string(ek) + "'");
          }
          if (!s.is_ok()) break;
        }
      }
      has_examples = true;
    } else {
      s = detector_error(r.id, "unknown field '" + std::string(key) + "'");
    }
    if (!s.is_ok()) return s;
  }
  if (!has_pattern) return detector_error(r.id, "missing field 'pattern'");
  if (!has_title) return detector_error(r.id, "missing field 'title'");
  if (!has_examples || r.positive.empty() || r.negative.empty()) {
    return detector_error(r.id, "needs positive and negative examples");
  }
  return status::ok();
}

}  // namespace

result<secret_detector> load_secret_detectors(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return status(errc::not_found, "secret detector file " + file.string() + " does not exist");
  }
  simdjson::padded_string text;
  if (simdjson::padded_string::load(file.string()).get(text) != simdjson::SUCCESS) {
    return status(errc::io_error, "cannot read secret detector file " + file.string());
  }
  simdjson::dom::parser parser;
  element root;
  if (auto code = parser.parse(text).get(root); code != simdjson::SUCCESS) {
    return status(errc::invalid_argument, file.filename().string() + ": invalid JSON: " + simdjson::error_message(code));
  }
  simdjson::dom::object fields;
  if (root.get_object().get(fields) != simdjson::SUCCESS) {
    return status(errc::invalid_argument, file.filename().string() + ": the top level must be an object");
  }
  std::vector<secret_rule> rules;
  std::string remediation;
  for (auto [key, item] : fields) {
    if (key == "description") continue;
    if (key == "remediation") {
      std::string_view r;
      if (item.get_string().get(r) != simdjson::SUCCESS) {
        return status(errc::invalid_argument, file.filename().string() + ": 'remediation' must be a string");
      }
      remediation.assign(r);
    } else if (key == "detectors") {
      simdjson::dom::array items;
      if (item.get_array().get(items) != simdjson::SUCCESS) {
        return status(errc::invalid_argument, file.filename().string() + ": 'detectors' must be an array");
      }
      for (element d : items) {
        secret_rule r;
        if (status s = read_detector(d, r); !s.is_ok()) {
          return status(s.code(), file.filename().string() + ": " + s.message());
        }
        rules.push_back(std::move(r));
      }
    } else {
      return status(errc::invalid_argument, file.filename().string() + ": unknown top-level field '" + std::string(key) + "'");
    }
  }
  auto built = build_secret_detector(std::move(rules), std::move(remediation));
  if (!built) return status(built.error().code(), file.filename().string() + ": " + built.error().message());
  return built;
}

// ---- matching --------------------------------------------------------------

std::vector<finding> find_secrets(const secret_detector& detector, std::string_view path, std::string_view content) {
  std::vector<finding> out;
  const auto& compiled = *detector.compiled_;
  const auto& rules = detector.rules_;
  const bool code = is_programming_language(detect_language(path, content.substr(0, std::min<std::size_t>(content.size(), 256))));

  // Which detectors can match anywhere: one DFA pass. If the DFA gives up,
  // every detector runs.
  std::vector<int> hits;
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  if (!compiled.file_set.Match(content, &hits, &error)) {
    if (error.kind == RE2::Set::kNoError) return out;
    hits.clear();
    for (std::size_t i = 0; i < rules.size(); ++i) hits.push_back(static_cast<int>(i));
  }
  std::sort(hits.begin(), hits.end());
  // A `near` detector whose partner matches nowhere in the file cannot stand.
  const std::vector<int> all_hits = hits;
  hits.erase(std::remove_if(hits.begin(), hits.end(),
                            [&](int i) {
                              int partner = compiled.near[i];
                              return partner >= 0 && !std::binary_search(all_hits.begin(), all_hits.end(), partner);
                            }),
             hits.end());
  // Specific detectors claim bytes first, then the generic one, then those
  // that also need a neighbour (which may still be dropped below).
  auto rank = [&](int i) { return !rules[i].near.empty() ? 2 : rules[i].generic ? 1 : 0; };
  std::stable_sort(hits.begin(), hits.end(), [&](int a, int b) { return rank(a) < rank(b); });
  std::vector<std::size_t> rule_of;  // parallel to out

  std::size_t line_number = 0;
  for (std::size_t pos = 0; pos < content.size();) {
    std::size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    line = scanned_line(line);
    if (trim(line).empty()) continue;

    std::vector<candidate> found;
    for (int hit : hits) {
      const secret_rule& r = rules[hit];
      const RE2& re = *compiled.patterns[hit];
      if (compiled.not_patterns[hit] && RE2::PartialMatch(line, *compiled.not_patterns[hit])) continue;
      re2::StringPiece groups[2];
      for (std::size_t from = 0; from < line.size() &&
                                 re.Match(line, from, line.size(), RE2::UNANCHORED, groups, 2);) {
        std::size_t match_end = static_cast<std::size_t>(groups[0].data() - line.data()) + groups[0].size();
        from = std::max(match_end, from + 1);
        if (groups[1].data() == nullptr || groups[1].empty()) continue;
        std::string_view value(groups[1].data(), groups[1].size());
        candidate c;
        c.begin = static_cast<std::size_t>(value.data() - line.data());
        c.end = c.begin + value.size();
        c.rule = static_cast<std::size_t>(hit);
        c.confidence = r.confidence;
        if (is_placeholder(value)) continue;
        if ((r.generic || r.skip_common_words) && is_common_word(value)) continue;
        if (r.min_entropy > 0 && !r.generic && shannon_entropy(value) < r.min_entropy) continue;
        if (r.generic && (looks_like_code(value) || !passes_generic_entropy(value, r.min_entropy))) continue;
        if (r.generic && code && is_identifier(value) &&
            (c.begin == 0 || std::string_view("\"'`").find(line[c.begin - 1]) == std::string_view::npos)) {
          continue;
        }
        if (!r.checksum.empty()) {
          // A checkable checksum that fails means this is not a token of
          // the format; one that passes all but proves it is.
          c.rejected = !valid_token_crc32(value);
          c.confidence = std::min(0.99, r.confidence + 0.15);
        }
        bool overlaps = std::any_of(found.begin(), found.end(), [&](const candidate& o) {
          return c.begin < o.end && o.begin < c.end;
        });
        if (!overlaps) found.push_back(c);
      }
    }
    found.erase(std::remove_if(found.begin(), found.end(), [](const candidate& c) { return c.rejected; }),
                found.end());
    if (found.empty()) continue;
    std::sort(found.begin(), found.end(), [](const candidate& a, const candidate& b) { return a.begin < b.begin; });

    // Mask every secret on the line before it becomes a snippet.
    std::string masked(line);
    for (const candidate& c : found) {
      masked.replace(c.begin, c.end - c.begin, mask_secret(line.substr(c.begin, c.end - c.begin)));
    }
    // The same value elsewhere on the line (logged, passed on) is hidden too.
    for (const candidate& c : found) {
      std::string_view value = line.substr(c.begin, c.end - c.begin);
      std::string mask = mask_secret(value);
      for (std::size_t at = masked.find(value); at != std::string::npos; at = masked.find(value, at + mask.size())) {
        masked.replace(at, value.size(), mask);
      }
    }
    std::string snippet = make_snippet(trim(masked), kMaxSecretSnippetBytes);

    for (const candidate& c : found) {
      const secret_rule& r = rules[c.rule];
      std::string_view value = line.substr(c.begin, c.end - c.begin);
      finding f;
      f.rule_id = "secrets." + r.id;
      f.source = "secrets";
      f.severity = r.severity;
      f.confidence = c.confidence;
      f.title = r.title;
      f.description = r.title + " (" + std::to_string(value.size()) + " characters, shown masked" +
                      (r.checksum.empty() ? "" : "; checksum verified") + "). sha256:" + sha256_hex(value);
      f.cwe_id = r.cwe;
      f.file_path.assign(path);
      f.line_start = f.line_end = static_cast<int>(line_number);
      f.code_snippet = snippet;
      f.remediation = detector.remediation_;
      out.push_back(std::move(f));
      rule_of.push_back(c.rule);
    }
  }

  // A `near` detector's finding stands only with a finding of the named
  // detector at most kNearLines lines away (an AWS secret next to its key id).
  std::vector<finding> kept;
  for (std::size_t i = 0; i < out.size(); ++i) {
    int partner = compiled.near[rule_of[i]];
    bool keep = partner < 0;
    for (std::size_t j = 0; !keep && j < out.size(); ++j) {
      keep = rule_of[j] == static_cast<std::size_t>(partner) &&
             std::abs(out[j].line_start - out[i].line_start) <= kNearLines;
    }
    if (keep) kept.push_back(std::move(out[i]));
  }
  return kept;
}

}  // namespace heimdall::analysis
