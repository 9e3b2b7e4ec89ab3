// SPDX-License-Identifier: Apache-2.0
// model.safetensors.index.json: {"metadata": {"total_size": N, ...}, "weight_map": {tensor: shard file}}.
#pragma once
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// The index file name every HF/MLX writer uses.
inline constexpr const char* kIndexFileName = "model.safetensors.index.json";

/// What reading the index yields; merged into the Checkpoint by the loader.
struct IndexRead {
  std::optional<JsonFile> index;                                   ///< the parsed index, if any
  std::vector<std::pair<std::string, std::string>> weight_map;     ///< see Checkpoint::weight_map
  std::vector<LoadProblem> problems;
  std::set<std::string> shards;  ///< files it names that are safe to open and exist
};

class FileStore;

/// Reads the store's index if present. A name that escapes the directory is never opened.
/// Touches nothing but its result, so it can run beside the shard readers.
IndexRead read_index(FileStore& store);
/// The same for a directory on disk.
IndexRead read_index(const std::filesystem::path& root);

/// Why an index file name is unsafe to open ("" when it is safe): "..", absolute, URL, NUL.
std::string unsafe_path_reason(const std::string& name);

}  // namespace ckptlint
