#include "base/result.h"

namespace heimdall {

const char* errc_name(errc code) {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid argument";
    case errc::not_found: return "not found";
    case errc::conflict: return "conflict";
    case errc::io_error: return "I/O error";
    case errc::corruption: return "corruption";
    case errc::locked: return "locked";
    case errc::read_only: return "read-only";
    case errc::closed: return "closed";
  }
  return "unknown";
}

std::string status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(errc_name(code_)) + ": " + message_;
}

}  // namespace heimdall
