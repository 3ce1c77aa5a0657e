// The per-file scanner of the threat model: one pass over a file's lines
// with the language's RE2::Set, then, for the few patterns the Set names,
// the groups, the handler's name, authentication near the entry, and the
// reads of sensitive data followed to the sinks they reach.
//
// The flow heuristic, line by line: a source whose key (or the variable it
// is assigned to) names sensitive data is a read; what it is stored in is
// followed from the next line to the end of the file. A sink line that
// holds such a read, or uses such a variable outside a string literal
// (interpolation counts), and does not match the sanitizer, is one flow per
// (line, data kind, sink). A map for a reviewer, not a taint analysis.
#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "analysis/line_matching.h"
#include "analysis/ruby_visibility.h"
#include "analysis/snippet.h"
#include "analysis/threat_model_compiled.h"

namespace heimdall::analysis {
namespace {

using compiled_rules = threat_model_rules::compiled;

// Handlers follow their decorators or annotations within a few lines;
// looking further would borrow the name of an unrelated function.
constexpr int kHandlerLookahead = 8;
// Decorator lines above an entry point that may carry its authentication.
constexpr int kAuthLinesAbove = 3;
// Routes, handler names and source expressions are shown, not parsed:
// a generated route table's 4 KiB line says no more than its first bytes.
constexpr std::size_t kMaxShownBytes = 200;
// Per file: bound the work a hostile or generated file can cause.
constexpr std::size_t kMaxEntriesPerFile = 5000;
constexpr std::size_t kMaxTrackedPerFile = 256;
constexpr std::size_t kMaxFlowsPerFile = 200;
constexpr int kMaxMatchesPerLine = 16;

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}


std::string shown(std::string_view text) { return make_snippet(trim(text), kMaxShownBytes); }

// Group `index` of a match, or nullopt when it did not take part.
std::optional<std::string_view> group(const std::vector<re2::StringPiece>& groups, int index) {
  if (index <= 0 || static_cast<std::size_t>(index) >= groups.size() || groups[index].data() == nullptr) {
    return std::nullopt;
  }
  return std::string_view(groups[index].data(), groups[index].size());
}

// The slots of `file`'s language whose path filters accept it, as a mask
// over the language index's Set entries.
std::vector<char> active_slots(const compiled_rules& c, const compiled_rules::language_index& index,
                               std::string_view path) {
  std::vector<char> active(index.slot_of.size());
  for (std::size_t i = 0; i < index.slot_of.size(); ++i) {
    const auto& paths = c.paths_of(index.slot_of[i]);
    active[i] = paths.empty() ||
                std::any_of(paths.begin(), paths.end(), [&](const auto& re) { return RE2::PartialMatch(path, *re); });
  }
  return active;
}

struct file_lines {
  explicit file_lines(std::string_view text) {
    for (std::size_t begin = 0; begin < text.size();) {
      std::size_t end = text.find('\n', begin);
      if (end == std::string_view::npos) end = text.size();
      lines.push_back(scanned_line(text.substr(begin, end - begin)));
      begin = end + 1;
    }
  }
  std::vector<std::string_view> lines;
};

// A variable that holds sensitive data, from the line it was assigned on.
struct tracked_name {
  std::string name;
  std::string kind;
  std::string source;  // the expression it was read from
  std::string origin;
  int line = 0;
};

// A sensitive read on the current line.
struct sensitive_read {
  std::string kind;
  std::string source;
  std::string origin;
};

class file_scanner {
 public:
  file_scanner(const threat_model_rules& rules, const compiled_rules& c, const source_file& file,
               std::string_view content)
      : rules_(rules), c_(c), file_(file), content_(content), lines_(content) {}

  file_scan run();

