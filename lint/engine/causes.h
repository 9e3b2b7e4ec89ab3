// SPDX-License-Identifier: Apache-2.0
// One cause, one finding. A config value or a mismatch between base and adapter can explain
// hundreds of tensor findings (a group_size the tensors disagree with: one per scales and
// biases tensor); a gate wants the cause once, with what it explains as related locations.
// Rules say so in YAML (rules/README.md):
//
//   aggregate:   the rule's own findings that share one cause (the same rendering of `by`)
//                become one finding with its own message (`count`, `module_count`, `modules`)
//   explains:    findings of other rules this rule's finding causes (the same tensor, module,
//                file, or anywhere in the run) fold into it
//
// Folded findings leave the report and stay reachable as Finding::related and `folded`.
#pragma once
#include <functional>
#include <vector>

#include "ckptlint/finding.h"
#include "rules/compiled_rule.h"

namespace ckptlint {

/// Applies `rule.aggregate` to the rule's own `findings` (in place, order kept: a folded
/// finding takes its first member's place); `locate` points a new finding at its JSON key.
void aggregate_findings(const CompiledRule& rule, std::vector<Finding>& findings, const std::function<void(Finding&)>& locate);

/// Folds the findings each rule of `rules` explains into the finding that explains them.
void fold_explained(const std::vector<const CompiledRule*>& rules, std::vector<Finding>& findings);

}  // namespace ckptlint
