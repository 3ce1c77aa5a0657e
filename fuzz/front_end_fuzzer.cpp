// front_end_fuzzer: the taint engine's front ends — each language's tree
// written out as tokens, and the statement grouping (taint_front_end.h) —
// on any bytes, far faster than scan_file_fuzzer, which also runs the
// engine on them. The first byte picks the language.
#include <array>
#include <string_view>

#include "analysis/taint_front_end.h"
#include "fuzz/fuzz_target.h"

using namespace heimdall::analysis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::array<language, 7> kLanguages = {language::python, language::javascript, language::typescript,
                                                         language::java,   language::go,         language::php,
                                                         language::ruby};
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const language lang = kLanguages[data[0] % kLanguages.size()];
  // TypeScript's two grammars: the second byte's low bit picks tsx.
  const std::string_view path = lang == language::typescript && size > 1 && (data[1] & 1) ? "f.tsx" : "f";
  taint_detail::lexed_file lexed = taint_detail::lex_file(lang, path, text);
  (void)taint_detail::parse_file(lang, lexed);
  return 0;
}
