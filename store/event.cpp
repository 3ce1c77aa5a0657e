#include "store/event.h"

namespace heimdall {

bool expected_version::accepts(std::uint64_t current) const {
  switch (kind_) {
    case kind::any: return true;
    case kind::no_stream: return current == 0;
    case kind::exact: return current == version_;
  }
  return false;
}

std::string expected_version::to_string() const {
  switch (kind_) {
    case kind::any: return "any";
    case kind::no_stream: return "no stream";
    case kind::exact: return "version " + std::to_string(version_);
  }
  return "?";
}

status validate_stream_name(std::string_view stream) {
  if (stream.empty() || stream.size() > 200) {
    return status(errc::invalid_argument, "stream id must be 1-200 characters");
  }
  for (char c : stream) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == ':' || c == '-';
    if (!allowed) {
      return status(errc::invalid_argument,
                    "stream id '" + std::string(stream) + "' has a character outside [A-Za-z0-9._:-]");
    }
  }
  return status::ok();
}

}  // namespace heimdall
