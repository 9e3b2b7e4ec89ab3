// SPDX-License-Identifier: Apache-2.0
// The one part of ckptlint that reads gigabytes: every float tensor's data, scanned for
// NaN/Inf. Tensors are cut into large chunks that worker threads take in file order, so one
// 5.6 GB tensor keeps every core busy. Chunks are read with pread into a few reused
// buffers: memory stays flat whatever the checkpoint size, and a file that shrinks under the
// scan yields a short read (a finding), never SIGBUS as a mapping would. Shards are opened
// as the workers reach them, through a small pool of descriptors (checkpoint/file_pool.h):
// running out of descriptors is an EnvironmentError, never a finding.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ckptlint/checkpoint.h"
#include "values/non_finite.h"

namespace ckptlint {

struct ScanOptions {
  int jobs = 0;                            ///< worker threads; 0 = all cores
  std::size_t chunk_bytes = 16u << 20;     ///< bytes per work item (multiple of 8)
  bool progress = false;                   ///< draw a progress bar on stderr (when the scan takes > 1 s)
  /// Tensors (shard, tensor index), sorted, to also test for being all zeros (an untrained lora_b).
  std::vector<std::pair<std::size_t, std::size_t>> zero_check;
  /// (bytes scanned, bytes to scan), from the calling thread every 100 ms and once at the end.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
};

/// What the scan found for one tensor: non-finite counts, or that it could not be read.
struct TensorValues {
  std::size_t shard = 0;        ///< index into Checkpoint::shards
  std::size_t tensor = 0;       ///< index into that shard's tensors
  NonFinite counts;
  std::string read_error;       ///< set when part of the tensor could not be read
  bool all_zero = false;        ///< a zero_check tensor whose elements are all +0 or -0
};

struct ValueScan {
  /// Only tensors with non-finite values, read errors, or all zeros (zero_check), in file order.
  std::vector<TensorValues> tensors;
  std::uint64_t bytes = 0;            ///< bytes scanned
  std::uint64_t tensors_scanned = 0;
  double seconds = 0;
};

/// Scans every float tensor of every readable shard; throws EnvironmentError when the process
/// runs out of file descriptors.
ValueScan scan_values(const Checkpoint& ck, const ScanOptions& options);

}  // namespace ckptlint