 private:
  void scan_line(const compiled_rules::language_index& index, const std::vector<char>& active, std::size_t i,
                 std::vector<int>& hits);
  void add_entry(std::size_t rule, std::size_t i, const std::vector<re2::StringPiece>& groups);
  // The first line after `i` that is no decorator, annotation or comment
  // (or -1), and the handler name found within the lookahead.
  std::pair<int, std::string> next_declaration(std::size_t i, const RE2* definition) const;
  bool requires_met(std::size_t rule);
  // Whether line `i` may be an entry of the rule (entry_rule::public_methods).
  bool visible(std::size_t rule, std::size_t i);
  std::string route_in_file(std::size_t rule);
  bool authenticated(std::size_t i, int declaration);
  std::string classify(std::string_view name) const;
  void read_source(std::size_t source, std::string_view line, std::vector<sensitive_read>& reads);
  struct pending_track {
    std::string lhs;       // what the read was stored in
    std::string key_kind;  // the data kind of the name it was read under; "" none
    std::string source;
    std::string origin;
    bool list = false;  // lhs lists names (parameters, destructuring)
  };
  void track(const pending_track& p, int line);
  void add_flows(std::string_view line, std::size_t i, const std::set<std::string>& sinks,
                 const std::vector<sensitive_read>& reads);
  bool code_line(std::size_t i) const {
    std::string_view text = trim(lines_.lines[i]);
    return !text.empty() && !is_comment_line(file_.lang, text);
  }

  const threat_model_rules& rules_;
  const compiled_rules& c_;
  const source_file& file_;
  std::string_view content_;
  file_lines lines_;
  file_scan out_;
  std::vector<signed char> requires_;                // per entry rule: -1 unknown, 0 no, 1 yes
  std::optional<std::set<int>> hidden_lines_;          // Ruby: the non-public methods' lines, once looked up
  std::map<std::size_t, std::string> route_in_file_;  // per entry rule, once looked up
  std::map<std::size_t, std::size_t> once_;           // once_per_file rule -> its entry
  int file_auth_ = -1;
  std::vector<tracked_name> tracked_;
  std::vector<pending_track> pending_;  // reads on the current line, tracked after its sinks
  std::set<std::tuple<int, std::string, std::string>> flow_keys_;  // (line, kind, sink)
};

file_scan file_scanner::run() {
  auto found = c_.by_language.find(file_.lang);
  if (found == c_.by_language.end()) return {};
  const compiled_rules::language_index& index = *found->second;
  std::vector<char> active = active_slots(c_, index, file_.path);
  if (std::none_of(active.begin(), active.end(), [](char a) { return a != 0; })) return {};
  requires_.assign(c_.entries.size(), -1);
  std::vector<int> hits;
  for (std::size_t i = 0; i < lines_.lines.size(); ++i) scan_line(index, active, i, hits);

  auto is_route = [](const entry_point& e) { return e.kind == "http_route"; };
  if (std::any_of(out_.entries.begin(), out_.entries.end(), is_route)) {
    out_.uploads = RE2::PartialMatch(content_, *c_.upload);
  }
  return std::move(out_);
}

void file_scanner::scan_line(const compiled_rules::language_index& index, const std::vector<char>& active,
                             std::size_t i, std::vector<int>& hits) {
  std::string_view line = lines_.lines[i];
  if (trim(line).empty()) return;
  const bool code = code_line(i);
  hits.clear();
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  // Most lines match nothing. Asked only whether anything matches, the Set
  // stops at the first match and allocates nothing; asked which, it builds
  // a set of every pattern per call, which was a tenth of this stage.
  if (!index.set.Match(line, nullptr, &error) && error.kind == RE2::Set::kNoError) return;
  error.kind = RE2::Set::kNoError;
  if (!index.set.Match(line, &hits, &error) && error.kind != RE2::Set::kNoError) {
    // The Set's DFA gave up on this line: let each pattern, whose own
    // matching cannot fail, decide.
    for (std::size_t entry = 0; entry < index.slot_of.size(); ++entry) hits.push_back(static_cast<int>(entry));
  }
  if (hits.empty()) return;
  // Set entries were added in slot order: entries in file order first.
  std::sort(hits.begin(), hits.end());

  bool entry_found = false;
  std::vector<sensitive_read> reads;
  std::set<std::string> sinks;
  const std::size_t entries = c_.entries.size(), sources = c_.sources.size();
  for (int hit : hits) {
    if (!active[hit]) continue;
    std::size_t slot = index.slot_of[hit];
    if (slot < entries) {
      const entry_rule& r = rules_.data().entries[slot];
      const compiled_rules::entry& ce = c_.entries[slot];
      if (entry_found || (!code && !r.in_comments) || out_.entries.size() >= kMaxEntriesPerFile) continue;
      std::vector<re2::StringPiece> groups(ce.pattern->NumberOfCapturingGroups() + 1);
      if (!ce.pattern->Match(line, 0, line.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())) ||
          (ce.not_pattern && RE2::PartialMatch(line, *ce.not_pattern)) || !requires_met(slot) ||
          !visible(slot, i)) {
        continue;
      }
      entry_found = true;
      add_entry(slot, i, groups);
    } else if (!code) {
      continue;
    } else if (slot < entries + sources) {
      read_source(slot - entries, line, reads);
    } else {
      std::size_t sink = slot - entries - sources;
      const compiled_rules::sink& cs = c_.sinks[sink];
      if (!matches_line(*cs.pattern, cs.not_pattern.get(), line)) continue;
      const std::string& kind = rules_.data().sinks[sink].sink;
      sinks.insert(kind);
      out_.sinks.emplace(kind, static_cast<int>(i) + 1);  // keeps the first line
    }
  }
  if (!sinks.empty()) add_flows(line, i, sinks, reads);
  for (const pending_track& p : pending_) track(p, static_cast<int>(i) + 1);
  pending_.clear();
}

