// Key encodings of the event log's column families (see docs/EVENT_LOG.md).
//
//   log        BE64(seq)                  -> envelope JSON
//   streams    stream '|' BE64(version)   -> BE64(seq) uuid(16 bytes, the event id)
//
// Big-endian integers make RocksDB's bytewise order the numeric order, so a
// forward iterator walks seqs and versions in sequence. Stream ids never
// contain '|', so each stream's keys form one contiguous range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/uuid.h"

namespace heimdall::keys {

void put_be64(std::string& out, std::uint64_t v);
std::uint64_t get_be64(std::string_view bytes);  // bytes.size() >= 8

std::string seq_key(std::uint64_t seq);
std::optional<std::uint64_t> parse_seq_key(std::string_view key);

std::string stream_prefix(std::string_view stream);  // stream + '|'
std::string stream_key(std::string_view stream, std::uint64_t version);
// Splits a streams-CF key; nullopt if it is not of that shape.
struct stream_position {
  std::string_view stream;
  std::uint64_t version;
};
std::optional<stream_position> parse_stream_key(std::string_view key);

// The streams-CF value: where the event is in the log, and its id (so the
// writer can rebuild a stream's ids without reading envelopes).
struct index_entry {
  std::uint64_t seq;
  uuid id;
};
std::string index_value(std::uint64_t seq, const uuid& id);
std::optional<index_entry> parse_index_value(std::string_view value);

}  // namespace heimdall::keys
