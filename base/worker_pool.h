// worker_pool: a few threads that run blocking work (an append waiting for
// its fsync, a scan trigger) off the threads that must stay responsive.
//
// post() queues a task and returns at once; it refuses (returns false) when
// `max_queued` tasks are already waiting, so a burst of requests is answered
// "busy" instead of growing memory without bound. Tasks run in the order
// posted, each on one of the pool's threads. The destructor runs every task
// already queued, then joins the threads.
//
// Thread-safety: post() may be called from any thread, including a task.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace heimdall {

class worker_pool {
 public:
  worker_pool(std::size_t threads, std::size_t max_queued);
  ~worker_pool();

  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  bool post(std::function<void()> task);

 private:
  void run();

  const std::size_t max_queued_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace heimdall
