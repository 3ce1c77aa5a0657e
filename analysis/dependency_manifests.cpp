#include "analysis/dependency_manifests.h"

#include <simdjson.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <set>

namespace heimdall::analysis {
namespace {

namespace od = simdjson::ondemand;

// Deeper nesting than this (a package-lock v1 tree, a pom.xml) is not
// followed: real manifests stay far below, and recursion stays bounded.
constexpr int kMaxNesting = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

// Line numbers of byte offsets.
class line_index {
 public:
  explicit line_index(std::string_view text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }
  int line_of(std::size_t offset) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    return static_cast<int>(it - starts_.begin());
  }

 private:
  std::vector<std::size_t> starts_;
};

// Each physical line with its 1-based number, '\r' dropped.
void for_each_line(std::string_view text, const std::function<void(int, std::string_view)>& fn) {
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(++number, line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::size_t indent_of(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// What one parse produces; notes are capped.
class collector {
 public:
  collector(ecosystem eco, std::string_view path) : eco_(eco), path_(path) {}

  void add(std::string name, std::string version, int line) {
    out_.dependencies.push_back({eco_, std::move(name), std::move(version), path_, line});
  }
  // A package added only when its version is one of the ecosystem's.
  void add_checked(std::string name, std::string version, int line) {
    if (name.empty()) return note(line, "skipped: a package without a name");
    if (!valid_version(eco_, version)) {
      return note(line, "skipped: " + name + " '" + version + "' is not a " + std::string(ecosystem_name(eco_)) +
                            " version");
    }
    add(std::move(name), std::move(version), line);
  }
  void note(int line, const std::string& reason) {
    if (out_.notes.size() < kMaxManifestNotes) {
      out_.notes.push_back({path_, (line > 0 ? "line " + std::to_string(line) + ": " : std::string()) + reason});
    } else {
      ++dropped_;
    }
  }
  manifest_contents take() {
    std::stable_sort(out_.dependencies.begin(), out_.dependencies.end(),
                     [](const dependency& a, const dependency& b) { return a.line < b.line; });
    if (dropped_) out_.notes.push_back({path_, std::to_string(dropped_) + " more notes left out"});
    return std::move(out_);
  }
  ecosystem eco() const { return eco_; }

 private:
  ecosystem eco_;
  std::string path_;
  manifest_contents out_;
  std::size_t dropped_ = 0;
};

// ---- JSON formats (simdjson On Demand, which knows where each key is) ----

class json_reader {
 public:
  json_reader(std::string_view text, collector& out) : buf_(text), lines_(text), out_(out) {}

  // The document's top-level object; false (with a note) when malformed.
  bool open(od::object& top) {
    if (parser_.iterate(buf_).get(doc_) != simdjson::SUCCESS || doc_.get_object().get(top) != simdjson::SUCCESS) {
      out_.note(0, "malformed JSON: not an object");
      return false;
    }
    return true;
  }
  // A note for a simdjson error; always false, so callers can return it.
  bool fail(simdjson::error_code e) {
    out_.note(0, std::string("malformed JSON: ") + simdjson::error_message(e));
    return false;
  }
  int line_of_key(od::field& f) { return lines_.line_of(static_cast<std::size_t>(f.key().raw() - buf_.data())); }

  // Calls `fn(key, line, value)` for each member; false on malformed input.
  bool members(od::value v, const std::function<bool(std::string_view, int, od::value)>& fn) {
    od::object obj;
    if (auto e = v.get_object().get(obj)) return fail(e);
    return members(obj, fn);
  }
  bool members(od::object& obj, const std::function<bool(std::string_view, int, od::value)>& fn) {
    for (auto item : obj) {
      od::field f;
      if (auto e = std::move(item).get(f)) return fail(e);
      int line = line_of_key(f);
      std::string_view key;
      if (auto e = f.unescaped_key().get(key)) return fail(e);
      std::string k(key);  // the key's bytes may be reused by the next string read
      if (!fn(k, line, f.value())) return false;
    }
    return true;
  }
  // A string member's text, "" for other types.
  static std::string text(od::value v) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return "";
    return std::string(s);
  }

 private:
  simdjson::padded_string buf_;
  line_index lines_;
  collector& out_;
  od::parser parser_;
  od::document doc_;
};

std::string after_last_node_modules(std::string_view key) {
  constexpr std::string_view kDir = "node_modules/";
  std::size_t at = key.rfind(kDir);
  return at == std::string_view::npos ? std::string() : std::string(key.substr(at + kDir.size()));
}

// "npm:real@1.2.3" (an alias) -> ("real", "1.2.3").
void resolve_npm_alias(std::string& name, std::string& version) {
  if (!starts_with(version, "npm:")) return;
  std::string rest = version.substr(4);
  std::size_t at = rest.rfind('@');
  if (at == std::string::npos || at == 0) return;
  name = rest.substr(0, at);
  version = rest.substr(at + 1);
}

void parse_package_lock(std::string_view text, collector& out) {
  json_reader json(text, out);
  od::object top;
  if (!json.open(top)) return;
  // v2 has both "packages" and the v1 "dependencies" tree; the first is
  // complete, so the tree is only read for v1.
  std::vector<dependency> packages, tree;
  bool have_packages = false;
  std::function<bool(od::value, int)> walk_tree = [&](od::value deps, int depth) -> bool {
    if (depth > kMaxNesting) return true;
    return json.members(deps, [&](std::string_view name, int line, od::value entry) {
      std::string version;
      bool ok = json.members(entry, [&](std::string_view key, int, od::value v) {
        if (key == "version") version = json_reader::text(v);
        if (key == "dependencies") return walk_tree(v, depth + 1);
        return true;
      });
      std::string real(name);
      resolve_npm_alias(real, version);
      if (!version.empty()) tree.push_back({ecosystem::npm, real, version, "", line});
      return ok;
    });
  };
  json.members(top, [&](std::string_view key, int, od::value v) {
    if (key == "packages") {
      have_packages = true;
      return json.members(v, [&](std::string_view path, int line, od::value entry) {
        std::string name = after_last_node_modules(path), version, declared;
        bool link = false;
        bool ok = json.members(entry, [&](std::string_view k, int, od::value field) {
          if (k == "version") version = json_reader::text(field);
          if (k == "name") declared = json_reader::text(field);
          if (k == "link" && field.get_bool().get(link) != simdjson::SUCCESS) link = false;
          return true;
        });
        if (!name.empty() && !link && !version.empty()) {
          if (!declared.empty()) name = declared;
          resolve_npm_alias(name, version);
          packages.push_back({ecosystem::npm, name, version, "", line});
        }
        return ok;
      });
    }
    if (key == "dependencies") return walk_tree(v, 0);
    return true;
  });
  for (dependency& d : have_packages ? packages : tree) out.add_checked(std::move(d.name), std::move(d.version), d.line);
}

void parse_pipfile_lock(std::string_view text, collector& out) {
  json_reader json(text, out);
  od::object top;
  if (!json.open(top)) return;
  json.members(top, [&](std::string_view section, int, od::value v) {
    if (section != "default" && section != "develop") return true;
    return json.members(v, [&](std::string_view name, int line, od::value entry) {
      std::string version;
      bool ok = json.members(entry, [&](std::string_view k, int, od::value field) {
        if (k == "version") version = json_reader::text(field);
        return true;
      });
      if (starts_with(version, "==")) {
        out.add_checked(std::string(name), version.substr(version.rfind('=') + 1), line);
      } else {
        out.note(line, "skipped: " + std::string(name) + " has no pinned version (git, path or editable)");
      }
      return ok;
    });
  });
}

void parse_composer_lock(std::string_view text, collector& out) {
  json_reader json(text, out);
  od::object top;
  if (!json.open(top)) return;
  json.members(top, [&](std::string_view section, int, od::value v) {
    if (section != "packages" && section != "packages-dev") return true;
    od::array list;
    if (auto e = v.get_array().get(list)) return json.fail(e);
    for (auto item : list) {
      od::value entry;
      if (auto e = std::move(item).get(entry)) return json.fail(e);
      std::string name, version;
      int line = 0;
      if (!json.members(entry, [&](std::string_view k, int l, od::value field) {
            if (k == "name") name = json_reader::text(field), line = l;
            if (k == "version") version = json_reader::text(field);
            return true;
          })) {
        return false;
      }
      if (starts_with(version, "dev-") || ends_with(version, "-dev")) {
        out.note(line, "skipped: " + name + " is a development branch (" + version + ")");
        continue;
      }
      out.add_checked(name, version, line);
    }
    return true;
  });
}

// ---- npm text lockfiles ---------------------------------------------------

// "@scope/pkg@^1.0" -> ("@scope/pkg", "^1.0"): the name ends at the first
// '@' after its first character.
std::pair<std::string, std::string> split_descriptor(std::string_view d) {
  std::size_t at = d.find('@', 1);
  if (at == std::string_view::npos) return {std::string(d), ""};
  return {std::string(d.substr(0, at)), std::string(d.substr(at + 1))};
}

void parse_yarn_lock(std::string_view text, collector& out) {
  struct entry {
    int line = 0;
    std::string descriptor, version, resolution;
  };
  std::optional<entry> current;
  auto finish = [&] {
    if (!current) return;
    entry e = std::move(*current);
    current.reset();
    if (e.descriptor == "__metadata") return;
    auto [name, range] = split_descriptor(e.descriptor);
    if (!e.resolution.empty()) {
      // berry: "name@npm:1.2.3"; any other protocol (workspace:, patch:,
      // link:, portal:, file:, git) is not a registry package. A patch:
      // entry repeats an npm: entry, which is checked.
      auto [resolved, how] = split_descriptor(e.resolution);
      if (!starts_with(how, "npm:")) {
        if (!starts_with(how, "patch:") && !starts_with(how, "workspace:")) {
          out.note(e.line, "skipped: " + resolved + " is not from a registry (" + how + ")");
        }
        return;
      }
      name = resolved;
    } else if (starts_with(range, "npm:")) {
      // v1 alias: "alias@npm:real@^1.0".
      std::string rest = range.substr(4);
      if (rest.find('@', 1) != std::string::npos) name = split_descriptor(rest).first;
    }
    if (e.version.empty()) return out.note(e.line, "skipped: " + name + " has no version");
    out.add_checked(name, e.version, e.line);
  };
  for_each_line(text, [&](int number, std::string_view line) {
    if (trim(line).empty() || line.front() == '#') return;
    if (line.front() != ' ') {
      finish();
      std::string_view header = trim(line);
      if (!ends_with(header, ":")) return out.note(number, "malformed yarn.lock entry header");
      header.remove_suffix(1);
      // The first of the entry's descriptors; the quotes around the list
      // (berry) or around each descriptor (v1) are not part of it.
      std::string_view first = trim(header.substr(0, header.find(',')));
      if (!first.empty() && first.front() == '"') first.remove_prefix(1);
      if (!first.empty() && first.back() == '"') first.remove_suffix(1);
      current = entry{number, std::string(first), "", ""};
      return;
    }
    if (!current || indent_of(line) != 2) return;
    std::string_view body = trim(line);
    for (std::string_view key : {std::string_view("version"), std::string_view("resolution")}) {
      if (!starts_with(body, key) || body.size() == key.size()) continue;
      std::string_view rest = body.substr(key.size());
      if (rest.front() != ' ' && rest.front() != ':') continue;
      if (rest.front() == ':') rest.remove_prefix(1);
      std::string value(unquote(rest));
      (key == "version" ? current->version : current->resolution) = value;
    }
  });
  finish();
}

void parse_pnpm_lock(std::string_view text, collector& out) {
  bool in_packages = false;
  for_each_line(text, [&](int number, std::string_view line) {
    if (trim(line).empty() || trim(line).front() == '#') return;
    if (line.front() != ' ') {
      in_packages = trim(line) == "packages:";
      return;
    }
    if (!in_packages || indent_of(line) != 2) return;
    std::string_view key = trim(line);
    if (!ends_with(key, ":")) return;
    key.remove_suffix(1);
    key = unquote(key);
    if (starts_with(key, "/")) key.remove_prefix(1);
    key = key.substr(0, key.find('('));  // v6+: peer dependencies in parentheses
    // v5: "name/1.2.3[_peers]"; v6 and later: "name@1.2.3".
    std::size_t slash = key.rfind('/');
    if (slash != std::string_view::npos) {
      std::string_view version = key.substr(slash + 1);
      version = version.substr(0, version.find('_'));
      if (valid_semver(version)) return out.add(std::string(key.substr(0, slash)), std::string(version), number);
    }
    std::size_t at = key.rfind('@');
    if (at == std::string_view::npos || at == 0) {
      return out.note(number, "skipped: package key '" + std::string(key) + "' has no version");
    }
    out.add_checked(std::string(key.substr(0, at)), std::string(key.substr(at + 1)), number);
  });
}

// ---- Python requirements --------------------------------------------------

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

void parse_requirement(std::string_view spec, int line, collector& out) {
  std::size_t n = 0;
  while (n < spec.size() && name_char(spec[n])) ++n;
  if (n == 0) return out.note(line, "skipped: not a requirement: '" + std::string(spec.substr(0, 80)) + "'");
  std::string name(spec.substr(0, n));
  std::string_view rest = trim(spec.substr(n));
  if (starts_with(rest, "[")) {
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return out.note(line, "skipped: " + name + ": unclosed extras");
    rest = trim(rest.substr(close + 1));
  }
  rest = trim(rest.substr(0, rest.find(';')));  // environment markers
  if (starts_with(rest, "@")) return out.note(line, "skipped: " + name + " is a direct URL reference");
  if (rest.empty()) return out.note(line, "unpinned: " + name + " (no version): not checked");
  if (rest.find(',') == std::string_view::npos && (starts_with(rest, "==") || starts_with(rest, "==="))) {
    std::size_t start = rest.find_first_not_of('=');
    std::string_view version = start == std::string_view::npos ? std::string_view() : trim(rest.substr(start));
    if (!version.empty() && version.find('*') == std::string_view::npos) {
      return out.add_checked(name, std::string(version), line);
    }
  }
  out.note(line, "unpinned: " + name + " " + std::string(rest) + ": not checked");
}

void parse_requirements_txt(std::string_view text, collector& out) {
  std::string logical;
  int first_line = 0;
  for_each_line(text, [&](int number, std::string_view line) {
    if (logical.empty()) first_line = number;
    // A comment starts at '#' at the start or after white space.
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line = line.substr(0, i);
        break;
      }
    }
    std::string_view t = trim(line);
    if (ends_with(t, "\\")) {
      logical += std::string(t.substr(0, t.size() - 1)) + " ";
      return;
    }
    logical += std::string(t);
    std::string_view spec = trim(logical);
    if (!spec.empty()) {
      if (starts_with(spec, "-e") || starts_with(spec, "--editable")) {
        out.note(first_line, "skipped: editable requirement");
      } else if (!starts_with(spec, "-")) {
        // Per-requirement options ("--hash=...") follow the specifier.
        std::size_t option = spec.find(" -");
        parse_requirement(trim(spec.substr(0, option)), first_line, out);
      }
    }
    logical.clear();
  });
}

// ---- TOML-ish [[package]] blocks (poetry.lock, Cargo.lock) --------------

struct toml_package {
  int line = 0;
  std::map<std::string, std::string> values;  // "name", "version", "source", "source.type", ...

