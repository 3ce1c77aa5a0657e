#include "analysis/validation.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <cerrno>
#include <map>

#include "analysis/language.h"
#include "analysis/line_matching.h"
#include "analysis/sha256.h"
#include "analysis/snippet.h"

namespace heimdall::analysis {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_rule_id_char(char c) { return is_alnum(c) || c == '.' || c == '-' || c == '_'; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower(x) == lower(y);
         });
}

// ---- reading the checkout ---------------------------------------------------

// Closes a descriptor on every path out of a function.
class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Reads the first `max_bytes` of root/rel into `out`, opening every
// component of `rel` with O_NOFOLLOW: a symlink anywhere in the path (not
// only at its end) could lead out of the checkout. O_NONBLOCK keeps a FIFO
// from blocking the open; only regular files are read. False when anything
// refuses.
bool read_prefix_no_follow(const std::filesystem::path& root, std::string_view rel, std::size_t max_bytes,
                           std::string& out) {
  out.clear();
  fd_guard dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return false;
  fd_guard file(-1);
  for (std::size_t pos = 0; pos <= rel.size();) {
    std::size_t slash = rel.find('/', pos);
    bool last = slash == std::string_view::npos;
    std::string part(rel.substr(pos, last ? std::string_view::npos : slash - pos));
    if (part.empty() || part == "." || part == "..") return false;
    int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY);
    int fd = ::openat(dir.get(), part.c_str(), flags);
    if (fd < 0) return false;
    if (last) {
      file.reset(fd);
      break;
    }
    dir.reset(fd);
    pos = slash + 1;
  }
  struct stat st {};
  if (::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  out.resize(std::min<std::size_t>(max_bytes, static_cast<std::size_t>(st.st_size)));
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(file.get(), out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // an error, or the file shrank: keep what was read
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return true;
}

// ---- suppression comments ---------------------------------------------------

// The comments a suppression may sit in. Unrecognised files (C#, Kotlin,
// Rust, ...) mostly write theirs like PHP.
std::span<const comment_delimiter> suppression_comments(language lang) {
  return lang == language::unknown ? comment_delimiters(language::php) : comment_delimiters(lang);
}

// Whether `word` occurs in `text` (any case) at position `at` as a whole
// word: no letter or digit before it, and no rule-id character after it
// (so "heimdall:ignored" and "nosec_mode" do not count).
bool word_at(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size() || !iequals(text.substr(at, word.size()), word)) return false;
  if (at > 0 && (is_alnum(text[at - 1]) || text[at - 1] == '_')) return false;
  std::size_t end = at + word.size();
  return end == text.size() || !is_rule_id_char(text[end]);
}

// `id` names `rule`: the same id, or a prefix of it ending at a '.'.
bool rule_matches(std::string_view id, std::string_view rule) {
  if (id == rule) return true;
  if (id.empty() || !rule.starts_with(id)) return false;
  return id.back() == '.' || rule[id.size()] == '.';
}

// The ids after `heimdall:ignore`: `id[, id]...`, stopping at the first
// thing that is not one (a reason, "--", "*/").
std::vector<std::string_view> ignore_ids(std::string_view rest) {
  std::vector<std::string_view> ids;
  std::size_t i = 0;
  for (;;) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    std::size_t begin = i;
    while (i < rest.size() && is_rule_id_char(rest[i])) ++i;
    if (i == begin) break;
    ids.push_back(rest.substr(begin, i - begin));
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i >= rest.size() || rest[i] != ',') break;
    ++i;
  }
  return ids;
}

// Whether the text of one comment suppresses `rule`.
bool comment_suppresses(std::string_view comment, std::string_view rule) {
  static constexpr std::string_view kNosec = "nosec";
  static constexpr std::string_view kIgnore = "heimdall:ignore";
  for (std::size_t at = 0; at < comment.size(); ++at) {
    if (word_at(comment, at, kNosec)) return true;
    if (word_at(comment, at, kIgnore)) {
      auto ids = ignore_ids(comment.substr(at + kIgnore.size()));
      if (ids.empty() ||
          std::any_of(ids.begin(), ids.end(), [&](std::string_view id) { return rule_matches(id, rule); })) {
        return true;
      }
    }
  }
  return false;
}

