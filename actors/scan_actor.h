// scan_actor: one per admitted scan. It walks the scan through its stages,
// one stage worker (a detached actor running scan_pipeline::run_stage) at a
// time, and appends every step to the scan's stream: the actor is the
// stream's only writer, so each append expects the exact next version.
//
// It never blocks: stage work and workspace removal run on detached
// workers, appends complete through the log's callbacks as messages.
// Time limits are delayed messages to itself; cancellation and limits set
// the worker's stop flag, which the stage polls (a cooperative stop).
//
// Protocol: cancel_atom -> replies "" once scan.cancelled is durable, or
// why not; shutdown_atom -> stops without recording anything (recovery on
// the next start resumes the scan). Sends (scan_done_atom, scan id) to the
// scheduler when its terminal event is durable, then quits once its worker
// has stopped and the workspace is removed.
#pragma once

#include <chrono>
#include <memory>

#include "actors/messages.h"
#include "actors/scan_pipeline.h"

namespace heimdall::actors {

struct scan_limits {
  std::chrono::milliseconds stage{std::chrono::minutes(30)};
  std::chrono::milliseconds scan{std::chrono::hours(2)};
  int max_starts = 3;  // a scan interrupted this often fails instead of resuming again
};

struct scan_state {
  std::shared_ptr<scan_pipeline> pipeline;
  event_log* log = nullptr;
  caf::actor scheduler;
  scan_limits limits;
  std::string stream;
  std::uint64_t version = 0;      // the stream's version once every queued append lands
  std::optional<stage> current;   // the stage being run
  std::uint64_t run = 0;          // numbers stage runs, so a stale timeout is recognised
  std::shared_ptr<std::atomic<bool>> stop;
  bool worker_busy = false;
  bool ending = false;            // a terminal event is queued or a cancel is under way
  bool cancelling = false;
  bool completing = false;        // every stage done; scan.completed follows the clean-up
  bool terminal_durable = false;
  bool cleaned = false;
  std::vector<caf::response_promise> cancel_replies;
  static inline const char* name = "scan_actor";
};

caf::behavior scan_actor(caf::stateful_actor<scan_state>* self, std::shared_ptr<scan_pipeline> pipeline,
                         event_log* log, caf::actor scheduler, scan_limits limits);

}  // namespace heimdall::actors
