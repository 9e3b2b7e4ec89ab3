// SPDX-License-Identifier: Apache-2.0
#include "cli/heap_setup.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace ckptlint {

void prepare_heap() {
  constexpr std::size_t kPad = 32u << 20;
  constexpr std::uintptr_t kHuge = 2u << 20;
  // Grow the main heap 32 MiB at a time and never hand it back while running (the process
  // is short-lived), so the region below can serve every allocation of the main thread.
  mallopt(M_TOP_PAD, static_cast<int>(kPad));
  // The worker threads allocate from the same heap instead of fresh per-thread arenas.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(kPad * 2));
  void* first = std::malloc(64);
  if (first == nullptr) return;
  std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(first) + kHuge - 1) & ~(kHuge - 1);
  std::uintptr_t end = reinterpret_cast<std::uintptr_t>(sbrk(0)) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  std::free(first);
}

}  // namespace ckptlint