  std::string get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
  }
};

// A basic ("...") or literal ('...') string, else the trimmed text.
std::string toml_scalar(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && v.front() == '\'') {
    std::size_t end = v.find('\'', 1);
    return std::string(v.substr(1, end == std::string_view::npos ? v.size() - 1 : end - 1));
  }
  if (v.empty() || v.front() != '"') return std::string(v);
  std::string out;
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i] == '"') break;
    if (v[i] == '\\' && i + 1 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

// Brackets outside strings: how much deeper the line leaves an array.
int bracket_balance(std::string_view v) {
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      break;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    }
  }
  return depth;
}

std::vector<toml_package> toml_packages(std::string_view text) {
  std::vector<toml_package> out;
  std::string table;
  int open_array = 0;
  std::string closing;  // the delimiter of a multi-line string being skipped
  for_each_line(text, [&](int number, std::string_view line) {
    std::string_view t = trim(line);
    if (!closing.empty()) {
      if (t.find(closing) != std::string_view::npos) closing.clear();
      return;
    }
    if (open_array > 0) {
      open_array += bracket_balance(t);
      return;
    }
    if (t.empty() || t.front() == '#') return;
    if (starts_with(t, "[[")) {
      table = std::string(trim(t.substr(2, t.find("]]") == std::string_view::npos ? 0 : t.find("]]") - 2)));
      if (table == "package") out.push_back({number, {}});
      return;
    }
    if (t.front() == '[') {
      std::size_t close = t.find(']');
      table = std::string(trim(t.substr(1, close == std::string_view::npos ? 0 : close - 1)));
      return;
    }
    std::size_t eq = t.find('=');
    if (eq == std::string_view::npos) return;
    std::string key(unquote(t.substr(0, eq)));
    std::string_view value = trim(t.substr(eq + 1));
    for (std::string_view delim : {std::string_view("\"\"\""), std::string_view("'''")}) {
      if (starts_with(value, delim) && value.substr(3).find(delim) == std::string_view::npos) closing = delim;
    }
    if (starts_with(value, "[")) open_array = std::max(0, bracket_balance(value));
    if (out.empty()) return;
    if (table == "package") out.back().values[key] = toml_scalar(value);
    if (table == "package.source") out.back().values["source." + key] = toml_scalar(value);
  });
  return out;
}