bool file_scanner::requires_met(std::size_t rule) {
  const RE2* re = c_.entries[rule].requires_re.get();
  if (re == nullptr) return true;
  if (requires_[rule] < 0) requires_[rule] = RE2::PartialMatch(content_, *re) ? 1 : 0;
  return requires_[rule] == 1;
}

bool file_scanner::visible(std::size_t rule, std::size_t i) {
  if (!rules_.data().entries[rule].public_methods || file_.lang != language::ruby) return true;
  if (!hidden_lines_) hidden_lines_ = ruby_nonpublic_method_lines(file_.path, content_);
  return !hidden_lines_->count(static_cast<int>(i) + 1);
}

std::string file_scanner::route_in_file(std::size_t rule) {
  auto [it, added] = route_in_file_.emplace(rule, std::string());
  if (added) {
    re2::StringPiece found;
    if (RE2::PartialMatch(content_, *c_.entries[rule].route_in_file, &found)) it->second = shown(found);
  }
  return it->second;
}

std::pair<int, std::string> file_scanner::next_declaration(std::size_t i, const RE2* definition) const {
  static const std::set<std::string, std::less<>> kNotNames = {"if", "for", "while", "switch", "catch", "return",
                                                               "function", "new", "await", "else", "do", "sizeof"};
  int declaration = -1;
  const std::size_t end = std::min(lines_.lines.size(), i + 1 + kHandlerLookahead);
  for (std::size_t j = i + 1; j < end; ++j) {
    std::string_view text = trim(lines_.lines[j]);
    if (text.empty() || is_comment_line(file_.lang, text)) continue;
    if (text.front() == '@' || text.starts_with("#[") || text.front() == '[') continue;
    if (declaration < 0) declaration = static_cast<int>(j);
    re2::StringPiece name;
    if (definition != nullptr && RE2::PartialMatch(lines_.lines[j], *definition, &name) &&
        kNotNames.count(std::string_view(name.data(), name.size())) == 0) {
      return {declaration, shown(name)};
    }
    if (definition == nullptr) break;
  }
  return {declaration, ""};
}

