// SPDX-License-Identifier: Apache-2.0
// What a RuleSet holds: the compiled rules, the layout models and the token facts of the
// loaded packs.
#pragma once
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <vector>

#include "analysis/token_facts.h"
#include "ckptlint/rule.h"
#include "layout/layout_model.h"
#include "rules/compiled_rule.h"

namespace ckptlint {

using CompiledRules = std::vector<std::shared_ptr<const CompiledRule>>;

struct RulePacks {
  LayoutModels layouts;        ///< *.layout.yaml, in load order
  TokenFactsList token_facts;  ///< *.tokens.yaml, in load order
  std::size_t rule_files = 0;  ///< rule documents loaded (known before the rules are compiled)

  /// The compiled rules, sorted by id. The rules of the embedded packs (validated by the
  /// build) compile on another thread while a run reads and analyses its target, which needs
  /// only the layout models: this waits for them.
  const CompiledRules& rules() const { return rules_.get(); }
  /// Waits until they are compiled, without rethrowing what their compile threw.
  void wait_for_rules() const { rules_.wait(); }
  /// Whether they are compiled (no thread of the packs still runs).
  bool rules_ready() const { return rules_.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }

  /// For the loader: the rules, compiled, or how to compile them on another thread.
  void set_rules(CompiledRules rules) {
    std::promise<CompiledRules> ready;
    ready.set_value(std::move(rules));
    rules_ = ready.get_future().share();
  }
  void compile_rules_beside(std::function<CompiledRules()> compile) {
    rules_ = std::async(std::launch::async, std::move(compile)).share();
  }

 private:
  // The last reference to a std::async result waits for it: the packs outlive their compiler.
  std::shared_future<CompiledRules> rules_ = [] {
    std::promise<CompiledRules> none;
    none.set_value({});
    return none.get_future().share();
  }();
};

}  // namespace ckptlint