void parse_cargo_lock(std::string_view text, collector& out) {
  for (const toml_package& p : toml_packages(text)) {
    std::string name = p.get("name"), source = p.get("source");
    if (source.empty()) continue;  // a member of this workspace
    if (!starts_with(source, "registry+") && !starts_with(source, "sparse+")) {
      out.note(p.line, "skipped: " + name + " is not from a registry (" + source.substr(0, source.find('+')) + ")");
      continue;
    }
    out.add_checked(name, p.get("version"), p.line);
  }
}

void parse_poetry_lock(std::string_view text, collector& out) {
  for (const toml_package& p : toml_packages(text)) {
    std::string name = p.get("name"), type = p.get("source.type");
    if (type == "git" || type == "directory" || type == "file" || type == "url") {
      out.note(p.line, "skipped: " + name + " is not from a package index (" + type + ")");
      continue;
    }
    out.add_checked(name, p.get("version"), p.line);
  }
}

// ---- Gemfile.lock, go.sum ---------------------------------------------------

// "1.11.0-x86_64-linux" -> "1.11.0": Bundler appends the platform.
std::string strip_gem_platform(std::string_view version) {
  std::size_t dash = version.find('-');
  if (dash == std::string_view::npos) return std::string(version);
  std::string_view platform = version.substr(dash + 1);
  for (std::string_view p : {"x86", "x64", "arm", "aarch64", "java", "jruby", "mingw", "mswin", "darwin", "linux",
                             "universal", "freebsd", "solaris", "musl"}) {
    if (platform.find(p) != std::string_view::npos) return std::string(version.substr(0, dash));
  }
  return std::string(version);
}

