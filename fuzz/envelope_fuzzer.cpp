// envelope_fuzzer: the event log's stored-event decoder and the JSON
// minifier every appended event's data goes through, on any bytes (a log's
// values are read back from disk, which may be damaged).
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "store/event_codec.h"

using namespace heimdall;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto e = decode_envelope(text)) (void)encode_envelope(e.value());
  (void)minify_json_object(text);
  return 0;
}
