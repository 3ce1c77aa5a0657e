#include "store/stream_cache.h"

namespace heimdall {

result<cached_stream*> stream_cache::get(const std::string& stream) {
  auto it = slots_.find(stream);
  if (it != slots_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return &it->second.stream;
  }
  auto loaded = load_(stream);
  if (!loaded) return loaded.error();
  lru_.push_front(stream);
  ids_ += loaded->ids.size();
  auto& s = slots_.emplace(stream, slot{std::move(loaded.value()), lru_.begin()}).first->second;
  return &s.stream;
}

void stream_cache::add(cached_stream& entry, const uuid& id, std::uint64_t seq) {
  entry.ids.emplace(id, seq);
  ++entry.version;
  ++ids_;
}

void stream_cache::trim() {
  while (ids_ > max_ids_ && !lru_.empty()) {
    auto it = slots_.find(lru_.back());
    ids_ -= it->second.stream.ids.size();
    slots_.erase(it);
    lru_.pop_back();
  }
}

}  // namespace heimdall
