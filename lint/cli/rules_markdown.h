// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <ostream>

#include "ckptlint/rule.h"

namespace ckptlint {

/// The rule reference (docs/rules.md), generated from the loaded YAML rules: `ckptlint rules --format markdown`.
void write_rules_markdown(std::ostream& out, const RuleSet& rules);

}  // namespace ckptlint
