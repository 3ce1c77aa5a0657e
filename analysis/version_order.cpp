#include "analysis/version_order.h"

#include <array>
#include <cctype>
#include <vector>

namespace heimdall::analysis {

namespace {
const std::string& rust_ecosystem_name() {
  static const std::string name = std::string("crates") + "." + "io";
  return name;
}
}  // namespace

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}
int sign(int v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Whole decimal numbers of any length, compared by value.
int compare_numbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign(a.compare(b));
}
bool is_zero(std::string_view n) { return n.find_first_not_of('0') == std::string_view::npos; }

// ---- SemVer 2.0 -------------------------------------------------------

struct semver {
  std::array<std::string_view, 3> core;
  std::vector<std::string_view> pre;
};

bool ident_chars(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    std::size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

std::optional<semver> parse_semver(std::string_view v) {
  v = trim(v);
  if (!v.empty() && v.front() == '=') v.remove_prefix(1);
  if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) v.remove_prefix(1);
  std::size_t plus = v.find('+');
  if (plus != std::string_view::npos) {
    for (std::string_view id : split(v.substr(plus + 1), '.')) {
      if (!ident_chars(id)) return std::nullopt;
    }
    v = v.substr(0, plus);
  }
  semver out;
  std::size_t dash = v.find('-');
  if (dash != std::string_view::npos) {
    for (std::string_view id : split(v.substr(dash + 1), '.')) {
      if (!ident_chars(id)) return std::nullopt;
      out.pre.push_back(id);
    }
    v = v.substr(0, dash);
  }
  auto core = split(v, '.');
  if (core.size() != 3) return std::nullopt;
  for (int i = 0; i < 3; ++i) {
    if (!all_digits(core[i])) return std::nullopt;
    out.core[i] = core[i];
  }
  return out;
}

int compare_parsed(const semver& a, const semver& b) {
  for (int i = 0; i < 3; ++i) {
    if (int c = compare_numbers(a.core[i], b.core[i])) return c;
  }
  // A version with a prerelease sorts before the release itself.
  if (a.pre.empty() != b.pre.empty()) return a.pre.empty() ? 1 : -1;
  for (std::size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
    bool an = all_digits(a.pre[i]), bn = all_digits(b.pre[i]);
    int c = an && bn ? compare_numbers(a.pre[i], b.pre[i]) : an ? -1 : bn ? 1 : sign(a.pre[i].compare(b.pre[i]));
    if (c) return c;
  }
  return a.pre.size() == b.pre.size() ? 0 : (a.pre.size() < b.pre.size() ? -1 : 1);
}

// ---- PEP 440 ----------------------------------------------------------

struct pep440 {
  std::string epoch = "0";
  std::vector<std::string> release;  // trailing zeros dropped
  // -1: a dev release of a final (sorts before any pre-release); 0 a, 1 b,
  // 2 rc; 3: no pre-release.
  int pre_rank = 3;
  std::string pre_n = "0";
  bool has_post = false;
  std::string post_n = "0";
  bool has_dev = false;
  std::string dev_n = "0";
  std::vector<std::string> local;
};

