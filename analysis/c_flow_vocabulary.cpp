// The tables behind c_flow_vocabulary.h.
#include "analysis/c_flow_vocabulary.h"

#include <climits>
#include <map>
#include <set>
#include <unordered_map>
#include <string_view>

namespace heimdall::analysis::c_flow_detail {

word_set::word_set(std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) by_length_.at(w.size()).push_back(w);
}

std::size_t word_set::count(std::string_view w) const {
  if (w.size() > kLongest) return 0;
  for (std::string_view x : by_length_[w.size()])
    if (x == w) return 1;
  return 0;
}

const word_set& type_words() {
  static const word_set w = {
      "void",     "char",     "short",    "int",      "long",     "float",    "double",   "signed",
      "unsigned", "bool",     "_Bool",    "const",    "volatile", "static",   "struct",   "union",
      "enum",     "class",    "register", "auto",     "size_t",   "ssize_t",  "wchar_t",  "int8_t",
      "int16_t",  "int32_t",  "int64_t",  "uint8_t",  "uint16_t", "uint32_t", "uint64_t", "FILE",
      "intptr_t", "uintptr_t"};
  return w;
}

const word_set& keywords() {
  static const word_set k = {"if",     "else",   "while",  "for",      "do",      "switch", "case",
                                          "default", "return", "break",  "continue", "goto",    "sizeof", "new",
                                          "delete", "try",    "catch",  "throw",    "typedef", "using",  "namespace"};
  return k;
}

std::optional<long long> type_size(const std::string& type, int ptr) {
  if (ptr > 0) return 8;
  // Whether `w` is one of the type's words. Asked for every value the
  // analysis evaluates, so nothing is allocated but the padded copy.
  const std::string padded = " " + type + " ";
  auto has = [&](std::string_view w) {
    for (std::size_t at = padded.find(w); at != std::string::npos; at = padded.find(w, at + 1))
      if (padded[at - 1] == ' ' && padded[at + w.size()] == ' ') return true;
    return false;
  };
  if (has("char") || has("int8_t") || has("uint8_t") || has("bool") || has("_Bool")) return 1;
  if (has("short") || has("int16_t") || has("uint16_t")) return 2;
  if (has("int64_t") || has("uint64_t") || has("double") || has("size_t") || has("ssize_t") || has("intptr_t") ||
      has("uintptr_t"))
    return 8;
  if (has("long")) return 8;
  if (has("wchar_t") || has("int32_t") || has("uint32_t") || has("int") || has("float") || has("unsigned") ||
      has("signed"))
    return 4;
  return std::nullopt;
}

bool is_scalar_type(const std::string& type) {
  for (const char* w : {"struct", "union", "class", "FILE"})
    if (type.find(w) != std::string::npos) return false;
  return type_size(type, 0).has_value() || type.find("enum") != std::string::npos;
}

bool is_unsigned(const std::string& type) {
  return type.find("unsigned") != std::string::npos || type.find("size_t") == 0 ||
         type.find(" size_t") != std::string::npos || type.find("uint") != std::string::npos;
}

std::optional<std::pair<long long, long long>> type_range(const std::string& type) {
  auto sz = type_size(type, 0);
  if (!sz || type.find("float") != std::string::npos || type.find("double") != std::string::npos) return std::nullopt;
  bool u = is_unsigned(type);
  switch (*sz) {
    case 1: return u ? std::make_pair(0LL, 255LL) : std::make_pair(-128LL, 127LL);
    case 2: return u ? std::make_pair(0LL, 65535LL) : std::make_pair(-32768LL, 32767LL);
    case 4: return u ? std::make_pair(0LL, 4294967295LL) : std::make_pair(-2147483648LL, 2147483647LL);
    default: return u ? std::nullopt : std::make_optional(std::make_pair(LLONG_MIN, LLONG_MAX));
  }
}

