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

struct CompiledRule;
struct LayoutModel;

/// The loaded, validated rules and layout models; cheap to copy.
class RuleSet {
 public:
  RuleSet() = default;
  RuleSet(std::vector<std::shared_ptr<const CompiledRule>> rules, std::vector<std::shared_ptr<const LayoutModel>> layouts);
  /// Rule metadata, sorted by id.
  std::vector<const Rule*> rules() const;
  const Rule* find(const std::string& id) const;
  const std::vector<std::shared_ptr<const CompiledRule>>& compiled() const { return rules_; }
  std::size_t size() const { return rules_.size(); }
  /// Layout models (*.layout.yaml) from the same packs.
  const std::vector<std::shared_ptr<const LayoutModel>>& layouts() const { return layouts_; }
  /// The layout model that applies to a model_type, or nullptr.
  const LayoutModel* layout_for(const std::vector<std::string>& model_types) const;

 private:
  std::vector<std::shared_ptr<const CompiledRule>> rules_;
  std::vector<std::shared_ptr<const LayoutModel>> layouts_;
};

}  // namespace ckptlint