// Whether a comment on `line` suppresses `rule`. Every opener is tried: a
// '#' or "//" inside a string literal cannot be told from a comment without
// a parser, and a directive word inside a string is rare enough.
bool line_suppresses(std::string_view line, std::span<const comment_delimiter> syntax, std::string_view rule) {
  for (const comment_delimiter& c : syntax) {
    for (std::size_t at = line.find(c.open); at != std::string_view::npos; at = line.find(c.open, at + 1)) {
      std::string_view comment = line.substr(at + c.open.size());
      if (!c.close.empty()) comment = comment.substr(0, comment.find(c.close));
      if (comment_suppresses(comment, rule)) return true;
    }
  }
  return false;
}

// ---- non-production paths ----------------------------------------------------

constexpr std::string_view kNonProductionDirs[] = {
    "test",     "tests",    "__tests__", "testdata", "test_data", "testing", "spec",
    "specs",    "example",  "examples",  "fixture",  "fixtures",  "__fixtures__",
    "mock",     "mocks",    "__mocks__", "doc",      "docs",      "e2e"};

// Name (extension removed) patterns of test and mock files across languages.
bool is_test_file_name(std::string_view name) {
  if (name == "conftest.py") return true;
  std::string_view stem = name.substr(0, name.rfind('.'));
  if (stem.empty()) return false;
  for (std::string_view prefix : {"test_", "mock_"}) {
    if (stem.size() > prefix.size() && stem.starts_with(prefix)) return true;
  }
  for (std::string_view suffix : {"_test", "_spec", "_mock", ".test", ".spec", ".mock", "Test", "Tests"}) {
    if (stem.size() > suffix.size() && stem.ends_with(suffix)) return true;
  }
  return false;
}

}  // namespace

std::string fingerprint_of(const finding& f, int occurrence) {
  std::string code;
  code.reserve(f.code_snippet.size());
  for (char c : trim(f.code_snippet)) {
    if (!is_space(c)) {
      code += c;
    } else if (code.back() != ' ') {
      code += ' ';
    }
  }
  // NUL separators: no two different triples hash the same bytes.
  std::string key = f.rule_id;
  key += '\0';
  key += f.file_path;
  key += '\0';
  key += code;
  if (occurrence > 1) {
    key += '\0';
    key += std::to_string(occurrence);
  }
  return sha256_hex(key).substr(0, 32);
}

bool is_non_production_path(std::string_view path) {
  std::size_t name_at = path.rfind('/');
  std::string_view name = name_at == std::string_view::npos ? path : path.substr(name_at + 1);
  if (is_test_file_name(name)) return true;
  for (std::size_t pos = 0; name_at != std::string_view::npos && pos < name_at;) {
    std::size_t slash = path.find('/', pos);
    std::string_view dir = path.substr(pos, slash - pos);
    if (std::any_of(std::begin(kNonProductionDirs), std::end(kNonProductionDirs),
                    [&](std::string_view d) { return iequals(dir, d); })) {
      return true;
    }
    pos = slash + 1;
  }
  return false;
}

finding_validator::finding_validator(std::filesystem::path root) : root_(std::move(root)) {}

void finding_validator::remember(const std::string& fingerprint) { seen_.insert(fingerprint); }

void finding_validator::load(const std::string& path) {
  if (cached_ && cached_path_ == path) return;
  cached_ = true;
  cached_path_ = path;
  line_starts_.clear();
  if (!read_prefix_no_follow(root_, path, kMaxValidatedFileBytes, text_)) text_.clear();
  for (std::size_t pos = 0; pos < text_.size();) {
    line_starts_.push_back(pos);
    std::size_t end = text_.find('\n', pos);
    pos = end == std::string::npos ? text_.size() : end + 1;
  }
}

