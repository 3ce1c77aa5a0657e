// The statements of a function body: blocks, if/else, loops, switch,
// try/catch, return, and the refinements a condition gives its branches.
#include "analysis/c_flow_analyzer.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/c_flow_vocabulary.h"

namespace heimdall::analysis::c_flow_detail {

namespace {

// Bounds (tokens per file: c_flow_tokens.h; nesting: kMaxDepth): a
// function's statement count is capped so pathological input cannot
// loop without end.
constexpr int kMaxStepsPerFunction = 8'000;
// And per file: past it the remaining functions are not analysed.
constexpr long kMaxStepsPerFile = 100'000;

}  // namespace

void analyzer::block_stmts(std::size_t i, std::size_t end) {
  while (i < end) i = stmt(i, end);
}

bool analyzer::label_at(std::size_t i) const {
  return kw("case", i) || kw("default", i) ||
         (i < t_.size() && t_[i].kind == tk::ident && is(":", i + 1) && !keyword(t_[i].text));
}

std::size_t analyzer::stmt(std::size_t i, std::size_t end) {
  if (i >= end) return end;
  if (++steps_ > kMaxStepsPerFunction || ++file_steps_ > kMaxStepsPerFile || nesting_ > kMaxDepth) {
    proofs_.give_up();
    return end;
  }
  struct nest {
    int& n;
    explicit nest(int& c) : n(++c) {}
    ~nest() { --n; }
  } guard(nesting_);
  if (env_.dead && !label_at(i) && !summary_mode_) {
    // Unreachable (after return, break, goto): walked silently, for its
    // extent and for any label inside that a goto may reach.
    summary_mode_ = true;
    function_summary saved = summary_;
    std::size_t j = stmt_inner(i, end);
    summary_ = std::move(saved);
    summary_mode_ = false;
    return j;
  }
  return stmt_inner(i, end);
}

std::size_t analyzer::stmt_inner(std::size_t i, std::size_t end) {
  const token& tok = t_[i];
  if (is(";", i)) return i + 1;
  if (is("{", i)) {
    std::size_t c = std::min(match(i), end);
    block_stmts(i + 1, c);
    return c + 1;
  }
  if (tok.kind == tk::ident) {
    std::string_view w = tok.text;
    if (w == "if") return if_stmt(i, end);
    if (w == "while") return while_stmt(i, end);
    if (w == "for") return for_stmt(i, end);
    if (w == "do") return do_stmt(i, end);
    if (w == "switch") return switch_stmt(i, end);
    if (w == "try" && keyword(w)) {
      std::size_t j = stmt(i + 1, end);
      env after_try = env_;
      while (kw("catch", j)) {
        std::size_t pc = match(j + 1);
        env c = fork([&] { j = stmt(pc + 1, end); });
        after_try = join(std::move(after_try), c);
      }
      env_ = std::move(after_try);
      return j;
    }
    if (w == "return" || (w == "throw" && keyword(w))) {
      std::size_t j = stmt_end(i, end);
      if (j > i + 1) {
        val v = expr_range(i + 1, j);
        if (block* b = blk(v.blk); b && b->freed && !v.text.empty() && variable(v.text) && variable(v.text)->ptr > 0)
          report(kUseAfterFree, tok.line, "'" + v.text + "' is returned after the memory it points to was freed on line " +
                                              std::to_string(b->freed_line) + ".");
        escape(v);
      }
      env_.dead = true;
      return j + 1;
    }
    if (w == "break" || w == "continue" || w == "goto") {
      std::vector<env>* to = w == "break" ? &breaks_ : w == "continue" ? &continues_ : nullptr;
      if (to && !to->empty() && !env_.dead) to->back() = join(std::move(to->back()), env_);
      env_.dead = true;
      return stmt_end(i, end) + 1;
    }
    if ((w == "case" || w == "default")) {
      std::size_t j = i;
      while (j < end && !is(":", j)) ++j;
      return j + 1;
    }
    if (w == "else") return i + 1;
    if (w == "asm" || w == "__asm__" || w == "__asm") {
      // Inline assembly: any variable it names may be one of its outputs.
      std::size_t j = stmt_end(i, end);
      for (std::size_t k = i + 1; k < j; ++k)
        if (t_[k].kind == tk::ident)
          if (var* x = variable(t_[k].text)) assigned_unseen(*x);
      return j + 1;
    }
    // A name alone that is no variable (`XOR_TRY_TEMPLATES;`) is a macro
    // used as a statement: it may assign any variable.
    if (i + 1 < end && is(";", i + 1) && !variable(w) && !keyword(w)) {
      all_assigned_unseen();
      return i + 2;
    }
    if (i + 1 < end && is(":", i + 1) && !is("::", i + 1)) {
      // A label: reached by gotos this pass does not follow, so nothing
      // known about memory and initialisation is kept.
      havoc();
      return i + 2;
    }
  }
  if (std::size_t j = macro_loop(i, end)) return j;
  if (tok.kind == tk::ident) {
    std::string_view w = tok.text;
    if (w == "typedef" || (w == "using" && keyword(w)) || (w == "class" && type_word(w)) ||
        ((w == "struct" || w == "enum") && is("{", i + 2))) {
      std::size_t j = i;
      while (j < end && !is(";", j)) j = is("{", j) ? match(j) + 1 : j + 1;
      return j + 1;
    }
  }
  std::size_t j = stmt_end(i, end);
  // A call whose result reports failure, made as a statement of its own.
  if (tok.kind == tk::ident && is("(", i + 1) && match(i + 1) + 1 == j && must_check(tok.text))
    report(kUncheckedReturn, tok.line, tok.text + "() can fail, and its result is ignored.");
  if (!declaration(i, j)) expr_range(i, j);
  // assert(cond): what follows runs only where cond held.
  if (kw("assert", i) && is("(", i + 1) && match(i + 1) + 1 == j) refine(i + 2, j - 1, env_, true);
  return j + 1;
}

std::size_t analyzer::stmt_end(std::size_t i, std::size_t end) {
  for (std::size_t j = i; j < end; ++j) {
    if (is("(", j) || is("[", j) || is("{", j)) {
      j = match(j);
      if (j >= end) return end;
      continue;
    }
    if (is(";", j)) return j;
  }
  return end;
}

std::optional<bool> analyzer::cond_constant(const val& v) {
  if (v.num) return *v.num != 0;
  if (v.is_literal) return true;
  return std::nullopt;
}

analyzer::cond_result analyzer::condition(std::size_t open) {
  cond_result r;
  std::size_t close = match(open);
  r.after = close + 1;
  val v = expr_range(open + 1, close);
  r.constant = cond_constant(v);
  r.uses_vars = v.uses_vars;
  r.then_env = env_;
  r.else_env = env_;
  refine(open + 1, close, r.then_env, true);
  refine(open + 1, close, r.else_env, false);
  if (!r.constant) {
    forget_compared_values(open + 1, close, r.then_env);
    forget_compared_values(open + 1, close, r.else_env);
  }
  return r;
}

void analyzer::forget_compared_values(std::size_t b, std::size_t e, env& target) {
  for (std::size_t j = b; j < e; ++j)
    if (t_[j].kind == tk::ident)
      if (auto it = target.vars.find(t_[j].text); it != target.vars.end() && it->second.num && it->second.ptr == 0)
        it->second.num.reset();
}

void analyzer::refine(std::size_t b, std::size_t e, env& target, bool taken) {
  // Split at top-level && (then-branch: all hold) and || (else: none holds).
  bool has_or = false, has_and = false;
  for (std::size_t j = b; j < e; ++j) {
    if (is("(", j) || is("[", j)) {
      j = match(j);
      continue;
    }
    has_or |= is("||", j);
    has_and |= is("&&", j);
  }
  if ((has_and && taken) || (has_or && !taken)) {
    std::size_t part = b;
    for (std::size_t j = b; j <= e; ++j) {
      if (j < e && (is("(", j) || is("[", j))) {
        j = match(j);
        continue;
      }
      if (j == e || is("&&", j) || is("||", j)) {
        refine(part, j, target, taken);
        part = j + 1;
      }
    }
    return;
  }
  if (has_and || has_or) {
    // Only partial knowledge: every variable mentioned counts as compared.
    for (std::size_t j = b; j < e; ++j)
      if (t_[j].kind == tk::ident)
        if (auto it = target.vars.find(t_[j].text); it != target.vars.end()) it->second.any_checked = true;
    return;
  }
  while (b < e && is("(", b) && match(b) == e - 1) {
    ++b;
    --e;
  }
  bool negate = false;
  if (b < e && is("!", b)) {
    negate = true;
    ++b;
    while (b < e && is("(", b) && match(b) == e - 1) {
      ++b;
      --e;
    }
  }
  // Branch hints test what their condition tests: `likely(c)`,
  // `unlikely(!p)`, `__builtin_expect(c, 0)`.
  if (b + 1 < e && (kw("likely", b) || kw("unlikely", b) || kw("__builtin_expect", b)) && is("(", b + 1) &&
      match(b + 1) == e - 1) {
    std::size_t inner = e - 1;
    if (kw("__builtin_expect", b))
      for (std::size_t j = b + 2; j < e - 1; ++j) {
        if (is("(", j) || is("[", j)) j = match(j);
        else if (is(",", j)) inner = j;
      }
    refine(b + 2, inner, target, taken != negate);
    return;
  }
  // Find a comparison operator at top level.
  std::size_t op = e;
  for (std::size_t j = b; j < e; ++j) {
    if (is("(", j) || is("[", j)) {
      j = match(j);
      continue;
    }
    if (t_[j].kind == tk::punct &&
        (t_[j].text == "<" || t_[j].text == "<=" || t_[j].text == ">" || t_[j].text == ">=" || t_[j].text == "==" ||
         t_[j].text == "!=")) {
      op = j;
      break;
    }
  }
  bool truth = taken != negate;
  // Whether the variable simple_var found is an argument of a call there
  // (`f(p)`): the call's result may count as p's check, but tells nothing
  // of whether p is NULL.
  bool through_call = false;
  auto simple_var = [&](std::size_t from, std::size_t to) -> var* {
    // The variable a side names, through casts and parentheses: `(x)`, `(int)x`,
    // or the one assigned in it: `(p = malloc(n))`.
    std::size_t f0 = from, t0 = to;
    while (f0 < t0 && is("(", f0) && match(f0) == t0 - 1) ++f0, --t0;
    if (f0 + 1 < t0 && t_[f0].kind == tk::ident && is("=", f0 + 1) && target.vars.count(t_[f0].text))
      return &target.vars[t_[f0].text];
    std::string name;
    for (std::size_t j = from; j < to; ++j) {
      if (t_[j].kind == tk::ident && j + 1 < to && is("(", j + 1)) through_call = true;
      if (t_[j].kind == tk::ident && !type_word(t_[j].text) && target.vars.count(t_[j].text)) {
        if (!name.empty() && name != t_[j].text) return nullptr;
        name = t_[j].text;
      }
    }
    if (name.empty()) return nullptr;
    for (std::size_t j = from; j < to; ++j)
      if (t_[j].kind == tk::punct && t_[j].text != "(" && t_[j].text != ")" && t_[j].text != "*") return nullptr;
    return &target.vars[name];
  };
  if (op == e) {
    // `if (p)` / `if (!p)`: pointer tested against NULL.
    if (var* v = simple_var(b, e)) {
      v->any_checked = true;
      if (auto it = target.blocks.find(v->blk); it != target.blocks.end()) it->second.unchecked = false;
      if (!truth && v->ptr > 0 && !through_call) {
        v->is_null = true;
        // Where the allocation failed there is nothing to free.
        if (auto it = target.blocks.find(v->blk); it != target.blocks.end() && it->second.owned) it->second.failed = true;
      }
    }
    return;
  }
  const std::string_view o = t_[op].text;
  // The constants on each side, when there are (evaluated before any
  // pointer into `target` is taken: evaluation may replace the environment).
  std::optional<long long> left_num = fork_value(b, op).num, right_num = fork_value(op + 1, e).num;
  auto has_abs = [&](std::size_t from, std::size_t to) {
    for (std::size_t j = from; j < to; ++j)
      if (kw("abs", j) || kw("labs", j) || kw("llabs", j) || kw("fabs", j) || kw("imaxabs", j)) return true;
    return false;
  };
  bool abs_left = has_abs(b, op), abs_right = has_abs(op + 1, e);
  var* lhs = simple_var(b, op);
  var* rhs = simple_var(op + 1, e);
  auto is_null_side = [&](std::size_t from, std::size_t to) {
    return to == from + 1 && (kw("NULL", from) || kw("nullptr", from) || (t_[from].num && *t_[from].num == 0));
  };
  // The constant on the other side, when there is one.
  auto mark = [&](var* v, bool v_on_left) {
    if (!v) return;
    std::optional<long long> bound = v_on_left ? right_num : left_num;
    // Comparisons that leave v >= 0: v >= 0, v > -1, else of v < 0, ...
    std::string_view eff = o;
    if (!v_on_left) eff = o == "<" ? ">" : o == ">" ? "<" : o == "<=" ? ">=" : o == ">=" ? "<=" : o;
    if (!truth) eff = eff == "<" ? ">=" : eff == ">" ? "<=" : eff == "<=" ? ">" : eff == ">=" ? "<" : eff == "==" ? "!=" : "==";
    if (bound && ((eff == ">=" && *bound >= 0) || (eff == ">" && *bound >= -1) || (eff == "==" && *bound >= 0)))
      v->nonneg = true;
    if (!bound && (eff == ">=" || eff == ">")) v->nonneg = true;  // against a variable: assume a sane bound
    v->any_checked = true;
    if (auto it = target.blocks.find(v->blk); it != target.blocks.end()) it->second.unchecked = false;
    if (!truth) {
      // The else branch of `x < N` knows x >= N: a lower bound only.
      if (o == "<" || o == "<=") (v_on_left ? v->lo_checked : v->hi_checked) = true;
      if (o == ">" || o == ">=") (v_on_left ? v->hi_checked : v->lo_checked) = true;
      return;
    }
    if (o == "<" || o == "<=") (v_on_left ? v->hi_checked : v->lo_checked) = true;
    if (o == ">" || o == ">=") (v_on_left ? v->lo_checked : v->hi_checked) = true;
    if (o == "==") v->lo_checked = v->hi_checked = true;
    // |v| <= N bounds v on both sides.
    if ((v_on_left ? abs_left : abs_right) && (v->hi_checked || v->lo_checked)) v->lo_checked = v->hi_checked = true;
  };
  mark(lhs, true);
  mark(rhs, false);
  // `p == NULL` false / `p != NULL` true: p is not NULL. Only an equality
  // of p itself: `f(p) < 0` compares what f returned.
  bool null_cmp = (o == "==" || o == "!=") && !through_call && (is_null_side(op + 1, e) || is_null_side(b, op));
  if (null_cmp) {
    var* p = lhs ? lhs : rhs;
    if (p && p->ptr > 0) {
      bool is_null = (o == "==") == truth;
      p->is_null = is_null;
      if (is_null)
        if (auto it = target.blocks.find(p->blk); it != target.blocks.end() && it->second.owned) it->second.failed = true;
    }
  }
}

std::size_t analyzer::if_stmt(std::size_t i, std::size_t end) {
  if (!is("(", i + 1)) return i + 1;
  cond_result c = condition(i + 1);
  std::size_t j = c.after;
  env then_end, else_end;
  std::size_t then_stop;
  // A branch the condition rules out is walked silently (for its extent).
  auto branch = [&](std::size_t at, bool dead_branch) {
    if (!dead_branch || summary_mode_) return stmt(at, end);
    summary_mode_ = true;
    function_summary saved = summary_;
    std::size_t stop = stmt(at, end);
    summary_ = std::move(saved);
    summary_mode_ = false;
    return stop;
  };
  env_ = std::move(c.then_env);
  then_stop = branch(j, c.constant && !*c.constant);
  then_end = std::move(env_);
  env_ = std::move(c.else_env);
  std::size_t stop = then_stop;
  if (kw("else", then_stop)) stop = branch(then_stop + 1, c.constant && *c.constant);
  else_end = std::move(env_);
  if (c.constant) {
    env_ = *c.constant ? std::move(then_end) : std::move(else_end);
  } else {
    env_ = join(std::move(then_end), else_end);
  }
  return stop;
}

env analyzer::dead_env() {
  env e;
  e.dead = true;
  return e;
}

void analyzer::loop_body(std::size_t body, std::size_t end, std::size_t& stop, cond_result c, bool runs_once) {
  if (c.constant && !*c.constant) {
    // Never entered: skip the body unanalysed.
    env saved = env_;
    bool sm = summary_mode_;
    summary_mode_ = true;
    stop = stmt(body, end);
    summary_mode_ = sm;
    env_ = std::move(saved);
    return;
  }
  env before = std::move(c.else_env);
  env entry = std::move(c.then_env);
  {
    bool sm = summary_mode_;
    function_summary saved_summary = summary_;
    summary_mode_ = true;
    breaks_.push_back(dead_env());
    continues_.push_back(dead_env());
    env_ = entry;
    stop = stmt(body, end);
    env iter_end = join(std::move(env_), continues_.back());
    breaks_.pop_back();
    continues_.pop_back();
    summary_mode_ = sm;
    summary_ = std::move(saved_summary);
    entry = join(std::move(entry), iter_end);
  }
  breaks_.push_back(dead_env());
  continues_.push_back(dead_env());
  env_ = std::move(entry);
  stop = stmt(body, end);
  env body_end = join(std::move(env_), continues_.back());
  env broke = std::move(breaks_.back());
  breaks_.pop_back();
  continues_.pop_back();
  if (c.constant && *c.constant && !c.uses_vars) env_ = std::move(broke);  // left only by break
  else if (runs_once) env_ = join(std::move(body_end), broke);
  else env_ = join(join(std::move(body_end), before), broke);
}

struct analyzer::loop_scope {
  analyzer& a;
  explicit loop_scope(analyzer& an) : a(an) { ++a.loops_; }
  ~loop_scope() {
    --a.loops_;
    for (auto& [id, b] : a.env_.blocks) forget_string_proofs(b);
  }
};

std::size_t analyzer::while_stmt(std::size_t i, std::size_t end) {
  if (!is("(", i + 1)) return i + 1;
  loop_scope in_loop(*this);
  cond_result c = condition(i + 1);
  std::size_t stop;
  const std::size_t body = c.after;
  loop_body(body, end, stop, std::move(c), false);
  return stop;
}

std::size_t analyzer::macro_loop(std::size_t i, std::size_t end) {
  if (t_[i].kind != tk::ident || !is("(", i + 1) || keyword(t_[i].text) || type_word(t_[i].text))
    return 0;
  std::size_t close = match(i + 1);
  if (close + 1 >= end) return 0;
  const token& next = t_[close + 1];
  bool body = is("{", close + 1) ||
              (next.kind == tk::ident && !type_word(next.text) &&
               (!keyword(next.text) || next.text == "if" || next.text == "return" || next.text == "break" ||
                next.text == "continue" || next.text == "goto"));
  if (!body) return 0;
  // The header runs as a call of an unknown name (so the variables it
  // names are assigned there: call()), then the body as a loop's.
  loop_scope in_loop(*this);
  cond_result c = condition_span(i, close + 1);
  std::size_t stop;
  loop_body(close + 1, end, stop, std::move(c), false);
  return stop;
}

std::size_t analyzer::do_stmt(std::size_t i, std::size_t end) {
  loop_scope in_loop(*this);
  // As loop_body: a silent first pass unless the loop runs once (`while (0)`).
  env entry = env_;
  std::size_t j;
  {
    bool sm = summary_mode_;
    function_summary saved_summary = summary_;
    summary_mode_ = true;
    breaks_.push_back(dead_env());
    continues_.push_back(dead_env());
    j = stmt(i + 1, end);
    env iter_end = join(std::move(env_), continues_.back());
    breaks_.pop_back();
    continues_.pop_back();
    summary_mode_ = sm;
    summary_ = std::move(saved_summary);
    bool once = kw("while", j) && is("(", j + 1) && j + 3 < t_.size() && t_[j + 2].num && *t_[j + 2].num == 0 &&
                is(")", j + 3);
    if (!once) entry = join(std::move(entry), iter_end);
  }
  env_ = std::move(entry);
  breaks_.push_back(dead_env());
  continues_.push_back(dead_env());
  j = stmt(i + 1, end);
  env_ = join(std::move(env_), continues_.back());
  env broke = std::move(breaks_.back());
  breaks_.pop_back();
  continues_.pop_back();
  if (kw("while", j) && is("(", j + 1)) {
    std::size_t close = match(j + 1);
    if (!env_.dead) expr_range(j + 2, close);
    j = close + 1;
    if (is(";", j)) ++j;
  }
  env_ = join(std::move(env_), broke);
  return j;
}

std::size_t analyzer::switch_stmt(std::size_t i, std::size_t end) {
  if (!is("(", i + 1)) return i + 1;
  std::size_t close = match(i + 1);
  expr_range(i + 2, close);
  if (!is("{", close + 1)) return stmt(close + 1, end);
  std::size_t body_end = match(close + 1);
  // Each case starts from the state before the switch.
  env before = env_;
  env result;
  result.dead = true;
  bool has_default = false;
  std::size_t j = close + 2;
  env_ = before;
  env_.dead = true;
  breaks_.push_back(dead_env());
  while (j < body_end) {
    if (kw("case", j) || kw("default", j)) {
      has_default |= kw("default", j);
      env_ = join(std::move(env_), before);
      while (j < body_end && !is(":", j)) ++j;
      ++j;
      continue;
    }
    j = stmt(j, body_end);
  }
  result = join(std::move(env_), breaks_.back());
  breaks_.pop_back();
  if (!has_default) result = join(std::move(result), before);
  env_ = std::move(result);
  return body_end + 1;
}

std::size_t analyzer::for_stmt(std::size_t i, std::size_t end) {
  if (!is("(", i + 1)) return i + 1;
  std::size_t close = match(i + 1);
  std::size_t s1 = i + 2;
  while (s1 < close && !is(";", s1)) s1 = (is("(", s1) || is("[", s1)) ? match(s1) + 1 : s1 + 1;
  std::size_t s2 = s1 + 1;
  while (s2 < close && !is(";", s2)) s2 = (is("(", s2) || is("[", s2)) ? match(s2) + 1 : s2 + 1;
  if (s1 >= close || s2 >= close) {  // range-for or odd: a loop body walked once
    proofs_.give_up();
    return stmt(close + 1, end);
  }
  loop_scope in_loop(*this);
  if (!declaration(i + 2, s1)) expr_range(i + 2, s1);
  // The loop variable's range: `v = lo; v < N; v++` gives hi = N-1.
  std::optional<std::string> loop_var;
  std::optional<long long> first, hi;
  if (s2 > s1 + 3 && t_[s1 + 1].kind == tk::ident && (is("<", s1 + 2) || is("<=", s1 + 2))) {
    std::string v = t_[s1 + 1].text;
    val bound = fork_value(s1 + 3, s2);
    if (bound.t.range && !bound.hi_checked && !bound.num)
      sink(kLoopBound, bound.t, line_at(s1 + 3), "The loop runs as many times as a value from outside says.", false);
    if (var* lv = variable(v); lv && lv->num && bound.num) {
      first = lv->num;
      hi = is("<", s1 + 2) ? *bound.num - 1 : *bound.num;
      loop_var = v;
    }
  }
  cond_result c = condition_span(s1 + 1, s2);
  if (loop_var) {
    for (env* e : {&c.then_env}) {
      var& lv = e->vars[*loop_var];
      lv.num.reset();
      lv.hi = hi;
      lv.lo = first;
      lv.lo_checked = lv.hi_checked = lv.any_checked = true;
    }
  }
  bool runs_once = first && hi && *first <= *hi;
  if (c.constant && !*c.constant) runs_once = false;
  std::size_t stop;
  loop_body(close + 1, end, stop, std::move(c), runs_once);
  // The step, and the loop variable afterwards.
  expr_range(s2 + 1, close);
  if (loop_var) {
    if (var* lv = variable(*loop_var)) {
      lv->hi.reset();
      lv->lo.reset();
      lv->num.reset();
    }
  }
  return stop;
}

analyzer::cond_result analyzer::condition_span(std::size_t b, std::size_t e) {
  cond_result r;
  if (b >= e) {
    r.constant = true;
    r.then_env = r.else_env = env_;
    return r;
  }
  val v = expr_range(b, e);
  r.constant = cond_constant(v);
  r.uses_vars = v.uses_vars;
  r.then_env = env_;
  r.else_env = env_;
  refine(b, e, r.then_env, true);
  refine(b, e, r.else_env, false);
  if (!r.constant) {
    forget_compared_values(b, e, r.then_env);
    forget_compared_values(b, e, r.else_env);
  }
  return r;
}

val analyzer::fork_value(std::size_t b, std::size_t e) {
  // The common cases without copying the environment: a literal, a
  // constant, a variable.
  if (e == b + 1) {
    val v;
    const token& t = t_[b];
    if (t.kind == tk::number || t.kind == tk::chr) {
      v.num = t.num;
      return v;
    }
    if (t.kind == tk::ident) {
      if (const var* x = variable(t.text)) {
        v.num = x->num;
        v.t = x->t;
        v.text = t.text;
        v.lo_checked = x->lo_checked;
        v.hi_checked = x->hi_checked;
        v.any_checked = x->any_checked;
        v.nonneg = x->nonneg || is_unsigned(x->type);
        return v;
      }
      v.num = limit_constant(t.text);
      return v;
    }
  }
  env saved = env_;
  bool sm = summary_mode_;
  summary_mode_ = true;
  auto saved_summary = summary_;
  val v = expr_range(b, e);
  summary_ = saved_summary;
  summary_mode_ = sm;
  env_ = std::move(saved);
  return v;
}

}  // namespace heimdall::analysis::c_flow_detail