std::optional<long long> limit_constant(std::string_view name) {
  // Asked of every name evaluated: hashed, not searched.
  static const std::unordered_map<std::string_view, long long> m = {
      {"CHAR_MAX", 127},          {"CHAR_MIN", -128},        {"SCHAR_MAX", 127},
      {"SCHAR_MIN", -128},        {"UCHAR_MAX", 255},        {"SHRT_MAX", 32767},
      {"SHRT_MIN", -32768},       {"USHRT_MAX", 65535},      {"INT_MAX", 2147483647LL},
      {"INT_MIN", -2147483648LL}, {"UINT_MAX", 4294967295LL}, {"LLONG_MAX", LLONG_MAX},
      {"LLONG_MIN", LLONG_MIN},   {"LONG_MAX", LLONG_MAX},   {"LONG_MIN", LLONG_MIN},
      {"INT64_MAX", LLONG_MAX},   {"INT64_MIN", LLONG_MIN},  {"NULL", 0},
      {"nullptr", 0},             {"false", 0},              {"true", 1}};
  auto it = m.find(name);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> format_arg(const std::string& f) {
  static const std::map<std::string, std::size_t> m = {
      {"printf", 0},     {"vprintf", 0},    {"fprintf", 1},    {"vfprintf", 1},  {"sprintf", 1},
      {"vsprintf", 1},   {"snprintf", 2},   {"vsnprintf", 2},  {"_snprintf", 2}, {"_vsnprintf", 2},
      {"syslog", 1},     {"vsyslog", 1},    {"dprintf", 1},    {"vdprintf", 1},  {"asprintf", 1},
      {"vasprintf", 1},  {"wprintf", 0},    {"fwprintf", 1},   {"swprintf", 2},  {"vwprintf", 0},
      {"vfwprintf", 1},  {"vswprintf", 2},  {"err", 1},        {"warn", 0},      {"errx", 1},
      {"warnx", 0}};
  auto it = m.find(f);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

bool is_command_sink(const std::string& f) {
  static const std::set<std::string> s = {"system",  "popen",   "_popen",   "_wsystem", "_wpopen", "execl",
                                          "execlp",  "execle",  "execv",    "execvp",   "execve",  "execvpe",
                                          "_execl",  "_execlp", "_execv",   "_execvp",  "_spawnl", "_spawnlp",
                                          "_spawnv", "_spawnvp", "WinExec", "ShellExecuteA", "CreateProcessA"};
  return s.count(f) > 0;
}

bool is_path_sink(const std::string& f) {
  static const std::set<std::string> s = {"fopen",  "freopen", "open",    "_open",   "creat",  "CreateFileA",
                                          "CreateFile", "remove", "unlink", "rename", "opendir", "ifstream",
                                          "ofstream", "fstream", "_wopen", "_wfopen", "truncate", "chmod"};
  return s.count(f) > 0;
}

bool must_check(const std::string& f) {
  // Not fwrite/remove/unlink: ignoring those is common and mostly benign
  // (best-effort output and cleanup).
  static const std::set<std::string> s = {"fgets",   "fread",   "read",     "recv",      "setuid",
                                          "setgid",  "seteuid", "setegid",  "setreuid",  "setresuid",
                                          "chdir",   "chroot",  "fchdir",   "CreateMutexA"};
  return s.count(f) > 0;
}

bool is_library_sink(const std::string& f) {
  return f == "LoadLibraryA" || f == "LoadLibrary" || f == "LoadLibraryExA" || f == "dlopen";
}

bool is_nonretaining(const std::string& f) {
  static const std::set<std::string> s = {
      "strlen", "strcmp",  "strncmp", "strchr",  "strrchr", "strstr", "strcpy", "strncpy", "strcat",  "strncat",
      "memcpy", "memmove", "memset",  "memcmp",  "puts",    "fputs",  "fwrite", "fread",   "printf",  "fprintf",
      "sprintf", "snprintf", "sscanf", "atoi",   "atol",    "atoll",  "strtol", "strtoul", "strtoll", "write",
      "send",   "wcslen",  "wcscpy",  "strspn",  "strcspn", "fgets",  "recv",   "read",    "toupper", "tolower"};
  return s.count(f) > 0;
}

}  // namespace heimdall::analysis::c_flow_detail
