#include "base/uuid.h"

#include <chrono>
#include <cstring>
#include <random>

namespace heimdall {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::mt19937_64& engine() {
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32) ^ rd();
  }()};
  return rng;
}

}  // namespace

std::optional<uuid> uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  uuid out;
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.bytes[byte++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

uuid uuid::v7() {
  uuid out;
  auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  for (int i = 0; i < 6; ++i) out.bytes[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  std::uint64_t a = engine()(), b = engine()();
  for (int i = 6; i < 16; ++i) {
    out.bytes[i] = static_cast<std::uint8_t>(i < 14 ? a >> (8 * (i - 6)) : b >> (8 * (i - 14)));
  }
  out.bytes[6] = static_cast<std::uint8_t>(0x70 | (out.bytes[6] & 0x0f));  // version 7
  out.bytes[8] = static_cast<std::uint8_t>(0x80 | (out.bytes[8] & 0x3f));  // RFC variant
  return out;
}

std::size_t uuid_hash::operator()(const uuid& id) const {
  // Bytes 8-15 are random in v4 and v7 ids (v7's leading bytes are a clock).
  std::uint64_t h;
  std::memcpy(&h, id.bytes.data() + 8, sizeof h);
  return static_cast<std::size_t>(h);
}

std::string uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  std::size_t pos = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++pos;  // keep the hyphen
    out[pos++] = kHex[bytes[i] >> 4];
    out[pos++] = kHex[bytes[i] & 0x0f];
  }
  return out;
}

}  // namespace heimdall
