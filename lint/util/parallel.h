// SPDX-License-Identifier: Apache-2.0
// Running work on a few threads: independent items (parallel_for), or one task beside the
// caller's own (run_beside). In parallel_for, items are handed out one at a time (the
// caller's thread works too), so a slow item never holds the others back; results go into
// slots the caller indexes by item, which keeps output in item order whatever the timing.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ckptlint {

/// The first exception thrown on any of several worker threads, to rethrow on the caller's
/// thread once they are all joined (an exception leaving a std::thread ends the process).
class FirstFailure {
 public:
  void keep(std::exception_ptr e) {
    std::lock_guard lock(mutex_);
    if (!first_) first_ = std::move(e);
  }
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr first_;
};

/// Calls `work(i)` for every i in [0, count) on at most `max_threads` threads (0: one per
/// core). `work` must not throw: catch inside and record the failure in the item's slot.
template <typename Work>
void parallel_for(std::size_t count, std::size_t max_threads, const Work& work) {
  if (max_threads == 0) max_threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::size_t> next{0};
  auto drain = [&] {
    for (std::size_t i; (i = next++) < count;) work(i);
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < std::min(max_threads, count); ++t) threads.emplace_back(drain);
  drain();
  for (std::thread& t : threads) t.join();
}

/// Runs `background` on a second thread while `foreground` runs on this one, and returns
/// when both are done. The thread is joined however `foreground` leaves; an exception from
/// `foreground` propagates, else one from `background` is rethrown here.
template <typename Background, typename Foreground>
void run_beside(const Background& background, const Foreground& foreground) {
  std::exception_ptr failed;
  std::thread helper([&] {
    try {
      background();
    } catch (...) {
      failed = std::current_exception();
    }
  });
  try {
    foreground();
  } catch (...) {
    helper.join();
    throw;
  }
  helper.join();
  if (failed) std::rethrow_exception(failed);
}

}  // namespace ckptlint