class cursor {
 public:
  explicit cursor(std::string_view s) : s_(s) {}
  bool done() const { return at_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[at_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  bool eat_sep() { return eat('-') || eat('_') || eat('.'); }
  bool eat_word(std::string_view w) {
    if (s_.substr(at_, w.size()) != w) return false;
    at_ += w.size();
    return true;
  }
  std::string digits() {
    std::size_t start = at_;
    while (is_digit(peek())) ++at_;
    return std::string(s_.substr(start, at_ - start));
  }
  // ".N": true with the digits in `out`; nothing consumed otherwise.
  bool dotted_number(std::string& out) {
    if (peek() != '.' || at_ + 1 >= s_.size() || !is_digit(s_[at_ + 1])) return false;
    ++at_;
    out = digits();
    return true;
  }
  // PEP 440's "[sep]N" after a pre, post or dev label; "0" when absent.
  std::string implicit_number() {
    std::size_t start = at_;
    eat_sep();
    std::string n = digits();
    if (n.empty()) at_ = start;
    return n.empty() ? "0" : n;
  }
  std::size_t pos() const { return at_; }
  void reset(std::size_t p) { at_ = p; }
  std::string_view rest() const { return s_.substr(at_); }

 private:
  std::string_view s_;
  std::size_t at_ = 0;
};

std::optional<pep440> parse_pep440(std::string_view text) {
  std::string s = lower(trim(text));
  cursor c(s);
  pep440 v;
  c.eat('v');
  std::string first = c.digits();
  if (first.empty()) return std::nullopt;
  if (c.eat('!')) {
    v.epoch = first;
    first = c.digits();
    if (first.empty()) return std::nullopt;
  }
  v.release.push_back(first);
  for (std::string n; c.dotted_number(n);) {
    v.release.push_back(n);
  }
  while (v.release.size() > 1 && is_zero(v.release.back())) v.release.pop_back();
  if (v.release.size() == 1 && is_zero(v.release[0])) v.release[0] = "0";

  // Pre-release: longest spellings first, so "alpha" is not read as "a".
  {
    std::size_t p = c.pos();
    c.eat_sep();
    static const std::pair<std::string_view, int> kPre[] = {{"alpha", 0}, {"beta", 1}, {"preview", 2}, {"pre", 2},
                                                            {"rc", 2},    {"a", 0},    {"b", 1},       {"c", 2}};
    bool found = false;
    for (const auto& [word, rank] : kPre) {
      if (c.eat_word(word)) {
        v.pre_rank = rank;
        found = true;
        break;
      }
    }
    if (found) {
      v.pre_n = c.implicit_number();
    } else {
      c.reset(p);
    }
  }
  // Post-release: "-N" or [sep](post|rev|r)[sep][N].
  {
    std::size_t p = c.pos();
    if (c.eat('-') && is_digit(c.peek())) {
      v.has_post = true;
      v.post_n = c.digits();
    } else {
      c.reset(p);
      c.eat_sep();
      if (c.eat_word("post") || c.eat_word("rev") || c.eat_word("r")) {
        v.has_post = true;
        v.post_n = c.implicit_number();
      } else {
        c.reset(p);
      }
    }
  }
  // Development release.
  {
    std::size_t p = c.pos();
    c.eat_sep();
    if (c.eat_word("dev")) {
      v.has_dev = true;
      v.dev_n = c.implicit_number();
    } else {
      c.reset(p);
    }
  }
  if (c.eat('+')) {
    std::string_view local = c.rest();
    std::string segment;
    for (std::size_t i = 0; i <= local.size(); ++i) {
      char ch = i < local.size() ? local[i] : '.';
      if (ch == '.' || ch == '-' || ch == '_') {
        if (segment.empty()) return std::nullopt;
        v.local.push_back(segment);
        segment.clear();
      } else if (is_alnum(ch)) {
        segment += ch;
      } else {
        return std::nullopt;
      }
    }
    c.reset(s.size());
  }
  if (!c.done()) return std::nullopt;
  if (v.pre_rank == 3 && !v.has_post && v.has_dev) v.pre_rank = -1;
  return v;
}

int compare_parsed(const pep440& a, const pep440& b) {
  if (int c = compare_numbers(a.epoch, b.epoch)) return c;
  for (std::size_t i = 0; i < a.release.size() || i < b.release.size(); ++i) {
    std::string_view x = i < a.release.size() ? std::string_view(a.release[i]) : "0";
    std::string_view y = i < b.release.size() ? std::string_view(b.release[i]) : "0";
    if (int c = compare_numbers(x, y)) return c;
  }
  if (a.pre_rank != b.pre_rank) return a.pre_rank < b.pre_rank ? -1 : 1;
  if (a.pre_rank >= 0 && a.pre_rank < 3) {
    if (int c = compare_numbers(a.pre_n, b.pre_n)) return c;
  }
  if (a.has_post != b.has_post) return a.has_post ? 1 : -1;
  if (a.has_post) {
    if (int c = compare_numbers(a.post_n, b.post_n)) return c;
  }
  if (a.has_dev != b.has_dev) return a.has_dev ? -1 : 1;
  if (a.has_dev) {
    if (int c = compare_numbers(a.dev_n, b.dev_n)) return c;
  }
  // Local versions: none sorts first; numeric segments after alphanumeric ones.
  for (std::size_t i = 0; i < a.local.size() && i < b.local.size(); ++i) {
    bool an = all_digits(a.local[i]), bn = all_digits(b.local[i]);
    int c = an && bn ? compare_numbers(a.local[i], b.local[i]) : an ? 1 : bn ? -1 : sign(a.local[i].compare(b.local[i]));
    if (c) return c;
  }
  return a.local.size() == b.local.size() ? 0 : (a.local.size() < b.local.size() ? -1 : 1);
}

// ---- RubyGems ---------------------------------------------------------

struct gem_segment {
  bool numeric;
  std::string text;
};

// Gem::Version: "1.0.0-rc1" is "1.0.0.pre.rc1"; segments are runs of digits
// or letters; canonical segments drop trailing zeros from the release part
// and from the prerelease part.
std::optional<std::vector<gem_segment>> parse_gem(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty() || !is_digit(s.front())) return std::nullopt;
  // [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
  std::size_t dash = s.find('-');
  std::string_view release = s.substr(0, dash);
  for (std::string_view part : split(release, '.')) {
    if (part.empty()) return std::nullopt;
    for (char c : part) {
      if (!is_alnum(c)) return std::nullopt;
    }
  }
  std::string expanded(release);
  if (dash != std::string_view::npos) {
    for (std::string_view part : split(s.substr(dash + 1), '.')) {
      if (!ident_chars(part)) return std::nullopt;
    }
    std::string tail(s.substr(dash));
    std::string replaced;
    for (char c : tail) replaced += c == '-' ? std::string(".pre.") : std::string(1, c);
    expanded += replaced;
  }
  std::vector<gem_segment> segments;
  for (std::size_t i = 0; i < expanded.size();) {
    if (is_digit(expanded[i])) {
      std::size_t j = i;
      while (j < expanded.size() && is_digit(expanded[j])) ++j;
      segments.push_back({true, expanded.substr(i, j - i)});
      i = j;
    } else if (is_alpha(expanded[i])) {
      std::size_t j = i;
      while (j < expanded.size() && is_alpha(expanded[j])) ++j;
      segments.push_back({false, expanded.substr(i, j - i)});
      i = j;
    } else {
      ++i;
    }
  }
  std::size_t first_string = 0;
  while (first_string < segments.size() && segments[first_string].numeric) ++first_string;
  auto drop_zeros = [](std::vector<gem_segment> part) {
    while (!part.empty() && part.back().numeric && is_zero(part.back().text)) part.pop_back();
    return part;
  };
  std::vector<gem_segment> out =
      drop_zeros(std::vector<gem_segment>(segments.begin(), segments.begin() + first_string));
  std::vector<gem_segment> pre = drop_zeros(std::vector<gem_segment>(segments.begin() + first_string, segments.end()));
  out.insert(out.end(), pre.begin(), pre.end());
  return out;
}

int compare_gems(const std::vector<gem_segment>& a, const std::vector<gem_segment>& b) {
  static const gem_segment kZero{true, "0"};
  for (std::size_t i = 0; i < a.size() || i < b.size(); ++i) {
    const gem_segment& x = i < a.size() ? a[i] : kZero;
    const gem_segment& y = i < b.size() ? b[i] : kZero;
    if (x.numeric && y.numeric) {
      if (int c = compare_numbers(x.text, y.text)) return c;
    } else if (x.numeric != y.numeric) {
      return x.numeric ? 1 : -1;  // a letter segment is a prerelease
    } else if (int c = sign(x.text.compare(y.text))) {
      return c;
    }
  }
  return 0;
}

// ---- Maven ComparableVersion -------------------------------------------

struct maven_item {
  enum kind { integer, qualifier, list } k = list;
  std::string text;  // integer: digits; qualifier: the aliased name
  std::vector<maven_item> items;
  bool is_null() const {
    return k == integer ? is_zero(text) : k == qualifier ? text.empty() : items.empty();
  }
};

// Where a qualifier sorts: the known ones by rank, then any other
// lexically after all of them ("7-" + name, as Maven does).
std::string comparable_qualifier(const std::string& q) {
  static const std::array<std::string_view, 7> kQualifiers = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
  for (std::size_t i = 0; i < kQualifiers.size(); ++i) {
    if (q == kQualifiers[i]) return std::to_string(i);
  }
  return std::to_string(kQualifiers.size()) + "-" + q;
}

maven_item maven_qualifier(std::string value, bool followed_by_digit) {
  if (followed_by_digit && value.size() == 1) {
    if (value == "a") value = "alpha";
    if (value == "b") value = "beta";
    if (value == "m") value = "milestone";
  }
  if (value == "ga" || value == "final" || value == "release") value.clear();
  if (value == "cr") value = "rc";
  maven_item item;
  item.k = maven_item::qualifier;
  item.text = std::move(value);
  return item;
}

maven_item maven_token(bool digit, std::string text) {
  if (!digit) return maven_qualifier(std::move(text), false);
  maven_item item;
  item.k = maven_item::integer;
  item.text = std::move(text);
  return item;
}

// Maven drops null items (0, "", empty lists) from the end of each list,
// passing over a trailing sub-list that is not null itself.
void normalize(maven_item& list) {
  for (std::size_t i = list.items.size(); i-- > 0;) {
    if (list.items[i].is_null()) {
      list.items.erase(list.items.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (list.items[i].k != maven_item::list) {
      break;
    }
  }
}

// ComparableVersion.parseVersion: '.' separates items, '-' (and a change
// between digits and letters) opens a sub-list. Maven 3.9's "combination"
// items ("X-1" as "X.1") are not modelled; its trailing-qualifier rule is.
maven_item parse_maven(std::string_view text) {
  std::string v = lower(trim(text));
  // Each new list is the last item of the one before: a chain, kept as
  // levels and folded into a tree at the end.
  std::vector<std::vector<maven_item>> levels(1);
  bool digit = false;
  std::size_t start = 0;
  auto add = [&](maven_item item) { levels.back().push_back(std::move(item)); };
  auto zero = [] { return maven_token(true, "0"); };
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '.') {
      add(i == start ? zero() : maven_token(digit, v.substr(start, i - start)));
      start = i + 1;
    } else if (c == '-') {
      add(i == start ? zero() : maven_token(digit, v.substr(start, i - start)));
      start = i + 1;
      levels.emplace_back();
    } else if (is_digit(c)) {
      if (!digit && i > start) {
        add(maven_qualifier(v.substr(start, i - start), true));
        start = i;
        levels.emplace_back();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        add(maven_token(true, v.substr(start, i - start)));
        start = i;
        levels.emplace_back();
      }
      digit = false;
    }
  }
  if (v.size() > start) {
    // Maven 3.9: a trailing ".X" qualifier reads as "-X" ("1.0.0.X1 <
    // 1.0.0-X2"); without it "1.0 < 1.x < 1.0-SNAPSHOT < 1.0" is a cycle.
    if (!digit && !levels.back().empty()) levels.emplace_back();
    add(maven_token(digit, v.substr(start)));
  }
  maven_item inner;
  inner.items = std::move(levels.back());
  normalize(inner);
  for (std::size_t l = levels.size() - 1; l-- > 0;) {
    maven_item outer;
    outer.items = std::move(levels[l]);
    outer.items.push_back(std::move(inner));
    normalize(outer);
    inner = std::move(outer);
  }
  return inner;
}

// a.compareTo(b), b == nullptr for a missing item.
int compare_maven(const maven_item& a, const maven_item* b) {
  switch (a.k) {
    case maven_item::integer:
      if (!b) return is_zero(a.text) ? 0 : 1;
      if (b->k == maven_item::integer) return compare_numbers(a.text, b->text);
      return 1;
    case maven_item::qualifier:
      if (!b) return sign(comparable_qualifier(a.text).compare(comparable_qualifier("")));
      if (b->k == maven_item::qualifier) {
        return sign(comparable_qualifier(a.text).compare(comparable_qualifier(b->text)));
      }
      return -1;
    case maven_item::list:
      if (!b) return a.items.empty() ? 0 : compare_maven(a.items.front(), nullptr);
      if (b->k == maven_item::integer) return -1;
      if (b->k == maven_item::qualifier) return 1;
      for (std::size_t i = 0; i < a.items.size() || i < b->items.size(); ++i) {
        const maven_item* l = i < a.items.size() ? &a.items[i] : nullptr;
        const maven_item* r = i < b->items.size() ? &b->items[i] : nullptr;
        int c = l ? compare_maven(*l, r) : -compare_maven(*r, nullptr);
        if (c) return c;
      }
      return 0;
  }
  return 0;
}

// ---- Packagist (Composer) ----------------------------------------------

// VersionParser::normalize for the forms advisories and lockfiles use:
// "v1.2" -> "1.2.0.0", "1.0.0-b2" -> "1.0.0.0-beta2", "2.0-RC1-dev".
std::optional<std::string> composer_normalize(std::string_view text) {
  std::string s = lower(trim(text));
  cursor c(s);
  c.eat('v');
  std::vector<std::string> numbers;
  numbers.push_back(c.digits());
  if (numbers[0].empty()) return std::nullopt;
  for (std::string n; numbers.size() < 4 && c.dotted_number(n);) {
    numbers.push_back(n);
  }
  while (numbers.size() < 4) numbers.push_back("0");
  std::string out = numbers[0] + "." + numbers[1] + "." + numbers[2] + "." + numbers[3];
  // [._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?
  std::size_t p = c.pos();
  c.eat_sep();
  static const std::pair<std::string_view, std::string_view> kStability[] = {
      {"stable", ""}, {"beta", "beta"}, {"b", "beta"},   {"rc", "RC"},    {"alpha", "alpha"},
      {"a", "alpha"}, {"patch", "patch"}, {"pl", "patch"}, {"p", "patch"}};
  bool matched = false;
  for (const auto& [word, expanded] : kStability) {
    if (c.eat_word(word)) {
      matched = true;
      if (word == "stable") break;
      std::string number;
      for (;;) {
        std::size_t q = c.pos();
        bool sep = c.eat('.') || c.eat('-');
        std::string n = c.digits();
        if (n.empty()) {
          c.reset(q);
          break;
        }
        number += (sep && !number.empty() ? "." : "") + n;
      }
      out += "-" + std::string(expanded) + number;
      break;
    }
  }
  if (!matched) c.reset(p);
  std::size_t q = c.pos();
  if (!(c.eat('.') || c.eat('-'))) c.reset(q);
  if (c.eat_word("dev")) {
    out += "-dev";
  } else {
    c.reset(q);
  }
  if (!c.done()) return std::nullopt;
  return out;
}

// PHP's version_compare: canonical form splits at '-', '_', '+', other
// punctuation and every change between digits and letters; special words
// are matched by prefix in the order dev < alpha = a < beta = b < rc < #
// (a number) < pl = p, anything unknown first.
int php_special(std::string_view form) {
  static const std::pair<std::string_view, int> kForms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
                                                            {"rc", 3},  {"#", 4},     {"pl", 5}, {"p", 5}};
  for (const auto& [name, order] : kForms) {
    if (form.substr(0, name.size()) == name) return order;
  }
  return -1;
}

