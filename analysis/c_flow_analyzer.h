// c_flow_analyzer: the abstract interpreter of the C flow analysis
// (c_flow.h), for its engine only. One analyzer per file: run() finds the
// function bodies in the file's tokens and walks each one, statement by
// statement, with an environment of abstract values (c_flow_values.h);
// findings, the summaries of which parameters reach a sink (for calls
// from later functions of the file) and the proofs (c_flow_proofs.h)
// accumulate on the way. The tokens and declarations it is given must
// outlive it. Not thread-safe: one analyzer per file and thread.
//
// The member functions are defined by concept: c_flow.cpp (running,
// token helpers, reporting, functions), c_flow_statements.cpp,
// c_flow_declarations.cpp (declarations, assignment),
// c_flow_expressions.cpp and c_flow_calls.cpp (call arguments, library
// calls, deallocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/c_flow.h"
#include "analysis/c_flow_checks.h"
#include "analysis/c_flow_tokens.h"
#include "analysis/c_flow_proofs.h"
#include "analysis/c_flow_values.h"
#include "analysis/finding.h"
#include "analysis/language.h"
#include "analysis/taint.h"
#include "analysis/text_lines.h"

namespace heimdall::analysis::c_flow_detail {

// Statements and expressions nest at most this deep (past it the rest of
// the function is not analysed), so pathological input cannot recurse
// without end.
inline constexpr int kMaxDepth = 200;

// What a function of the file does with its parameters, for the calls
// that later functions make to it: which parameter reaches which sink.
struct sink_summary {
  int param = 0;
  const check* what = nullptr;
};

struct function_summary {
  std::vector<sink_summary> sinks;  // parameter i reaches a sink unchecked
};

// What a file's analysis knows of the functions and types it uses: the
// file's own declarations (c_macros) over the project's headers', looked up
// in both rather than merged, which would copy the project's for each file.
struct declarations {
  const c_macros& file;
  const c_macros* project;  // null: no headers

  // Bit i: parameter i of `f` is a pointer to const in a prototype.
  std::uint32_t readonly_params(const std::string& f) const;
  // Whether a prototype or definition of `f` was met.
  bool declared_function(const std::string& f) const;
  // Whether `f` is a macro of c_macros::opaque_macros.
  bool opaque_macro(const std::string& f) const;
  // sizeof(type) as c_macros::type_sizes knows it.
  std::optional<long long> type_size(const std::string& type) const;
  bool plain_type(const std::string& type) const;
};

class analyzer {
 public:
  analyzer(std::string_view path, language lang, std::string_view content, const std::vector<token>& toks,
           declarations decls);

  // Analyses every function body of the file, in order.
  void run();

  // The lines run() proved safe (c_flow_proofs.h).
  std::vector<taint_clearance> clearances() const { return proofs_.clearances(path_); }

  // The findings, by line (then rule id); once.
  std::vector<finding> take();

 private:
  // ---- token helpers
  // Token i is the punctuation `text` / the word `text`: a literal, so its
  // length is known and most tests fail on the kind or the length.
  template <std::size_t N>
  bool is(const char (&text)[N], std::size_t i) const {
    return i < t_.size() && t_[i].kind == tk::punct && std::string_view(t_[i].text) == std::string_view(text, N - 1);
  }
  template <std::size_t N>
  bool kw(const char (&text)[N], std::size_t i) const {
    return i < t_.size() && t_[i].kind == tk::ident && std::string_view(t_[i].text) == std::string_view(text, N - 1);
  }
  int line_at(std::size_t i) const { return i < t_.size() ? t_[i].line : (t_.empty() ? 1 : t_.back().line); }

  // Pairs every bracket with its partner once, so lookups are O(1).
  void pair_brackets();

  // Index of the bracket closing the one at i (t_.size() when unclosed).
  std::size_t match(std::size_t i) const { return i < partner_.size() ? partner_[i] : t_.size(); }

  // Index of the bracket opening the one closing at i (0 when unopened).
  std::size_t match_back(std::size_t i) const;

  // `name ( params ) [const|noexcept|override]* {` at file level.
  bool looks_like_function(std::size_t brace);

  // The keywords and type words (c_flow_vocabulary.h) of the file's
  // language: in C, C++'s own words are names (`class`, `new`, `try`).
  bool keyword(std::string_view w) const;
  bool type_word(std::string_view w) const;

