// SPDX-License-Identifier: Apache-2.0
// One match describing an adapter as a whole: how many LoRA pairs, of which ranks, on which
// decoder layers and module kinds. With `assert`, it matches only when the expression is
// false; the expression sees the facts as variables (pairs, first_layer, last_layer,
// layer_count as numbers) besides the config, e.g. "first_layer < first_kv_shared";
// `facts` are extra named expressions over the same scope, for the message.
#include <fmt/format.h>

#include <map>
#include <set>

#include "analysis/analysis.h"
#include "primitives/adapter_facts.h"
#include "util/ranges.h"

namespace ckptlint {
namespace {

class AdapterSummary final : public Primitive {
 public:
  AdapterSummary(Expr check, std::vector<std::pair<std::string, Expr>> facts) : check_(std::move(check)), facts_(std::move(facts)) {}
  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = {"file", "dialect", "pairs", "ranks", "layers", "first_layer", "last_layer", "layer_count", "modules"};
    for (const auto& [name, e] : facts_) names.push_back(name);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.adapter || a.adapter->pairs.empty()) return;
    std::set<long> layers;
    std::set<std::uint64_t> ranks;
    std::map<std::string, std::size_t> kinds;
    for (const LoraPair& p : a.adapter->pairs) {
      if (p.layer) layers.insert(*p.layer);
      if (auto d = p.dims()) ranks.insert(d->rank_a);
      ++kinds[p.leaf];
    }
    std::string modules;
    for (const auto& [leaf, n] : kinds) modules += fmt::format("{}{} ({})", modules.empty() ? "" : ", ", leaf, n);
    nlohmann::json first = layers.empty() ? nlohmann::json(nullptr) : nlohmann::json(*layers.begin());
    nlohmann::json last = layers.empty() ? nlohmann::json(nullptr) : nlohmann::json(*layers.rbegin());
    Scope scope;
    scope.parent = &context.scope;
    scope.vars = {{"pairs", a.adapter->pairs.size()}, {"first_layer", first}, {"last_layer", last}, {"layer_count", layers.size()}};
    if (!check_.empty()) {
      nlohmann::json result = check_.eval(scope);
      if (result.is_null() || truthy(result)) return;
    }
    Match m;
    m.location = location_at(a.adapter->weights_file, "");
    m.facts = {{"file", a.adapter->weights_file},
               {"dialect", a.adapter->dialect},
               {"pairs", std::to_string(a.adapter->pairs.size())},
               {"ranks", ranks.empty() ? "unknown" : fmt::format("{}", fmt::join(ranks, ", "))},
               {"layers", layers.empty() ? "none" : format_ranges(layers)},
               {"first_layer", render_value(first)},
               {"last_layer", render_value(last)},
               {"layer_count", std::to_string(layers.size())},
               {"modules", modules}};
    for (const auto& [name, e] : facts_) m.facts.emplace_back(name, render_value(e.eval(scope)));
    out.push_back(std::move(m));
  }

 private:
  Expr check_;
  std::vector<std::pair<std::string, Expr>> facts_;
};

}  // namespace

std::unique_ptr<Primitive> make_adapter_summary(PrimitiveArgs& with) {
  with.allow_only({"assert", "facts"});
  Expr check = with.expression("assert", false);
  return std::make_unique<AdapterSummary>(std::move(check), with.expressions("facts"));
}

}  // namespace ckptlint
