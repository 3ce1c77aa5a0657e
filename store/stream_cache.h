// stream_cache: the writer's view of each stream it appends to - its
// current version and the ids of its events - so checking an append's
// expected version and event ids costs hash lookups, not disk reads.
//
// Entries are loaded on first use from the stream index (every entry there
// carries its event's id) and then kept in step by the writer. Bounded: past
// max_ids cached ids, trim() drops the least recently used streams; a
// dropped stream is simply loaded again when next touched.
//
// Not thread-safe: owned by the log's writer thread. trim() must not run
// while a group that touched cached streams is being prepared, because
// those entries hold appends not yet written.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "base/uuid.h"

namespace heimdall {

struct cached_stream {
  std::uint64_t version = 0;                              // 0: no events yet
  std::unordered_map<uuid, std::uint64_t, uuid_hash> ids;  // event id -> seq
};

class stream_cache {
 public:
  // Reads a stream's entry from storage (all of its index entries).
  using loader = std::function<result<cached_stream>(std::string_view stream)>;

  stream_cache(loader load, std::size_t max_ids) : load_(std::move(load)), max_ids_(max_ids) {}

  // The stream's entry, loaded if absent. The pointer stays valid until
  // the next trim().
  result<cached_stream*> get(const std::string& stream);
  // Records one appended event.
  void add(cached_stream& entry, const uuid& id, std::uint64_t seq);
  // Evicts least recently used streams until at most max_ids ids remain.
  void trim();

 private:
  struct slot {
    cached_stream stream;
    std::list<std::string>::iterator lru;
  };
  loader load_;
  std::size_t max_ids_;
  std::size_t ids_ = 0;
  std::unordered_map<std::string, slot> slots_;
  std::list<std::string> lru_;  // front: most recently used
};

}  // namespace heimdall
