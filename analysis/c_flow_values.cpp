// The joins of the abstract values: what survives where paths meet.
#include "analysis/c_flow_values.h"

#include <algorithm>
#include <vector>

namespace heimdall::analysis::c_flow_detail {
namespace {

void join_var(var& a, const var& b) {
  if (a.blk != b.blk) a.blk = -1;
  if (a.off != b.off || !b.off_known) a.off_known = false;
  a.is_null = a.is_null && b.is_null;
  a.init = a.init || b.init;
  a.t = join(a.t, b.t);
  a.lo_checked = a.lo_checked && b.lo_checked;
  a.hi_checked = a.hi_checked && b.hi_checked;
  a.any_checked = a.any_checked && b.any_checked;
  a.nonneg = a.nonneg && b.nonneg;
  if (a.num != b.num) a.num.reset();
  if (a.hi != b.hi) a.hi.reset();
  if (a.lo != b.lo) a.lo.reset();
  a.self = std::max(a.self, b.self);
}

void join_block(block& a, const block& b) {
  // A path where the allocation failed says nothing about freeing: the
  // other path decides.
  if (a.failed != b.failed) {
    const block& live = a.failed ? b : a;
    a.owned = live.owned;
    a.freed = live.freed;
    a.freed_line = live.freed_line;
    a.escaped = live.escaped;
    a.held = live.held;
    a.failed = false;
    a.unchecked = false;
    a.contents_init = a.contents_init || b.contents_init;
    a.contents = join(a.contents, b.contents);
    a.str_max = live.str_max;
    a.fmt_const = live.fmt_const;
    return;
  }
  if (a.kind != b.kind) a.kind = mem::unknown;
  if (a.bytes != b.bytes) a.bytes = -1;
  if (a.str_len != b.str_len) a.str_len = std::max(a.str_len, b.str_len) < 0 ? -1 : std::min(a.str_len, b.str_len);
  if (a.filled != b.filled) a.filled = std::min(a.filled, b.filled);
  a.str_max = a.str_max < 0 || b.str_max < 0 ? -1 : std::max(a.str_max, b.str_max);
  a.fmt_const = a.fmt_const && b.fmt_const;
  a.contents_init = a.contents_init || b.contents_init;
  a.init_upto = std::min(a.init_upto, b.init_upto);
  a.freed = a.freed && b.freed;
  a.contents = join(a.contents, b.contents);
  a.escaped = a.escaped || b.escaped;
  a.owned = a.owned && b.owned;
  a.unchecked = a.unchecked && b.unchecked;
}

}  // namespace

const char* mem_name(mem m) {
  switch (m) {
    case mem::stack: return "a stack array";
    case mem::static_storage: return "a static array";
    case mem::alloca_stack: return "alloca() stack memory";
    case mem::malloc_heap: return "malloc-family memory";
    case mem::new_object: return "memory from new";
    case mem::new_array: return "memory from new[]";
    case mem::literal: return "a string literal";
    default: return "memory";
  }
}

bool on_heap(mem m) { return m == mem::malloc_heap || m == mem::new_object || m == mem::new_array; }

taint join(const taint& a, const taint& b) {
  if (!a.any()) return b;
  if (!b.any()) return a;
  taint r = a.outside || !b.outside ? a : b;
  r.outside = a.outside || b.outside;
  r.range = a.range || b.range;
  r.params = a.params | b.params;
  return r;
}

void hold_string(block& b, long long len, long long max, bool fmt_const) {
  b.str_len = len;
  b.str_max = max;
  b.fmt_const = fmt_const;
}

void forget_string_proofs(block& b) {
  b.str_max = -1;
  b.fmt_const = false;
}

namespace {

// Joins `b`'s entries into `a`'s, both maps in key order, in one walk:
// entries of both sides are joined by `both`, b's alone are copied in.
template <class Map, class Both>
void merge_into(Map& a, const Map& b, Both both) {
  const auto less = a.key_comp();
  auto it = a.begin();
  for (const auto& [k, v] : b) {
    while (it != a.end() && less(it->first, k)) ++it;
    if (it != a.end() && !less(k, it->first)) {
      both(it->second, v);
      ++it;
    } else {
      a.emplace_hint(it, k, v);
    }
  }
}

}  // namespace

env join(env a, const env& b) {
  if (a.dead) return b;
  if (b.dead) return a;
  std::vector<int> lost;  // blocks a variable may or may not hold after the join
  merge_into(a.vars, b.vars, [&](var& v, const var& w) {
    if (v.blk != w.blk) {
      lost.push_back(v.blk);
      lost.push_back(w.blk);
    }
    join_var(v, w);
  });
  merge_into(a.blocks, b.blocks, [](block& x, const block& y) { join_block(x, y); });
  // Tracking lost: whatever happens to them later cannot be seen, so they
  // are not reported as leaked.
  for (int id : lost)
    if (auto it = a.blocks.find(id); it != a.blocks.end()) it->second.escaped = true;
  return a;
}

}  // namespace heimdall::analysis::c_flow_detail
