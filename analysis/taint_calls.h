// taint_calls: the project's call graph across files, as the taint engine
// needs it — which function of *another* file a call names, so that
// function's summary (taint_summaries.h) can stand for the call.
//
// A call resolves only when the language says which definition it calls:
//  - Python: the dotted path after import aliases (`from pkg.mod import f`,
//    `import pkg.mod as m; m.f()`, relative `from .mod import f`) names a
//    module file of the project (`pkg/mod.py`, `pkg/mod/__init__.py`,
//    matched on the path's last components) and a function in it, or a
//    method `mod.Class.f` / `mod.Class().f`;
//  - JavaScript/TypeScript: a relative module (`require('./x')`,
//    `import {f} from './x'`, `import * as m from './x'`) names a file
//    (with the usual extensions or `/index`) and a function in it (declared,
//    or assigned: `exports.f = ...`, `module.exports.f = ...`), or a method
//    `./x.Class().f`; with `module.exports = f` (or `= function ...`) the
//    module itself is f (`./x`), with `= Class` `./x().m` is a method of
//    Class, with `= new Class(...)` `./x.m` is; `export default` of a
//    named function or class, of `f` or of `new Class(...)` does the same
//    for `import x from './x'`;
//  - Java: `Class.f(...)`, `new Class().f(...)` with Class defined by
//    exactly one file of the project (a same-package class), or qualified
//    (`a.b.Class.f(...)`, or Class imported so) by the file `a/b/Class.java`,
//    and f a method of that class;
//  - a method of an object (`Class().m`, any language above): the engine
//    names the call by the object's class when the program says it —
//    constructed (`h = Helper()`, `new Helper()`), declared (Java fields,
//    locals, parameters; Python and TypeScript annotations and TypeScript
//    constructor parameter properties), or a field that every assignment
//    in its class's methods constructs alike (`self.repo = Repo()`). A
//    declared type may hold a subclass: resolved only when no class of the
//    project names it as a base (`declared`). A method the class does not
//    define is the one it inherits, from a base the project defines once
//    (in the order the bases are written, up to 8 classes up);
//  - Go: `pkg.F(...)` where pkg is the file's import whose path ends with
//    a directory of the project, and F a function (no receiver) of exactly
//    one file of that directory; a bare `F(...)` in the file's own
//    directory (same package);
//  - PHP: `Class::m(...)` with Class defined once in the project; Ruby
//    `Class.m(...)` likewise (a class method, an ActiveRecord scope);
//  - a bare `f(...)` only where the language makes another file's `f`
//    visible by that name (any other bare name is the file's own, or a
//    builtin or global, whatever the project defines elsewhere):
//    Python: a module the file star-imports (`from m import *`; the last
//    one that defines f, all of them modules of the project); Java (and
//    `this.f`): a method the file's classes inherit from a base class of
//    the project, or a class's static method `import static a.b.C.*`
//    brings; Go: a function of the file's own directory (package) or of a
//    dot-imported one; JavaScript/TypeScript: a top-level function of
//    another file when neither file is a module (no import, export or
//    require: classic scripts, whose functions are globals); PHP, Ruby:
//    a function at the top level of a file (global once loaded) that the
//    project defines exactly once in the language;
//  - `self.f(...)` / `this.f(...)` (a method, of a base class) when the
//    project defines that name exactly once in the language (any other
//    definition, in any file or class, could be the one called — the rule
//    taint_constants.h uses).
// And in every case the target file defines the name exactly once (so the
// analysis of that file knows which definition it summarises) with a body
// (an interface or abstract method, a Python stub, says nothing), and the
// target is not the calling file (calls within a file are the file's own
// business). Anything else stays unresolved: an unknown call.
//
// Filled once per run (add() per file, then finish()); immutable after, and
// then safe to share between threads. Never fails: what cannot be resolved
// is nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analysis/language.h"
#include "analysis/taint_statements.h"

namespace heimdall::analysis::taint_detail {

// The languages whose files call each other's functions, by one of them
// (TypeScript's: JavaScript). Only JavaScript resolves a call outside its
// family: a module path with the file's own extension names any file
// (`require('./x.py')`); every other lookup is keyed by the family.
inline language family(language lang) { return lang == language::typescript ? language::javascript : lang; }

// The 64-bit hash the call graph (call_resolver) and the survey's scope
// (taint_survey_scope.h) keep names as.
inline std::uint64_t name_hash(std::string_view name) { return std::hash<std::string_view>{}(name); }

// A function of the project: its file (the caller's numbering, the
// inventory index) and its name, which the file defines exactly once.
struct callee_ref {
  std::uint32_t file = 0;
  std::string name;
  friend bool operator<(const callee_ref& a, const callee_ref& b) {
    return a.file != b.file ? a.file < b.file : a.name < b.name;
  }
  friend bool operator==(const callee_ref& a, const callee_ref& b) { return a.file == b.file && a.name == b.name; }
};

// What resolution needs of one file: its function and class definitions
// (at any depth) and, for Go, its imports.
struct file_definitions {
  struct definition {
    std::string name;
    std::string owner;  // the enclosing class ("" at module level; Go: "*" for a method)
    // At module level or directly in a class body (not nested in a
    // function), and with a body: an abstract or interface method, a stub,
    // says nothing of what the call does.
    bool callable = false;
  };
  std::vector<definition> functions;
  std::vector<std::string> classes;
  std::vector<std::string> bases;  // the names its classes extend or implement (the last part of each)
  std::vector<std::pair<std::string, std::vector<std::string>>> class_bases;  // each named class: those names
  std::vector<std::pair<std::string, std::string>> go_imports;  // local name ("." for a dot import) -> import path
  // Python: the modules `from m import *` reads, as written (`.m`:
  // relative), in order; Java: the classes of `import static a.b.C.*`.
  std::vector<std::string> star_imports;
  // JavaScript/TypeScript: the file imports, exports or requires something
  // (a module: its top-level functions are not globals).
  bool js_module = false;
  // JavaScript: what `module.exports = X` (or `export default X`) makes the
  // module itself — a function or class of the file, or with `new X(...)`
  // an instance of class X. The parser names `module.exports = function
  // ...` `exports`.
  std::string js_export;
  bool js_export_instance = false;
};

// From one file's statements and (for imports) its tokens.
file_definitions collect_definitions(language lang, const std::vector<stmt>& top, const std::vector<token>& toks);

class call_resolver {
 public:
  void add(std::uint32_t file, std::string path, language lang, file_definitions defs);
  void finish();

