#include "store/keys.h"

#include <algorithm>

namespace heimdall::keys {

void put_be64(std::string& out, std::uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (56 - 8 * i));
  out.append(bytes, sizeof bytes);
}

std::uint64_t get_be64(std::string_view bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(bytes[i]);
  return v;
}

std::string seq_key(std::uint64_t seq) {
  std::string out;
  put_be64(out, seq);
  return out;
}

std::optional<std::uint64_t> parse_seq_key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return get_be64(key);
}

std::string stream_prefix(std::string_view stream) {
  std::string out(stream);
  out.push_back('|');
  return out;
}

std::string stream_key(std::string_view stream, std::uint64_t version) {
  std::string out = stream_prefix(stream);
  put_be64(out, version);
  return out;
}

std::optional<stream_position> parse_stream_key(std::string_view key) {
  if (key.size() < 10 || key[key.size() - 9] != '|') return std::nullopt;
  return stream_position{key.substr(0, key.size() - 9), get_be64(key.substr(key.size() - 8))};
}

std::string index_value(std::uint64_t seq, const uuid& id) {
  std::string out = seq_key(seq);
  out += id.raw();
  return out;
}

std::optional<index_entry> parse_index_value(std::string_view value) {
  if (value.size() != 24) return std::nullopt;
  index_entry entry{get_be64(value), {}};
  std::copy(value.begin() + 8, value.end(), entry.id.bytes.begin());
  return entry;
}

}  // namespace heimdall::keys
