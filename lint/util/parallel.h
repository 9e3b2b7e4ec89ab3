// SPDX-License-Identifier: Apache-2.0
// Runs independent items on a few threads. Items are handed out one at a time (the caller's
// thread works too), so a slow item never holds the others back; results go into slots the
// caller indexes by item, which keeps output in item order whatever the timing.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace ckptlint {

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

}  // namespace ckptlint
