// c_flow_checks: the weaknesses the C flow analysis (c_flow.h) reports,
// one entry each: rule id ("c.flow.<check>"), CWE, severity, confidence,
// title and remediation, as a finding carries them. For its engine only
// (c_flow_analyzer.h); function summaries point at these entries, so each
// has one address program-wide (inline).
#pragma once

#include "analysis/finding.h"

namespace heimdall::analysis::c_flow_detail {

// One weakness and how its findings read.
struct check {
  const char* id;
  int cwe;
  analysis::severity sev;
  double confidence;
  const char* title;
  const char* remediation;
};

inline constexpr check kFreeNotHeap{
    "c.flow.free-not-heap", 590, severity::high, 0.8, "Memory not on the heap is freed",
    "Free only what malloc/new returned; let stack and static storage end with their scope."};
inline constexpr check kMismatched{
    "c.flow.mismatched-dealloc", 762, severity::medium, 0.8, "Memory released with the wrong routine",
    "Pair malloc/calloc/realloc with free, new with delete and new[] with delete[]."};
inline constexpr check kFreeOffset{
    "c.flow.free-offset", 761, severity::high, 0.75, "Pointer freed after it was moved",
    "Keep the pointer the allocator returned and free that one."};
inline constexpr check kDoubleFree{
    "c.flow.double-free", 415, severity::high, 0.8, "Memory freed twice",
    "Free once; set the pointer to NULL after freeing it."};
inline constexpr check kUseAfterFree{
    "c.flow.use-after-free", 416, severity::high, 0.8, "Memory used after it was freed",
    "Do not touch memory after free/delete; set the pointer to NULL and reallocate if needed."};
inline constexpr check kUninit{
    "c.flow.uninitialized", 457, severity::medium, 0.7, "Use of an uninitialised value",
    "Initialise variables and buffers before reading them."};
inline constexpr check kNullDeref{
    "c.flow.null-deref", 476, severity::medium, 0.75, "NULL pointer dereferenced",
    "Check the pointer against NULL before dereferencing it."};
inline constexpr check kAllocUnchecked{
    "c.flow.unchecked-allocation", 690, severity::medium, 0.6, "Allocation result used without a NULL check",
    "Compare the allocator's result with NULL and handle the failure before using it."};
inline constexpr check kLeak{
    "c.flow.memory-leak", 401, severity::low, 0.6, "Allocated memory is never released",
    "Free (or delete) the allocation on every path, or hand its ownership on explicitly."};
inline constexpr check kOverflowStack{
    "c.flow.buffer-overflow", 121, severity::high, 0.75, "Write past the end of a stack buffer",
    "Bound the copy or index by the destination's size (sizeof dst, or its element count)."};
inline constexpr check kOverflowHeap{
    "c.flow.heap-overflow", 122, severity::high, 0.75, "Write past the end of a heap buffer",
    "Bound the copy or index by the allocated size."};
inline constexpr check kUnderwrite{
    "c.flow.buffer-underwrite", 124, severity::high, 0.75, "Write before the start of a buffer",
    "Keep pointers and indexes at or above the buffer's start; check for negative values."};
inline constexpr check kOverread{
    "c.flow.buffer-overread", 126, severity::medium, 0.7, "Read past the end of a buffer",
    "Bound the read by the source buffer's size."};
inline constexpr check kUnderread{
    "c.flow.buffer-underread", 127, severity::medium, 0.7, "Read before the start of a buffer",
    "Keep pointers and indexes at or above the buffer's start; check for negative values."};
inline constexpr check kTaintIndexW{
    "c.flow.tainted-index-write", 787, severity::high, 0.7,
    "Array written at an index from outside without a full bounds check",
    "Check that the index is >= 0 and < the element count before using it."};
inline constexpr check kTaintIndexR{
    "c.flow.tainted-index-read", 125, severity::medium, 0.7,
    "Array read at an index from outside without a full bounds check",
    "Check that the index is >= 0 and < the element count before using it."};
inline constexpr check kCommand{
    "c.flow.command-injection", 78, severity::high, 0.8, "Outside data runs as a shell command",
    "Do not pass input to system/popen/exec; use an argument vector and an allow-list."};
inline constexpr check kFormat{
    "c.flow.format-string", 134, severity::high, 0.8, "Outside data used as a format string",
    "Use a constant format: printf(\"%s\", data)."};
inline constexpr check kPath{
    "c.flow.path-traversal", 22, severity::high, 0.7, "Outside data used as a file path",
    "Reject '..' and absolute paths, or resolve the path and check it stays under the allowed root."};
inline constexpr check kLibrary{
    "c.flow.library-injection", 114, severity::high, 0.7, "Outside data names a library to load",
    "Load libraries only from fixed, absolute paths."};
inline constexpr check kAllocSize{
    "c.flow.uncontrolled-allocation", 789, severity::medium, 0.6, "Allocation size from outside without an upper bound",
    "Check the size against a maximum before allocating."};
inline constexpr check kAllocOverflow{
    "c.flow.allocation-size-overflow", 680, severity::high, 0.65, "Allocation size multiplied from an unchecked value",
    "Check the count against SIZE_MAX / element size before multiplying."};
inline constexpr check kSignConv{
    "c.flow.signed-size", 195, severity::medium, 0.6,
    "Signed value from outside used as a size with only an upper bound",
    "Check the value is not negative before using it as a size."};
inline constexpr check kTruncation{
    "c.flow.truncation", 197, severity::medium, 0.55, "Value from outside truncated to a narrower integer",
    "Check the value fits the narrower type before converting it."};
inline constexpr check kOverflowInt{
    "c.flow.integer-overflow", 190, severity::medium, 0.6, "Arithmetic on a value from outside without a bounds check",
    "Compare the value with the type's limits before adding or multiplying."};
inline constexpr check kUnderflowInt{
    "c.flow.integer-underflow", 191, severity::medium, 0.6,
    "Subtraction from a value from outside without a bounds check",
    "Compare the value with the type's minimum before subtracting or decrementing."};
inline constexpr check kLoopBound{
    "c.flow.unchecked-loop-bound", 606, severity::medium, 0.6, "Loop bound from outside without an upper limit",
    "Check the bound against a maximum before looping."};
inline constexpr check kSearchPath{
    "c.flow.environment-injection", 427, severity::medium, 0.7, "Outside data written into the environment",
    "Set environment variables (PATH above all) only to fixed, trusted values."};
inline constexpr check kUncheckedReturn{
    "c.flow.unchecked-return", 252, severity::low, 0.6, "Result of a call that can fail is ignored",
    "Check the return value (NULL, -1, a short count) and handle the failure."};
inline constexpr check kDivZero{
    "c.flow.divide-by-zero", 369, severity::medium, 0.6, "Division by a value from outside that was never compared",
    "Check the divisor is not zero before dividing."};

}  // namespace heimdall::analysis::c_flow_detail