void parse_gemfile_lock(std::string_view text, collector& out) {
  std::string section;
  bool in_specs = false;
  for_each_line(text, [&](int number, std::string_view line) {
    if (trim(line).empty()) return;
    if (line.front() != ' ') {
      section = std::string(trim(line));
      in_specs = false;
      if (section == "GIT" || section == "PATH") out.note(number, "skipped: gems from a " + section + " source");
      return;
    }
    if (section != "GEM") return;
    if (indent_of(line) == 2) {
      in_specs = trim(line) == "specs:";
      return;
    }
    if (!in_specs || indent_of(line) != 4) return;
    std::string_view spec = trim(line);
    std::size_t open = spec.find(" (");
    if (open == std::string_view::npos || !ends_with(spec, ")")) {
      return out.note(number, "malformed spec line: '" + std::string(spec.substr(0, 80)) + "'");
    }
    std::string_view version = spec.substr(open + 2, spec.size() - open - 3);
    out.add_checked(std::string(spec.substr(0, open)), strip_gem_platform(version), number);
  });
}

// A "/go.mod" line only records the module's go.mod in the version graph:
// its code was never downloaded, so it is not reported; a module is
// reported once, at its content-hash line.
void parse_go_sum(std::string_view text, collector& out) {
  std::set<std::string> seen;
  for_each_line(text, [&](int number, std::string_view line) {
    std::string_view t = trim(line);
    if (t.empty()) return;
    std::vector<std::string_view> fields;
    while (!t.empty()) {
      std::size_t end = t.find_first_of(" \t");
      fields.push_back(t.substr(0, end));
      t = end == std::string_view::npos ? std::string_view() : trim(t.substr(end));
    }
    if (fields.size() != 3) return out.note(number, "malformed go.sum line");
    if (ends_with(fields[1], "/go.mod")) return;
    if (!seen.insert(std::string(fields[0]) + "@" + std::string(fields[1])).second) return;
    out.add_checked(std::string(fields[0]), std::string(fields[1]), number);
  });
}

