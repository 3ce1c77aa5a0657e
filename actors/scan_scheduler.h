// scan_scheduler: admits queued scans FIFO up to a concurrency limit and
// spawns one scan_actor per admitted scan; the only place a scan actor is
// created, so the limit holds.
//
// Protocol: (admit_atom, scan_history) queues a scan; (cancel_atom, id)
// replies "" once the cancel is durable, or why not ("unknown" when the
// scheduler does not hold the scan); (scan_done_atom, id) from a scan
// actor frees its slot (so does its death); (shutdown_atom) stops every
// scan actor and the scheduler.
#pragma once

#include <deque>
#include <memory>
#include <unordered_map>

#include "actors/messages.h"
#include "actors/scan_actor.h"

namespace heimdall::actors {

struct scheduler_context {
  event_log* log = nullptr;
  std::shared_ptr<const scan_engine> engine;
  std::shared_ptr<const scan_settings> settings;
  scan_limits limits;
  std::size_t max_running = 1;
};

struct scheduler_state {
  std::shared_ptr<const scheduler_context> context;
  std::deque<scan_history> queue;
  std::unordered_map<std::string, caf::actor> running;  // scan id -> scan actor
  // Cancels of queued scans waiting for scan.cancelled to be durable.
  std::unordered_map<std::uint64_t, caf::response_promise> cancels;
  std::uint64_t next_tag = 1;
  static inline const char* name = "scan_scheduler";
};

caf::behavior scan_scheduler(caf::stateful_actor<scheduler_state>* self,
                             std::shared_ptr<const scheduler_context> context);

}  // namespace heimdall::actors
