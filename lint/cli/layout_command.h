// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/rule.h"
#include "cli/options.h"

namespace ckptlint {

/// The listing of the tensors the config `options.positional[0]` implies, as `ckptlint
/// layout` writes it (`options.format` "json": the ckptlint-layout/1 document; else text);
/// nothing, with one line per problem in `errors`, when the config cannot be expanded.
std::optional<std::string> render_layout(const Options& options, const RuleSet& rules, std::vector<std::string>& errors);

/// `ckptlint layout CONFIG.json`: prints the tensors the config implies; returns the exit code.
int run_layout_command(const Options& options, const RuleSet& rules);

}  // namespace ckptlint
