// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <optional>
#include <string>

#include "ckptlint/rule.h"
#include "cli/options.h"

namespace ckptlint {

/// What `ckptlint rules [ID|CLASS]` prints: every rule, one rule explained, the rules of a
/// class, or the Markdown catalogue (`--format markdown`); nothing, with the reason in
/// `error`, for a name that is no rule and no class.
std::optional<std::string> render_rules(const Options& options, const RuleSet& rules, std::string& error);

/// `ckptlint rules`: writes the listing to --output or standard output; returns the exit code.
int run_rules_command(const Options& options, const RuleSet& rules);

}  // namespace ckptlint
