// SPDX-License-Identifier: Apache-2.0
// Read access to model.safetensors.index.json for the index primitives.
#pragma once
#include <string>

#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// The index's weight_map when it is an object, else nullptr.
inline const nlohmann::json* weight_map(const Checkpoint& ck) {
  if (!ck.index || !ck.index->value.is_object()) return nullptr;
  auto it = ck.index->value.find("weight_map");
  return it != ck.index->value.end() && it->is_object() ? &*it : nullptr;
}

/// The shard a well-formed shard file name maps to, or nullptr if it was not read.
inline const Shard* find_shard(const Checkpoint& ck, const std::string& file) {
  for (const Shard& s : ck.shards) {
    if (s.file == file) return &s;
  }
  return nullptr;
}

/// True when `file` is named in the weight_map.
inline bool indexed(const nlohmann::json& map, const std::string& file) {
  for (const auto& [tensor, shard] : map.items()) {
    if (shard.is_string() && shard.get_ref<const std::string&>() == file) return true;
  }
  return false;
}

}  // namespace ckptlint