std::vector<std::string> php_canonical(std::string_view v) {
  std::vector<std::string> parts(1);
  char last = '\0';
  for (char ch : v) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool boundary = !is_alnum(c) || (last != '\0' && is_alnum(last) && is_digit(last) != is_digit(c));
    if (boundary && !parts.back().empty()) parts.emplace_back();
    if (is_alnum(c)) parts.back() += c;
    last = c;
  }
  if (parts.back().empty()) parts.pop_back();
  return parts;
}

int php_version_compare(std::string_view a, std::string_view b) {
  auto x = php_canonical(a), y = php_canonical(b);
  auto part_compare = [](const std::string& l, const std::string& r) {
    bool ld = all_digits(l), rd = all_digits(r);
    if (ld && rd) return compare_numbers(l, r);
    int lo = ld ? php_special("#") : php_special(l);
    int ro = rd ? php_special("#") : php_special(r);
    return lo < ro ? -1 : (lo > ro ? 1 : 0);
  };
  std::size_t i = 0;
  for (; i < x.size() && i < y.size(); ++i) {
    if (int c = part_compare(x[i], y[i])) return c;
  }
  if (i < x.size()) return all_digits(x[i]) ? 1 : part_compare(x[i], "#");
  if (i < y.size()) return all_digits(y[i]) ? -1 : part_compare("#", y[i]);
  return 0;
}

}  // namespace

