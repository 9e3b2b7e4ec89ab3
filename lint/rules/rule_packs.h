// SPDX-License-Identifier: Apache-2.0
// What a RuleSet holds: the compiled rules, the layout models and the token facts of the
// loaded packs.
#pragma once
#include <memory>
#include <vector>

#include "analysis/token_facts.h"
#include "ckptlint/rule.h"
#include "layout/layout_model.h"
#include "rules/compiled_rule.h"

namespace ckptlint {

struct RulePacks {
  std::vector<std::shared_ptr<const CompiledRule>> rules;  ///< sorted by id
  LayoutModels layouts;                                     ///< *.layout.yaml, in load order
  TokenFactsList token_facts;                               ///< *.tokens.yaml, in load order
};

}  // namespace ckptlint
