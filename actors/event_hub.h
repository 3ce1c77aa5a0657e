// event_hub: one subscription to the event log, fanned out to any number of
// watchers of single streams (the progress stream's feed of each watched
// scan, http/progress_stream.cpp), so the log delivers each event once
// however many clients watch.
//
// watch(stream, after_seq, on_event) delivers every event of `stream` with
// seq > after_seq, in order and exactly once: first what the log already
// holds, read on the calling thread, then live appends as the log
// acknowledges them, on the hub's (the log's) thread. on_event must be quick
// and must not block: hand the event to a queue (an event_stream does).
// Dropping the returned watch (or cancel()) stops delivery; after cancel()
// returns, on_event is not running and is not called again.
//
// Thread-safety: all methods may be called from any thread. The log must
// outlive the hub; the hub must outlive its watches.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "store/event_log.h"

namespace heimdall::actors {

class event_hub {
 public:
  // Errors: the log's (a read-only log cannot be subscribed to).
  static result<std::unique_ptr<event_hub>> start(event_log& log);
  ~event_hub();

  using on_event_fn = std::function<void(const event&)>;
  result<std::unique_ptr<subscription>> watch(std::string stream, std::uint64_t after_seq, on_event_fn on_event);

  std::size_t watchers() const;

  struct impl;  // public only so event_hub.cpp's watch handles can name it

 private:
  explicit event_hub(std::shared_ptr<impl> impl);
  std::shared_ptr<impl> impl_;
};

}  // namespace heimdall::actors
