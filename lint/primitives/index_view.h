// SPDX-License-Identifier: Apache-2.0
// Read access to model.safetensors.index.json for the index primitives.
#pragma once
#include <set>
#include <string>
#include <string_view>

#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// True when the checkpoint has an index with a usable weight_map.
inline bool has_weight_map(const Checkpoint& ck) { return ck.index.has_value() && !ck.weight_map.empty(); }

/// The shard a shard file name maps to, or nullptr if it was not read.
inline const Shard* find_shard(const Checkpoint& ck, const std::string& file) {
  for (const Shard& s : ck.shards) {
    if (s.file == file) return &s;
  }
  return nullptr;
}

/// The shard files the weight_map names.
inline std::set<std::string_view> indexed_files(const Checkpoint& ck) {
  std::set<std::string_view> files;
  for (const auto& [tensor, file] : ck.weight_map) files.insert(file);
  return files;
}

}  // namespace ckptlint
