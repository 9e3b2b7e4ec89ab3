// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "ckptlint/rule.h"
#include "cli/options.h"

namespace ckptlint {

/// `ckptlint layout CONFIG.json`: prints the tensors the config implies; returns the exit code.
int run_layout_command(const Options& options, const RuleSet& rules);

}  // namespace ckptlint
