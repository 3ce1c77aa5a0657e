// sha256_hex: the SHA-256 of some bytes in lower-case hex, computed with
// OpenSSL's libcrypto. Shared by the secret detectors (a value's hash in
// place of the value) and validation (finding fingerprints). Pure function;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace heimdall::analysis {

// 64 hex digits; "" only if libcrypto fails.
std::string sha256_hex(std::string_view data);

}  // namespace heimdall::analysis
