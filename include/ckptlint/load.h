// SPDX-License-Identifier: Apache-2.0
// The entry points that touch disk.
#pragma once
#include <string>
#include <vector>

#include "ckptlint/checkpoint.h"
#include "ckptlint/rule.h"

namespace ckptlint {

/// Reads a checkpoint directory, an adapter directory or a single .safetensors file.
/// Bad data never fails this call: it becomes `Checkpoint::problems`. Returns false, with a
/// reason in `error`, only when there is nothing to read at all (no such path).
bool load_checkpoint(const std::string& path, Checkpoint& out, std::string& error);

/// Loads every *.yaml rule file under each directory (recursively), validating all of them.
/// Problems are collected in `errors` (all of them, not just the first).
RuleSet load_rules(const std::vector<std::string>& dirs, std::vector<RuleError>& errors);

}  // namespace ckptlint