// Authentication marked on the entry's own line, the decorators just above
// it, the lines down to its handler's declaration, or anywhere in the file
// (a before_request hook, router.use(auth)).
bool file_scanner::authenticated(std::size_t i, int declaration) {
  auto marked = [&](std::size_t j) { return RE2::PartialMatch(lines_.lines[j], *c_.auth); };
  if (marked(i)) return true;
  for (std::size_t j = i, above = 0; j > 0 && above < kAuthLinesAbove; ++above) {
    std::string_view text = trim(lines_.lines[--j]);
    if (text.empty() || !(text.front() == '@' || text.starts_with("#[") || text.front() == '[')) break;
    if (marked(j)) return true;
  }
  std::size_t last = declaration < 0 ? i : static_cast<std::size_t>(declaration);
  for (std::size_t j = i + 1; j <= last && j < lines_.lines.size(); ++j) {
    if (marked(j)) return true;
  }
  if (file_auth_ < 0) file_auth_ = RE2::PartialMatch(content_, *c_.file_auth) ? 1 : 0;
  return file_auth_ == 1;
}

void file_scanner::add_entry(std::size_t rule, std::size_t i, const std::vector<re2::StringPiece>& groups) {
  const entry_rule& r = rules_.data().entries[rule];
  const compiled_rules::entry& ce = c_.entries[rule];

  std::string method;
  if (auto text = group(groups, ce.method_group)) method = normalize_methods(*text, r.method_map);
  if (method.empty()) method = r.method;

  if (r.once_per_file) {
    if (auto seen = once_.find(rule); seen != once_.end()) {
      entry_point& first = out_.entries[seen->second];
      first.method = normalize_methods(first.method + "," + method, {});
      return;
    }
  }

  std::pair<int, std::string> declaration{-1, ""};
  if (ce.handler != nullptr || ce.not_next) declaration = next_declaration(i, ce.handler);
  if (ce.not_next && declaration.first >= 0 &&
      RE2::PartialMatch(lines_.lines[declaration.first], *ce.not_next)) {
    return;
  }

  entry_point e;
  e.kind = r.kind;
  e.framework = r.framework;
  e.method = method;
  e.file_path = file_.path;
  e.line = static_cast<int>(i) + 1;

  bool has_route = true;
  re2::StringPiece from_path;
  if (auto text = group(groups, ce.route_group)) {
    e.route = shown(*text);
  } else if (ce.route_from_path && RE2::PartialMatch(file_.path, *ce.route_from_path, &from_path)) {
    e.route = shown(from_path);
  } else if (ce.route_in_file) {
    e.route = route_in_file(rule);
    has_route = !e.route.empty();
  } else if (!r.route.empty()) {
    e.route = r.route;
  } else {
    has_route = false;
  }
  // Routes are shown rooted ("users/<id>/" in urls.py is "/users/<id>/");
  // a regex route (^users/$) stays as written.
  if (r.kind == "http_route" && has_route && (e.route.empty() || (e.route.front() != '/' && e.route.front() != '^'))) {
    e.route.insert(0, "/");
  }

  if (auto text = group(groups, ce.function_group); text && !trim(*text).empty()) {
    e.function = shown(*text);
  } else if (!declaration.second.empty()) {
    e.function = declaration.second;
  } else {
    e.function = r.function;
  }

  bool admin = r.kind == "http_route" && (RE2::PartialMatch(e.route, *c_.admin_route) ||
                                          RE2::PartialMatch(e.function, *c_.admin_route));
  out_.unauthenticated_admin.push_back(admin && !authenticated(i, declaration.first));
  if (r.once_per_file) once_.emplace(rule, out_.entries.size());
  out_.entries.push_back(std::move(e));
}

std::string file_scanner::classify(std::string_view name) const {
  for (std::size_t k = 0; k < c_.data_kinds.size(); ++k) {
    if (RE2::PartialMatch(name, *c_.data_kinds[k])) return rules_.data().data_kinds[k].kind;
  }
  return "";
}

// Each identifier of `text` (PHP's '$' and members' '.' split them).
std::vector<std::string_view> identifiers(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_identifier_char(text[i]) || (text[i] >= '0' && text[i] <= '9')) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_identifier_char(text[end])) ++end;
    out.push_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

