// SPDX-License-Identifier: Apache-2.0
// A checkpoint's modules as MLX stores them: each module path with its .weight and, when
// quantized, .scales and .biases; and the shard of every tensor name. Built once per
// checkpoint; the analysis, the diff and the storage map read it.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// A module as stored: its .weight and, when quantized, .scales and .biases.
struct StoredModule {
  const TensorInfo* weight = nullptr;
  const TensorInfo* scales = nullptr;
  const TensorInfo* biases = nullptr;
  std::string file;  ///< the weight's shard (or the scales' when the weight is missing)
  /// MLX loaders treat a module as quantized exactly when its .scales exists.
  bool quantized() const { return scales != nullptr; }
};

struct ModuleTable {
  std::map<std::string, StoredModule> modules;  ///< module path -> tensors, for every *.weight/.scales/.biases
  /// Tensor name -> shard file (first definition), as views into the Checkpoint, which must
  /// outlive the table. Unordered: whoever emits in this order must sort.
  std::unordered_map<std::string_view, std::string_view> file_of;
};

/// The table of `ck`'s tensors (the first definition of a name wins, as in Checkpoint::by_name).
ModuleTable index_modules(const Checkpoint& ck);

/// The module path of a tensor: its name without ".weight", ".scales" or ".biases" (the name
/// itself for other tensors).
std::string module_of(const std::string& tensor);

}  // namespace ckptlint
