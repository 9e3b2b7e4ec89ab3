// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>
#include <vector>

#include "ckptlint/rule.h"

namespace ckptlint {

/// The rule set `ckptlint` runs with: the packs embedded at build time plus `extra_dirs`,
/// or, when CKPTLINT_RULES_DIR is set, that directory's YAML plus `extra_dirs`. With
/// `layouts_only`, only the layout models (what the `layout` command uses).
RuleSet load_cli_rules(const std::vector<std::string>& extra_dirs, std::vector<RuleError>& errors,
                       std::string& description, bool layouts_only = false);

/// The example finding of a built-in rule (its trigger fixture's first golden line), or "".
std::string builtin_example(const std::string& rule_id);

}  // namespace ckptlint
