// SPDX-License-Identifier: Apache-2.0
// A gate never passes what it did not check (PRODUCT.md §3): a path that holds no
// safetensors file — an empty directory, a model not downloaded yet, a PyTorch or GGUF
// model, a config.json given instead of its directory — is a tool error (exit 2) with one
// line that says what was found instead, never "0 files: pass".
#pragma once
#include <string>

#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// Why the local file `path`, given where a checkpoint was expected, is not one to read as
/// safetensors (a JSON file, another weights format); "" for a file to read as safetensors
/// (whatever its name: a renamed pickle is then a finding) and for anything else.
std::string wrong_file_target(const std::string& path);

/// Why the loaded checkpoint `ck` (read from `path`) gives nothing to check, or "" when at
/// least one safetensors file is there. An adapter is never "nothing": its own rules say
/// what is missing.
std::string nothing_to_check(const Checkpoint& ck, const std::string& path);

}  // namespace ckptlint
