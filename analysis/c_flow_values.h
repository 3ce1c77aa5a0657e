// c_flow_values: the abstract values the C flow analysis (c_flow.h) computes
// with, for its engine only (c_flow_analyzer.h). A function is walked with
// an environment (env): each variable's facts (var) and each memory
// block's (block), blocks named by an id that pointer values carry. An
// expression evaluates to a val, which is also what an lvalue designates.
// Data from outside the program travels as taint on values and blocks.
//
// Where two paths meet the states are joined (join): a fact a check
// reports on (freed, uninitialised, unchecked, a known size or number)
// survives only when it holds on both paths, so every report is a must;
// taint survives when either path carries it.
// Plain values, thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace heimdall::analysis::c_flow_detail {

// What a memory block is: where it lives and which routine must release it.
enum class mem { unknown, stack, static_storage, alloca_stack, malloc_heap, new_object, new_array, literal };
// The phrase naming memory of kind `m` in a message ("a stack array").
const char* mem_name(mem m);
// Whether memory of kind `m` came from the heap (malloc family, new, new[]).
bool on_heap(mem m);

// Where a value (or a block's contents) came from: outside the program,
// an integer of unknown range, or (in summary mode) the parameters it depends on.
struct taint {
  bool outside = false;  // data from outside the program (input, network, environment)
  bool range = false;    // an integer of unknown range (outside data, rand)
  std::uint32_t params = 0;  // summary mode: depends on parameter i
  int line = 0;
  std::string what;
  bool any() const { return outside || range || params != 0; }
};

// Taint of a value from either of two paths: outside data and unknown
// ranges if either has them, the first outside origin kept for the message.
taint join(const taint& a, const taint& b);

// One memory block: what kind, its size and string contents, and what
// happened to it on this path (initialised, freed, escaped, NULL-checked).
struct block {
  mem kind = mem::unknown;
  long long bytes = -1;    // size, when known
  long long elem = -1;     // element size, when known
  long long str_len = -1;  // length of the string it holds, when known
  // For proofs (c_flow_proofs.h), where str_len's join keeps the shorter:
  // an upper bound of that length on every path, and whether the string is
  // a constant without '%' (a harmless format).
  long long str_max = -1;
  bool fmt_const = false;
  long long filled = -1;   // leading bytes known non-zero (memset with a non-zero byte)
  long long init_upto = 0;  // leading elements written, while !contents_init
  bool contents_init = true;
  bool freed = false;
  int freed_line = 0;
  taint contents;
  bool owned = false;    // allocated by this function on the heap
  bool escaped = false;  // returned, stored elsewhere, or handed to unknown code
  int alloc_line = 0;
  bool unchecked = false;  // an allocation that may be NULL and was not compared yet
  bool held = false;       // stored in a local pointer variable (else: handed on at once)
  bool failed = false;     // on this path the allocation returned NULL: nothing to free
};

// What is known of a variable on this path: the block and offset a
// pointer holds, a known number or range, taint and the bounds checks
// seen on it, its declared type.
struct var {
  int blk = -1;
  long long off = 0;
  bool off_known = true;
  bool is_null = false;
  bool init = true;
  bool reported_uninit = false;
  taint t;
  bool lo_checked = false, hi_checked = false, any_checked = false;
  bool nonneg = false;  // known not negative on this path
  std::optional<long long> num, hi;
  std::string type;  // base type words, e.g. "unsigned int", "char"
  int ptr = 0;       // pointer depth
  bool array = false;
  bool local = true;
  bool static_storage = false;
  bool aggregate = false;  // a struct/class value: only its fields are read
  int self = -1;           // block of its own storage, once its address is taken
  bool mul_tainted = false;  // holds a product that may have wrapped
  std::optional<long long> lo;  // known lower bound (loop variables)
};

// What an lvalue designates: a variable, an array element, a
// dereference or a field.
enum class lv_kind { none, var, elem, deref, field };

// The value of an expression (the pointer's block and offset, a known
// number, taint and checks, a literal's length) and, as an lvalue, what
// it designates.
struct val {
  int blk = -1;
  long long off = 0;
  bool off_known = true;
  bool is_null = false;
  taint t;
  bool lo_checked = false, hi_checked = false, any_checked = false;
  bool nonneg = false;
  std::optional<long long> num, hi;
  long long str_len = -1;  // string literal length
  bool is_literal = false;
  bool fmt_const = false;  // a string literal without '%'
  std::string text;  // a variable's or callee's name
  bool mul_tainted = false;  // an unchecked outside value was multiplied in
  bool uses_vars = false;    // depends on a variable (a loop may change it)
  std::string realloc_of;    // the result of realloc(<this variable>, ...)
  std::string stepped;       // `p++` / `p--`: the pointer variable stepped
  long long deref_shift = 0; // a dereference lands this many elements from the pointer's offset
  // as an lvalue
  lv_kind lv = lv_kind::none;
  std::string base;  // variable at the root of the lvalue
  std::optional<long long> lo;  // known lower bound of the value
  std::optional<long long> index;
  std::optional<long long> index_hi, index_lo_v;
  taint index_t;
  bool index_lo = false, index_hiok = false;
  bool arrow = false;
  bool addr = false;  // &x
};

// The state at a point of a function: its variables and blocks; dead
// where no path arrives (after return, throw, break, continue or goto).
struct env {
  std::map<std::string, var, std::less<>> vars;  // looked up by string_view too
  std::map<int, block> blocks;
  bool dead = false;
};

// The string a block now holds: its length on every path (-1: unknown),
// the longest it can be, and whether it is a constant without '%'.
void hold_string(block& b, long long len, long long max, bool fmt_const);
// A write the proofs cannot follow (an element, a call that may write):
// str_len keeps its must-meaning for the reports, the proofs lose theirs.
void forget_string_proofs(block& b);

// The state where two paths meet: a dead path gives way to the other;
// variables and blocks known on one side only are kept; one that holds
// different blocks on the two sides holds an unknown one, and those
// blocks are no longer tracked (never reported as leaked). `a` is taken by
// value: a caller done with it moves it in, and the join happens in place.
env join(env a, const env& b);

}  // namespace heimdall::analysis::c_flow_detail
