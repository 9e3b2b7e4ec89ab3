// SPDX-License-Identifier: Apache-2.0
// The adapter config's target list against the pairs in its weights file.
//
//   targets: expression giving the targets: a list of module names, each matching a module
//            path equal to it or ending in ".<name>" (mlx-lm's layer-relative keys, mlx-vlm's
//            full paths, PEFT's name lists), or a string: a regular expression matched
//            against the whole path (PEFT's target_modules string, Python re.fullmatch).
//   check:   untargeted     pairs no target matches (a loader that goes by the config drops them)
//            unused-target  list entries that match no pair (nothing was trained there)
//            bad-pattern    a target regular expression ckptlint cannot evaluate
#include <fmt/format.h>

#include "adapter/adapter_patterns.h"
#include "analysis/analysis.h"
#include "primitives/adapter_facts.h"

namespace ckptlint {
namespace {

enum class Check { untargeted, unused_target, bad_pattern };

bool suffix_match(const std::string& module, const std::string& target) {
  if (target.empty() || module.size() < target.size()) return false;
  if (module.size() == target.size()) return module == target;
  return module.compare(module.size() - target.size(), target.size(), target) == 0 && module[module.size() - target.size() - 1] == '.';
}

class AdapterTargets final : public Primitive {
 public:
  AdapterTargets(Check check, Expr targets) : check_(check), targets_(std::move(targets)) {}
  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = pair_fact_names();
    for (const char* f : {"target", "targets", "error"}) names.push_back(f);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.adapter) return;
    const nlohmann::json targets = targets_.eval(context.scope);
    const std::string listing = render_value(targets);
    const std::string file = context.checkpoint.config ? context.checkpoint.config->file : "";
    if (targets.is_string()) {
      // A pattern that does not compile is bad-pattern's; one that ran out of work is
      // adapter-pattern-budget's: either way the target checks cannot say anything.
      const TargetRegexMatch& matched = a.patterns->target_regex(targets.get<std::string>(), a.adapter->pairs);
      if (!matched.error.empty()) {
        if (check_ == Check::bad_pattern) out.push_back(target_match(file, targets.get<std::string>(), listing, matched.error));
        return;
      }
      if (matched.over_budget) return;
      bool any = false;
      for (std::size_t i = 0; i < a.adapter->pairs.size(); ++i) {
        const bool hit = matched.hits[i] != 0;
        any = any || hit;
        if (!hit && check_ == Check::untargeted) out.push_back(pair_with(a.adapter->pairs[i], listing));
      }
      if (!any && check_ == Check::unused_target && !a.adapter->pairs.empty()) {
        out.push_back(target_match(file, targets.get<std::string>(), listing, ""));
      }
      return;
    }
    if (!targets.is_array()) return;  // no list: every module was eligible
    std::vector<std::string> names;
    for (const nlohmann::json& t : targets) {
      if (t.is_string()) names.push_back(t.get<std::string>());
    }
    if (check_ == Check::untargeted) {
      for (const LoraPair& p : a.adapter->pairs) {
        bool hit = false;
        for (const std::string& n : names) hit = hit || suffix_match(p.module, n);
        if (!hit) out.push_back(pair_with(p, listing));
      }
    } else if (check_ == Check::unused_target && !a.adapter->pairs.empty()) {
      for (const std::string& n : names) {
        bool hit = false;
        for (const LoraPair& p : a.adapter->pairs) hit = hit || suffix_match(p.module, n);
        if (!hit) out.push_back(target_match(file, n, listing, ""));
      }
    }
  }

 private:
  static Match pair_with(const LoraPair& p, const std::string& listing) {
    Match m = pair_match(p);
    m.facts.emplace_back("target", "");
    m.facts.emplace_back("targets", listing);
    m.facts.emplace_back("error", "");
    return m;
  }

  static Match target_match(const std::string& file, const std::string& target, const std::string& listing, const std::string& error) {
    Match m;
    m.location.file = file;
    for (const std::string& f : pair_fact_names()) m.facts.emplace_back(f, "");
    m.facts[2].second = file;  // "file"
    m.facts.emplace_back("target", target);
    m.facts.emplace_back("targets", listing);
    m.facts.emplace_back("error", error);
    return m;
  }

  Check check_;
  Expr targets_;
};

}  // namespace

std::unique_ptr<Primitive> make_adapter_targets(PrimitiveArgs& with) {
  with.allow_only({"check", "targets"});
  std::string name = with.string("check", true);
  Expr targets = with.expression("targets", true);
  Check check = Check::untargeted;
  if (name == "unused-target") check = Check::unused_target;
  else if (name == "bad-pattern") check = Check::bad_pattern;
  else if (name != "untargeted") {
    with.error(with.node()["check"], "check must be untargeted, unused-target or bad-pattern");
    return nullptr;
  }
  if (targets.empty()) return nullptr;
  return std::make_unique<AdapterTargets>(check, std::move(targets));
}

}  // namespace ckptlint
