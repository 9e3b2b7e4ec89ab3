// SPDX-License-Identifier: Apache-2.0
// The entry points that touch disk.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/checkpoint.h"
#include "ckptlint/rule.h"

namespace ckptlint {

/// How remote checkpoints are read.
struct LoadOptions {
  long timeout_ms = 30000;  ///< per HTTP request, connect to last byte, and for all of them together
  /// When the run's remote reads must be done (every side of a diff shares it); unset: timeout_ms
  /// after this load starts.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

/// Reads a checkpoint directory, an adapter directory or a single .safetensors file, on disk
/// or remote: `hf://ORG/REPO[@REVISION][/SUBDIR]` (the Hub, or HF_ENDPOINT) and
/// `https://host/dir/`, of which only the JSON files and the shard headers are fetched.
/// Bad data never fails this call: it becomes `Checkpoint::problems`. Returns false, with a
/// reason in `error`, only when there is nothing to read at all (no such path, a remote
/// that cannot be reached, refuses or misbehaves). Throws EnvironmentError when the process
/// runs out of file descriptors (ckptlint/environment_error.h).
bool load_checkpoint(const std::string& path, Checkpoint& out, std::string& error, const LoadOptions& options = {});

/// True for the remote paths load_checkpoint() accepts: hf://, https:// and http://.
bool is_remote_path(const std::string& path);

/// Loads every *.yaml rule file under each directory (recursively), validating all of them.
/// Problems are collected in `errors` (all of them, not just the first).
RuleSet load_rules(const std::vector<std::string>& dirs, std::vector<RuleError>& errors);

}  // namespace ckptlint