  // ---- reporting
  // A finding of `c` on `line`: once per check and line, none in summary mode.
  void report(const check& c, int line, const std::string& detail);

  // A sink reached by a value: reported when the value is outside data;
  // recorded in the summary when it depends on parameters.
  void sink(const check& c, const taint& t, int line, const std::string& detail, bool need_outside = true);

  // ---- functions
  // The function whose body is [open, close], named and with parameters as
  // looks_like_function found them: walked, leaks checked at its end, its
  // summary recorded and its proofs ended.
  void analyze_function(std::size_t open, std::size_t close);

  // Whether a preprocessor line sits between two tokens: the tokens drop
  // them, so both arms of an #if were read as one code path.
  bool has_directive(std::size_t open, std::size_t close) const;

  // Where the function falls off its end: held heap memory neither freed,
  // returned nor stored is a leak.
  void finish_function();

  // At a label (gotos are not followed): nothing known of values, memory
  // and initialisation is kept; all blocks escape.
  void havoc();

  // `x` may have been assigned where the analysis cannot see (a macro, an
  // asm statement): not uninitialised, not NULL, no known number. The
  // second: every variable may have been (a macro that names none).
  static void assigned_unseen(var& x);
  void all_assigned_unseen();

  // A new block in `e`, and its id; the current block and variable of an
  // id or name (null when unknown).
  int new_block(env& e, block b);
  block* blk(int id);
  var* variable(std::string_view name);

  // ---- statements
  // Walks the statements of [i, end).
  void block_stmts(std::size_t i, std::size_t end);

  // Runs `f` on a copy of the environment; returns the copy's end state.
  template <class F>
  env fork(F f) {
    env saved = env_;
    f();
    env result = std::move(env_);
    env_ = std::move(saved);
    return result;
  }

  // Whether a label (case, default, `name:`) starts at i.
  bool label_at(std::size_t i) const;

  // Walks the statement at i (not past end); the index after it. Past a
  // work bound the rest is skipped and the proofs given up; unreachable
  // statements are walked silently.
  std::size_t stmt(std::size_t i, std::size_t end);

  // stmt by kind: block, control statement, label, declaration or expression.
  std::size_t stmt_inner(std::size_t i, std::size_t end);

  // Index of the `;` ending the statement at i (skipping brackets).
  std::size_t stmt_end(std::size_t i, std::size_t end);

  // A condition's truth when it folds to a constant.
  std::optional<bool> cond_constant(const val& v);

  // Parses `( cond )` at i; applies the condition's refinements to the
  // then / else environments.
  struct cond_result {
    std::optional<bool> constant;
    bool uses_vars = false;
    env then_env, else_env;
    std::size_t after = 0;
  };
  cond_result condition(std::size_t open);

  // A condition that did not fold although it compares a variable of known
  // value (fabs(x) > eps, f(x) == 0): the branches' knowledge of x is no
  // longer certain, so its value is forgotten there.
  void forget_compared_values(std::size_t b, std::size_t e, env& target);

  // The facts a condition gives its branches: variables compared (bound
  // checks), pointers compared with NULL, allocations checked.
  void refine(std::size_t b, std::size_t e, env& target, bool taken);

  // if/else at i, each branch in its own environment, joined after (a
  // branch its condition rules out is walked silently).
  std::size_t if_stmt(std::size_t i, std::size_t end);

  // An environment no path reaches: what join() leaves unchanged.
  static env dead_env();

  // Runs a loop body: once silently, to learn the state a second iteration
  // starts from (a value set late in the body is set when the next one
  // begins), then again from the join of both, reporting.
  void loop_body(std::size_t body, std::size_t end, std::size_t& stop, cond_result c, bool runs_once);

  // Held while a loop statement (condition, body, step) is walked. Its body
  // is walked twice, not to a fixed point: the proofs trust no string fact
  // inside it, nor one that comes out of it.
  struct loop_scope;

