// Expressions: a precedence parser over the tokens whose values carry a
// pointer's block, a known integer, taint and bounds checks; the checks
// of reading and writing memory and of arithmetic on outside data.
#include "analysis/c_flow_analyzer.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/c_flow_vocabulary.h"

namespace heimdall::analysis::c_flow_detail {

val analyzer::expr_range(std::size_t b, std::size_t e) {
  // Past an unclosed bracket, match() gives the token count and callers
  // step one beyond it: the range ends with the tokens.
  e = std::min(e, t_.size());
  if (b >= e) return {};
  std::size_t saved_end = end_;
  std::size_t saved_pos = pos_;
  end_ = e;
  pos_ = b;
  depth_ = 0;
  val v = rvalue(expr(0));
  while (pos_ < end_) {  // leftovers (unparsed syntax): evaluate the rest
    proofs_.give_up();
    std::size_t before = pos_;
    ++pos_;
    if (pos_ < end_) v = rvalue(expr(0));
    if (pos_ <= before) break;
  }
  pos_ = saved_pos;
  end_ = saved_end;
  return v;
}

std::vector<val> analyzer::arg_list(std::size_t b, std::size_t e, bool designated) {
  std::vector<val> args;
  std::size_t part = b;
  for (std::size_t j = b; j <= e; ++j) {
    if (j < e && (is("(", j) || is("[", j) || is("{", j))) {
      j = match(j);
      continue;
    }
    if (j == e || is(",", j)) {
      if (designated) {
        // `.f = x`, `.a.b[2] = x`, `[i] = x`: the element is x.
        std::size_t d = part;
        while (d < j && ((is(".", d) && d + 1 < j && t_[d + 1].kind == tk::ident) || is("[", d)))
          d = is("[", d) ? match(d) + 1 : d + 2;
        if (d > part && is("=", d)) part = d + 1;
      }
      if (j > part) {
        std::size_t saved_end = end_, saved_pos = pos_;
        end_ = j;
        pos_ = part;
        args.push_back(expr(2));  // lvalue form; the callee decides what is read
        pos_ = saved_pos;
        end_ = saved_end;
      }
      part = j + 1;
    }
  }
  return args;
}

int analyzer::binary_prec(std::string_view op) {
  if (op == ",") return 1;
  if (op == "=" || op == "+=" || op == "-=" || op == "*=" || op == "/=" || op == "%=" || op == "&=" ||
      op == "|=" || op == "^=" || op == "<<=" || op == ">>=")
    return 2;
  if (op == "?") return 3;
  if (op == "||") return 4;
  if (op == "&&") return 5;
  if (op == "|") return 6;
  if (op == "^") return 7;
  if (op == "&") return 8;
  if (op == "==" || op == "!=") return 9;
  if (op == "<" || op == ">" || op == "<=" || op == ">=") return 10;
  if (op == "<<" || op == ">>") return 11;
  if (op == "+" || op == "-") return 12;
  if (op == "*" || op == "/" || op == "%") return 13;
  return 0;
}

val analyzer::expr(int min_prec) {
  if (++depth_ > kMaxDepth) {
    proofs_.give_up();
    pos_ = end_;
    return {};
  }
  std::size_t lhs_start = pos_;
  val lhs = unary();
  while (pos_ < end_ && t_[pos_].kind == tk::punct) {
    std::string_view op = t_[pos_].text;
    int p = binary_prec(op);
    if (p == 0 || p < min_prec) break;
    int line = t_[pos_].line;
    ++pos_;
    if (p == 2) {  // right-associative assignment
      val rhs = rvalue(expr(2));
      lhs = assign(std::move(lhs), op, std::move(rhs), line);
      continue;
    }
    if (op == "?") {
      // Each arm runs where the condition is true / false.
      val cond = rvalue(std::move(lhs));
      auto k = cond_constant(cond);
      std::size_t cond_end = pos_ - 1;
      env before = env_;
      refine(lhs_start, cond_end, env_, true);
      val a = rvalue(expr(2));
      env after_a = std::move(env_);
      env_ = before;
      refine(lhs_start, cond_end, env_, false);
      if (at(":")) ++pos_;
      val b = rvalue(expr(3));
      env_ = k ? (*k ? std::move(after_a) : std::move(env_)) : join(std::move(after_a), env_);
      lhs = k ? (*k ? a : b) : merge(a, b);
      continue;
    }
    val l = rvalue(std::move(lhs));
    if (op == "&&" || op == "||") {
      // The right operand runs only when the left one was true (&&) or false (||).
      env skipped = env_;
      refine(lhs_start, pos_ - 1, env_, op == "&&");
      val r = rvalue(expr(p + 1));
      env_ = join(std::move(env_), skipped);
      lhs = binary(op, l, r, line);
      continue;
    }
    val r = rvalue(expr(p + 1));
    lhs = binary(op, l, r, line);
  }
  --depth_;
  return lhs;
}

val analyzer::merge(const val& a, const val& b) {
  val r = a;
  r.is_null = a.is_null && b.is_null;
  r.is_literal = a.is_literal && b.is_literal;
  if (a.str_len != b.str_len) r.str_len = -1;
  r.fmt_const = a.fmt_const && b.fmt_const;
  r.t = join(a.t, b.t);
  if (a.num != b.num) r.num.reset();
  if (a.blk != b.blk) r.blk = -1;
  r.lo_checked = a.lo_checked && b.lo_checked;
  r.hi_checked = a.hi_checked && b.hi_checked;
  r.lv = lv_kind::none;
  r.text.clear();
  return r;
}

val analyzer::binary(std::string_view op, const val& l, const val& r, int line) {
  val v;
  v.t = join(l.t, r.t);
  v.uses_vars = l.uses_vars || r.uses_vars;
  if (op == "==" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=" || op == "&&" || op == "||") {
    v.t = {};  // a comparison's result is a truth value, not the data
    if (l.num && r.num) {
      long long a = *l.num, b = *r.num;
      bool res = op == "==" ? a == b : op == "!=" ? a != b : op == "<" ? a < b : op == ">" ? a > b
                 : op == "<=" ? a <= b : op == ">=" ? a >= b : op == "&&" ? (a && b) : (a || b);
      v.num = res;
    }
    if (op == "&&" && ((l.num && !*l.num) || (r.num && !*r.num))) v.num = 0;
    if (op == "||" && ((l.num && *l.num) || (r.num && *r.num))) v.num = 1;
    return v;
  }
  // Pointer arithmetic: p + n keeps p's block, moves the offset.
  if ((op == "+" || op == "-") && l.blk >= 0) {
    v = l;
    v.lv = lv_kind::none;
    v.text.clear();
    v.is_literal = false;
    if (r.num && l.off_known) v.off = l.off + (op == "+" ? *r.num : -*r.num);
    else v.off_known = false;
    return v;
  }
  if (l.num && r.num) {
    long long a = *l.num, b = *r.num;
    long long out = 0;
    if (op == "+" && !__builtin_add_overflow(a, b, &out)) v.num = out;
    if (op == "-" && !__builtin_sub_overflow(a, b, &out)) v.num = out;
    if (op == "*" && !__builtin_mul_overflow(a, b, &out)) v.num = out;
    if (op == "/" && b != 0) v.num = a / b;
    if (op == "%" && b != 0) v.num = a % b;
    if (op == "<<" && b >= 0 && b < 62) v.num = a << b;
    if (op == ">>" && b >= 0 && b < 62) v.num = a >> b;
    if (op == "&") v.num = a & b;
    if (op == "|") v.num = a | b;
    if (op == "^") v.num = a ^ b;
  }
  if (op == "/" || op == "%") {
    if (r.num && *r.num == 0 && !r.text.empty())
      report(kDivZero, line, "'" + r.text + "' is zero here and is the divisor.");
    if (r.t.range && !r.any_checked && !r.num) sink(kDivZero, r.t, line, "The divisor comes from outside and is never compared with zero.", false);
  }
  // Arithmetic that can overflow on an unchecked outside value.
  if (alloc_size_depth_ == 0) {
    const val* u = nullptr;
    if (l.t.range && !l.num) u = &l;
    if (!u && r.t.range && !r.num) u = &r;
    if (u && !u->text.empty()) {
      const var* x = variable(u->text);
      bool is_float = x && (x->type.find("float") != std::string::npos || x->type.find("double") != std::string::npos);
      if (!is_float && x && x->ptr == 0) {
        if ((op == "+" || op == "*") && !u->hi_checked)
          sink(kOverflowInt, u->t, line, "Arithmetic on a value from outside that was never checked against the type's maximum.", false);
        else if (op == "*" && !u->lo_checked)
          sink(kUnderflowInt, u->t, line, "Multiplication of a value from outside, bounded only above, can go below the type's minimum.", false);
        if (op == "-" && u == &l && !u->lo_checked)
          sink(kUnderflowInt, u->t, line, "Subtraction from a value from outside that was never checked against the type's minimum.", false);
      }
    }
  }
  // The result is bounded where every outside operand was.
  v.hi_checked = (!l.t.range || l.hi_checked || l.num) && (!r.t.range || r.hi_checked || r.num);
  v.lo_checked = (!l.t.range || l.lo_checked || l.num) && (!r.t.range || r.lo_checked || r.num);
  v.any_checked = (!l.t.range || l.any_checked || l.num) && (!r.t.range || r.any_checked || r.num);
  v.nonneg = (l.nonneg || (l.num && *l.num >= 0) || (!l.t.range && !l.text.empty())) &&
             (r.nonneg || (r.num && *r.num >= 0)) && op != "-";
  if (op == "*" && ((l.t.range && !l.hi_checked && !l.num) || (r.t.range && !r.hi_checked && !r.num))) v.mul_tainted = true;
  v.mul_tainted = v.mul_tainted || l.mul_tainted || r.mul_tainted;
  // Known-value overflow: INT_MAX + 1 and the like, against the operand's type.
  if (l.num && r.num && !l.text.empty()) {
    if (const var* x = variable(l.text); x && x->ptr == 0) {
      auto range = type_range(x->type);
      if (range) {
        long long a = *l.num, b = *r.num;
        bool over = false, under = false;
        if (op == "+") over = b > 0 && a > range->second - b, under = b < 0 && a < range->first - b;
        if (op == "-") under = b > 0 && a < range->first + b;
        if (op == "*" && a != 0 && b != 0) {
          __int128 m = static_cast<__int128>(a) * b;
          over = m > range->second;
          under = m < range->first;
        }
        if (over) report(kOverflowInt, line, "The arithmetic exceeds the maximum of the operand's type.");
        if ((over || under) && op == "*") v.mul_tainted = true;  // a wrapped product
        if (under) report(kUnderflowInt, line, "The arithmetic goes below the minimum of the operand's type.");
      }
    }
  }
  return v;
}

val analyzer::rvalue(val v) {
  if (v.lv == lv_kind::none) return v;
  int line = cur_line();
  if (v.lv == lv_kind::var) {
    var* x = variable(v.base);
    if (x && !x->init && !v.addr && !x->aggregate && !x->reported_uninit) {
      x->reported_uninit = true;
      report(kUninit, line, "'" + v.base + "' is read before any value is assigned to it.");
    }
    v.lv = lv_kind::none;
    return v;
  }
  access(v, false, line);
  v.lv = lv_kind::none;
  return v;
}

void analyzer::access(val& v, bool write, int line) {
  var* x = variable(v.base);
  if (!x) return;
  if (v.lv == lv_kind::field && !v.arrow) {
    // s.f on a struct value.
    if (!write && !x->init && !x->reported_uninit && x->ptr == 0) {
      x->reported_uninit = true;
      report(kUninit, line, "'" + v.base + "' is read before its fields are assigned.");
    }
    if (write) x->init = true;
    return;
  }
  if (!x->init && !x->reported_uninit) {
    x->reported_uninit = true;
    report(kUninit, line, "The pointer '" + v.base + "' is used before any value is assigned to it.");
    return;
  }
  if (x->is_null && x->blk < 0) {
    report(kNullDeref, line, "'" + v.base + "' is NULL here and is dereferenced.");
    return;
  }
  block* b = blk(x->blk);
  if (!b) return;
  if (write) forget_string_proofs(*b);  // a terminator written re-proves it (assign)
  if (b->freed) {
    report(kUseAfterFree, line, "The memory '" + v.base + "' points to was freed on line " + std::to_string(b->freed_line) + ".");
    return;
  }
  if (b->unchecked) {
    report(kAllocUnchecked, line, "The allocation '" + v.base + "' points to may be NULL and is used unchecked.");
    b->unchecked = false;
  }
  long long count0 = (b->bytes >= 0 && b->elem > 0) ? b->bytes / b->elem : -1;
  if (!write && !b->contents_init) {
    // Reported when the read may go past the elements written so far.
    std::optional<long long> top = v.index_hi ? v.index_hi : v.index;
    if (v.lv == lv_kind::deref) top = v.deref_shift;
    if (top) top = x->off_known ? std::optional<long long>(*top + x->off) : std::nullopt;  // from the block's start
    bool beyond = top ? *top >= b->init_upto : b->init_upto == 0;
    if (beyond) report(kUninit, line, "Memory '" + v.base + "' points to is read before it is written.");
  }
  if (write && !b->contents_init) {
    // Writes from the start (element by element, or a loop from 0) grow
    // the initialised prefix; any other write counts as initialising.
    std::optional<long long> at0 = v.lv == lv_kind::deref ? std::optional<long long>(v.deref_shift) : v.index;
    if (at0) at0 = x->off_known ? std::optional<long long>(*at0 + x->off) : std::nullopt;
    bool from_start = x->off_known && x->off == 0;
    if (v.lv == lv_kind::elem && from_start && v.index_lo_v && *v.index_lo_v <= b->init_upto && v.index_hi)
      b->init_upto = std::max(b->init_upto, *v.index_hi + 1);
    else if (at0 && *at0 <= b->init_upto)
      b->init_upto = std::max(b->init_upto, *at0 + 1);
    else
      b->contents_init = true;
    if (count0 < 0 || b->init_upto >= count0 || v.lv == lv_kind::field) b->contents_init = true;
  }
  // Bounds of an element access.
  if (v.lv == lv_kind::elem || v.lv == lv_kind::deref) {
    long long count = (b->bytes >= 0 && b->elem > 0) ? b->bytes / b->elem : -1;
    bool heap = on_heap(b->kind);
    std::optional<long long> idx = v.index, hi = v.index_hi ? v.index_hi : v.index;
    if (v.lv == lv_kind::deref) idx = hi = v.deref_shift;
    if (x->off_known && idx) idx = *idx + x->off;
    if (x->off_known && hi) hi = *hi + x->off;
    std::optional<long long> lo_idx = v.lv == lv_kind::elem && !v.index && v.index_lo_v && x->off_known
                                          ? std::optional<long long>(*v.index_lo_v + x->off)
                                          : std::nullopt;
    if (!idx && lo_idx && *lo_idx < 0 && b->kind != mem::unknown) idx = lo_idx;
    if (idx && *idx < 0 && (x->off_known || v.index || lo_idx) && b->kind != mem::unknown) {
      report(write ? kUnderwrite : kUnderread, line, "The access lands before the start of the buffer.");
    } else if (count >= 0 && hi && *hi >= count) {
      report(write ? (heap ? kOverflowHeap : kOverflowStack) : kOverread, line,
             "Element " + std::to_string(*hi) + " of a buffer of " + std::to_string(count) + " elements.");
    } else if (v.index_t.any() && !v.index && !v.index_hi && !(v.index_lo && v.index_hiok)) {
      if (!v.index_hiok) sink(write ? kTaintIndexW : kTaintIndexR, v.index_t, line, "The index comes from outside and has no upper bound check.", false);
      else sink(write ? kUnderwrite : kUnderread, v.index_t, line, "The index comes from outside and is never checked for being negative.", false);
    }
  }
}

val analyzer::assign(val target, std::string_view op, val rhs, int line) {
  if (target.lv == lv_kind::var) {
    var* x = variable(target.base);
    if (!x) {
      env_.vars[target.base] = var{};
      env_.vars[target.base].local = false;  // a global or member
      x = variable(target.base);
    }
    if (op == "=") {
      if (!rhs.realloc_of.empty() && rhs.realloc_of == target.base)
        report(kLeak, line, "realloc's result overwrites '" + target.base +
                                "': when it fails (NULL), the original block is lost.");
      bool global = !x->local;
      assign_var(target.base, rhs);
      if (global) escape(rhs);
      truncation_check(*variable(target.base), rhs, line);
    } else {
      val cur = target;
      cur.lv = lv_kind::var;
      val old = rvalue(cur);
      std::string_view bop = op.substr(0, op.size() - 1);
      val res = binary(bop, old, rhs, line);
      bool keep_checks = true;
      var& xv = env_.vars[target.base];
      if (xv.blk >= 0 && (bop == "+" || bop == "-")) {
        if (rhs.num && xv.off_known) xv.off += bop == "+" ? *rhs.num : -*rhs.num;
        else xv.off_known = false;
      } else {
        xv.num = res.num;
        xv.t = res.t;
        keep_checks = false;
      }
      if (!keep_checks && !res.num) xv.hi_checked = xv.lo_checked = xv.nonneg = false;
    }
    val r = rhs;
    r.lv = lv_kind::none;
    return r;
  }
  if (target.lv == lv_kind::elem || target.lv == lv_kind::deref || target.lv == lv_kind::field) {
    access(target, true, line);
    var* x = variable(target.base);
    if (x && target.lv != lv_kind::field) {
      if (block* b = blk(x->blk)) {
        b->contents = join(b->contents, rhs.t);
        // A terminator written after a fill fixes the string's length.
        if (rhs.num && *rhs.num == 0 && target.index && x->off_known) {
          long long at = *target.index + x->off;
          if (at == 0 || (b->filled >= 0 && at <= b->filled)) hold_string(*b, at, at, at == 0 || b->fmt_const);
        }
      }
    }
    // A pointer stored into memory is kept there: it escapes.
    if (rhs.blk >= 0) escape(rhs);
  }
  val r = rhs;
  r.lv = lv_kind::none;
  return r;
}

bool analyzer::cast_ahead() {
  if (!at("(")) return false;
  std::size_t close = match(pos_);
  if (close >= end_ || close == pos_ + 1) return false;
  for (std::size_t j = pos_ + 1; j < close; ++j) {
    if (t_[j].kind == tk::ident) {
      if (variable(t_[j].text) || keyword(t_[j].text)) return false;
      continue;
    }
    if (!(is("*", j) || is("&", j) || is("::", j) || is("<", j) || is(">", j))) return false;
  }
  // A type word, or `(name *)`, or `(name)` followed by an operand.
  bool typeword = type_word(t_[pos_ + 1].text) || is("*", close - 1);
  if (typeword) return true;
  std::size_t n = close + 1;
  return n < end_ && close == pos_ + 2 &&
         (t_[n].kind == tk::ident || t_[n].kind == tk::number || t_[n].kind == tk::str || is("(", n) || is("&", n) ||
          is("*", n) || is("!", n) || is("~", n));
}

val analyzer::unary() {
  if (pos_ >= end_) return {};
  int line = t_[pos_].line;
  if (t_[pos_].kind == tk::punct) {
    std::string_view op = t_[pos_].text;
    if (op == "(" && cast_ahead()) {
      std::size_t close = match(pos_);
      pos_ = close + 1;
      val v = unary();
      return v;
    }
    if (op == "&") {
      ++pos_;
      val v = unary();
      if (v.lv == lv_kind::var) {
        // Address taken: whatever receives it may write the variable.
        v.addr = true;
        var* x = variable(v.base);
        if (x) x->init = true;  // may be written through the pointer from now on
        if (x && x->local && !x->array) {
          if (x->self < 0) {
            block b;
            b.kind = x->static_storage ? mem::static_storage : mem::stack;
            if (auto sz = size_of(x->type, x->ptr)) b.bytes = b.elem = *sz;
            x->self = new_block(env_, b);
          }
          v.blk = x->self;
          v.off = 0;
          v.off_known = true;
          v.t = {};
        }
        return v;
      }
      if (v.lv == lv_kind::elem) {
        var* x = variable(v.base);
        val r;
        if (x) {
          r.blk = x->blk;
          r.off = x->off + v.index.value_or(0);
          r.off_known = x->off_known && v.index.has_value();
          block* b = blk(x->blk);
          if (b) r.t = b->contents;
        }
        r.text = v.base;
        return r;
      }
      // A field's address taken: whatever receives it may write the struct.
      if (v.lv == lv_kind::field && !v.arrow)
        if (var* x = variable(v.base)) x->init = true;
      v.lv = lv_kind::none;
      return v;
    }
    if (op == "*") {
      ++pos_;
      val inner = unary();
      if (inner.lv == lv_kind::var && variable(inner.base)) {
        val v;
        v.lv = lv_kind::deref;
        v.base = inner.base;
        var* x = variable(inner.base);
        if (block* b = blk(x->blk)) v.t = b->contents;
        return v;
      }
      if (!inner.stepped.empty() && variable(inner.stepped.substr(1))) {
        // *p++: the element before the step.
        val v;
        v.lv = lv_kind::deref;
        v.base = inner.stepped.substr(1);
        v.deref_shift = inner.stepped[0] == '+' ? -1 : 1;
        if (block* b = blk(variable(v.base)->blk)) v.t = b->contents;
        return v;
      }
      // *(p + n): the accesses of these lvalues are not followed; it may be a write.
      if (block* b = blk(inner.blk)) forget_string_proofs(*b);
      return rvalue(std::move(inner));
    }
    if (op == "++" || op == "--") {
      ++pos_;
      val target = unary();
      incdec(target, op, line);
      return rvalue(std::move(target));
    }
    if (op == "-" || op == "+" || op == "!" || op == "~") {
      ++pos_;
      val v = rvalue(unary());
      if (v.num) {
        if (op == "-") v.num = -*v.num;
        if (op == "!") v.num = !*v.num;
        if (op == "~") v.num = ~*v.num;
      }
      if (op == "!") v.t = {};
      v.text.clear();
      v.is_literal = false;
      return v;
    }
    if (op == "::") {
      ++pos_;
      return unary();
    }
  }
  if (t_[pos_].kind == tk::ident) {
    std::string_view w = t_[pos_].text;
    if (w == "sizeof") {
      ++pos_;
      return sizeof_expr();
    }
    // Operands that are never evaluated: only their type is taken.
    if ((w == "typeof" || w == "__typeof__" || w == "__typeof" || w == "decltype" || w == "_Alignof" ||
         w == "alignof" || w == "__alignof__") &&
        pos_ + 1 < end_ && is("(", pos_ + 1)) {
      pos_ = std::min(match(pos_ + 1) + 1, end_);
      return {};
    }
    if (w == "new" && lang_ == language::cpp) return new_expr();
    if (w == "delete" && lang_ == language::cpp) {
      ++pos_;
      bool array = false;
      if (at("[") && pos_ + 1 < end_ && is("]", pos_ + 1)) {
        array = true;
        pos_ += 2;
      }
      val target = unary();
      deallocate(target, array ? "delete[]" : "delete", line);
      return {};
    }
  }
  return postfix(primary());
}

void analyzer::incdec(val& target, std::string_view op, int line) {
  if (target.lv != lv_kind::var) {
    if (target.lv != lv_kind::none) access(target, true, line);
    return;
  }
  var* x = variable(target.base);
  if (!x) return;
  if (x->blk >= 0 && x->ptr > 0) {
    if (x->off_known) x->off += op == "++" ? 1 : -1;
    return;
  }
  if (!x->init && !x->reported_uninit) {
    x->reported_uninit = true;
    report(kUninit, line, "'" + target.base + "' is incremented before any value is assigned to it.");
  }
  bool is_float = x->type.find("float") != std::string::npos || x->type.find("double") != std::string::npos;
  if (x->t.range && !x->num && !is_float) {
    if (op == "++" && !x->hi_checked)
      sink(kOverflowInt, x->t, line, "Increment of a value from outside that was never checked against the type's maximum.", false);
    if (op == "--" && !x->lo_checked)
      sink(kUnderflowInt, x->t, line, "Decrement of a value from outside that was never checked against the type's minimum.", false);
  }
  if (x->num) {
    auto range = type_range(x->type);
    __int128 wide = static_cast<__int128>(*x->num) + (op == "++" ? 1 : -1);
    long long n = static_cast<long long>(wide);
    if (range && (wide > range->second)) report(kOverflowInt, line, "The increment exceeds the maximum of the variable's type.");
    if (range && (wide < range->first)) report(kUnderflowInt, line, "The decrement goes below the minimum of the variable's type.");
    x->num = n;
  }
}

val analyzer::sizeof_expr() {
  val v;
  if (at("(")) {
    std::size_t close = match(pos_);
    // sizeof(type) or sizeof(expr)
    std::string type;
    int ptr = 0;
    bool all_type = true;
    for (std::size_t j = pos_ + 1; j < close; ++j) {
      if (t_[j].kind == tk::ident && !variable(t_[j].text)) type += (type.empty() ? "" : " ") + t_[j].text;
      else if (is("*", j)) ++ptr;
      else all_type = false;
    }
    if (all_type && !type.empty()) {
      v.num = size_of(type, ptr);
    } else if (close == pos_ + 2 && t_[pos_ + 1].kind == tk::ident) {
      if (var* x = variable(t_[pos_ + 1].text)) {
        if (x->array) {
          if (block* b = blk(x->blk); b && b->bytes >= 0) v.num = b->bytes;
        } else {
          v.num = size_of(x->type, x->ptr);
        }
      }
    } else if (close == pos_ + 3 && is("*", pos_ + 1) && t_[pos_ + 2].kind == tk::ident) {
      if (var* x = variable(t_[pos_ + 2].text); x && x->ptr > 0) v.num = size_of(x->type, x->ptr - 1);
    }
    pos_ = close + 1;
    return v;
  }
  // sizeof x, sizeof *p, sizeof *(p), sizeof p->f, sizeof a[0]: a unary
  // expression, never evaluated, so its tokens are skipped.
  int derefs = 0;
  while (pos_ < end_ && is("*", pos_)) ++derefs, ++pos_;
  if (pos_ < end_ && is("(", pos_)) {
    pos_ = std::min(match(pos_) + 1, end_);
  } else if (pos_ < end_ && t_[pos_].kind == tk::ident) {
    bool postfix = pos_ + 1 < end_ && (is("[", pos_ + 1) || is("->", pos_ + 1) || is(".", pos_ + 1));
    if (var* x = variable(t_[pos_].text); x && !postfix) {
      if (derefs == 0 && x->array) {
        if (block* b = blk(x->blk); b && b->bytes >= 0) v.num = b->bytes;
      } else if (derefs <= x->ptr) {
        v.num = size_of(x->type, x->ptr - derefs);
      }
    }
    ++pos_;
  }
  while (pos_ < end_) {
    if (is("[", pos_)) pos_ = std::min(match(pos_) + 1, end_);
    else if ((is("->", pos_) || is(".", pos_)) && pos_ + 1 < end_ && t_[pos_ + 1].kind == tk::ident) pos_ += 2;
    else break;
  }
  return v;
}

val analyzer::new_expr() {
  int line = t_[pos_].line;
  ++pos_;
  // Placement new: `new (buf) T` uses buf's memory.
  val placement;
  bool placed = false;
  if (at("(")) {
    std::size_t close = match(pos_);
    std::size_t saved_end = end_;
    end_ = close;
    ++pos_;
    placement = rvalue(expr(0));
    end_ = saved_end;
    pos_ = close + 1;
    placed = true;
  }
  std::string type;
  int ptr = 0;
  while (pos_ < end_ && (t_[pos_].kind == tk::ident || at("::") || at("*"))) {
    if (at("*")) ++ptr;
    else if (t_[pos_].kind == tk::ident) type += (type.empty() ? "" : " ") + t_[pos_].text;
    ++pos_;
    if (at("<")) {  // template arguments
      int depth = 0;
      for (; pos_ < end_; ++pos_) {
        if (at("<")) ++depth;
        if (at(">") && --depth == 0) break;
      }
      ++pos_;
    }
  }
  bool array = false;
  val count;
  if (at("[")) {
    std::size_t close = match(pos_);
    std::size_t saved_end = end_;
    end_ = close;
    ++pos_;
    ++alloc_size_depth_;
    count = rvalue(expr(0));
    --alloc_size_depth_;
    end_ = saved_end;
    pos_ = close + 1;
    array = true;
  }
  bool has_init = false;
  if (at("(") || at("{")) {
    std::size_t close = match(pos_);
    arg_list(pos_ + 1, close);
    pos_ = close + 1;
    has_init = true;
  }
  if (placed) {
    val v = placement;
    v.lv = lv_kind::none;
    return v;
  }
  block b;
  b.kind = array ? mem::new_array : mem::new_object;
  b.owned = true;
  b.alloc_line = line;
  auto esz = size_of(type, ptr);
  b.contents_init = has_init || !(ptr > 0 || is_scalar_type(type) || type.find("struct") != std::string::npos ||
                                  plain_type(type));
  if (esz) {
    b.elem = *esz;
    if (!array) b.bytes = *esz;
    else if (count.num) b.bytes = *count.num * *esz;
  }
  if (array) alloc_size_checks(count, line);
  val v;
  v.blk = new_block(env_, b);
  return v;
}

void analyzer::alloc_size_checks(const val& size, int line) {
  if (size.num && size.mul_tainted) {
    report(kAllocOverflow, line, "The allocation's size is a product that exceeds its type and wraps to a small value.");
    return;
  }
  if (size.num) return;
  if (size.mul_tainted) {
    // Unbounded count times an element size: both an uncontrolled size
    // and a multiplication that can wrap to a small buffer.
    sink(kAllocOverflow, size.t, line, "The allocation's size multiplies a value from outside that has no upper bound check.", false);
    sink(kAllocSize, size.t, line, "The allocation's size comes from outside and has no upper bound check.", false);
  } else if (size.t.range && !size.hi_checked) {
    sink(kAllocSize, size.t, line, "The allocation's size comes from outside and has no upper bound check.", false);
  }
}

val analyzer::primary() {
  val v;
  if (pos_ >= end_) return v;
  const token& tok = t_[pos_];
  if (tok.kind == tk::number || tok.kind == tk::chr) {
    v.num = tok.num;
    // A floating zero (0.0, 0.0F) is a known zero; other floats have no value here.
    if (!v.num && tok.kind == tk::number && tok.text.find_first_not_of("0.fFlL") == std::string::npos &&
        tok.text.find('0') != std::string::npos)
      v.num = 0;
    ++pos_;
    return v;
  }
  if (tok.kind == tk::str) {
    v.is_literal = true;
    v.str_len = static_cast<long long>(tok.text.size());
    v.fmt_const = tok.text.find('%') == std::string::npos;
    ++pos_;
    return v;
  }
  if (tok.kind == tk::punct && tok.text == "(") {
    std::size_t close = match(pos_);
    std::size_t saved_end = end_;
    end_ = std::min(close, saved_end);
    ++pos_;
    v = expr(0);
    end_ = saved_end;
    pos_ = close + 1;
    return v;
  }
  if (tok.kind == tk::punct && tok.text == "{") {  // initializer list: the elements' taint
    std::size_t close = match(pos_);
    for (val& a : arg_list(pos_ + 1, close, true)) v.t = join(v.t, arg_taint(rvalue(a)));
    pos_ = close + 1;
    return v;
  }
  if (tok.kind == tk::ident) {
    std::string name = tok.text;
    ++pos_;
    // Qualified names: std::x, ns::f. Never a local variable.
    bool qualified = false;
    while (at("::") && pos_ + 1 < end_ && t_[pos_ + 1].kind == tk::ident) {
      name = t_[pos_ + 1].text;
      pos_ += 2;
      qualified = true;
    }
    if (qualified && variable(name)) {
      v.text = name;
      return v;
    }
    // C++ casts: the value of their operand.
    if ((name == "static_cast" || name == "reinterpret_cast" || name == "const_cast" || name == "dynamic_cast") &&
        at("<")) {
      int depth = 0;
      for (; pos_ < end_; ++pos_) {
        if (at("<")) ++depth;
        if (at(">") && --depth == 0) break;
        if (at(">>") && (depth -= 2) <= 0) break;
      }
      ++pos_;
      if (at("(")) {
        std::size_t close = match(pos_);
        std::size_t saved_end = end_;
        end_ = std::min(close, saved_end);
        ++pos_;
        v = rvalue(expr(0));
        end_ = saved_end;
        pos_ = close + 1;
      }
      return v;
    }
    if (auto c = limit_constant(name); c && !variable(name)) {
      v.num = c;
      v.is_null = name == "NULL" || name == "nullptr";
      v.text = name;
      return v;
    }
    v.text = name;
    if (!variable(name) && (at("=") || at("+=") || at("-="))) {
      // A global or a member being assigned: an lvalue all the same.
      v.lv = lv_kind::var;
      v.base = name;
      return v;
    }
    if (var* x = variable(name)) {
      v.uses_vars = true;
      v.lv = lv_kind::var;
      v.base = name;
      v.blk = x->blk;
      v.off = x->off;
      v.off_known = x->off_known;
      v.is_null = x->is_null;
      v.t = x->t;
      v.num = x->num;
      v.hi = x->hi;
      v.lo = x->lo;
      v.lo_checked = x->lo_checked;
      v.nonneg = x->nonneg || is_unsigned(x->type);
      v.mul_tainted = x->mul_tainted;
      v.hi_checked = x->hi_checked;
      v.any_checked = x->any_checked;
    }
    return v;
  }
  ++pos_;
  return v;
}

val analyzer::postfix(val v) {
  for (;;) {
    if (pos_ >= end_) return v;
    int line = t_[pos_].line;
    if (at("(")) {
      std::size_t close = match(pos_);
      std::vector<val> args = arg_list(pos_ + 1, std::min(close, end_));
      pos_ = close + 1;
      v = call(v, std::move(args), line);
      continue;
    }
    if (at("[")) {
      std::size_t close = match(pos_);
      std::size_t saved_end = end_;
      end_ = std::min(close, saved_end);
      ++pos_;
      val idx = rvalue(expr(0));
      end_ = saved_end;
      pos_ = close + 1;
      if (v.lv == lv_kind::var) {
        val e;
        e.lv = lv_kind::elem;
        e.base = v.base;
        e.index = idx.num;
        e.index_hi = idx.hi;
        e.index_lo_v = idx.lo;
        e.index_t = idx.t;
        e.index_lo = idx.nonneg;
        e.index_hiok = idx.hi_checked;
        if (var* x = variable(v.base))
          if (block* b = blk(x->blk)) e.t = b->contents;
        v = std::move(e);
      } else if (v.lv == lv_kind::field && !v.arrow) {
        // s.f[i] of a struct value: read or written as its field is (the
        // field may be an array in s: `s.f[0] = x` writes s as `s.f = x`
        // does, `&s.f[0]` points into s). Elements are not tracked apart.
      } else {
        v = rvalue(std::move(v));
        if (block* b = blk(v.blk)) forget_string_proofs(*b);  // (p + n)[i]: as *(p + n)
        v.lv = lv_kind::none;
        v.blk = -1;
      }
      continue;
    }
    if (at(".") || at("->")) {
      bool arrow = at("->");
      ++pos_;
      std::string field = pos_ < end_ ? t_[pos_].text : "";
      ++pos_;
      if (at("(")) {  // method call: obj.open(path)
        std::size_t close = match(pos_);
        std::vector<val> args = arg_list(pos_ + 1, std::min(close, end_));
        pos_ = close + 1;
        if (field == "open" && !args.empty())
          sink(kPath, arg_taint(args[0]), line, "A file is opened at a path made from outside data.");
        if (!summary_mode_) proofs_.doubt(line);
        for (val& a : args) {
          if (a.lv == lv_kind::var)
            if (var* x = variable(a.base)) x->init = true;  // may be a reference parameter
          escape_arg(a);
          rvalue(a);
        }
        val r;
        continue_value(r, v);
        v = r;
        continue;
      }
      if (v.lv == lv_kind::var || (v.lv == lv_kind::elem && !arrow) || v.lv == lv_kind::field) {
        val f;
        f.lv = v.lv == lv_kind::elem ? lv_kind::elem : lv_kind::field;
        f.base = v.base;
        f.arrow = arrow || (v.lv == lv_kind::field && v.arrow);
        f.index = v.index;
        f.index_hi = v.index_hi;
        f.index_t = v.index_t;
        f.index_lo = v.index_lo;
        f.index_hiok = v.index_hiok;
        if (v.lv == lv_kind::var && !arrow) {
          if (var* x = variable(v.base)) f.t = x->t;
        } else if (var* x = variable(v.base)) {
          if (block* b = blk(x->blk)) f.t = b->contents;
        }
        v = std::move(f);
      } else {
        v = rvalue(std::move(v));
        if (block* b = blk(v.blk)) forget_string_proofs(*b);  // (p + n)->f: as *(p + n)
        v.blk = -1;
        v.num.reset();
      }
      continue;
    }
    if (at("++") || at("--")) {
      std::string_view op = t_[pos_].text;
      ++pos_;
      val before = rvalue(v);
      bool pointer_var = v.lv == lv_kind::var && variable(v.base) && variable(v.base)->ptr > 0 &&
                         variable(v.base)->blk >= 0;
      incdec(v, op, line);
      before.lv = lv_kind::none;
      if (pointer_var) before.stepped = (op == "++" ? "+" : "-") + v.base;
      v = before;
      continue;
    }
    return v;
  }
}

void analyzer::continue_value(val& r, const val& receiver) {
  r.t = receiver.t;
  if (receiver.lv == lv_kind::var)
    if (var* x = variable(receiver.base))
      if (block* b = blk(x->blk)) r.t = join(r.t, b->contents);
}

}  // namespace heimdall::analysis::c_flow_detail