// ---- pom.xml ----------------------------------------------------------------

struct xml_node {
  std::string name;
  std::string text;
  int line = 0;
  std::vector<xml_node> children;

  const xml_node* child(std::string_view n) const {
    for (const xml_node& c : children) {
      if (c.name == n) return &c;
    }
    return nullptr;
  }
  std::string child_text(std::string_view n) const {
    const xml_node* c = child(n);
    return c ? std::string(trim(c->text)) : std::string();
  }
};

// Just enough XML for a POM: elements, text, entities, comments, CDATA,
// processing instructions and a DOCTYPE; attributes are skipped.
class xml_parser {
 public:
  xml_parser(std::string_view text) : s_(text), lines_(text) {}

  // The root element, as far as it could be read; `error` says what stopped it.
  xml_node parse(std::string& error) {
    xml_node root;
    skip_misc();
    if (!eat("<")) {
      error = "no root element";
      return root;
    }
    if (!element(root, 0)) error = error_.empty() ? "malformed XML" : error_;
    return root;
  }

 private:
  bool eat(std::string_view t) {
    if (s_.substr(at_, t.size()) != t) return false;
    at_ += t.size();
    return true;
  }
  bool skip_past(std::string_view t) {
    std::size_t end = s_.find(t, at_);
    if (end == std::string_view::npos) return fail("unterminated markup");
    at_ = end + t.size();
    return true;
  }
  bool fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at line " + std::to_string(lines_.line_of(at_));
    return false;
  }
  void skip_misc() {
    for (;;) {
      while (at_ < s_.size() && std::string_view(" \t\r\n").find(s_[at_]) != std::string_view::npos) ++at_;
      if (eat("<?")) {
        if (!skip_past("?>")) return;
      } else if (eat("<!--")) {
        if (!skip_past("-->")) return;
      } else if (s_.substr(at_, 2) == "<!") {
        if (!skip_past(">")) return;
      } else {
        return;
      }
    }
  }
  std::string name() {
    std::size_t start = at_;
    while (at_ < s_.size() && std::string_view(" \t\r\n/>").find(s_[at_]) == std::string_view::npos) ++at_;
    return std::string(s_.substr(start, at_ - start));
  }
  void entity(std::string& out) {
    static const std::pair<std::string_view, char> kEntities[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (const auto& [e, c] : kEntities) {
      if (eat(e)) {
        out += c;
        return;
      }
    }
    out += s_[at_++];
  }
  // After '<': the element's name, attributes, content and end tag.
  bool element(xml_node& node, int depth) {
    if (depth > kMaxNesting) return fail("nesting too deep");
    node.line = lines_.line_of(at_ - 1);
    node.name = name();
    if (node.name.empty()) return fail("an element without a name");
    char quote = 0;
    for (; at_ < s_.size(); ++at_) {
      char c = s_[at_];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (at_ >= s_.size()) return fail("unterminated tag <" + node.name + ">");
    ++at_;
    if (s_[at_ - 2] == '/') return true;
    while (at_ < s_.size()) {
      if (eat("<!--")) {
        if (!skip_past("-->")) return false;
      } else if (eat("<![CDATA[")) {
        std::size_t end = s_.find("]]>", at_);
        if (end == std::string_view::npos) return fail("unterminated CDATA");
        node.text += s_.substr(at_, end - at_);
        at_ = end + 3;
      } else if (eat("<?")) {
        if (!skip_past("?>")) return false;
      } else if (eat("</")) {
        std::string closing = name();
        if (closing != node.name) return fail("</" + closing + "> closes <" + node.name + ">");
        return skip_past(">");
      } else if (eat("<")) {
        node.children.emplace_back();
        if (!element(node.children.back(), depth + 1)) return false;
      } else if (s_[at_] == '&') {
        entity(node.text);
      } else {
        node.text += s_[at_++];
      }
    }
    return fail("<" + node.name + "> is not closed");
  }

  std::string_view s_;
  line_index lines_;
  std::size_t at_ = 0;
  std::string error_;
};

class pom_properties {
 public:
  explicit pom_properties(const xml_node& project) {
    if (const xml_node* props = project.child("properties")) {
      for (const xml_node& p : props->children) values_[p.name] = std::string(trim(p.text));
    }
    const xml_node* parent = project.child("parent");
    std::string version = project.child_text("version"), group = project.child_text("groupId");
    std::string parent_version = parent ? parent->child_text("version") : "";
    std::string parent_group = parent ? parent->child_text("groupId") : "";
    if (version.empty()) version = parent_version;
    if (group.empty()) group = parent_group;
    for (const char* prefix : {"project.", "pom."}) {
      values_[std::string(prefix) + "version"] = version;
      values_[std::string(prefix) + "groupId"] = group;
      values_[std::string(prefix) + "parent.version"] = parent_version;
      values_[std::string(prefix) + "parent.groupId"] = parent_group;
    }
  }

  // `text` with every ${name} replaced; nullopt (and `missing` set) when a
  // property is unknown or the references nest too deep (a cycle).
  std::optional<std::string> resolve(std::string text, std::string& missing) const {
    for (int round = 0; round < 10; ++round) {
      std::size_t open = text.find("${");
      if (open == std::string::npos) return text;
      std::size_t close = text.find('}', open);
      if (close == std::string::npos) {
        missing = text.substr(open);
        return std::nullopt;
      }
      std::string key = text.substr(open + 2, close - open - 2);
      auto it = values_.find(key);
      if (it == values_.end() || it->second.empty()) {
        missing = "${" + key + "}";
        return std::nullopt;
      }
      text.replace(open, close - open + 1, it->second);
    }
    missing = "a cycle of properties";
    return std::nullopt;
  }

 private:
  std::map<std::string, std::string> values_;
};

void parse_pom_xml(std::string_view text, collector& out) {
  std::string error;
  xml_node project = xml_parser(text).parse(error);
  if (!error.empty()) out.note(0, "malformed XML: " + error);
  if (project.name != "project") {
    if (error.empty()) out.note(0, "not a POM: the root element is <" + project.name + ">");
    return;
  }
  pom_properties props(project);
  std::function<void(const xml_node&, int)> walk = [&](const xml_node& node, int depth) {
    if (depth > kMaxNesting) return;
    for (const xml_node& c : node.children) {
      if (c.name == "dependency" && node.name == "dependencies") {
        std::string missing;
        auto group = props.resolve(c.child_text("groupId"), missing);
        auto artifact = props.resolve(c.child_text("artifactId"), missing);
        if (!group || !artifact || group->empty() || artifact->empty()) {
          out.note(c.line, "skipped: a dependency without groupId and artifactId" +
                               (missing.empty() ? std::string() : " (unresolved " + missing + ")"));
          continue;
        }
        std::string name = *group + ":" + *artifact;
        std::string raw = c.child_text("version");
        if (raw.empty()) {
          out.note(c.line, "skipped: " + name + " has no version here (managed by a parent or BOM)");
          continue;
        }
        auto version = props.resolve(raw, missing);
        if (!version) {
          out.note(c.line, "skipped: " + name + ": unresolved " + missing);
          continue;
        }
        if (starts_with(*version, "[") || starts_with(*version, "(")) {
          out.note(c.line, "skipped: " + name + " has a version range " + *version);
          continue;
        }
        out.add_checked(name, *version, c.line);
      }
      walk(c, depth + 1);
    }
  };
  walk(project, 0);
}

}  // namespace