// The left-hand side of an assignment that ends in `prefix` (the text
// before a source expression): "password = ", "const { a, b } = ",
// "pw := ", "String password = ". Empty when `prefix` assigns nothing: an
// '=' inside brackets is a keyword argument, '==' and '=>' compare or map.
std::string_view assigned(std::string_view prefix) {
  int depth = 0;
  for (std::size_t p = 0; p < prefix.size(); ++p) {
    char ch = prefix[p];
    if (ch == '(' || ch == '[') ++depth;
    if ((ch == ')' || ch == ']') && depth > 0) --depth;
    if (ch != '=' || depth > 0) continue;
    char before = p > 0 ? prefix[p - 1] : ' ';
    char after = p + 1 < prefix.size() ? prefix[p + 1] : ' ';
    if (after == '=' || after == '>' || before == '=' || before == '!' || before == '<' || before == '>') {
      ++p;  // skip the operator's other character
      continue;
    }
    std::string_view lhs = prefix.substr(0, before == ':' ? p - 1 : p);
    // "password: str =" (a type annotation) names `password`.
    if (auto colon = lhs.find(':'); colon != std::string_view::npos && lhs.find('{') == std::string_view::npos) {
      lhs = lhs.substr(0, colon);
    }
    return trim(lhs);
  }
  return {};
}

// `match` (within `line`) extended over the brackets that close what it
// opened, so a source shows as request.form['password'], not
// request.form['password'.
std::string_view closed(std::string_view line, std::string_view match) {
  std::string open;
  for (char ch : match) {
    if (ch == '[' || ch == '(') open.push_back(ch);
    if ((ch == ']' || ch == ')') && !open.empty()) open.pop_back();
  }
  std::size_t end = static_cast<std::size_t>(match.data() - line.data()) + match.size();
  std::size_t p = end;
  while (!open.empty() && p < line.size()) {
    if (line[p] == ' ' || line[p] == '\t') {
      ++p;
      continue;
    }
    if (line[p] != (open.back() == '[' ? ']' : ')')) break;
    open.pop_back();
    end = ++p;
  }
  return line.substr(static_cast<std::size_t>(match.data() - line.data()),
                     end - static_cast<std::size_t>(match.data() - line.data()));
}

void file_scanner::read_source(std::size_t source, std::string_view line, std::vector<sensitive_read>& reads) {
  const data_source_rule& r = rules_.data().sources[source];
  const compiled_rules::source& cs = c_.sources[source];
  std::vector<re2::StringPiece> groups(cs.pattern->NumberOfCapturingGroups() + 1);
  std::size_t from = 0;
  for (int n = 0; n < kMaxMatchesPerLine && from <= line.size() &&
                  cs.pattern->Match(line, from, line.size(), RE2::UNANCHORED, groups.data(),
                                    static_cast<int>(groups.size()));
       ++n) {
    std::string_view whole(groups[0].data(), groups[0].size());
    std::string_view key = group(groups, cs.key_group).value_or(std::string_view());
    std::size_t begin = static_cast<std::size_t>(whole.data() - line.data());
    from = begin + std::max<std::size_t>(whole.size(), 1);

    std::string kind = classify(key);
    std::string expression = shown(closed(line, whole));
    if (!kind.empty()) reads.push_back(sensitive_read{kind, expression, r.origin});
    // What the read is stored in is followed from the next line on, so an
    // assignment is not its own sink.
    if (r.binds_key) {
      pending_.push_back(pending_track{std::string(key), kind, expression, r.origin, true});
    } else if (std::string_view lhs = assigned(line.substr(0, begin)); !lhs.empty()) {
      pending_.push_back(pending_track{std::string(lhs), kind, expression, r.origin, false});
    }
  }
}