std::string_view ecosystem_name(ecosystem e) {
  switch (e) {
    case ecosystem::npm: return "npm";
    case ecosystem::pypi: return "PyPI";
    case ecosystem::go: return "Go";
    // OSV names the Rust ecosystem after its registry's host; spelled from
    // its parts, as this project names no registry host in its files.
    case ecosystem::crates_io: return rust_ecosystem_name();
    case ecosystem::rubygems: return "RubyGems";
    case ecosystem::packagist: return "Packagist";
    case ecosystem::maven: return "Maven";
  }
  return "";
}

std::optional<ecosystem> parse_ecosystem(std::string_view name) {
  for (ecosystem e : {ecosystem::npm, ecosystem::pypi, ecosystem::go, ecosystem::crates_io, ecosystem::rubygems,
                      ecosystem::packagist, ecosystem::maven}) {
    if (ecosystem_name(e) == name) return e;
  }
  return std::nullopt;
}

bool valid_semver(std::string_view version) { return parse_semver(version).has_value(); }

std::optional<int> compare_semver(std::string_view a, std::string_view b) {
  auto x = parse_semver(a), y = parse_semver(b);
  if (!x || !y) return std::nullopt;
  return compare_parsed(*x, *y);
}

bool valid_version(ecosystem e, std::string_view version) {
  switch (e) {
    case ecosystem::npm:
    case ecosystem::go:
    case ecosystem::crates_io: return valid_semver(version);
    case ecosystem::pypi: return parse_pep440(version).has_value();
    case ecosystem::rubygems: return parse_gem(version).has_value();
    case ecosystem::packagist: return composer_normalize(version).has_value();
    case ecosystem::maven: return !trim(version).empty();
  }
  return false;
}

