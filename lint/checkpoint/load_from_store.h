// SPDX-License-Identifier: Apache-2.0
// The loader behind load_checkpoint(), for a local directory and a remote repository alike.
#pragma once
#include <string>

#include "checkpoint/file_store.h"
#include "ckptlint/checkpoint.h"

namespace ckptlint {

struct StoreTarget {
  std::string display;      ///< the path or URL as the user gave it
  std::string single_file;  ///< a lone .safetensors file to read instead of a directory
};

/// Reads what the store holds into `ck`. Bad data becomes `ck.problems`; a store that cannot
/// go on throws StoreError.
void load_from_store(FileStore& store, const StoreTarget& target, Checkpoint& ck);

}  // namespace ckptlint
