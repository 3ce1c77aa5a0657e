// taint_spec: the compiled form of analysis/rules/taint/*.json, as the
// engine (taint.cpp) reads it. Internal to analysis/: include taint.h to
// use the analysis. Immutable once loaded; RE2 matching is thread-safe, so
// one spec serves any number of threads.
//
// Every pattern is matched against a "path": the dotted text of a name
// chain with import aliases resolved, "()" for a call and "[]" for a
// subscript, e.g. `request.args.get()`, `sys.argv[]`, `child_process.exec`.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/finding.h"
#include "analysis/language.h"
#include "analysis/taint.h"

namespace heimdall::analysis::taint_detail {

// A kind of vulnerability; `bit` is its place in a taint's sanitized mask.
struct vuln_class {
  std::string name;  // e.g. "sqli"; the rule id's last part
  int cwe = 0;
  analysis::severity severity = severity::high;  // for a request source
  double confidence = 0.8;
  std::string title;
  std::string remediation;
  std::uint32_t bit = 0;
  // Safe once a URL's origin is fixed by a literal prefix (taint_origin.h):
  // open redirect and SSRF, where only the host matters.
  bool fixed_origin_safe = false;
  // Whether local input (argv, environment, stdin) is an attack on the
  // class. Not for a path or a URL: naming the files and addresses a
  // program works on is what its command line and environment are for.
  bool local_input = true;
};

struct source_rule {
  std::unique_ptr<RE2> path;  // matched (partially, so anchor it) against a chain's path
  std::string label;          // e.g. "Flask request parameter"
  bool request = true;        // false: local input (argv, environment, stdin)
  // The request object itself (Flask's `request`): data when handed on as
  // a whole (to a wrapper, a helper), but its members are not, unless a
  // source names them.
  bool object = false;
  // The path's first name is a module-level object of a web framework
  // (Flask's `request`, a context-local global), whose modules this matches:
  // in a file that imports none of them, a function that binds the name
  // itself (a parameter, an assignment) holds some other value there.
  std::unique_ptr<RE2> global;
};

struct sink_rule {
  std::string id;
  int cls = 0;                    // index into classes
  std::unique_ptr<RE2> callee;    // call sinks: the callee's path
  std::unique_ptr<RE2> not_callee;  // ... unless it matches this
  bool receiver = false;          // the receiver (p in p.read_text()) is a sink too
  // A weakness of the call itself, whatever its arguments carry (a cookie
  // set with secure=False): reported whenever the call matches and its
  // require_kwarg / unless_kwarg conditions hold, as rule <lang>.call.<class>.
  bool always = false;
  // A weakness when a checked argument is a known string constant (written
  // in the call or bound to the name passed) that this matches: a signing
  // key in the code, an http:// address. Reported as <lang>.call.<class>.
  std::unique_ptr<RE2> literal;
  // With `literal`: the checked argument is an options object, and its
  // properties whose names match this (fully) are what must not be such a
  // constant: `new JwtStrategy({secretOrKey: "..."})`.
  std::unique_ptr<RE2> literal_keys;
  // Never reported: only proves, when every value it gets is clean, that a
  // handler's pattern findings of the class are unfounded (an XML parser
  // whose entity settings matter only for request data). See taint.h,
  // taint_clearance.
  bool proof_only = false;
  std::unique_ptr<RE2> target;    // assignment sinks: the assigned path
  // Assignment sinks: only when the assigned expression's text matches (a
  // Koa ctx.body is HTML when it is a string starting with '<').
  std::unique_ptr<RE2> value;
  std::vector<int> args;          // positional arguments that are sinks; empty: all
  bool keywords_only = false;     // `"args": []` given: no positional argument is, only `kwargs`
  std::vector<std::string> kwargs;  // keyword arguments that are sinks
  // Only a sink when keyword `first` is given and its text matches.
  std::vector<std::pair<std::string, std::unique_ptr<RE2>>> require_kwarg;
  // Not a sink when keyword `first` is given and its text matches.
  std::vector<std::pair<std::string, std::unique_ptr<RE2>>> unless_kwarg;
  // Only a sink when the positional argument at index `first` is given and
  // its path matches (fully): a writer that is an HTTP response
  // (`fmt.Fprintf(w, ...)`), a shell as the program (`exec.Command("sh",
  // "-c", cmd)`), the option set (`curl_setopt($h, CURLOPT_URL, $u)`).
  std::vector<std::pair<int, std::unique_ptr<RE2>>> require_arg;
  // Not a sink when that argument is given and matches (the program's own path, os.Args[0]).
  std::vector<std::pair<int, std::unique_ptr<RE2>>> unless_arg;
  // The checked arguments are argument vectors: only the elements at these
  // indices of a list or array literal are sinks (the program, argv[0]); an
  // argument that is no such literal is not checked. Empty: the whole value.
  std::vector<int> elements;
  // Only a sink when each checked argument is a list or array literal whose
  // element at index `first` is given and its text matches (fully): an
  // interpreter with `-c` (`["sh", "-c", script]`), so the script is code.
  std::vector<std::pair<int, std::unique_ptr<RE2>>> require_element;
};

// A parameter whose declared type (its text) matches `type` stands for
// `path` in source and sink paths, as an import alias does: Go's
// `r *http.Request` makes `r.FormValue()` the path `http.Request.FormValue()`.
struct param_type_rule {
  std::unique_ptr<RE2> type;
  std::string path;
};

struct sanitizer_rule {
  std::unique_ptr<RE2> callee;
  std::unique_ptr<RE2> arg0;  // only when the first argument's text matches (fully)
  // Only when the call's arguments are keyword arguments or it has one, a
  // hash literal (Ruby's `url_for(controller: 'posts')`: a route, where a
  // string would be the URL itself).
  bool keyword_args = false;
  std::uint32_t classes = 0;  // sanitized for these class bits; 0: for every class (a clean value)
  // Only what the first argument carries counts for `classes` (the body of
  // a response built from body, status and headers; a tuple literal's first
  // element): the result is sanitized for them when that is clean.
  bool first_only = false;
};

struct language_spec {
  std::vector<source_rule> sources;
  std::vector<sink_rule> sinks;         // call sinks
  std::vector<sink_rule> assign_sinks;  // `target = tainted`
  std::vector<sanitizer_rule> sanitizers;
  std::unique_ptr<RE2> route_decorator;       // a decorator (without '@') marking a request handler
  std::unique_ptr<RE2> html_route_decorator;  // ... whose returned string is an HTML response
  int html_return_class = -1;                 // class of a tainted return from such a handler
  std::unique_ptr<RE2> mutators;     // methods that put their arguments into the receiver
  std::unique_ptr<RE2> reorderers;   // methods that move a container's elements (index facts dropped)
  std::vector<std::string> clean_params;  // handler parameters that are not user input (self, request, ...)
  std::unique_ptr<RE2> clean_param_default;  // a parameter whose text matches is injected, not input
  std::unique_ptr<RE2> constant_route_path;  // the request path, constant in a handler whose routes are fixed
  std::unique_ptr<RE2> request_param;  // a handler parameter (its text) holding the request object (see source_rule::object)
  std::unique_ptr<RE2> handler_function;     // a function name marking a request handler (servlet doGet)
  std::vector<param_type_rule> param_types;
  // Calls (by method name) that write their value into their `&x`
  // arguments: Go's `c.ShouldBindJSON(&req)`, `json.Unmarshal(body, &v)`.
  std::unique_ptr<RE2> fillers;
  // What a file's text must match somewhere to be analysed: the words its
  // sources are written with. A file where it finds nothing, that holds no
  // entry point and calls (as the call graph resolves it) no function of
  // the project returning a value whose body matches, can hold no source,
  // so its front end is not run (the tree-sitter parses are the costly
  // ones); the language's files are left out of the first pass
  // (literal_functions) too, but for those summary_text picks. The loader
  // refuses it next to `always` and `literal` sinks, which need no source,
  // unless sink_text says where their calls may be.
  std::unique_ptr<RE2> source_text;
  // With source_text: what else a file's text may match to be analysed
  // (and kept from the first pass for it): the words of the `always` and
  // `literal` sinks' calls (Python's `set_cookie`, JavaScript's signing and
  // HTTP client calls), which need no source. Covering every such sink is
  // the rule file's to ensure.
  std::unique_ptr<RE2> sink_text;
  // With source_text: what a file's text must match to be read for the
  // project's call graph all the same, so other files' calls of its
  // functions get their summaries: definitions called from elsewhere beside
  // a sink's word (Rails model scopes and class methods building queries;
  // Java: every file declaring a type, as its calls resolve by the caller's
  // imports and bases).
  std::unique_ptr<RE2> summary_text;
  // Whether a request handler whose sinks of a class got only clean values
  // proves the class absent there (taint_clearance). Not where a handler's
  // data can come from state its analysis does not see: a Rails action
  // reads instance variables its before_action callbacks set, and methods
  // its parent controller and concerns define.
  bool handler_proofs = true;
};

}  // namespace heimdall::analysis::taint_detail

namespace heimdall::analysis {

struct taint_spec::data {
  std::vector<taint_detail::vuln_class> classes;
  std::uint32_t fixed_origin_classes = 0;  // the bits of the classes marked fixed_origin_safe
  std::vector<std::unique_ptr<taint_detail::language_spec>> specs;
  std::map<language, const taint_detail::language_spec*> by_language;

  const taint_detail::language_spec* find(language lang) const {
    auto it = by_language.find(lang);
    return it == by_language.end() ? nullptr : it->second;
  }
};

}  // namespace heimdall::analysis
