// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ckptlint/finding.h"

namespace ckptlint {

/// Metadata of one YAML rule: identity and wording. What it checks is its primitive's business.
struct Rule {
  std::string id;                        ///< kebab-case; equals the YAML file name
  FailureClass failure_class = FailureClass::corrupt_file;  ///< the diagnosis (PRODUCT.md §5)
  Severity severity = Severity::error;   ///< default severity
  std::string summary;                   ///< one line; SARIF shortDescription, `ckptlint rules`
  std::string message;                   ///< template with {placeholders} filled from facts
  std::string key;                       ///< template: dotted path of the JSON key (in the finding's file) at fault
  std::string help;                      ///< likely cause and remedy
  std::vector<std::string> references;   ///< where the facts behind the rule come from
  std::string primitive;                 ///< name of the C++ primitive it runs
  std::string with;                      ///< the primitive's parameters, as YAML flow text (for docs)
  std::vector<std::string> model_types;  ///< applies only to these config model_type values (empty: any)
  std::vector<std::string> layouts;      ///< applies only to these layouts (empty: any)
  std::vector<std::string> kinds;        ///< "checkpoint", "adapter" (empty: any)
  std::string when;                      ///< expression over config values that must hold (empty: always)
  bool enabled_by_default = true;        ///< false: runs only when --select names it
  std::string aggregate;                 ///< the message its findings of one cause fold into ("" = none)
  std::vector<std::string> explains;     ///< rules whose findings it folds in, as "rule-id (same tensor)"
  std::string fix;                       ///< what `ckptlint fix` does about it ("" = no fix), with its safety
  std::string source;                    ///< the YAML file it came from
};

/// A problem in a rule file, not in the checkpoint (exit code 2).
struct RuleError {
  std::string file;
  int line = 0;    ///< 1-based; 0 when unknown
  int column = 0;  ///< 1-based; 0 when unknown
  std::string message;
};

/// "file:line:column: message".
std::string to_string(const RuleError& error);

/// What the loader built from the packs (compiled rules, layout models); opaque here.
struct RulePacks;

/// The loaded, validated rules and layout models; cheap to copy.
class RuleSet {
 public:
  RuleSet();
  explicit RuleSet(std::shared_ptr<const RulePacks> packs);
  /// Rule metadata, sorted by id.
  std::vector<const Rule*> rules() const;
  const Rule* find(const std::string& id) const;
  std::size_t size() const;
  /// The packs' contents, for the engine (rules/rule_packs.h).
  const RulePacks& packs() const { return *packs_; }

 private:
  std::shared_ptr<const RulePacks> packs_;
};

}  // namespace ckptlint
