// c_flow_vocabulary: what the C flow analysis (c_flow.h) knows of C
// without reading any header: the words of type names and their sizes and
// ranges (8-byte pointers and longs, as on LP64), <limits.h> constants, and
// the library functions by role (format strings, command, path and library
// sinks, results that must be checked, pointer arguments only read). For
// its engine only (c_flow_analyzer.h). Pure functions, thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heimdall::analysis::c_flow_detail {

// A fixed set of words. Asked of nearly every identifier the analysis
// meets, and most are not in it: looked up among the words of the same
// length, which is none or few.
class word_set {
 public:
  word_set(std::initializer_list<std::string_view> words);
  std::size_t count(std::string_view w) const;

 private:
  static constexpr std::size_t kLongest = 16;
  std::array<std::vector<std::string_view>, kLongest + 1> by_length_;
};

// The words of C type names (builtin types, qualifiers, storage classes
// and the common typedefs): what a declaration starts with.
const word_set& type_words();

// C and C++ keywords that head a statement or expression, never a
// function or variable name.
const word_set& keywords();

// Size in bytes of a type written with these words, when standard.
std::optional<long long> type_size(const std::string& type, int ptr);

// Whether a type written with these words is a number, a bool or an enum
// (not a struct, union, class or FILE).
bool is_scalar_type(const std::string& type);

// Whether a type written with these words is unsigned.
bool is_unsigned(const std::string& type);

// Range of an integer type, for overflow of known values.
std::optional<std::pair<long long, long long>> type_range(const std::string& type);

// <limits.h> constants (and NULL, nullptr, false, true).
std::optional<long long> limit_constant(std::string_view name);

// Format argument position of printf-family functions.
std::optional<std::size_t> format_arg(const std::string& f);

// Calls that run their argument as a command (CWE-78).
bool is_command_sink(const std::string& f);

// Calls that open, create or change the file their argument names (CWE-22).
bool is_path_sink(const std::string& f);

// Calls whose failure shows only in their result (many marked
// warn_unused_result in C libraries).
bool must_check(const std::string& f);

// Calls that load the library their argument names (CWE-114).
bool is_library_sink(const std::string& f);

// Library calls that read their pointer arguments and keep nothing.
bool is_nonretaining(const std::string& f);

}  // namespace heimdall::analysis::c_flow_detail
