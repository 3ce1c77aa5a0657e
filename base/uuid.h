// uuid: a 128-bit identifier in RFC 9562 text form (8-4-4-4-12 lowercase hex).
//
// Event ids are chosen by producers (so a retried append is recognisable);
// new ids come from uuid::v7(), which sorts by creation time. Thread-safe:
// generation uses a thread-local random engine.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall {

struct uuid {
  std::array<std::uint8_t, 16> bytes{};

  // Accepts exactly 36 characters, hyphens at 8/13/18/23, hex either case.
  static std::optional<uuid> parse(std::string_view text);
  // Time-ordered: 48-bit Unix milliseconds, then random bits.
  static uuid v7();

  std::string to_string() const;
  std::string_view raw() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }

  friend bool operator==(const uuid& a, const uuid& b) { return a.bytes == b.bytes; }
  friend bool operator!=(const uuid& a, const uuid& b) { return !(a == b); }
};

// For unordered containers of uuids.
struct uuid_hash {
  std::size_t operator()(const uuid& id) const;
};

}  // namespace heimdall