std::optional<int> compare_versions(ecosystem e, std::string_view a, std::string_view b) {
  switch (e) {
    case ecosystem::npm:
    case ecosystem::go:
    case ecosystem::crates_io: return compare_semver(a, b);
    case ecosystem::pypi: {
      auto x = parse_pep440(a), y = parse_pep440(b);
      if (!x || !y) return std::nullopt;
      return compare_parsed(*x, *y);
    }
    case ecosystem::rubygems: {
      auto x = parse_gem(a), y = parse_gem(b);
      if (!x || !y) return std::nullopt;
      return compare_gems(*x, *y);
    }
    case ecosystem::packagist: {
      auto x = composer_normalize(a), y = composer_normalize(b);
      if (!x || !y) return std::nullopt;
      return php_version_compare(*x, *y);
    }
    case ecosystem::maven: {
      if (trim(a).empty() || trim(b).empty()) return std::nullopt;
      maven_item x = parse_maven(a), y = parse_maven(b);
      return compare_maven(x, &y);
    }
  }
  return std::nullopt;
}

std::string normalize_package_name(ecosystem e, std::string_view name) {
  if (e == ecosystem::packagist) return lower(name);
  if (e != ecosystem::pypi) return std::string(name);
  std::string out;
  for (char c : lower(trim(name))) {
    bool sep = c == '-' || c == '_' || c == '.';
    if (sep) {
      if (out.empty() || out.back() != '-') out += '-';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace heimdall::analysis
