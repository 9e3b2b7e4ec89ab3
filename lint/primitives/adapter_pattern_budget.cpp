// SPDX-License-Identifier: Apache-2.0
// PEFT module patterns whose matching ran out of its work budget (adapter/adapter_patterns.h):
// the checks that needed them said nothing, and this says why. `key` is the config key
// ("target_modules", "rank_pattern") for the rule's location.
//
//   targets:      expression giving the target list; a string is a regular expression
//   rank-pattern: expression giving the object of module pattern -> rank
#include <fmt/format.h>

#include "adapter/adapter_patterns.h"
#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class AdapterPatternBudget final : public Primitive {
 public:
  AdapterPatternBudget(Expr targets, Expr rank_pattern) : targets_(std::move(targets)), rank_pattern_(std::move(rank_pattern)) {}
  std::vector<std::string> fact_names() const override { return {"file", "key", "pattern", "pairs", "budget", "skipped"}; }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.adapter) return;
    const std::vector<LoraPair>& pairs = a.adapter->pairs;
    const std::string file = context.checkpoint.config ? context.checkpoint.config->file : "";
    auto report = [&](std::string key, std::string pattern, std::string skipped) {
      Match m;
      m.location = location_at(file, "");
      m.facts = {{"file", file},
                 {"key", std::move(key)},
                 {"pattern", std::move(pattern)},
                 {"pairs", std::to_string(pairs.size())},
                 {"budget", std::to_string(kPatternWorkBudget)},
                 {"skipped", std::move(skipped)}};
      out.push_back(std::move(m));
    };
    if (!targets_.empty()) {
      const nlohmann::json targets = targets_.eval(context.scope);
      if (targets.is_string() && a.patterns->target_regex(targets.get<std::string>(), pairs).over_budget) {
        report("target_modules", fmt::format("target_modules '{}'", targets.get<std::string>()), "the target checks were skipped");
      }
    }
    if (!rank_pattern_.empty()) {
      const RankPatternMatch& ranks = a.patterns->rank_pattern(rank_pattern_.eval(context.scope), pairs);
      if (ranks.over_budget) report("rank_pattern", "rank_pattern", fmt::format("the rank checks of {} pairs were skipped", ranks.undecided));
    }
  }

 private:
  Expr targets_;
  Expr rank_pattern_;
};

}  // namespace

std::unique_ptr<Primitive> make_adapter_pattern_budget(PrimitiveArgs& with) {
  with.allow_only({"targets", "rank-pattern"});
  Expr targets = with.expression("targets", false);
  Expr rank_pattern = with.expression("rank-pattern", false);
  return std::make_unique<AdapterPatternBudget>(std::move(targets), std::move(rank_pattern));
}

}  // namespace ckptlint
