// SPDX-License-Identifier: Apache-2.0
// Whether tensors hold the same bytes in two checkpoints: the changed-value half of `diff`,
// which may read two multi-gigabyte checkpoints in full. Like the value scan, every pair is cut
// into chunks that one thread per core takes in order, each reading both sides with pread into
// two reused buffers: memory stays flat, a file that shrinks under the read is a short read
// (never SIGBUS), and one large tensor keeps every core busy. Files are opened through a
// pool of descriptors, a pair's two files at a time per thread.
#pragma once
#include <cstdint>
#include <vector>

#include "checkpoint/file_pool.h"
#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// One tensor in each of two checkpoints.
struct TensorPair {
  const Checkpoint* a = nullptr;
  const TensorInfo* ta = nullptr;
  const Checkpoint* b = nullptr;
  const TensorInfo* tb = nullptr;
};

enum class SameBytes : std::uint8_t { same, different, unreadable };

/// For each pair: same or different values, or unreadable when either side could not be read.
/// Values are the bytes, except that in a float tensor -0.0 and +0.0 are the same value.
/// The answer is the one a front-to-back comparison gives: when a difference and a failed read
/// are both there, whichever comes first in the tensor decides. Reading a pair stops at its
/// first difference (chunks after it are skipped). `chunk_bytes` is rounded up to a multiple of 8.
/// Shard files are opened through `files`; running out of descriptors throws EnvironmentError.
std::vector<SameBytes> compare_bytes(const std::vector<TensorPair>& pairs, FilePool& files,
                                     std::size_t chunk_bytes = 128u << 10);

}  // namespace ckptlint