std::optional<manifest_kind> manifest_kind_of(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::string_view dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  static const std::pair<std::string_view, manifest_kind> kNames[] = {
      {"package-lock.json", manifest_kind::package_lock},   {"npm-shrinkwrap.json", manifest_kind::package_lock},
      {"yarn.lock", manifest_kind::yarn_lock},              {"pnpm-lock.yaml", manifest_kind::pnpm_lock},
      {"Pipfile.lock", manifest_kind::pipfile_lock},        {"poetry.lock", manifest_kind::poetry_lock},
      {"go.sum", manifest_kind::go_sum},                    {"Cargo.lock", manifest_kind::cargo_lock},
      {"Gemfile.lock", manifest_kind::gemfile_lock},        {"composer.lock", manifest_kind::composer_lock},
      {"pom.xml", manifest_kind::pom_xml},
  };
  for (const auto& [n, kind] : kNames) {
    if (name == n) return kind;
  }
  bool requirements_dir = dir == "requirements" || ends_with(dir, "/requirements");
  if (ends_with(name, ".txt") &&
      (starts_with(name, "requirements") || ends_with(name, "-requirements.txt") || requirements_dir)) {
    return manifest_kind::requirements_txt;
  }
  return std::nullopt;
}

manifest_contents parse_manifest(manifest_kind kind, std::string_view path, std::string_view text) {
  static const std::map<manifest_kind, std::pair<ecosystem, void (*)(std::string_view, collector&)>> kParsers = {
      {manifest_kind::package_lock, {ecosystem::npm, parse_package_lock}},
      {manifest_kind::yarn_lock, {ecosystem::npm, parse_yarn_lock}},
      {manifest_kind::pnpm_lock, {ecosystem::npm, parse_pnpm_lock}},
      {manifest_kind::requirements_txt, {ecosystem::pypi, parse_requirements_txt}},
      {manifest_kind::pipfile_lock, {ecosystem::pypi, parse_pipfile_lock}},
      {manifest_kind::poetry_lock, {ecosystem::pypi, parse_poetry_lock}},
      {manifest_kind::go_sum, {ecosystem::go, parse_go_sum}},
      {manifest_kind::cargo_lock, {ecosystem::crates_io, parse_cargo_lock}},
      {manifest_kind::gemfile_lock, {ecosystem::rubygems, parse_gemfile_lock}},
      {manifest_kind::composer_lock, {ecosystem::packagist, parse_composer_lock}},
      {manifest_kind::pom_xml, {ecosystem::maven, parse_pom_xml}},
  };
  const auto& [eco, parse] = kParsers.at(kind);
  collector out(eco, path);
  // The parsers are written not to throw (the tests fuzz them); should one
  // still, the stage keeps going with what was read and says so.
  try {
    parse(text, out);
  } catch (const std::exception& e) {
    out.note(0, std::string("internal error: ") + e.what());
  }
  return out.take();
}

}  // namespace heimdall::analysis
