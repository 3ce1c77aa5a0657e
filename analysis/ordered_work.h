// ordered_work: the per-file work of a stage (tyr, static_analysis, hunt)
// spread over a few threads, with each item's result handed back in index
// order on the calling thread — so findings, notes and the threat model
// come out exactly as a single-threaded loop over the inventory would give
// them, whatever the number of threads.
//
// run_in_order calls `work(i, worker)` once for every i in [0, count), on
// the calling thread (worker 0) or on one of `threads - 1` helper threads
// (workers 1 ..) it starts and joins before returning; then `done(i)` on
// the calling thread, in order 0, 1, 2, ..., each after work(i) has
// returned. `worker` lets work keep state per thread (no two calls with
// the same worker run at once). `work` typically fills
// slot i of a vector the caller sized beforehand, and `done` consumes it;
// the pool's lock orders the two, so the slot needs no locking of its own.
// No item starts more than kWindowPerThread * threads items ahead of the
// one `done` waits for, so one slow file bounds the results held.
//
// `cancelled` (may be empty) is called on the calling thread only: before
// every done(i), before each item that thread works on itself and while it
// waits. Once it returns true no item starts and no done() follows, the
// running items finish, and run_in_order returns false (true when every
// item was done). As in a plain loop that checks before each file, no
// result after a cancellation is handed on. An exception from `work` or `done` stops the
// run the same way and is rethrown on the calling thread once the helpers
// are joined. threads <= 1 (or count <= 1) runs everything on the calling
// thread, in order, with no thread started.
#pragma once

#include <cstddef>
#include <functional>

namespace heimdall::analysis {

// Items started beyond the first one not yet done, per thread.
inline constexpr std::size_t kWindowPerThread = 32;

// The threads a stage uses when its caller does not say: one per core
// (at least 1, at most 8: past that the disk, not the CPU, is the limit).
unsigned default_analysis_threads();

bool run_in_order(std::size_t count, unsigned threads, const std::function<void(std::size_t, unsigned)>& work,
                  const std::function<void(std::size_t)>& done, const std::function<bool()>& cancelled);

}  // namespace heimdall::analysis
