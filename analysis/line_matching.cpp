#include "analysis/line_matching.h"

namespace heimdall::analysis {

RE2::Options latin1_options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  return options;
}

RE2::Options set_options() {
  RE2::Options options = latin1_options();
  options.set_max_mem(32 << 20);
  return options;
}

std::string_view scanned_line(std::string_view raw) {
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  return raw.substr(0, kMaxScannedLineBytes);
}

}  // namespace heimdall::analysis
