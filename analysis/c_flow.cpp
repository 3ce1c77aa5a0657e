// The C flow engine: a forgiving C/C++ tokenizer (comments, literals,
// one-token object-like #defines substituted), a finder of function bodies
// at any namespace/class nesting, and an abstract interpreter per body:
// statements are walked in order with an environment (variables -> value,
// block id -> memory block), forked at if/else and joined after, loop bodies
// run once (or taken as run when the first iteration is certain), so every
// check sees the facts that hold on all paths to it. Expressions go through
// a small precedence parser whose values carry the block a pointer holds,
// a known integer, outside-data taint and the bounds checks seen on it.
//
// Why this shape: without a compiler front end, a statement interpreter
// over tokens is robust on any input (macros left unexpanded, half-written
// code) while following exactly the flows that decide these weaknesses:
// where a pointer came from, what happened to it, and what was checked.
#include "analysis/c_flow.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "analysis/c_flow_analyzer.h"
#include "analysis/c_flow_lexer.h"
#include "analysis/c_flow_proofs.h"
#include "analysis/c_flow_values.h"
#include "analysis/c_flow_vocabulary.h"
#include "analysis/snippet.h"
#include "analysis/text_lines.h"

namespace heimdall::analysis {
namespace c_flow_detail {

analyzer::analyzer(std::string_view path, language lang, std::string_view content, const std::vector<token>& toks,
                   const c_macros& decls)
    : path_(path), lang_(lang), t_(toks), decls_(decls), lines_(content) {
  pair_brackets();
}

void analyzer::run() {
  std::size_t i = 0;
  while (i < t_.size()) {
    if (is("{", i) && i > 0 && looks_like_function(i)) {
      std::size_t close = match(i);
      analyze_function(i, close);
      i = close + 1;
      continue;
    }
    ++i;
  }
}

std::vector<finding> analyzer::take() {
  std::sort(out_.begin(), out_.end(), [](const finding& a, const finding& b) {
    return a.line_start != b.line_start ? a.line_start < b.line_start : a.rule_id < b.rule_id;
  });
  return std::move(out_);
}

// ---- token helpers

void analyzer::pair_brackets() {
  partner_.assign(t_.size(), t_.size());
  std::vector<std::size_t> open;
  for (std::size_t j = 0; j < t_.size(); ++j) {
    if (t_[j].kind != tk::punct) continue;
    const std::string& x = t_[j].text;
    if (x == "(" || x == "[" || x == "{") open.push_back(j);
    if ((x == ")" || x == "]" || x == "}") && !open.empty()) {
      partner_[open.back()] = j;
      partner_[j] = open.back();
      open.pop_back();
    }
  }
}

std::size_t analyzer::match_back(std::size_t i) const {
  return i < partner_.size() && partner_[i] < i ? partner_[i] : 0;
}

bool analyzer::looks_like_function(std::size_t brace) {
  std::size_t j = brace - 1;
  while (j > 0 && t_[j].kind == tk::ident && (t_[j].text == "const" || t_[j].text == "noexcept" ||
                                               t_[j].text == "override" || t_[j].text == "final"))
    --j;
  if (!is(")", j)) return false;
  std::size_t open = match_back(j);
  if (open == 0 || t_[open - 1].kind != tk::ident || keywords().count(t_[open - 1].text)) return false;
  fn_name_ = t_[open - 1].text;
  params_open_ = open;
  return true;
}

// ---- reporting

void analyzer::report(const check& c, int line, const std::string& detail) {
  if (summary_mode_) return;
  if (!reported_.insert({c.id, line}).second) return;
  finding f;
  f.rule_id = c.id;
  f.source = "static";
  f.severity = c.sev;
  f.confidence = c.confidence;
  f.title = c.title;
  f.description = detail;
  f.cwe_id = c.cwe;
  f.file_path = std::string(path_);
  f.line_start = f.line_end = line;
  if (line >= 1) f.code_snippet = make_snippet(trim(lines_.line(static_cast<std::size_t>(line) - 1)), kMaxSnippetBytes);
  f.remediation = c.remediation;
  out_.push_back(std::move(f));
}

void analyzer::sink(const check& c, const taint& t, int line, const std::string& detail, bool need_outside) {
  if (need_outside ? t.outside : t.range) report(c, line, detail + (t.what.empty() ? "" : " (from " + t.what + ")"));
  for (int p = 0; p < 32; ++p)
    if (t.params & (1u << p)) summary_.sinks.push_back({p, &c});
}

// ---- functions

void analyzer::analyze_function(std::size_t open, std::size_t close) {
  std::string name = fn_name_;
  std::size_t popen = params_open_;
  std::size_t pclose = match(popen);
  env e;
  summary_ = {};
  declared_at_.clear();
  if (close >= t_.size() || has_directive(open, close) ||
      std::any_of(t_.begin() + static_cast<std::ptrdiff_t>(open), t_.begin() + static_cast<std::ptrdiff_t>(close),
                  [](const token& t) { return t.guessed; }))
    proofs_.give_up();
  // Parameters: the last identifier of each comma-separated part.
  std::vector<std::string> params;
  std::size_t part = popen + 1;
  for (std::size_t j = popen + 1; j <= pclose; ++j) {
    if (is("(", j) || is("[", j)) {
      j = match(j);
      continue;
    }
    if (is(",", j) || j == pclose) {
      std::string pname;
      bool pointer = false;
      for (std::size_t k = part; k < j; ++k) {
        if (t_[k].kind == tk::ident && !type_words().count(t_[k].text)) pname = t_[k].text;
        if (is("*", k) || is("[", k)) pointer = true;
      }
      if (!pname.empty()) {
        var v;
        v.local = false;
        v.ptr = pointer ? 1 : 0;
        if (params.size() < 32) v.t.params = 1u << params.size();
        // argv is no source: a command line names what its user wants.
        if (pointer) {
          block b;
          b.contents = v.t;
          v.blk = new_block(e, b);
        }
        e.vars[pname] = v;
        declared_at_[pname] = popen;
        params.push_back(pname);
      }
      part = j + 1;
    }
  }
  steps_ = 0;
  env_ = std::move(e);
  block_stmts(open + 1, close);
  finish_function();
  summaries_[name] = summary_;
  proofs_.end_function(line_at(open), line_at(close));
}

bool analyzer::has_directive(std::size_t open, std::size_t close) const {
  int last = line_at(close);
  for (int l = line_at(open); l <= last && l >= 1 && static_cast<std::size_t>(l) <= lines_.size(); ++l) {
    std::string_view code = trim(lines_.line(static_cast<std::size_t>(l) - 1));
    if (!code.empty() && code.front() == '#') return true;
  }
  return false;
}

void analyzer::finish_function() {
  if (env_.dead) return;  // leaks are checked where the function falls off its end
  for (const auto& [id, b] : env_.blocks) {
    if (b.owned && b.held && !b.freed && !b.escaped && !b.failed && b.alloc_line > 0)
      report(kLeak, b.alloc_line, "Memory allocated here is neither freed, returned nor stored before the function ends.");
  }
}

void analyzer::havoc() {
  env_.dead = false;
  for (auto& [name, v] : env_.vars) {
    v.init = true;
    v.is_null = false;
    v.num.reset();
  }
  for (auto& [id, b] : env_.blocks) {
    b.freed = false;
    b.escaped = true;
    b.contents_init = true;
    b.unchecked = false;
    hold_string(b, -1, -1, false);
  }
}

int analyzer::new_block(env& e, block b) {
  int id = next_block_++;
  e.blocks[id] = std::move(b);
  return id;
}

block* analyzer::blk(int id) {
  if (id < 0) return nullptr;
  auto it = env_.blocks.find(id);
  return it == env_.blocks.end() ? nullptr : &it->second;
}

var* analyzer::variable(const std::string& name) {
  auto it = env_.vars.find(name);
  return it == env_.vars.end() ? nullptr : &it->second;
}

// ---- expressions

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

std::vector<val> analyzer::arg_list(std::size_t b, std::size_t e) {
  std::vector<val> args;
  std::size_t part = b;
  for (std::size_t j = b; j <= e; ++j) {
    if (j < e && (is("(", j) || is("[", j) || is("{", j))) {
      j = match(j);
      continue;
    }
    if (j == e || is(",", j)) {
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

int analyzer::binary_prec(const std::string& op) {
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
    std::string op = t_[pos_].text;
    int p = binary_prec(op);
    if (p == 0 || p < min_prec) break;
    int line = t_[pos_].line;
    ++pos_;
    if (p == 2) {  // right-associative assignment
      val rhs = rvalue(expr(2));
      lhs = assign(lhs, op, rhs, line);
      continue;
    }
    if (op == "?") {
      // Each arm runs where the condition is true / false.
      val cond = rvalue(lhs);
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
      env_ = k ? (*k ? std::move(after_a) : std::move(env_)) : join(after_a, env_);
      lhs = k ? (*k ? a : b) : merge(a, b);
      continue;
    }
    val l = rvalue(lhs);
    if (op == "&&" || op == "||") {
      // The right operand runs only when the left one was true (&&) or false (||).
      env skipped = env_;
      refine(lhs_start, pos_ - 1, env_, op == "&&");
      val r = rvalue(expr(p + 1));
      env_ = join(env_, skipped);
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

val analyzer::binary(const std::string& op, const val& l, const val& r, int line) {
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

val analyzer::assign(val target, const std::string& op, val rhs, int line) {
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
      std::string bop = op.substr(0, op.size() - 1);
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
      if (variable(t_[j].text) || keywords().count(t_[j].text)) return false;
      continue;
    }
    if (!(is("*", j) || is("&", j) || is("::", j) || is("<", j) || is(">", j))) return false;
  }
  // A type word, or `(name *)`, or `(name)` followed by an operand.
  bool typeword = type_words().count(t_[pos_ + 1].text) > 0 || is("*", close - 1);
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
    std::string op = t_[pos_].text;
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
      return rvalue(inner);
    }
    if (op == "++" || op == "--") {
      ++pos_;
      val target = unary();
      incdec(target, op, line);
      return rvalue(target);
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
    const std::string& w = t_[pos_].text;
    if (w == "sizeof") {
      ++pos_;
      return sizeof_expr();
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

void analyzer::incdec(val& target, const std::string& op, int line) {
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
  // sizeof x
  if (pos_ < end_ && t_[pos_].kind == tk::ident) {
    if (var* x = variable(t_[pos_].text)) {
      if (x->array) {
        if (block* b = blk(x->blk); b && b->bytes >= 0) v.num = b->bytes;
      } else {
        v.num = size_of(x->type, x->ptr);
      }
    }
    ++pos_;
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
    for (val& a : arg_list(pos_ + 1, close)) v.t = join(v.t, arg_taint(rvalue(a)));
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
        v = e;
      } else {
        v = rvalue(v);
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
        v = f;
      } else {
        v = rvalue(v);
        if (block* b = blk(v.blk)) forget_string_proofs(*b);  // (p + n)->f: as *(p + n)
        v.blk = -1;
        v.num.reset();
      }
      continue;
    }
    if (at("++") || at("--")) {
      std::string op = t_[pos_].text;
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

// ---- call arguments

taint analyzer::arg_taint(const val& a) {
  taint t = a.t;
  int id = a.blk;
  if (a.lv == lv_kind::var && !a.addr)
    if (var* x = variable(a.base)) id = x->blk;
  if (block* b = blk(id)) t = join(t, b->contents);
  return t;
}

block* analyzer::arg_block(const val& a) {
  if (a.lv == lv_kind::var && !a.addr)
    if (var* x = variable(a.base)) return blk(x->blk);
  return blk(a.blk);
}

long long analyzer::avail(const val& a) {
  block* b = arg_block(a);
  if (!b || b->bytes < 0) return -1;
  long long off = a.off;
  bool known = a.off_known;
  if (a.lv == lv_kind::var && !a.addr)
    if (var* x = variable(a.base)) off = x->off, known = x->off_known;
  if (!known) return -1;
  long long elem = b->elem > 0 ? b->elem : 1;
  return b->bytes - off * elem;
}

long long analyzer::arg_offset(const val& a) {
  if (a.lv == lv_kind::var && !a.addr)
    if (var* x = variable(a.base)) return x->off_known ? x->off : 0;
  return a.off_known ? a.off : 0;
}

long long analyzer::str_len_of(const val& a) {
  if (a.is_literal) return a.str_len;
  block* b = arg_block(a);
  if (!b) return -1;
  if (arg_offset(a) != 0) return -1;
  return b->str_len;
}

bool analyzer::pointer_followed(const val& a) {
  const var* x = variable(a.base.empty() ? a.text : a.base);
  return !x || x->self < 0;
}

const block* analyzer::proof_block(const val& a) {
  const block* b = arg_block(a);
  if (!b || b->escaped || b->freed || arg_offset(a) != 0 || !pointer_followed(a)) return nullptr;
  return b;
}

long long analyzer::str_max_of(const val& a) {
  if (a.is_literal) return a.str_len;
  const block* b = proof_block(a);
  return b ? b->str_max : -1;
}

bool analyzer::fmt_const_of(const val& a) {
  if (a.is_literal) return a.fmt_const;
  const block* b = proof_block(a);
  return b && b->fmt_const;
}

void analyzer::write_checks(const val& dst, long long n, int line, const char* what) {
  block* b = arg_block(dst);
  if (!b) return;
  if (b->unchecked) {
    report(kAllocUnchecked, line, std::string(what) + " writes to an allocation that may be NULL and was not checked.");
    b->unchecked = false;
  }
  if (b->freed) report(kUseAfterFree, line, std::string(what) + " writes to freed memory.");
  if (arg_offset(dst) < 0 && b->kind != mem::unknown) {
    report(kUnderwrite, line, std::string(what) + " writes before the start of the buffer.");
    return;
  }
  long long room = avail(dst);
  if (n >= 0 && room >= 0 && n > room)
    report(on_heap(b->kind) ? kOverflowHeap : kOverflowStack, line,
           std::string(what) + " writes " + std::to_string(n) + " bytes into " + std::to_string(room) + ".");
}

void analyzer::read_checks(const val& src, long long n, int line, const char* what) {
  block* b = arg_block(src);
  if (!b) return;
  if (b->freed) report(kUseAfterFree, line, std::string(what) + " reads freed memory.");
  if (arg_offset(src) < 0 && b->kind != mem::unknown) {
    report(kUnderread, line, std::string(what) + " reads before the start of the buffer.");
    return;
  }
  long long room = avail(src);
  if (n >= 0 && room >= 0 && n > room)
    report(kOverread, line, std::string(what) + " reads " + std::to_string(n) + " bytes from " + std::to_string(room) + ".");
}

void analyzer::set_string(const val& dst, long long len, long long max, bool fmt_const, const taint& t, bool append) {
  block* b = arg_block(dst);
  if (!b) return;
  b->contents_init = true;
  b->contents = append ? join(b->contents, t) : t;
  if (arg_offset(dst) != 0) {
    hold_string(*b, -1, -1, false);
    return;
  }
  if (append)
    hold_string(*b, (b->str_len >= 0 && len >= 0) ? b->str_len + len : -1,
                (b->str_max >= 0 && max >= 0) ? b->str_max + max : -1, b->fmt_const && fmt_const);
  else
    hold_string(*b, len, max, fmt_const);
  b->filled = -1;
}

bool analyzer::copy_fits(const val& dst, const val& src, bool append) {
  const block* db = arg_block(dst);
  if (!db || db->freed || db->kind == mem::unknown || db->kind == mem::literal || arg_offset(dst) < 0 ||
      !pointer_followed(dst))
    return false;
  long long src_max = str_max_of(src), room = avail(dst);
  if (src_max < 0 || room < 0) return false;
  long long need = src_max + 1;
  if (append) {
    long long dst_max = str_max_of(dst);
    if (dst_max < 0) return false;
    need += dst_max;
  }
  return need <= room;
}

void analyzer::proof(int cwe, int line, bool safe) {
  if (!summary_mode_) proofs_.sink(cwe, line, safe && loops_ == 0);
}

void analyzer::size_arg_checks(const val& n, int line) {
  if (n.num && *n.num < 0) {
    report(kSignConv, line, "A negative value (" + std::to_string(*n.num) + ") becomes a huge unsigned size.");
    return;
  }
  if (n.num || !n.t.range) return;
  if (n.hi_checked && !n.nonneg) {
    const var* x = n.text.empty() ? nullptr : variable(n.text);
    if (x && !is_unsigned(x->type)) sink(kSignConv, n.t, line, "A signed value from outside, bounded only above, becomes an unsigned size.", false);
  }
}

// ---- library calls

val analyzer::call(val callee, std::vector<val> args, int line) {
  std::string f = callee.text;
  auto arg = [&](std::size_t i) -> val& {
    none_ = {};  // a missing argument: no value (per analyzer, so no sharing across threads)
    return i < args.size() ? args[i] : none_;
  };
  val result;
  // Reads of value arguments (the callee reads what it is given).
  // `&x` handed to any function: x may be written there.
  for (const val& a : args) {
    if (a.lv != lv_kind::var || !a.addr) continue;
    if (var* x = variable(a.base)) {
      x->init = true;
      x->is_null = false;
      x->num.reset();
      if (block* b = blk(x->blk)) b->escaped = true;
      if (x->ptr > 0) x->blk = -1;
    }
  }
  // A macro by convention (ALL_CAPS): it may assign a variable named as
  // an argument, so such arguments are written, not read.
  bool macro_like = f.size() > 1 && std::all_of(f.begin(), f.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (macro_like)
    for (val& a : args)
      if (a.lv == lv_kind::var)
        if (var* x = variable(a.base)) x->init = true;
  auto read_args = [&](std::size_t from) {
    for (std::size_t i = from; i < args.size(); ++i) {
      if (args[i].lv == lv_kind::var && args[i].addr) continue;
      args[i] = rvalue(args[i]);
    }
  };
  if (callee.lv != lv_kind::none && variable(callee.base) && variable(callee.base)->ptr == 0) {
    // A call through a function pointer variable or a functor: unknown.
    f.clear();
  }
  // Allocators.
  if (f == "malloc" || f == "calloc" || f == "realloc" || f == "alloca" || f == "_alloca" || f == "strdup" ||
      f == "valloc" || f == "aligned_alloc" || f == "_strdup") {
    ++alloc_size_depth_;
    for (auto& a : args) a = rvalue(a);
    --alloc_size_depth_;
    block b;
    b.kind = (f == "alloca" || f == "_alloca") ? mem::alloca_stack : mem::malloc_heap;
    b.owned = b.kind == mem::malloc_heap;
    b.alloc_line = line;
    b.unchecked = b.kind == mem::malloc_heap;
    b.contents_init = f == "calloc" || f == "strdup" || f == "_strdup" || f == "realloc";
    std::optional<long long> size;
    if (f == "calloc" && args.size() == 2 && args[0].num && args[1].num) size = *args[0].num * *args[1].num;
    else if ((f == "malloc" || f == "alloca" || f == "_alloca" || f == "valloc") && !args.empty()) size = args[0].num;
    else if (f == "realloc" && args.size() == 2) size = args[1].num;
    else if ((f == "strdup" || f == "_strdup") && !args.empty()) {
      long long l = str_len_of(args[0]);
      if (l >= 0) size = l + 1;
      hold_string(b, l, str_max_of(args[0]), fmt_const_of(args[0]));
      b.contents = arg_taint(args[0]);
    }
    if (size) {
      b.bytes = *size;
      b.elem = 1;
    }
    if (f == "realloc" && !args.empty()) {
      if (block* old = arg_block(args[0])) {
        b.contents = old->contents;
        // Proofs start over: a smaller block may have cut the terminator off.
        hold_string(b, old->str_len, -1, false);
        if (old->owned) old->escaped = true;  // realloc took it over
      }
    }
    const val& size_arg = f == "calloc" ? arg(0) : f == "realloc" ? arg(1) : arg(0);
    if (f != "strdup" && f != "_strdup") {
      alloc_size_checks(size_arg, line);
      size_arg_checks(size_arg, line);
    }
    result.blk = new_block(env_, b);
    if (f == "realloc" && !args.empty() && variable(args[0].text) && arg_block(args[0]) &&
        arg_block(args[0])->owned)
      result.realloc_of = args[0].text;
    // Element size: from the cast, fixed up on assignment when known.
    pending_alloc_ = result.blk;
    return result;
  }
  if (f == "exit" || f == "abort" || f == "_exit" || f == "_Exit" || f == "quick_exit") {
    read_args(0);
    env_.dead = true;
    return result;
  }
  if (f == "free" || f == "_free" || f == "g_free") {
    if (!args.empty()) deallocate(args[0], "free", line);
    return result;
  }
  // Sources.
  if (f == "getenv" || f == "_wgetenv" || f == "secure_getenv") {
    read_args(0);
    block b;
    b.contents.outside = true;
    b.contents.what = f + "()";
    b.contents.line = line;
    result.blk = new_block(env_, b);
    result.t = {};
    return result;
  }
  if (f == "rand" || f == "random" || f == "lrand48" || f == "mrand48") {
    result.t.range = true;
    result.t.what = f + "()";
    result.t.line = line;
    return result;
  }
  if (f == "fgets" || f == "gets" || f == "recv" || f == "recvfrom" || f == "read" || f == "fread" || f == "getline") {
    std::size_t bi = (f == "recv" || f == "recvfrom" || f == "read") ? 1 : 0;
    long long n = -1;
    if (f == "fgets" && arg(1).num) n = *arg(1).num;
    if ((f == "recv" || f == "read" || f == "recvfrom") && rvalue(arg(2)).num) n = *rvalue(arg(2)).num;
    for (std::size_t i = 0; i < args.size(); ++i)
      if (i != bi) args[i] = rvalue(args[i]);
    proof(120, line, false);
    if (block* b = arg_block(arg(bi))) {
      if (n >= 0) write_checks(arg(bi), n, line, f.c_str());
      b->contents_init = true;
      b->contents.outside = true;
      b->contents.range = false;  // bytes; a number only once converted (atoi, strtol)
      b->contents.what = f + "()";
      b->contents.line = line;
      hold_string(*b, -1, -1, false);
    }
    result.t = {};
    result.blk = -1;
    result.any_checked = true;
    return result;
  }
  if (f == "fscanf" || f == "scanf" || f == "sscanf" || f == "fwscanf" || f == "wscanf" || f == "swscanf") {
    std::size_t first = (f == "scanf" || f == "wscanf") ? 1 : 2;
    taint t;
    t.outside = true;
    t.range = true;
    t.what = f + "()";
    t.line = line;
    if (f == "sscanf" || f == "swscanf") {
      t = arg_taint(rvalue(arg(0)));
      t.range = t.outside;  // a conversion: numbers of unknown range from outside text
    }
    proof(120, line, false);
    for (std::size_t i = 0; i < std::min(first, args.size()); ++i) args[i] = rvalue(args[i]);
    for (std::size_t i = first; i < args.size(); ++i) {
      val& a = args[i];
      if (a.lv == lv_kind::var && a.addr) {
        var& x = env_.vars[a.base];
        x.init = true;
        x.t = t;
        x.num.reset();
        x.lo_checked = x.hi_checked = x.any_checked = x.nonneg = false;
      } else if (block* b = arg_block(a)) {
        b->contents_init = true;
        b->contents = t;
        hold_string(*b, -1, -1, false);
      }
    }
    return result;
  }
  // Lengths and comparisons are bounded by the memory they look at.
  if (f == "strlen" || f == "wcslen" || f == "strcmp" || f == "strncmp" || f == "memcmp" || f == "strnlen" ||
      f == "strcasecmp" || f == "stricmp") {
    read_args(0);
    use_after_free_args(args, line);
    // The length of a string whose length is known.
    if ((f == "strlen" || f == "wcslen") && !args.empty()) {
      long long n = str_len_of(args[0]);
      if (n >= 0) result.num = n;
    }
    return result;
  }
  // Conversions keep the data's taint.
  if (f == "atoi" || f == "atol" || f == "atoll" || f == "strtol" || f == "strtoul" || f == "strtoll" ||
      f == "strtoull" || f == "atof" || f == "strtod") {
    read_args(0);
    result.t = arg_taint(arg(0));
    if (result.t.outside) result.t.range = true;
    return result;
  }
  // String and memory functions: sizes, contents, taint.
  if (f == "strcpy" || f == "strcat" || f == "stpcpy" || f == "wcscpy" || f == "wcscat") {
    val& d = arg(0);
    val s = rvalue(arg(1));
    long long len = str_len_of(s);
    bool cat = f == "strcat" || f == "wcscat";
    block* db = arg_block(d);
    long long need = len >= 0 ? len + 1 : -1;
    if (cat && db && need >= 0) need = db->str_len >= 0 && arg_offset(d) == 0 ? db->str_len + need : -1;
    // Proved for char strings only: a wide one's length counts characters.
    proof(120, line, f.front() != 'w' && copy_fits(d, s, cat));
    write_checks(d, need, line, f.c_str());
    if (!s.is_literal) read_checks(s, -1, line, f.c_str());
    set_string(d, len, str_max_of(s), fmt_const_of(s), arg_taint(s), cat);
    result = d;
    result.lv = lv_kind::none;
    if (f == "stpcpy") result.off_known = false;  // it returns the end of the copy
    return result;
  }
  if (f == "strncpy" || f == "strncat" || f == "memcpy" || f == "memmove" || f == "wcsncpy" || f == "wcsncat" ||
      f == "bcopy" || f == "wmemcpy" || f == "wmemmove") {
    val& d = arg(0);
    val s = rvalue(arg(1));
    val n = rvalue(arg(2));
    size_arg_checks(n, line);
    long long len = str_len_of(s);
    block* db = arg_block(d);
    long long need = -1;
    bool is_mem = f.find("mem") != std::string::npos || f == "bcopy";
    if (f == "strncpy" || f == "wcsncpy") need = n.num.value_or(-1);
    if (is_mem) need = n.num.value_or(-1);
    if ((f == "strncat" || f == "wcsncat") && db && n.num && db->str_len >= 0 && arg_offset(d) == 0) {
      long long add = len >= 0 ? std::min(len, *n.num) : *n.num;
      need = db->str_len + add + 1;
    }
    if (f.find("wcs") != std::string::npos || f.find("wmem") != std::string::npos) need = need >= 0 ? need * 4 : -1;
    write_checks(d, need, line, f.c_str());
    if (is_mem) read_checks(s, n.num.value_or(-1), line, f.c_str());
    else read_checks(s, -1, line, f.c_str());
    long long new_len = -1;
    if (f == "strncpy" && len >= 0 && n.num) new_len = std::min(len, *n.num);
    if (is_mem) {
      block* sb = arg_block(s);
      if (sb && n.num && sb->str_len >= 0 && sb->str_len < *n.num) new_len = sb->str_len;
    }
    if (f == "strncat" && len >= 0 && n.num) new_len = std::min(len, *n.num);
    proof(120, line, false);
    set_string(d, new_len, bounded_copy_max(f, s, n), false, arg_taint(s), f == "strncat" || f == "wcsncat");
    if (n.t.range && !n.hi_checked && !n.num) sink(kTaintIndexW, n.t, line, "The copy's size comes from outside and has no upper bound check.", false);
    result = d;
    result.lv = lv_kind::none;
    return result;
  }
  if (f == "memset" || f == "wmemset") {
    val& d = arg(0);
    val c = rvalue(arg(1));
    val n = rvalue(arg(2));
    write_checks(d, f == "wmemset" ? (n.num ? *n.num * 4 : -1) : n.num.value_or(-1), line, f.c_str());
    if (block* b = arg_block(d)) {
      b->contents_init = true;
      if (arg_offset(d) == 0) {
        b->filled = c.num && *c.num != 0 && n.num ? *n.num : -1;
        bool zeroed = c.num && *c.num == 0;
        bool terminated = zeroed && n.num && *n.num >= 1;  // for proofs: a zero byte was written
        hold_string(*b, zeroed ? 0 : -1, terminated ? 0 : -1, terminated);
        if (b->filled >= 0 && b->bytes >= 0 && b->filled >= b->bytes) b->str_len = -1;
      } else {
        forget_string_proofs(*b);
      }
    }
    return result;
  }
  if (f == "snprintf" || f == "vsnprintf" || f == "_snprintf" || f == "sprintf" || f == "vsprintf") {
    val& d = arg(0);
    bool counted = f != "sprintf" && f != "vsprintf";
    if (counted) {
      val n = rvalue(arg(1));
      write_checks(d, n.num.value_or(-1), line, f.c_str());
    }
    std::size_t fi = counted ? 2 : 1;
    val fmt = rvalue(arg(fi));
    if (!fmt.is_literal) sink(kFormat, arg_taint(fmt), line, "The format string of " + f + " comes from outside.");
    proof(134, line, fmt_const_of(fmt));
    proof(120, line, false);
    taint t;
    for (std::size_t i = fi + 1; i < args.size(); ++i) t = join(t, arg_taint(rvalue(args[i])));
    set_string(d, -1, -1, false, t, false);
    return result;
  }
  if (auto fi = format_arg(f)) {
    read_args(0);
    if (*fi < args.size() && !args[*fi].is_literal)
      sink(kFormat, arg_taint(args[*fi]), line, "The format string of " + f + " comes from outside.");
    proof(134, line, *fi < args.size() && fmt_const_of(args[*fi]));
    use_after_free_args(args, line);
    return result;
  }
  if (is_command_sink(f)) {
    read_args(0);
    taint t;
    for (const val& a : args) t = join(t, arg_taint(a));
    sink(kCommand, t, line, f + " runs a command built from outside data.");
    return result;
  }
  if (is_path_sink(f)) {
    read_args(0);
    if (!args.empty()) sink(kPath, arg_taint(args[0]), line, "A file is opened at a path made from outside data.");
    return result;
  }
  if (f == "putenv" || f == "_putenv" || f == "setenv" || f == "SetEnvironmentVariableA") {
    read_args(0);
    taint t;
    for (const val& a : args) t = join(t, arg_taint(a));
    sink(kSearchPath, t, line, f + " sets the environment from outside data.");
    return result;
  }
  if (is_library_sink(f)) {
    read_args(0);
    if (!args.empty()) sink(kLibrary, arg_taint(args[0]), line, "A library is loaded by a name from outside data.");
    return result;
  }
  // Functions of this file: their summaries.
  if (auto it = summaries_.find(f); it != summaries_.end() && f != fn_name_) {
    cpp_reference_args(f, args);
    read_args(0);
    for (const sink_summary& s : it->second.sinks) {
      if (static_cast<std::size_t>(s.param) >= args.size()) continue;
      taint t = arg_taint(args[s.param]);
      bool range_check = s.what == &kOverflowInt || s.what == &kUnderflowInt || s.what == &kDivZero ||
                         s.what == &kAllocSize || s.what == &kAllocOverflow || s.what == &kTruncation ||
                         s.what == &kSignConv;
      if (range_check && (args[s.param].hi_checked)) continue;
      sink(*s.what, t, line, std::string("Passed to ") + f + ", which uses it unchecked:", !range_check);
    }
    forget_written_args(f, args);
    use_after_free_args(args, line);
    for (const val& a : args) escape_arg(a);
    return result;
  }
  // Anything else: arguments are read; memory handed over may be kept or
  // written; the result carries the arguments' taint.
  cpp_reference_args(f, args);
  read_args(0);
  use_after_free_args(args, line);
  bool retains = !is_nonretaining(f);
  // Not one of the library calls known here: a pattern rule may have
  // matched it, so nothing on its line counts as proved.
  if (retains && !summary_mode_) proofs_.doubt(line);
  auto proto = decls_.readonly_params.find(f);
  std::uint32_t readonly = proto == decls_.readonly_params.end() ? 0 : proto->second;
  for (std::size_t ai = 0; ai < args.size(); ++ai) {
    const val& a = args[ai];
    bool reads_only = ai < 32 && (readonly & (1u << ai));
    result.t = join(result.t, arg_taint(a));
    if (a.lv == lv_kind::var && a.addr) {
      var& x = env_.vars[a.base];
      x.init = true;
      x.num.reset();
      x.t = {};
      if (block* b = blk(x.blk)) b->escaped = true;
      continue;
    }
    if (block* b = arg_block(a)) {
      if (!retains || reads_only) continue;
      b->contents_init = true;
      hold_string(*b, -1, -1, false);
      if (!a.text.empty() && variable(a.text) && variable(a.text)->ptr > 0) b->escaped = true;  // the pointer itself handed on
    }
  }
  if (callee.lv == lv_kind::field || callee.lv == lv_kind::var) result.t = join(result.t, callee.t);
  // What an unknown function computes from outside data is outside data,
  // but not a number of unknown range: only conversions give that.
  result.t.range = false;
  return result;
}

void analyzer::cpp_reference_args(const std::string& f, const std::vector<val>& args) {
  if (lang_ != language::cpp) return;
  auto proto = decls_.readonly_params.find(f);
  std::uint32_t ro = proto == decls_.readonly_params.end() ? 0 : proto->second;
  for (std::size_t ai = 0; ai < args.size(); ++ai)
    if (args[ai].lv == lv_kind::var && !(ai < 32 && (ro & (1u << ai))))
      if (var* x = variable(args[ai].base)) {
        x->init = true;
        x->is_null = false;  // T*& out-parameters are common enough
        x->num.reset();
      }
}

void analyzer::forget_written_args(const std::string& f, const std::vector<val>& args) {
  auto proto = decls_.readonly_params.find(f);
  std::uint32_t ro = proto == decls_.readonly_params.end() ? 0 : proto->second;
  for (std::size_t ai = 0; ai < args.size(); ++ai)
    if (block* b = arg_block(args[ai]); b && !(ai < 32 && (ro & (1u << ai)))) forget_string_proofs(*b);
}

long long analyzer::bounded_copy_max(const std::string& f, const val& s, const val& n) {
  long long src_max = str_max_of(s);
  if (f == "strncat" && n.num) return src_max >= 0 ? std::min(src_max, *n.num) : *n.num;
  if ((f == "strncpy" || f == "memcpy" || f == "memmove") && n.num && src_max >= 0 && src_max < *n.num) return src_max;
  return -1;
}

void analyzer::escape_arg(const val& a) {
  if (block* b = arg_block(a)) b->escaped = true;
}

void analyzer::use_after_free_args(const std::vector<val>& args, int line) {
  for (const val& a : args) {
    if (a.addr) continue;
    block* b = arg_block(a);
    if (b && b->freed && !a.text.empty() && variable(a.text) && variable(a.text)->ptr > 0)
      report(kUseAfterFree, line, "'" + a.text + "' is passed on after the memory it points to was freed on line " +
                                      std::to_string(b->freed_line) + ".");
  }
}

// ---- deallocation

void analyzer::deallocate(val target, const char* how, int line) {
  std::string name = target.lv == lv_kind::var ? target.base : "";
  var* x = name.empty() ? nullptr : variable(name);
  if (x && !x->init && !x->reported_uninit) {
    x->reported_uninit = true;
    report(kUninit, line, "'" + name + "' is freed before any value is assigned to it.");
    return;
  }
  int id = x ? x->blk : target.blk;
  block* b = blk(id);
  if (!b || (x && x->is_null)) return;
  std::string what = std::string(how) + " of " + (name.empty() ? "a pointer" : "'" + name + "'");
  if (b->freed) {
    report(kDoubleFree, line, what + ": it was already freed on line " + std::to_string(b->freed_line) + ".");
    return;
  }
  bool moved = x ? (x->off_known ? x->off != 0 : true) : target.off != 0;
  mem k = b->kind;
  if (k == mem::stack || k == mem::static_storage || k == mem::alloca_stack || k == mem::literal) {
    report(kFreeNotHeap, line, what + ", which holds " + mem_name(k) + ".");
  } else if (on_heap(k)) {
    std::string h = how;
    bool ok = (k == mem::malloc_heap && h == "free") || (k == mem::new_object && h == "delete") ||
              (k == mem::new_array && h == "delete[]");
    if (!ok) report(kMismatched, line, what + ", which holds " + mem_name(k) + ".");
    else if (moved && x && x->off_known) report(kFreeOffset, line, what + ", which no longer points to the start of its allocation.");
  }
  b->freed = true;
  b->freed_line = line;
}

}  // namespace c_flow_detail

using namespace c_flow_detail;


void collect_c_macros(std::string_view content, c_macros& into) {
  std::vector<token> toks = tokenize(content, &into);
  collect_prototypes(toks, into);
  collect_plain_types(toks, into);
}

std::vector<finding> analyze_c_flow(std::string_view path, language lang, std::string_view content,
                                    const c_macros* project, std::vector<taint_clearance>* cleared) {
  if (lang != language::c && lang != language::cpp) return {};
  c_macros defs;
  if (project) defs = *project;
  std::vector<token> toks = tokenize(content, &defs);
  bool complete = toks.size() < kMaxTokens;
  toks = expand(std::move(toks), defs);
  collect_prototypes(toks, defs);
  collect_plain_types(toks, defs);
  analyzer a(path, lang, content, toks, defs);
  a.run();
  // Past the token bound the last function read may be cut short.
  if (cleared && complete) {
    std::vector<taint_clearance> proved = a.clearances();
    cleared->insert(cleared->end(), std::make_move_iterator(proved.begin()), std::make_move_iterator(proved.end()));
  }
  return a.take();
}

}  // namespace heimdall::analysis
