#include "analysis/taint_calls.h"

#include <algorithm>
#include <functional>

namespace heimdall::analysis::taint_detail {
namespace {

// Classes up an inheritance chain that a method is looked for in (a cycle
// of bases, which no valid program has, ends here too).
constexpr int kMaxBaseDepth = 8;

std::vector<std::string> split_at(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::size_t b, std::size_t e, char sep) {
  std::string out;
  for (std::size_t i = b; i < e; ++i) {
    if (i > b) out += sep;
    out += parts[i];
  }
  return out;
}

std::string dir_of(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

// "a/./b/../c" -> "a/c"; nothing when it climbs above the root.
std::optional<std::string> normalize(std::string_view path) {
  std::vector<std::string> out;
  for (std::string& part : split_at(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (out.empty()) return std::nullopt;
      out.pop_back();
    } else {
      out.push_back(std::move(part));
    }
  }
  return join(out, 0, out.size(), '/');
}

std::string strip_call(std::string s) {
  if (s.size() > 2 && s.compare(s.size() - 2, 2, "()") == 0) s.resize(s.size() - 2);
  return s;
}

bool class_like(std::string_view name) { return !name.empty() && name.front() >= 'A' && name.front() <= 'Z'; }

// Go: the token before a function's parameters is its name, and a `)`
// before that closes a receiver.
bool go_method(const stmt& s) {
  return s.head.toks && s.head.b >= 3 && is((*s.head.toks)[s.head.b - 3], ")");
}

// Whether a function has a body to summarise: not an abstract or
// interface method (`;` after the parameters) nor a Python stub (only
// `...`, `pass`, a docstring, a raise).
bool has_body(language lang, const stmt& f) {
  if (lang == language::python) {
    return std::any_of(f.body.begin(), f.body.end(), [](const stmt& s) {
      if (s.kind != stmt_kind::simple || s.head.empty()) return true;
      const token& first = s.head[s.head.b];
      if (is(first, "raise")) return false;
      return s.head.e > s.head.b + 1 || !(is(first, "...") || is(first, "pass") || first.kind == tok::string);
    });
  }
  if (f.expression_body || !f.body.empty() || !f.head.toks) return true;
  for (std::uint32_t i = f.head.e; i < f.head.toks->size(); ++i) {
    const token& t = (*f.head.toks)[i];
    if (is(t, ";")) return false;
    if (is(t, "{") || is(t, "=>")) return true;
  }
  return false;
}

// The names a class's header extends or implements: every name outside
// type arguments and keyword arguments (a qualified base adds each part,
// which only makes more classes look extended).
void bases(const stmt& c, file_definitions& out) {
  std::vector<std::string> names;
  int generic = 0;
  for (std::uint32_t i = c.head.b; i < c.head.e; ++i) {
    const token& t = c.head[i];
    if (is(t, "<")) ++generic;
    if (is(t, ">")) --generic;
    if (is(t, ">>")) generic -= 2;
    if (generic > 0 || t.kind != tok::name || is(t, "extends") || is(t, "implements")) continue;
    if (i + 1 < c.head.e && is(c.head[i + 1], "=")) continue;  // Python `metaclass=M`
    names.emplace_back(t.text);
  }
  out.bases.insert(out.bases.end(), names.begin(), names.end());
  if (!c.name.empty() && !names.empty()) out.class_bases.emplace_back(std::string(c.name), std::move(names));
}

// JavaScript's module value at the top level: `module.exports = X` / `= new
// X(...)`, and `export default` of a named function or class, of `X` or of
// `new X(...)` (what `import x from './m'` binds).
void js_export(const stmt& s, file_definitions& out) {
  if (s.kind == stmt_kind::func && s.name == "exports") {
    out.js_export = "exports";
    out.js_export_instance = false;
  }
  if (s.default_export && (s.kind == stmt_kind::func || s.kind == stmt_kind::class_) && !s.name.empty()) {
    out.js_export = std::string(s.name);
    out.js_export_instance = false;
    return;
  }
  span h = s.head;
  std::uint32_t i = h.b;
  if (s.kind != stmt_kind::simple) return;
  if (!s.default_export) {
    if (h.e < h.b + 5 || !is(h[h.b], "module") || !is(h[h.b + 1], ".") || !is(h[h.b + 2], "exports") ||
        !is(h[h.b + 3], "=")) {
      return;
    }
    i = h.b + 4;
  }
  const bool made = i < h.e && is(h[i], "new");
  if (made) ++i;
  if (i >= h.e || h[i].kind != tok::name) return;
  const bool whole = made ? i + 1 < h.e && is(h[i + 1], "(") && matching(*h.toks, i + 1, h.e) == h.e - 1 : i + 1 == h.e;
  if (!whole) return;
  out.js_export = std::string(h[i].text);
  out.js_export_instance = made;
}

void collect(language lang, const std::vector<stmt>& block, const std::string& owner, bool callable,
             file_definitions& out, int depth) {
  if (depth > kMaxNesting) return;
  for (const stmt& s : block) {
    if (depth == 0 && (lang == language::javascript || lang == language::typescript)) js_export(s, out);
    if (s.kind == stmt_kind::func && !s.name.empty()) {
      std::string own = lang == language::go && go_method(s) ? "*" : owner;
      // A constructor makes its object: no call returns what it returns.
      bool constructor = (!owner.empty() && s.name == owner) || s.name == "constructor" || s.name == "__construct";
      out.functions.push_back({std::string(s.name), own, callable && !constructor && has_body(lang, s)});
      collect(lang, s.body, owner, false, out, depth + 1);
      continue;
    }
    if (s.kind == stmt_kind::class_) {
      if (!s.name.empty()) out.classes.emplace_back(s.name);
      bases(s, out);
      collect(lang, s.body, std::string(s.name), callable, out, depth + 1);
      continue;
    }
    collect(lang, s.body, owner, false, out, depth + 1);
    collect(lang, s.orelse, owner, false, out, depth + 1);
    collect(lang, s.final_body, owner, false, out, depth + 1);
    for (const auto& h : s.handlers) collect(lang, h, owner, false, out, depth + 1);
  }
}

// Go: `import "a/b"`, `import x "a/b"`, `import ( ... )`: local name ->
// path. From the tokens (the statements leave imports out), before the
// first function: imports come first in a Go file.
void go_imports(const std::vector<token>& toks, file_definitions& out) {
  const auto n = static_cast<std::uint32_t>(toks.size());
  for (std::uint32_t i = 0; i < n && !is(toks[i], "func"); ++i) {
    if (!is(toks[i], "import") || i + 1 >= n) continue;
    std::uint32_t b = i + 1, e = std::min(n, i + 3);
    if (is(toks[b], "(")) e = matching(toks, b, n);
    for (std::uint32_t k = b; k < e; ++k) {
      const token& t = toks[k];
      if (t.kind != tok::string || t.text.size() < 2) continue;
      std::string path(t.text.substr(1, t.text.size() - 2));
      std::string name = path.substr(path.rfind('/') + 1);
      if ((toks[k - 1].kind == tok::name && !is(toks[k - 1], "import")) || is(toks[k - 1], ".")) {
        name = std::string(toks[k - 1].text);
      }
      if (name != "_") out.go_imports.emplace_back(name, path);
    }
    i = e;
  }
}

// Python: `from m import *` at module level (in `if` / `try` blocks too,
// not in functions or classes), m as written.
void py_star_imports(const std::vector<stmt>& block, file_definitions& out, int depth) {
  if (depth > kMaxNesting) return;
  for (const stmt& s : block) {
    if (s.kind == stmt_kind::func || s.kind == stmt_kind::class_) continue;
    const span h = s.head;
    if (s.kind == stmt_kind::simple && h.e >= h.b + 4 && is(h[h.b], "from") && is(h[h.e - 1], "*") &&
        is(h[h.e - 2], "import")) {
      std::string module;
      for (std::uint32_t i = h.b + 1; i + 2 < h.e; ++i) module += h[i].text;
      out.star_imports.push_back(std::move(module));
    }
    py_star_imports(s.body, out, depth + 1);
    py_star_imports(s.orelse, out, depth + 1);
    py_star_imports(s.final_body, out, depth + 1);
    for (const auto& b : s.handlers) py_star_imports(b, out, depth + 1);
  }
}

// Java: `import static a.b.C.*;` -> "a.b.C". Imports come before the first `{`.
void java_static_stars(const std::vector<token>& toks, file_definitions& out) {
  const auto n = static_cast<std::uint32_t>(toks.size());
  for (std::uint32_t i = 0; i + 1 < n && !is(toks[i], "{"); ++i) {
    if (!is(toks[i], "import") || !is(toks[i + 1], "static")) continue;
    std::string dotted;
    for (i += 2; i < n && !is(toks[i], ";") && !is(toks[i], "{"); ++i) dotted += toks[i].text;
    if (dotted.size() > 2 && dotted.compare(dotted.size() - 2, 2, ".*") == 0) {
      out.star_imports.push_back(dotted.substr(0, dotted.size() - 2));
    }
  }
}

// JavaScript/TypeScript: any import, export, require(...), `module.` or
// `exports.` (not as a property) makes the file a module. Wrongly taking a
// script for a module only leaves its functions unresolved.
bool js_module_syntax(const std::vector<token>& toks) {
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const token& t = toks[i];
    if (t.kind != tok::name || (i > 0 && (is(toks[i - 1], ".") || is(toks[i - 1], "?.")))) continue;
    const bool next_dot = i + 1 < toks.size() && is(toks[i + 1], ".");
    if (is(t, "import") || is(t, "export") || (is(t, "require") && i + 1 < toks.size() && is(toks[i + 1], "(")) ||
        ((is(t, "module") || is(t, "exports")) && next_dot)) {
      return true;
    }
  }
  return false;
}

}  // namespace

file_definitions collect_definitions(language lang, const std::vector<stmt>& top, const std::vector<token>& toks) {
  file_definitions out;
  collect(lang, top, "", true, out, 0);
  if (lang == language::go) go_imports(toks, out);
  if (lang == language::python) py_star_imports(top, out, 0);
  if (lang == language::java) java_static_stars(toks, out);
  if (lang == language::javascript || lang == language::typescript) out.js_module = js_module_syntax(toks);
  return out;
}

std::uint64_t call_resolver::key(language lang, std::uint64_t name) {
  return name ^ (static_cast<std::uint64_t>(family(lang)) * 0x9E3779B97F4A7C15ull);
}

void call_resolver::add(std::uint32_t file, std::string path, language lang, file_definitions defs) {
  file_entry& e = files_[file];
  e.path = std::move(path);
  e.lang = lang;
  e.go_imports = std::move(defs.go_imports);
  e.star_imports = std::move(defs.star_imports);
  e.js_module = defs.js_module;
  e.js_export = std::move(defs.js_export);
  e.js_export_instance = defs.js_export_instance;
  for (const std::string& b : defs.bases) bases_.insert(key(lang, name_hash(b)));
  for (auto& [cls, names] : defs.class_bases) e.class_bases.emplace_back(name_hash(cls), std::move(names));
  e.functions.reserve(defs.functions.size());
  for (const auto& d : defs.functions) {
    definition x;
    x.name = name_hash(d.name);
    x.go_method = d.owner == "*";
    x.member = !d.owner.empty() && !x.go_method;
    if (x.member) x.owner = name_hash(d.owner);
    x.callable = d.callable;
    e.functions.push_back(x);
    functions_.push_back({key(lang, x.name), file, 1});
  }
  for (const std::string& c : defs.classes) classes_[key(lang, name_hash(c))].push_back(file);
}

void call_resolver::finish() {
  // One entry per name: its count, and its first file in inventory order.
  std::sort(functions_.begin(), functions_.end(), [](const defined& a, const defined& b) {
    return a.key != b.key ? a.key < b.key : a.file < b.file;
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < functions_.size(); ++i) {
    if (out > 0 && functions_[out - 1].key == functions_[i].key) {
      ++functions_[out - 1].count;
    } else {
      functions_[out++] = functions_[i];
    }
  }
  functions_.resize(out);
  functions_.shrink_to_fit();
  for (const auto& [file, e] : files_) {
    by_path_.emplace(e.path, file);
    if (e.lang == language::go) go_dirs_[dir_of(e.path)].push_back(file);
    if (e.lang != language::python) continue;
    std::string module = e.path;
    for (std::string_view ext : {".py", ".pyi"}) {
      if (module.size() > ext.size() && module.compare(module.size() - ext.size(), ext.size(), ext) == 0) {
        module.resize(module.size() - ext.size());
      }
    }
    std::vector<std::string> parts = split_at(module, '/');
    if (!parts.empty() && parts.back() == "__init__") parts.pop_back();
    for (std::size_t b = 0; b < parts.size(); ++b) py_modules_[join(parts, b, parts.size(), '.')].push_back(file);
  }
}

const call_resolver::file_entry* call_resolver::entry(std::uint32_t file) const {
  auto it = files_.find(file);
  return it == files_.end() ? nullptr : &it->second;
}

// `name` in `file`, defined there once, callable from outside, with the
// given owner ("*": any class; "": module level).
std::optional<callee_ref> call_resolver::in_file(std::uint32_t file, const std::string& name,
                                                 const std::string& owner) const {
  const file_entry* e = entry(file);
  if (!e) return std::nullopt;
  const std::uint64_t id = name_hash(name);
  const definition* found = nullptr;
  for (const definition& d : e->functions) {
    if (d.name != id) continue;
    if (found) return std::nullopt;  // defined twice in the file
    found = &d;
  }
  if (!found || !found->callable) return std::nullopt;
  bool owned = owner == "*"   ? found->member
               : owner.empty() ? !found->member && !found->go_method
                               : found->member && found->owner == name_hash(owner);
  if (!owned) return std::nullopt;
  return callee_ref{file, name};
}

// Class `owner`'s method `name`, which `file` defines; or, when the class
// there defines no method of that name, the one it inherits: from each of
// its bases that the project defines once, in the order written, at most
// kMaxBaseDepth classes up.
std::optional<callee_ref> call_resolver::method(std::uint32_t file, const std::string& name, const std::string& owner,
                                                int depth) const {
  const file_entry* e = entry(file);
  if (!e) return std::nullopt;
  const std::uint64_t id = name_hash(name), cls = name_hash(owner);
  const bool own = std::any_of(e->functions.begin(), e->functions.end(),
                               [&](const definition& d) { return d.name == id && d.member && d.owner == cls; });
  if (own || depth >= kMaxBaseDepth) return in_file(file, name, owner);
  return inherited(file, name, cls, depth);
}

// The method `name` the class `cls` (by hash) of `file` inherits: from the
// first of its bases, in the order written, that the project defines once
// and that has it (method(), one class up).
std::optional<callee_ref> call_resolver::inherited(std::uint32_t file, const std::string& name, std::uint64_t cls,
                                                   int depth) const {
  const file_entry* e = entry(file);
  if (!e) return std::nullopt;
  for (const auto& [c, names] : e->class_bases) {
    if (c != cls) continue;
    for (const std::string& base : names) {
      auto it = classes_.find(key(e->lang, name_hash(base)));
      if (it == classes_.end() || it->second.size() != 1) continue;
      if (auto r = method(it->second.front(), name, base, depth + 1)) return r;
    }
  }
  return std::nullopt;
}

std::optional<callee_ref> call_resolver::resolve(std::uint32_t from, std::string_view path, bool declared,
                                                 std::optional<std::uint32_t> scope) const {
  const file_entry* caller = entry(from);
  if (!caller || path.empty() || (scope && !entry(*scope))) return std::nullopt;
  // Calls within a file are the file's own business.
  std::optional<callee_ref> r = resolve_in(scope.value_or(from), family(caller->lang), path, declared);
  return r && r->file != from ? r : std::nullopt;
}

// resolve(), with the names of file `from` (the target may be that file).
std::optional<callee_ref> call_resolver::resolve_in(std::uint32_t from, language lang, std::string_view path,
                                                    bool declared) const {
  if (declared && extended(lang, path)) return std::nullopt;
  // A relative module may be called itself (`module.exports = f`): no last part to look up first.
  if (lang == language::javascript && (path.substr(0, 2) == "./" || path.substr(0, 3) == "../")) {
    return javascript(from, path);
  }
  // Whatever the path, it names its last part: a name no file defines is no
  // function of the project (most calls are the library's).
  const std::size_t dot = path.rfind('.');
  if (!definitions(lang, dot == std::string_view::npos ? path : path.substr(dot + 1))) return std::nullopt;
  bool on_self = false;
  for (std::string_view self : {"self.", "this.", "$this."}) {
    if (path.substr(0, self.size()) == self) {
      path.remove_prefix(self.size());
      on_self = true;
    }
  }
  if (path.find_first_of(".()[") == std::string_view::npos) {
    std::string name(path);
    // Java's `this.f()` is its `f()`.
    return on_self && lang != language::java ? unique(from, name, true) : bare(from, name);
  }
  if (on_self) return std::nullopt;
  // `Class().m` with Class a class of the file itself (met when the file
  // is a factory's scope: the object it returns).
  if (const std::size_t call = path.find("()."); call != std::string_view::npos &&
                                                 path.find_first_of(".()[") == call &&
                                                 path.find_first_of(".()[", call + 3) == std::string_view::npos) {
    const std::string cls(path.substr(0, call));
    auto it = classes_.find(key(lang, name_hash(cls)));
    if (it != classes_.end() && std::count(it->second.begin(), it->second.end(), from) == 1) {
      return method(from, std::string(path.substr(call + 3)), cls);
    }
  }
  if (lang == language::javascript) return std::nullopt;
  if (lang == language::python) {
    int dots = 0;
    while (static_cast<std::size_t>(dots) < path.size() && path[dots] == '.') ++dots;
    std::vector<std::string> parts = split_at(path.substr(dots), '.');
    if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) return std::nullopt;
    return python(from, parts, dots);
  }
  std::vector<std::string> parts = split_at(path, '.');
  if (parts.size() < 2 || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
    return std::nullopt;
  }
  if (lang == language::go) return go(from, parts);
  if (lang == language::java || lang == language::php || lang == language::ruby) return by_class(from, lang, parts);
  return std::nullopt;
}

const call_resolver::defined* call_resolver::definitions(language lang, std::string_view name) const {
  const std::uint64_t k = key(lang, name_hash(name));
  auto it = std::lower_bound(functions_.begin(), functions_.end(), k,
                             [](const defined& d, std::uint64_t x) { return d.key < x; });
  return it != functions_.end() && it->key == k ? &*it : nullptr;
}

// A bare `f(...)`: the function of another file the language's scoping
// makes visible by that name (see the header), nothing when none or more
// than one could be.
std::optional<callee_ref> call_resolver::bare(std::uint32_t from, const std::string& name) const {
  const file_entry* caller = entry(from);
  std::optional<callee_ref> found;
  // One answer from several places that could each bind the name, or none.
  auto only = [&found](std::optional<callee_ref> r) {
    if (!r) return true;
    if (found && *found != *r) return false;
    found = std::move(r);
    return true;
  };
  switch (family(caller->lang)) {
    case language::python:
      // The last star import that binds the name binds it; one of a module
      // outside the project may bind anything. A star import binds no
      // private name (`_f`).
      if (name.front() == '_') return std::nullopt;
      for (auto it = caller->star_imports.rbegin(); it != caller->star_imports.rend(); ++it) {
        int dots = 0;
        while (static_cast<std::size_t>(dots) < it->size() && (*it)[dots] == '.') ++dots;
        std::vector<std::string> parts = dots == static_cast<int>(it->size())
                                             ? std::vector<std::string>{}
                                             : split_at(std::string_view(*it).substr(dots), '.');
        std::vector<std::uint32_t> files = py_module(from, parts, parts.size(), dots);
        if (files.size() != 1) return std::nullopt;
        const std::uint32_t file = files.front();
        const std::uint64_t id = name_hash(name);
        const std::vector<definition>& fns = entry(file)->functions;
        auto cls = classes_.find(key(language::python, id));
        const bool binds =
            std::any_of(fns.begin(), fns.end(), [&](const definition& d) { return d.name == id && !d.member; }) ||
            (cls != classes_.end() && std::find(cls->second.begin(), cls->second.end(), file) != cls->second.end());
        if (binds) return in_file(file, name, "");
      }
      return std::nullopt;
    case language::java:
      // Inherited by a class of the file, or brought by a static star import.
      for (const auto& [cls, names] : caller->class_bases) {
        if (!only(inherited(from, name, cls, 0))) return std::nullopt;
      }
      for (const std::string& cls : caller->star_imports) {
        std::vector<std::string> parts = split_at(cls, '.');
        parts.push_back(name);
        if (!only(by_class(from, language::java, parts))) return std::nullopt;
      }
      return found;
    case language::go: {
      // The same package (the file's directory), then a dot-imported one.
      auto dir = go_dirs_.find(dir_of(caller->path));
      for (std::uint32_t f : dir == go_dirs_.end() ? std::vector<std::uint32_t>{} : dir->second) {
        if (!only(in_file(f, name, ""))) return std::nullopt;  // defined twice in the package
      }
      return found ? found : go(from, {".", name});
    }
    case language::javascript: {
      if (caller->js_module) return std::nullopt;
      auto r = unique(from, name, false);
      return r && !entry(r->file)->js_module ? r : std::nullopt;
    }
    default:
      return unique(from, name, false);
  }
}

// `f` alone: defined exactly once by the project in the caller's language.
std::optional<callee_ref> call_resolver::unique(std::uint32_t from, const std::string& name, bool method) const {
  const file_entry* caller = entry(from);
  const defined* d = definitions(caller->lang, name);
  if (!d || d->count != 1) return std::nullopt;
  const std::uint32_t file = d->file;
  // A bare call reaches a module-level function, `self.f` / `this.f` a
  // method (of a base class); in Java a bare call may be either.
  const bool java = family(caller->lang) == language::java;
  if (!method || java) {
    if (auto r = in_file(file, name, "")) return r;
  }
  if (method || java) return in_file(file, name, "*");
  return std::nullopt;
}

std::optional<callee_ref> call_resolver::python(std::uint32_t from, const std::vector<std::string>& parts,
                                                int dots) const {
  // The function (or Class.method) after a module of `k` parts.
  auto tail = [&](std::uint32_t file, std::size_t k) -> std::optional<callee_ref> {
    if (parts.size() == k + 1) return in_file(file, parts[k], "");
    if (parts.size() == k + 2) return method(file, parts[k + 1], strip_call(parts[k]));
    return std::nullopt;
  };
  if (dots > 0) {
    for (std::size_t k = parts.size(); k-- > 0;) {
      if (parts.size() > k + 2) break;
      std::vector<std::uint32_t> files = py_module(from, parts, k, dots);
      if (!files.empty()) return tail(files.front(), k);
    }
    return std::nullopt;
  }
  for (std::size_t k = parts.size() - 1; k >= 1; --k) {
    if (parts.size() > k + 2) break;
    std::vector<std::uint32_t> files = py_module(from, parts, k, 0);
    if (files.empty()) continue;
    if (files.size() != 1) return std::nullopt;  // two modules of that name: either could be imported
    return tail(files.front(), k);
  }
  return std::nullopt;
}

// The files of the module parts[0, k) names: relative to the caller's
// package, one level up per dot after the first, when `dots` > 0 (one file
// or none); else matched on a module path's last components (several: any
// of them could be the one imported).
std::vector<std::uint32_t> call_resolver::py_module(std::uint32_t from, const std::vector<std::string>& parts,
                                                    std::size_t k, int dots) const {
  if (dots == 0) {
    auto it = py_modules_.find(join(parts, 0, k, '.'));
    return it == py_modules_.end() ? std::vector<std::uint32_t>{} : it->second;
  }
  std::string module = dir_of(entry(from)->path);
  for (int d = 1; d < dots; ++d) {
    if (module.empty()) return {};
    module = dir_of(module);
  }
  for (std::size_t i = 0; i < k; ++i) module += (module.empty() ? "" : "/") + parts[i];
  for (const std::string& file : {module + ".py", module + (module.empty() ? "" : "/") + "__init__.py"}) {
    auto it = by_path_.find(file);
    if (it != by_path_.end()) return {it->second};
  }
  return {};
}

// The file a relative module specifier names, with the usual extensions or `/index`.
std::optional<std::uint32_t> call_resolver::js_module(std::uint32_t from, std::string_view spec) const {
  auto path = normalize(dir_of(entry(from)->path) + "/" + std::string(spec));
  if (!path) return std::nullopt;
  for (std::string_view ext : {"", ".js", ".ts", ".jsx", ".tsx", ".mjs", ".cjs", "/index.js", "/index.ts"}) {
    auto it = by_path_.find(*path + std::string(ext));
    if (it != by_path_.end()) return it->second;
  }
  return std::nullopt;
}

// `./x.f`, `./x.Class().f`; the module itself when module.exports is set:
// `./x` (a function), `./x().f` (a class), `./x.f` (an instance).
std::optional<callee_ref> call_resolver::javascript(std::uint32_t from, std::string_view path) const {
  const std::size_t slash = path.rfind('/');
  // `./x.js.f` is file x.js's f, not x's js.f: a later split may fit.
  for (std::size_t p = path.find('.', slash);; p = path.find('.', p + 1)) {
    std::string_view spec = path.substr(0, p);
    const bool made = spec.size() > 2 && spec.substr(spec.size() - 2) == "()";
    if (made) spec.remove_suffix(2);
    if (auto file = js_module(from, spec)) {
      const file_entry& e = *entry(*file);
      const std::string& self = e.js_export;
      std::vector<std::string> rest = p == std::string_view::npos ? std::vector<std::string>{}
                                                                  : split_at(path.substr(p + 1), '.');
      std::optional<callee_ref> r;
      if (made) {
        if (rest.size() == 1 && !self.empty() && !e.js_export_instance) r = method(*file, rest[0], self);
      } else if (rest.empty()) {
        if (!self.empty() && !e.js_export_instance) r = in_file(*file, self, "");
      } else if (rest.size() == 1) {
        r = in_file(*file, rest[0], "");
        if (!r && e.js_export_instance) r = method(*file, rest[0], self);
      } else if (rest.size() == 2) {
        r = method(*file, rest[1], strip_call(rest[0]));
      }
      if (r) return r;
    }
    if (p == std::string_view::npos) return std::nullopt;
  }
}

// Whether the class of `Class().m` (any qualification) is a base of a class of the project.
bool call_resolver::extended(language lang, std::string_view path) const {
  std::size_t call = path.rfind("().");
  if (call == std::string_view::npos) return true;
  std::string_view cls = path.substr(0, call);
  std::size_t start = cls.find_last_of("./");
  if (start != std::string_view::npos && cls[start] == '/') return true;  // a module's own class: its name unknown here
  if (start != std::string_view::npos) cls.remove_prefix(start + 1);
  return is_base(lang, cls);
}

bool call_resolver::is_base(language lang, std::string_view name) const { return bases_.count(key(lang, name_hash(name))) > 0; }

// Java `[a.b.]Class[()].f`, PHP `Class::f`, Ruby `Class.f`: a class the project defines once
// (Java, qualified: the one whose file the package path names).
std::optional<callee_ref> call_resolver::by_class(std::uint32_t from, language lang,
                                                  const std::vector<std::string>& parts) const {
  const std::size_t n = parts.size();
  std::string owner = strip_call(parts[n - 2]);
  if (!class_like(owner)) return std::nullopt;
  for (std::size_t i = 0; i + 2 < n; ++i) {
    if (parts[i].find('(') != std::string::npos) return std::nullopt;  // `a().B.f`: not a class path
  }
  auto it = classes_.find(key(lang, name_hash(owner)));
  if (it == classes_.end()) return std::nullopt;
  std::vector<std::uint32_t> files = it->second;
  // Qualified (written so, or by an import): the file the package path
  // names, even when the project has one class of that name — an imported
  // library class may share it.
  if (n > 2 && lang == language::java) {
    const std::string tail = "/" + join(parts, 0, n - 2, '/') + "/" + owner + ".java";
    files.erase(std::remove_if(files.begin(), files.end(),
                               [&](std::uint32_t f) {
                                 const std::string& p = entry(f)->path;
                                 return p.size() < tail.size() ||
                                        p.compare(p.size() - tail.size(), tail.size(), tail) != 0;
                               }),
                files.end());
  }
  if (files.size() != 1) return std::nullopt;
  return method(files.front(), parts[n - 1], owner);
}

// Go `pkg.F`: pkg an import of the caller whose path ends with a directory
// of the project (the longest such ending).
std::optional<callee_ref> call_resolver::go(std::uint32_t from, const std::vector<std::string>& parts) const {
  if (parts.size() != 2) return std::nullopt;
  for (const auto& [name, import] : entry(from)->go_imports) {
    if (name != parts[0]) continue;
    std::vector<std::string> segments = split_at(import, '/');
    for (std::size_t b = 0; b < segments.size(); ++b) {
      auto dir = go_dirs_.find(join(segments, b, segments.size(), '/'));
      if (dir == go_dirs_.end()) continue;
      std::optional<callee_ref> found;
      for (std::uint32_t f : dir->second) {
        if (auto r = in_file(f, parts[1], "")) {
          if (found) return std::nullopt;
          found = r;
        }
      }
      return found;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace heimdall::analysis::taint_detail
