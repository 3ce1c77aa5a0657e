// Why the calling thread works too: the stages run on one detached worker
// each, so with N threads it is the N-th; and with threads = 1 the loop is
// the plain one, with no thread, lock or wait at all.
//
// Why a polling wait: `cancelled` is a caller's function, not a condition
// a helper can signal, so a calling thread waiting on a long file wakes now
// and then to ask it.
#include "analysis/ordered_work.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace heimdall::analysis {
namespace {

constexpr auto kCancelPoll = std::chrono::milliseconds(50);

class ordered_pool {
 public:
  ordered_pool(std::size_t count, unsigned threads, const std::function<void(std::size_t, unsigned)>& work)
      : count_(count), window_(kWindowPerThread * threads), work_(work), finished_(count, 0) {}

  // Starts `n` helpers (workers 1 .. n); each takes the next item while it
  // is in the window.
  void start_helpers(unsigned n) {
    for (unsigned k = 1; k <= n; ++k) helpers_.emplace_back([this, k] { help(k); });
  }

  // Stops starting items and joins the helpers; safe to call more than once.
  void stop_and_join() {
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : helpers_) t.join();
    helpers_.clear();
  }

  ~ordered_pool() { stop_and_join(); }

  // The calling thread's loop: done(i) for each item in order, working on
  // items itself while the next one to hand on is not finished.
  bool run(const std::function<void(std::size_t)>& done, const std::function<bool()>& cancelled) {
    for (std::size_t i = 0; i < count_;) {
      if (cancelled && cancelled()) return false;
      std::unique_lock<std::mutex> lk(m_);
      if (error_) return false;
      if (finished_[i]) {
        lk.unlock();
        done(i);
        lk.lock();
        consumed_ = ++i;
        lk.unlock();
        cv_.notify_all();
        continue;
      }
      if (startable()) {
        std::size_t mine = next_++;
        lk.unlock();
        run_item(mine, 0);
        continue;
      }
      cv_.wait_for(lk, kCancelPoll, [&] { return finished_[i] || error_ != nullptr; });
    }
    return true;
  }

  // The first exception of a helper, or null.
  std::exception_ptr error() {
    std::lock_guard<std::mutex> lk(m_);
    return error_;
  }

 private:
  // Under m_: an item is left and the window has room for it.
  bool startable() const { return !stop_ && !error_ && next_ < count_ && next_ < consumed_ + window_; }

  void help(unsigned worker) {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return startable() || stop_ || error_ || next_ >= count_; });
        if (!startable()) return;
        i = next_++;
      }
      try {
        run_item(i, worker);
      } catch (...) {
        {
          std::lock_guard<std::mutex> lk(m_);
          if (!error_) error_ = std::current_exception();
        }
        cv_.notify_all();
      }
    }
  }

  void run_item(std::size_t i, unsigned worker) {
    work_(i, worker);
    {
      std::lock_guard<std::mutex> lk(m_);
      finished_[i] = 1;
    }
    cv_.notify_all();
  }

  const std::size_t count_;
  const std::size_t window_;
  const std::function<void(std::size_t, unsigned)>& work_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<char> finished_;  // under m_
  std::size_t next_ = 0;        // under m_: the next item to start
  std::size_t consumed_ = 0;    // under m_: items handed to done()
  bool stop_ = false;           // under m_
  std::exception_ptr error_;    // under m_
  std::vector<std::thread> helpers_;
};

}  // namespace

unsigned default_analysis_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp(n, 1u, 8u);
}

bool run_in_order(std::size_t count, unsigned threads, const std::function<void(std::size_t, unsigned)>& work,
                  const std::function<void(std::size_t)>& done, const std::function<bool()>& cancelled) {
  if (threads <= 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) {
      if (cancelled && cancelled()) return false;
      work(i, 0);
      done(i);
    }
    return true;
  }
  ordered_pool pool(count, threads, work);
  pool.start_helpers(static_cast<unsigned>(std::min<std::size_t>(threads - 1, count - 1)));
  bool complete = pool.run(done, cancelled);  // an exception from done() or work() joins in ~ordered_pool
  pool.stop_and_join();
  if (std::exception_ptr e = pool.error()) std::rethrow_exception(e);
  return complete;
}

}  // namespace heimdall::analysis