// Whether `name` is used as an identifier on `line`: not part of a longer
// name, and not inside a string literal unless interpolated there
// (f"{name}", `${name}`, "#{name}", PHP's "$name"). "Invalid password"
// in a log message mentions no variable.
bool mentions(std::string_view line, std::string_view name) {
  char quote = 0;
  int braces = 0;
  for (std::size_t p = 0; p < line.size(); ++p) {
    char ch = line[p];
    if (quote != 0) {
      if (ch == '\\') {
        ++p;
        continue;
      }
      if (braces == 0 && ch == quote) {
        quote = 0;
        continue;
      }
      if (ch == '{') ++braces;
      if (ch == '}' && braces > 0) --braces;
    } else if (ch == '"' || ch == '\'' || ch == '`') {
      quote = ch;
      braces = 0;
      continue;
    }
    if (line.compare(p, name.size(), name) != 0) continue;
    bool starts = p == 0 || !is_identifier_char(line[p - 1]);
    bool ends = p + name.size() >= line.size() || !is_identifier_char(line[p + name.size()]);
    if (starts && ends && (quote == 0 || braces > 0 || (p > 0 && line[p - 1] == '$'))) return true;
  }
  return false;
}

std::string_view origin_text(const std::string& origin) {
  return origin == "environment" ? "the environment" : "the request";
}

void file_scanner::add_flows(std::string_view line, std::size_t i, const std::set<std::string>& sinks,
                             const std::vector<sensitive_read>& reads) {
  // Hashed, masked or measured data is not the data any more.
  if (RE2::PartialMatch(line, *c_.sanitizer)) return;
  const int line_number = static_cast<int>(i) + 1;
  auto add = [&](const std::string& kind, const std::string& sink, const std::string& source, std::string description) {
    if (out_.flows.size() >= kMaxFlowsPerFile || !flow_keys_.emplace(line_number, kind, sink).second) return;
    out_.flows.push_back(data_flow{kind, source, sink, file_.path, line_number, std::move(description)});
  };
  for (const std::string& sink : sinks) {
    const sink_kind_info& info = rules_.data().sink_kinds.at(sink);
    if (!info.flows) continue;
    for (const sensitive_read& read : reads) {
      add(read.kind, sink, read.source,
          read.source + " (" + read.kind + ", from " + std::string(origin_text(read.origin)) + ") reaches " +
              info.label + " on the same line.");
    }
    for (const tracked_name& t : tracked_) {
      if (!mentions(line, t.name)) continue;
      add(t.kind, sink, t.source,
          t.source + " (" + t.kind + ", from " + std::string(origin_text(t.origin)) + ", line " +
              std::to_string(t.line) + ") reaches " + info.label + " through `" + t.name + "`.");
    }
  }
}

void file_scanner::track(const pending_track& p, int line) {
  static const std::set<std::string, std::less<>> kKeywords = {"const", "let", "var", "val", "final", "auto",
                                                                "my", "local", "static", "String", "string"};
  auto add = [&](std::string_view name, const std::string& kind) {
    if (kind.empty() || kKeywords.count(name) != 0 || tracked_.size() >= kMaxTrackedPerFile) return;
    tracked_.push_back(tracked_name{std::string(name), kind, p.source, p.origin, line});
  };
  std::vector<std::string_view> names = identifiers(p.lhs);
  if (names.empty()) return;
  // Several names (destructuring, tuples, parameters): only those that
  // name sensitive data carry it. One name: it holds what was read,
  // whatever it is called.
  if (p.list || p.lhs.find_first_of(",{[") != std::string::npos) {
    for (std::string_view name : names) add(name, classify(name));
  } else {
    add(names.back(), p.key_kind.empty() ? classify(names.back()) : p.key_kind);
  }
}

}  // namespace

bool may_apply(const threat_model_rules& rules, const source_file& file) {
  const compiled_rules& c = *rules.compiled_;
  auto found = c.by_language.find(file.lang);
  if (found == c.by_language.end()) return false;
  std::vector<char> active = active_slots(c, *found->second, file.path);
  return std::any_of(active.begin(), active.end(), [](char a) { return a != 0; });
}

file_scan scan_file(const threat_model_rules& rules, const source_file& file, std::string_view content) {
  return file_scanner(rules, *rules.compiled_, file, content).run();
}

}  // namespace heimdall::analysis
