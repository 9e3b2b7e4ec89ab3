// SPDX-License-Identifier: Apache-2.0
// Rule selectors are checked before anything runs: a mistyped id in --select would run no
// rule and pass, one in --ignore or a baseline would silently keep (or hide) nothing. Each
// must name a rule (its id, or a glob that matches at least one) or a failure class; an
// unknown one is a usage error with the nearest rule id or class.
#pragma once
#include <string>
#include <vector>

#include "ckptlint/rule.h"

namespace ckptlint {

/// "" when every pattern selects something; else the usage error for the first that does
/// not: "--select: no rule or class 'mixed-quant' (did you mean 'mixed-quantization'?)".
/// `where` names the source ("--select", ".ckptlint.yaml:3: ignore").
std::string check_selectors(const RuleSet& rules, const std::vector<std::string>& patterns, const std::string& where);

/// The same for exact rule ids (severity overrides, baseline entries): no globs, no classes.
std::string check_rule_ids(const RuleSet& rules, const std::vector<std::string>& ids, const std::string& where);

/// " (did you mean 'x'?)" with the rule id or class name nearest to `typed`, or "".
std::string suggest_rule(const RuleSet& rules, const std::string& typed, bool with_classes = true);

}  // namespace ckptlint
