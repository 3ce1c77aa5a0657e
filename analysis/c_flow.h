// c_flow: intraprocedural flow analysis of C and C++ functions, part of the
// static_analysis stage. Where the line rules (rule_pack.h) see one line, this
// follows values through a function body: which memory block a pointer
// holds (stack array, static, alloca, malloc, new, new[], string literal,
// NULL) and whether it was freed or moved off its start; which variables
// and blocks are initialised; known integer constants, buffer sizes and
// string lengths; data read from outside (fgets, recv, fscanf, getenv,
// rand, ...) and the bounds checks applied to it on each path.
//
// Reported (rule ids "c.flow.<check>", each with its CWE):
//   free of memory not on the heap (590), mismatched deallocation (762),
//   free of a moved pointer (761), double free (415), use after free (416),
//   use of uninitialised variables and memory (457), dereference of NULL
//   or of an unchecked allocation (476/690), leaks at function end (401),
//   copies and indexes past a known buffer size (121/122/124/126/127),
//   outside data into commands (78), format strings (134), file paths (22),
//   library loads (114), the environment (427), indexes (787/125), sizes
//   (789/680/195), loop bounds (606), narrowing (197), arithmetic (190/191)
//   and divisors (369) without a bounds check; known overflows and zero
//   divisors; products that wrap into allocation sizes (680); realloc over
//   its own argument (401); ignored results of calls that fail silently (252).
//
// The project's headers (collect_c_macros) supply macros, prototypes (a
// pointer-to-const parameter only reads) and C++ types without
// constructors (their objects start uninitialised).
//
// Precision first: a problem is reported only when it holds on every path
// reaching the statement (must-analysis for frees and sizes); a comparison
// of a value on the path counts as its check; branches whose condition folds
// to a constant are not taken; calls to functions of the same file use
// summaries of which parameters reach a sink.
//
// Pure function of its input; any bytes are accepted, never an error.
// The tokens come from tree-sitter's tree of the file (c_flow_tokens.h).
// Work is bounded (tokens per file, statements per function and per file;
// see c_flow_statements.cpp and c_flow_tokens.h): past a bound the rest is
// not analysed.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/finding.h"
#include "analysis/language.h"
#include "analysis/syntax.h"
#include "analysis/taint.h"

namespace heimdall::analysis {


namespace c_flow_detail {

enum class tk { ident, number, str, chr, punct, end };

// A token of the analysis (c_flow_tokens.h).
struct token {
  tk kind = tk::end;
  std::string text;  // identifier, operator, or a literal's decoded body
  int line = 0;
  std::optional<long long> num;  // integer literals
  bool guessed = false;          // expanded from a macro of c_macros::redefined
};

}  // namespace c_flow_detail

// What the project's headers declare, for the analysis of each file.
// Macros that are expanded before the analysis: object-like ones
// (`#define ALLOC malloc`) and parameterless function-like ones
// (`#define RANDOM() (rand() % 100)`), by name; the last definition wins.
// Plain value, thread-compatible.
struct c_macros {
  struct definition {
    bool function_like = false;
    std::string body;                         // as written, continuations and comments aside
    std::vector<c_flow_detail::token> tokens;  // the body's
  };
  std::map<std::string, definition> defs;
  // Macros defined again with another body (the arms of an #if): which one
  // a build sees is unknown, so nothing that uses them is proved.
  // `alloca` and `_alloca` count as one body.
  std::set<std::string> redefined;
  // Functions declared with pointer-to-const parameters (bit i: parameter
  // i), from their prototypes: memory passed there is only read.
  std::map<std::string, std::uint32_t> readonly_params;
  // Every function declared or defined (prototypes met): a name called and
  // in none of these nor the library's is perhaps a macro.
  std::set<std::string> declared_functions;
  // Parameterless function-like macros whose bodies are too long to record
  // (c_flow_tokens.h's kMaxMacroBytes): a use may assign any variable of
  // the function it is written in (zlib's `LOAD()` loads its locals).
  std::set<std::string> opaque_macros;
  // Structs and classes without constructors, base classes or member
  // initialisers (and typedef names of such): their C++ objects start
  // uninitialised, as in C.
  std::set<std::string> plain_types;
  // Their sizes in bytes (natural alignment, 8-byte pointers), when every
  // member's is known: sizeof(T) for buffer sizes.
  std::map<std::string, long long> type_sizes;
};

// Adds the #defines, the prototypes' const parameters and the plain types
// of a header (or any C text) to `into`; `tree` is `content` parsed
// (parse_source_keeping_errors: its ERROR nodes are read too).
void collect_c_macros(std::string_view content, const syntax_tree& tree, c_macros& into);

// Adds what collect_c_macros gave for a header to what it gave for the
// headers before it, with the same result as collecting all of them into
// one c_macros in that order (so headers can be read in parallel).
void merge_c_macros(c_macros later, c_macros& into);

// Findings for one C or C++ file (any other language: none), ordered by
// line; source "static", fingerprint empty. `tree` is `content` parsed by
// tree-sitter (parse_source_keeping_errors: c_flow_tokens.h says how the
// code it could not parse is read), not null; the caller reports a file it
// has no tree for. The tree is freed once its tokens are read, before the
// analysis (a tree takes many times the memory of its text). The file's own #defines are expanded, on top of `project` (the
// project's headers; may be null).
// With `cleared`, the sink lines it proved safe are appended there, one
// clearance per line and class (c_flow_proofs.h): CWE 120 for strcpy/strcat
// whose longest possible string fits the destination, CWE 134 for format
// strings that are constants without '%'. Only functions analysed
// completely (no work bound, unparsed syntax, preprocessor line in the
// body, macro of c_macros::redefined, name declared twice, static local or
// C++ reference; no loop or label around the sink) give any, and never
// through memory that escaped or a pointer whose address was taken.
std::vector<finding> analyze_c_flow(std::string_view path, language lang, std::string_view content,
                                    std::unique_ptr<syntax_tree> tree, const c_macros* project = nullptr,
                                    std::vector<taint_clearance>* cleared = nullptr);

}  // namespace heimdall::analysis
