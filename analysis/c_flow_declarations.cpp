// Declarations (their types, sizes, initialisers) and assignments to
// variables, with the checks of narrowing.
#include "analysis/c_flow_analyzer.h"

#include <cstddef>
#include <optional>
#include <string>

#include "analysis/c_flow_vocabulary.h"

namespace heimdall::analysis::c_flow_detail {

// ---- declarations

bool analyzer::declaration(std::size_t b, std::size_t e) {
  std::size_t j = b;
  std::string type;
  bool is_static = false;
  int words = 0;
  while (j < e && t_[j].kind == tk::ident) {
    std::string_view w = t_[j].text;
    if (keyword(w) || (words == 0 && variable(w))) return false;
    if (w == "static") is_static = true;
    if (!type.empty() && type.back() != ':') type += ' ';
    type += w;
    ++words;
    ++j;
    // Namespaces and templates in a type: std::string, vector<int>.
    if (is("::", j)) {
      type += "::";
      ++j;
      continue;
    }
    if (is("<", j) && words >= 1) {
      int depth = 0;
      for (; j < e; ++j) {
        if (is("<", j)) ++depth;
        if (is(">", j) && --depth == 0) break;
        if (is(">>", j) && (depth -= 2) <= 0) break;
      }
      ++j;
    }
  }
  if (j >= e && words < 2) return false;
  // `type name`: at least one type word plus the name (the last word).
  int ptr = 0;
  std::size_t k = j;
  while (k < e && (is("*", k) || is("&", k))) {
    ptr += is("*", k);
    if (is("&", k)) proofs_.give_up();  // a C++ reference: an alias the analysis keeps as a copy
    ++k;
  }
  std::string name;
  if (ptr == 0) {
    if (words < 2) return false;
    // The last word was the name.
    auto pos = type.rfind(' ');
    if (pos == std::string::npos) return false;
    name = type.substr(pos + 1);
    type = type.substr(0, pos);
    k = j;
  } else {
    if (words < 1 || k >= e || t_[k].kind != tk::ident) return false;
    name = t_[k].text;
    ++k;
  }
  if (!(k >= e || is("=", k) || is("[", k) || is(",", k) || is("(", k) || is("{", k))) return false;
  for (;;) {
    declare_one(name, type, ptr, is_static, k, e);
    // Next declarator after a top-level comma.
    std::size_t n = k;
    while (n < e && !is(",", n)) n = (is("(", n) || is("[", n) || is("{", n)) ? match(n) + 1 : n + 1;
    if (n >= e) break;
    k = n + 1;
    ptr = 0;
    while (k < e && (is("*", k) || is("&", k))) {
      ptr += is("*", k);
      if (is("&", k)) proofs_.give_up();
      ++k;
    }
    if (k >= e || t_[k].kind != tk::ident) break;
    name = t_[k].text;
    ++k;
  }
  return true;
}

void analyzer::declare_one(const std::string& name, const std::string& type, int ptr, bool is_static, std::size_t k,
                           std::size_t e) {
  // A name declared twice (shadowing in a nested block) is one variable
  // here: what is known of the inner one would be trusted for the outer.
  if (auto [it, fresh] = declared_at_.emplace(name, k); !fresh && it->second != k) proofs_.give_up();
  // A static local keeps what the previous call left: its initialiser
  // says nothing about the value at entry.
  if (is_static) proofs_.give_up();
  var v;
  v.type = type;
  v.ptr = ptr;
  v.static_storage = is_static;
  v.aggregate = ptr == 0 && !is_scalar_type(type);
  int line = line_at(k);
  std::size_t n = k;
  if (is("[", k)) {
    // An array: its size in bytes when the count and element size are known.
    std::size_t close = match(k);
    val count = expr_range(k + 1, close);
    block b;
    b.kind = is_static ? mem::static_storage : mem::stack;
    auto esz = size_of(type, ptr);
    if (count.num && esz) {
      b.bytes = *count.num * *esz;
      b.elem = *esz;
    }
    b.contents_init = is_static;
    n = close + 1;
    while (is("[", n)) n = match(n) + 1;
    if (n != close + 1) {
      // Further dimensions: the size is unknown, and `a[i]` is a row, an
      // address handed on (`fill(a[1])`), not an element read, which the
      // element-wise tracking of what is written cannot follow.
      b.bytes = -1;
      b.contents_init = true;
    }
    if (is("=", n)) {
      b.contents_init = true;
      std::size_t ie = n + 1;
      while (ie < e && !is(",", ie)) ie = (is("(", ie) || is("{", ie)) ? match(ie) + 1 : ie + 1;
      val init = expr_range(n + 1, ie);
      b.contents = init.t;
      if (b.bytes < 0 && init.is_literal && esz && count.text.empty() && !count.num) b.bytes = init.str_len + 1;
      if (init.is_literal) {
        // Proofs only for a char array the literal and its terminator fit:
        // `char s[3] = "abc"` holds no terminator.
        bool terminated = esz && *esz == 1 && b.bytes > init.str_len;
        hold_string(b, init.str_len, terminated ? init.str_len : -1, terminated && init.fmt_const);
      }
      if (is("{", n + 1) && is("}", n + 2)) hold_string(b, 0, 0, true);
    } else if (!is_static && !scalar_or_ptr_elements(type, ptr)) {
      b.contents_init = true;  // class objects: constructors run
    }
    v.array = true;
    v.blk = new_block(env_, b);
    v.ptr = ptr + 1;
    env_.vars[name] = v;
    return;
  }
  if (is("=", k)) {
    std::size_t ie = k + 1;
    while (ie < e && !is(",", ie)) ie = (is("(", ie) || is("{", ie) || is("[", ie)) ? match(ie) + 1 : ie + 1;
    val init = expr_range(k + 1, ie);
    env_.vars[name] = v;
    assign_var(name, init);
    truncation_check(env_.vars[name], init, line);
    return;
  }
  if (is("(", k) || is("{", k)) {
    // Constructor arguments: `std::ifstream f(path)`.
    std::size_t close = match(k);
    std::vector<val> args = arg_list(k + 1, close);
    for (const val& a : args) {
      // Constructor arguments: handed to the object (smart pointers, wrappers).
      escape_arg(a);
      if (a.lv == lv_kind::var)
        if (var* x = variable(a.base)) x->init = true;
    }
    std::string ctor = type.substr(type.rfind(':') == std::string::npos ? 0 : type.rfind(':') + 1);
    if (is_path_sink(ctor) && !args.empty()) sink(kPath, arg_taint(args[0]), line, "A file is opened at a path made from outside data.");
    env_.vars[name] = v;
    return;
  }
  // No initializer: a local scalar or pointer holds garbage. Declared
  // again (a loop body's second pass, a nested block), it keeps what the
  // storage held, as compilers do.
  if (var* old = variable(name); old && old->init) {
    v.init = true;
    env_.vars[name] = v;
    return;
  }
  // In C a struct has no constructor either: its fields start as garbage.
  v.init = is_static || !(ptr > 0 || is_scalar_type(type) || lang_ == language::c || plain_type(type));
  if (type.find("extern") != std::string::npos) v.init = true;
  env_.vars[name] = v;
}

bool analyzer::scalar_or_ptr_elements(const std::string& type, int ptr) {
  return ptr > 0 || is_scalar_type(type) || lang_ == language::c || plain_type(type);
}

std::optional<long long> analyzer::size_of(const std::string& type, int ptr) const {
  if (auto n = type_size(type, ptr)) return n;
  std::size_t cut = type.find_last_of(" :");
  std::string last = cut == std::string::npos ? type : type.substr(cut + 1);
  return decls_.type_size(last);
}

bool analyzer::plain_type(const std::string& type) const {
  std::size_t cut = type.find_last_of(" :");
  std::string last = cut == std::string::npos ? type : type.substr(cut + 1);
  return decls_.plain_type(last);
}

// ---- assignment

void analyzer::assign_var(const std::string& name, const val& v) {
  var& x = env_.vars[name];
  x.blk = v.blk;
  x.off = v.off;
  x.off_known = v.off_known;
  x.is_null = v.is_null;
  x.t = v.t;
  x.num = v.num;
  x.hi.reset();
  x.init = true;
  x.lo_checked = v.lo_checked;
  x.hi_checked = v.hi_checked;
  x.any_checked = v.any_checked;
  x.nonneg = v.nonneg;
  x.mul_tainted = v.mul_tainted;
  if (x.num && x.ptr == 0) {
    // The stored value wraps to the variable's type: unsigned x = -2.
    auto sz = type_size(x.type, 0);
    if (sz && *sz < 8 && type_range(x.type)) {
      unsigned long long bits = 8ULL * static_cast<unsigned long long>(*sz);
      unsigned long long m = static_cast<unsigned long long>(*x.num) & ((1ULL << bits) - 1);
      long long n = static_cast<long long>(m);
      if (!is_unsigned(x.type) && (m >> (bits - 1))) n = static_cast<long long>(m) - static_cast<long long>(1ULL << bits);
      x.num = n;
    }
  }
  if (x.num) x.lo_checked = x.hi_checked = x.any_checked = true;
  if (x.num) x.nonneg = *x.num >= 0;
  if (v.is_literal && v.blk < 0) {
    block b;
    b.kind = mem::literal;
    b.bytes = v.str_len + 1;
    b.elem = 1;
    hold_string(b, v.str_len, v.str_len, v.fmt_const);
    x.blk = new_block(env_, b);
    x.off = 0;
  }
  if (v.num && *v.num == 0 && x.ptr > 0) x.is_null = true;
  if (v.blk >= 0 && v.blk == pending_alloc_ && x.ptr > 0) {
    // A fresh malloc's elements are what the receiving pointer points to.
    block* b = blk(v.blk);
    auto esz = size_of(x.type, x.ptr - 1);
    if (b && esz && b->elem <= 1) b->elem = *esz;
    pending_alloc_ = -1;
  }
  if (block* b = blk(x.blk)) {
    if (!x.local) b->escaped = true;
    else if (x.ptr > 0) b->held = true;
  }
}

void analyzer::truncation_check(const var& target, const val& v, int line) {
  if (!v.t.range || v.hi_checked || target.ptr > 0) return;
  auto tsz = type_size(target.type, 0);
  if (!tsz || *tsz >= 4 || !is_scalar_type(target.type)) return;
  if (v.text.empty()) return;
  const var* src = variable(v.text);
  if (!src) return;
  auto ssz = type_size(src->type, 0);
  if (ssz && *ssz > *tsz) sink(kTruncation, v.t, line, "An outside value is converted to a narrower integer type without a range check.", false);
}

void analyzer::escape(const val& v) {
  if (block* b = blk(v.blk)) b->escaped = true;
}

}  // namespace heimdall::analysis::c_flow_detail