  // The loops and switch at i; each returns the index after the statement.
  std::size_t while_stmt(std::size_t i, std::size_t end);
  // `name(args) {...}` or `name(args) stmt` at i: a macro expanding to a
  // loop header (`list_for_each_entry(pos, head, member) {`), which no
  // call can be otherwise; the index past the body, or 0 when i is none.
  std::size_t macro_loop(std::size_t i, std::size_t end);
  std::size_t do_stmt(std::size_t i, std::size_t end);
  std::size_t switch_stmt(std::size_t i, std::size_t end);
  std::size_t for_stmt(std::size_t i, std::size_t end);

  // condition() for a for statement's condition [b, e) (empty: true).
  cond_result condition_span(std::size_t b, std::size_t e);

  // The value of [b, e) without effects on the environment or findings.
  val fork_value(std::size_t b, std::size_t e);

  // ---- declarations
  // `[static] type [*]* name [[N]] [= init] {, ...}`; false when [b, e) is not one.
  bool declaration(std::size_t b, std::size_t e);

  // One declarator, at token k of a declaration ending at e: variable
  // `name` of `type` with `ptr` levels of pointer, its array size and
  // initialiser.
  void declare_one(const std::string& name, const std::string& type, int ptr, bool is_static, std::size_t k,
                   std::size_t e);

  // Whether an array of this type starts uninitialised (no constructor
  // runs): pointers, scalars, any type in C, plain C++ types.
  bool scalar_or_ptr_elements(const std::string& type, int ptr);

  // sizeof a type: builtin, pointer, or a struct the headers define.
  std::optional<long long> size_of(const std::string& type, int ptr) const;

  // A C++ struct or class known to have no constructor (c_macros::plain_types).
  bool plain_type(const std::string& type) const;

  // ---- assignment
  // Variable `name` now holds `v`: its block, offset, number, taint and checks.
  void assign_var(const std::string& name, const val& v);

  // Outside data converted into a narrower integer `target` (CWE-197).
  void truncation_check(const var& target, const val& v, int line);

  // The block `v` points to is handed on: no longer tracked for leaks.
  void escape(const val& v);

  // ---- expressions
  // The value of the expression [b, e), its effects applied.
  val expr_range(std::size_t b, std::size_t e);

  // The values of the comma-separated expressions [b, e), in order; with
  // `designated` (an initializer list), an element's designator is skipped.
  std::vector<val> arg_list(std::size_t b, std::size_t e, bool designated = false);

  // Whether punctuation `p` is at pos_ (before end_).
  template <std::size_t N>
  bool at(const char (&p)[N]) const {
    return pos_ < end_ && is(p, pos_);
  }

  // Precedence of a binary operator (0: not one), and the precedence
  // climbing over them from pos_ (end_ bounds every parse).
  static int binary_prec(std::string_view op);
  val expr(int min_prec);

  // The value of `c ? a : b` when c does not fold: either's.
  val merge(const val& a, const val& b);

  // `l op r`, with the checks of arithmetic on outside data and known
  // overflows and zero divisors.
  val binary(std::string_view op, const val& l, const val& r, int line);

  // The value of an lvalue read: applies the checks of reading it.
  val rvalue(val v);

  // Checks of reading or writing through `v` (elem / deref / field).
  void access(val& v, bool write, int line);

  // The line of the token last read.
  int cur_line() const { return line_at(pos_ > 0 ? pos_ - 1 : 0); }

  // `target op rhs` for = and the compound assignments: the write through
  // the lvalue with its checks; the value assigned.
  val assign(val target, std::string_view op, val rhs, int line);

  // `(type)` / `(type *)` at pos_: a cast.
  bool cast_ahead();

  // The grammar's levels at pos_: prefix operators and casts (unary), ++/--
  // on an lvalue (incdec), sizeof, new, the allocation size checks,
  // literals, names and parentheses (primary), and calls, indexes, members
  // and postfix ++/-- (postfix).
  val unary();
  void incdec(val& target, std::string_view op, int line);
  val sizeof_expr();
  val new_expr();
  void alloc_size_checks(const val& size, int line);
  val primary();
  val postfix(val v);

  // A member call on `receiver` (`s.c_str()`): its taint, and that of the
  // memory the receiver holds.
  void continue_value(val& r, const val& receiver);

  // ---- call arguments: what they point to, copy and size checks, proofs
  // Taint of an argument: its own, or that of the memory it points to.
  taint arg_taint(const val& a);

  // The block an argument points to (a variable's current one).
  block* arg_block(const val& a);