bool finding_validator::is_suppressed(const finding& f) {
  if (f.line_start < 1 || f.file_path.empty()) return false;
  load(f.file_path);
  if (line_starts_.empty()) return false;
  auto line = [&](std::size_t i) {  // 0-based; as the matchers see it
    std::size_t end = text_.find('\n', line_starts_[i]);
    return scanned_line(std::string_view(text_).substr(
        line_starts_[i], end == std::string::npos ? std::string_view::npos : end - line_starts_[i]));
  };
  auto syntax = suppression_comments(detect_language(f.file_path, line(0)));
  std::size_t at = static_cast<std::size_t>(f.line_start) - 1;
  // On line 1 there is no line above: at - 1 wraps and fails the bound.
  for (std::size_t i : {at, at - 1}) {
    if (i < line_starts_.size() && line_suppresses(line(i), syntax, f.rule_id)) return true;
  }
  return false;
}

verdict finding_validator::check(finding& f) {
  // Numbered before the suppression check, so that suppressing one
  // occurrence leaves the others' fingerprints as they were.
  f.fingerprint = fingerprint_of(f);
  std::vector<int>& lines = occurrence_lines_[f.fingerprint];
  auto at = std::find(lines.begin(), lines.end(), f.line_start);
  if (at == lines.end()) at = lines.insert(lines.end(), f.line_start);
  if (at != lines.begin()) f.fingerprint = fingerprint_of(f, static_cast<int>(at - lines.begin()) + 1);
  if (is_suppressed(f)) {
    ++counts_.suppressed;
    return verdict::suppressed;
  }
  if (!seen_.insert(f.fingerprint).second) {
    ++counts_.duplicates;
    return verdict::duplicate;
  }
  if (is_non_production_path(f.file_path)) f.confidence *= kNonProductionConfidenceFactor;
  ++counts_.kept;
  return verdict::keep;
}

bool same_weakness(int a, int b) {
  if (a == b) return true;
  static constexpr int kGroups[][4] = {{94, 95, 0, 0}, {22, 23, 36, 73}, {77, 78, 0, 0}};
  for (const auto& g : kGroups) {
    bool has_a = false, has_b = false;
    for (int c : g) {
      has_a = has_a || (c != 0 && c == a);
      has_b = has_b || (c != 0 && c == b);
    }
    if (has_a && has_b) return true;
  }
  return false;
}

std::vector<std::size_t> redundant_findings(const std::vector<finding>& findings,
                                            const std::vector<taint_clearance>& cleared,
                                            const std::set<std::string, std::less<>>& any_data_rules) {
  // Clearances by file, for the same reason.
  std::map<std::string_view, std::vector<const taint_clearance*>> proofs;
  for (const taint_clearance& c : cleared) proofs[c.file_path].push_back(&c);
  // Taint findings by (file, CWE), so each pattern finding is compared only
  // with the flows that could explain it.
  std::map<std::pair<std::string_view, int>, std::vector<const finding*>> taint;
  for (const finding& f : findings) {
    if (f.source == "taint" && f.cwe_id != 0) taint[{f.file_path, f.cwe_id}].push_back(&f);
  }
  auto last_line = [](const finding& f) { return std::max(f.line_start, f.line_end); };
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const finding& p = findings[i];
    if (p.source != "static" && p.source != "config") continue;
    if (auto pr = proofs.find(p.file_path); pr != proofs.end() && p.cwe_id != 0 && !any_data_rules.count(p.rule_id)) {
      bool proved = std::any_of(pr->second.begin(), pr->second.end(), [&](const taint_clearance* c) {
        return same_weakness(c->cwe, p.cwe_id) && c->line_start <= p.line_start && p.line_start <= c->line_end;
      });
      if (proved) {
        out.push_back(i);
        continue;
      }
    }
    auto it = taint.find({p.file_path, p.cwe_id});
    if (it == taint.end()) continue;
    bool covered = std::any_of(it->second.begin(), it->second.end(), [&](const finding* t) {
      return p.line_start <= last_line(*t) && t->line_start <= last_line(p);
    });
    if (covered) out.push_back(i);
  }
  return out;
}

}  // namespace heimdall::analysis