  // The function of another file that the call `path` (the callee as the
  // engine canonicalised it: import aliases applied, `()` after a call,
  // e.g. "pkg.mod.f", "./x.f", "a.b.Helper().run", "f") in file `from`
  // names; nothing when it is not sure.
  // `declared`: `path` is `Class().m` for a receiver of which only the
  // declared type is known (a field, a parameter): an object of a subclass
  // may be there, so it resolves only when no class of the project names
  // Class as its base.
  // `scope`: the file whose names `path` is written in, when not `from`'s
  // (the object a factory of that file returns: `Class` is that file's
  // own class or import); the target is still never `from` itself.
  std::optional<callee_ref> resolve(std::uint32_t from, std::string_view path, bool declared = false,
                                    std::optional<std::uint32_t> scope = {}) const;

  // Whether some class of the project in `lang` names the class `name` as
  // a base (extends or implements it).
  bool is_base(language lang, std::string_view name) const;

 private:
  // Names are kept as 64-bit hashes: a large tree defines hundreds of
  // thousands of functions, and their names would be most of the index. A
  // collision can only make a name look defined twice (unresolved), or, at
  // odds of one in 2^64 per pair, stand for another.
  struct definition {
    std::uint64_t name = 0, owner = 0;  // owner: the class's hash when `member`
    bool member = false;                // defined directly in a class body
    bool go_method = false;             // Go: declared with a receiver
    bool callable = false;
  };
  struct file_entry {
    std::string path;
    language lang = language::unknown;
    std::vector<definition> functions;
    std::vector<std::pair<std::string, std::string>> go_imports;
    std::vector<std::string> star_imports;
    bool js_module = false;
    std::string js_export;
    bool js_export_instance = false;
    std::vector<std::pair<std::uint64_t, std::vector<std::string>>> class_bases;  // class hash -> base names
  };
  struct defined {  // a function name's definitions in the project
    std::uint64_t key = 0;   // see key()
    std::uint32_t file = 0;  // the first one's
    std::uint32_t count = 0;
  };
  static std::uint64_t key(language lang, std::uint64_t name);
  const defined* definitions(language lang, std::string_view name) const;  // null: none
  const file_entry* entry(std::uint32_t file) const;
  std::optional<callee_ref> resolve_in(std::uint32_t from, language lang, std::string_view path, bool declared) const;
  std::optional<callee_ref> in_file(std::uint32_t file, const std::string& name, const std::string& owner) const;
  std::optional<callee_ref> method(std::uint32_t file, const std::string& name, const std::string& owner,
                                   int depth = 0) const;
  std::optional<callee_ref> python(std::uint32_t from, const std::vector<std::string>& parts, int dots) const;
  std::optional<callee_ref> javascript(std::uint32_t from, std::string_view path) const;
  std::optional<std::uint32_t> js_module(std::uint32_t from, std::string_view spec) const;
  std::optional<callee_ref> by_class(std::uint32_t from, language family, const std::vector<std::string>& parts) const;
  bool extended(language lang, std::string_view path) const;
  std::optional<callee_ref> go(std::uint32_t from, const std::vector<std::string>& parts) const;
  std::optional<callee_ref> bare(std::uint32_t from, const std::string& name) const;
  std::optional<callee_ref> inherited(std::uint32_t file, const std::string& name, std::uint64_t cls,
                                      int depth) const;
  std::vector<std::uint32_t> py_module(std::uint32_t from, const std::vector<std::string>& parts, std::size_t k,
                                       int dots) const;
  std::optional<callee_ref> unique(std::uint32_t from, const std::string& name, bool method) const;

  std::map<std::uint32_t, file_entry> files_;
  std::unordered_map<std::string, std::uint32_t> by_path_;
  // Python: every dotted suffix of a module's path ("a.b.c", "b.c", "c") -> its files.
  std::unordered_map<std::string, std::vector<std::uint32_t>> py_modules_;
  // Function names by key (sorted by finish(); add() appends one per
  // definition), classes by key -> every file, once per definition.
  std::vector<defined> functions_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> classes_;
  std::unordered_set<std::uint64_t> bases_;  // class names some class extends or implements, by key
  std::unordered_map<std::string, std::vector<std::uint32_t>> go_dirs_;  // directory -> its Go files
};

}  // namespace heimdall::analysis::taint_detail