  // Bytes available from where the argument points.
  long long avail(const val& a);

  // Where in its block an argument points (0 when unknown), and the length
  // of the string there (-1: unknown).
  long long arg_offset(const val& a);
  long long str_len_of(const val& a);

  // Whether the block an argument names is surely the one its pointer
  // holds: not when the pointer variable's address was taken (`*pp = q`
  // changes it out of sight).
  bool pointer_followed(const val& a);

  // The block of an argument, when what proofs know of its string holds:
  // it points to the start, and no code the analysis cannot see holds it.
  const block* proof_block(const val& a);

  // The longest the string at `a` can be (-1: unknown).
  long long str_max_of(const val& a);

  // Whether the string at `a` is a constant without '%' (for the proofs).
  bool fmt_const_of(const val& a);

  // Checks of writing (reading) n bytes (-1: unknown) at dst (src): an
  // unchecked allocation, freed memory, before the start, past the end;
  // `what` names the call.
  void write_checks(const val& dst, long long n, int line, const char* what);
  void read_checks(const val& src, long long n, int line, const char* what);

  // A string of length `len` (-1: unknown), at most `max`, a constant
  // without '%' or not, written to (or appended at) `dst`.
  void set_string(const val& dst, long long len, long long max, bool fmt_const, const taint& t, bool append);

  // Whether strcpy/strcat(dst, src) provably fits: the longest string it
  // can write, terminator included, is at most the room from dst on.
  bool copy_fits(const val& dst, const val& src, bool append);

  // A sink of weakness `cwe` on `line`, for the proofs: safe or not. Inside
  // a loop nothing is proved (a loop body is walked twice, not to a fixed
  // point); unreachable code proves nothing either.
  void proof(int cwe, int line, bool safe);

  // Checks of a size argument: negative, signed from outside with only an
  // upper bound, from outside with none.
  void size_arg_checks(const val& n, int line);

  // ---- library calls
  // The value of `callee(args)`: the C library's models (allocation, copies,
  // strings, input, sinks), a function of this file through its summary,
  // or unknown code, to which pointer arguments escape.
  val call(val callee, std::vector<val> args, int line);

  // In C++ a plain variable argument may bind to a reference parameter and
  // be written there (unless the prototype says pointer to const).
  void cpp_reference_args(const std::string& f, const std::vector<val>& args);

  // A function of this file may write the memory its pointer arguments
  // reach (unless its prototype says pointer to const): what was proved of
  // its strings is forgotten, and it counts as written.
  void written_args(const std::string& f, const std::vector<val>& args);

  // The longest string strncpy/memcpy/strncat(d, s, n) can leave in d: only
  // when s's terminator is among the n bytes copied (strncat always ends it).
  long long bounded_copy_max(const std::string& f, const val& s, const val& n);

  // The block an argument points to is handed on; arguments pointing to
  // freed memory are reported.
  void escape_arg(const val& a);
  void use_after_free_args(const std::vector<val>& args, int line);

  // ---- deallocation
  // free / delete / delete[] (`how`) of `target`: uninitialised, not on the
  // heap, mismatched, moved or already freed is reported; the block is freed.
  void deallocate(val target, const char* how, int line);

  // ---- state
  std::string_view path_;
  language lang_;
  val none_;
  const std::vector<token>& t_;
  declarations decls_;
  const text_lines lines_;
  std::vector<std::size_t> partner_;
  std::vector<env> breaks_, continues_;  // per enclosing loop/switch: the states at its breaks / continues
  int nesting_ = 0;
  std::vector<finding> out_;
  std::set<std::pair<std::string, int>> reported_;
  std::map<std::string, function_summary> summaries_;
  function_summary summary_;
  bool summary_mode_ = false;
  env env_;
  int next_block_ = 0;
  int steps_ = 0;
  long file_steps_ = 0;
  int depth_ = 0;
  int alloc_size_depth_ = 0;
  int pending_alloc_ = -1;
  std::size_t pos_ = 0, end_ = 0;
  std::string fn_name_;
  std::size_t params_open_ = 0;
  proof_ledger proofs_;
  int loops_ = 0;  // loop statements being walked (loop_scope)
  std::map<std::string, std::size_t> declared_at_;  // the current function's names: token of their declaration
};

}  // namespace heimdall::analysis::c_flow_detail
