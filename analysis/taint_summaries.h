// taint_summaries: what a function does with taint, in the form another
// file's analysis applies at a call the call graph (taint_calls.h) resolved
// to it — which parameters reach its return value (and what they are safe
// for on the way), whether it returns a source of its own, which class of
// the project the object it returns is of (a factory's), and which
// parameters reach a sink of which class, with the path from the callee's
// file to that sink.
//
// Internal to the taint engine: taint.cpp computes them in rounds (a
// summary uses the previous round's summaries of its own cross-file
// callees) and hands each file's analysis a summary_table to read. Plain
// values; a table is filled between rounds only, so it is read by many
// threads at once but never while being written.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/finding.h"
#include "analysis/taint_calls.h"

namespace heimdall::analysis::taint_detail {

// A sink the callee's parameters reach.
struct remote_hit {
  std::uint64_t params = 0;      // bit i: parameter i reaches it
  std::uint32_t sanitized = 0;   // the classes (bits) the value is safe for on the way
  int cls = 0;                   // the vulnerability class (taint_spec)
  std::string sink;              // e.g. "cursor.execute"
  std::vector<flow_step> steps;  // from the callee's file to the sink (last); every step names its file

  friend bool operator==(const remote_hit& a, const remote_hit& b) {
    return a.params == b.params && a.sanitized == b.sanitized && a.cls == b.cls && a.sink == b.sink &&
           a.steps.size() == b.steps.size() &&
           std::equal(a.steps.begin(), a.steps.end(), b.steps.begin(), [](const flow_step& x, const flow_step& y) {
             return x.line == y.line && x.file == y.file && x.note == y.note;
           });
  }
};

struct remote_summary {
  std::vector<std::string> params;  // names, for keyword arguments and Python's self / cls
  std::uint64_t ret_params = 0;     // bit i: parameter i reaches the return value
  std::uint32_t ret_sanitized = 0;
  // The return value comes from a source inside the callee (or its callees).
  bool ret_source = false;
  bool ret_request = true;  // that source is request data (not argv, environment)
  std::string source_text, source_file;
  int source_line = 0;
  std::vector<remote_hit> hits;
  // The class of the object every return gives (a factory's), as the
  // path `ret_class_scope`'s names write it (that file's imports apply);
  // empty: none. `declared`: a declared return type, which a subclass's
  // object may fill.
  std::string ret_class;
  bool ret_class_declared = false;
  std::uint32_t ret_class_scope = 0;

  // What an unknown call does anyway: every argument reaches the result,
  // nothing is sunk, sanitized or sourced, no object of a known class is
  // made. Applying it would change nothing, so a caller needs no second look.
  bool passes_through() const {
    const std::size_t n = std::min<std::size_t>(params.size(), 64);
    const std::uint64_t all = n == 64 ? ~0ull : (1ull << n) - 1;
    return hits.empty() && !ret_source && ret_sanitized == 0 && ret_params == all && ret_class.empty();
  }

  friend bool operator==(const remote_summary& a, const remote_summary& b) {
    return a.params == b.params && a.ret_params == b.ret_params && a.ret_sanitized == b.ret_sanitized &&
           a.ret_source == b.ret_source && a.ret_request == b.ret_request && a.source_text == b.source_text &&
           a.source_file == b.source_file && a.source_line == b.source_line && a.hits == b.hits &&
           a.ret_class == b.ret_class && a.ret_class_declared == b.ret_class_declared &&
           a.ret_class_scope == b.ret_class_scope;
  }
  friend bool operator!=(const remote_summary& a, const remote_summary& b) { return !(a == b); }
};

using summary_table = std::map<callee_ref, remote_summary>;

}  // namespace heimdall::analysis::taint_detail
