// SPDX-License-Identifier: Apache-2.0
// model.safetensors.index.json: {"metadata": {"total_size": N, ...}, "weight_map": {tensor: shard file}}.
#pragma once
#include <set>
#include <string>

#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// The index file name every HF/MLX writer uses.
inline constexpr const char* kIndexFileName = "model.safetensors.index.json";

/// Reads the index if present, records its problems, and adds the shard files it names that
/// are safe to open and exist to `to_read`. A name that escapes the directory is never opened.
void read_index(Checkpoint& ck, std::set<std::string>& to_read);

/// Why an index file name is unsafe to open ("" when it is safe): "..", absolute, URL, NUL.
std::string unsafe_path_reason(const std::string& name);

}  // namespace ckptlint
