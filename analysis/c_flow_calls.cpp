// Calls: the models of the C library (allocation, copies, strings,
// input, sinks), calls to the file's own functions through their
// summaries, the checks of copy sizes and the proofs, and deallocation.
#include "analysis/c_flow_analyzer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/c_flow_vocabulary.h"

namespace heimdall::analysis::c_flow_detail {

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
  // A parameterless macro too long to expand may assign any variable.
  if (args.empty() && decls_.opaque_macro(f)) all_assigned_unseen();
  auto read_args = [&](std::size_t from) {
    for (std::size_t i = from; i < args.size(); ++i) {
      if (args[i].lv == lv_kind::var && args[i].addr) continue;
      args[i] = rvalue(std::move(args[i]));
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
    for (auto& a : args) a = rvalue(std::move(a));
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
      if (i != bi) args[i] = rvalue(std::move(args[i]));
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
    for (std::size_t i = 0; i < std::min(first, args.size()); ++i) args[i] = rvalue(std::move(args[i]));
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
    written_args(f, args);
    use_after_free_args(args, line);
    for (const val& a : args) escape_arg(a);
    return result;
  }
  // Anything else: arguments are read; memory handed over may be kept or
  // written; the result carries the arguments' taint.
  cpp_reference_args(f, args);
  // A name the project declares nowhere, and none of the library's known
  // here, may be a macro that assigns a variable named as an argument
  // (`spin_lock_irqsave(&l, flags)`, `list_for_each_entry(pos, head,
  // member) {`), as ALL_CAPS names may (above): an argument not yet
  // assigned, or NULL, holds some value after it; so does a struct one of
  // whose fields is an argument (`get_user(s.n, p)`; an array field is its
  // address). A declared function cannot write a value argument, so there
  // a read before any assignment is reported.
  if (!f.empty() && !decls_.declared_function(f) && !is_nonretaining(f))
    for (const val& a : args)
      if (a.lv == lv_kind::var) {
        if (var* x = variable(a.base); x && (!x->init || x->is_null)) assigned_unseen(*x);
      } else if (a.lv == lv_kind::field && !a.arrow) {
        if (var* x = variable(a.base)) x->init = true;
      }
  read_args(0);
  use_after_free_args(args, line);
  bool retains = !is_nonretaining(f);
  // Not one of the library calls known here: a pattern rule may have
  // matched it, so nothing on its line counts as proved.
  if (retains && !summary_mode_) proofs_.doubt(line);
  std::uint32_t readonly = decls_.readonly_params(f);
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
  std::uint32_t ro = decls_.readonly_params(f);
  for (std::size_t ai = 0; ai < args.size(); ++ai)
    if (args[ai].lv == lv_kind::var && !(ai < 32 && (ro & (1u << ai))))
      if (var* x = variable(args[ai].base)) {
        x->init = true;
        x->is_null = false;  // T*& out-parameters are common enough
        x->num.reset();
      }
}

void analyzer::written_args(const std::string& f, const std::vector<val>& args) {
  std::uint32_t ro = decls_.readonly_params(f);
  for (std::size_t ai = 0; ai < args.size(); ++ai)
    if (block* b = arg_block(args[ai]); b && !(ai < 32 && (ro & (1u << ai)))) {
      forget_string_proofs(*b);
      b->contents_init = true;
    }
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

}  // namespace heimdall::analysis::c_flow_detail
