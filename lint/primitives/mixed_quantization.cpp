// SPDX-License-Identifier: Apache-2.0
// A checkpoint partly dequantized by hand. Loaders decide per module from .scales, so a
// conversion that keeps whole kinds of modules float (the PLE-safe recipe: embeddings, PLE
// path, towers) is consistent. The hand-fused signature is a split inside one kind of
// module (q_proj float in layers 0-28, quantized in 29-41) or inside one group of one layer
// (q/v float beside quantized k/o), while the config still declares quantization. Modules
// with their own config entry (e.g. `false`) are intended and not counted. One summary match.
#include <fmt/format.h>

#include <map>
#include <set>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "util/ranges.h"

namespace ckptlint {
namespace {

using KindLayers = std::map<std::string, std::set<long>>;

std::string summarize(const KindLayers& kinds) {
  std::string out;
  for (const auto& [kind, layers] : kinds) {
    out += (out.empty() ? "" : "; ") + kind;
    if (!layers.empty()) out += fmt::format(" in layers {}", format_ranges(layers));
  }
  return out;
}

std::size_t total(const KindLayers& kinds) {
  std::size_t n = 0;
  for (const auto& [kind, layers] : kinds) n += std::max<std::size_t>(layers.size(), 1);
  return n;
}

// The config sections that declare the quantization: both copies go stale together.
std::string config_keys(const Checkpoint& ck) {
  std::string keys;
  for (const char* k : {"quantization", "quantization_config"}) {
    if (ck.config && ck.config->value.is_object() && ck.config->value.contains(k)) keys += (keys.empty() ? "" : " and ") + std::string(k);
  }
  return keys;
}

class MixedQuantization final : public Primitive {
 public:
  explicit MixedQuantization(Expr where) : where_(std::move(where)) {}
  std::vector<std::string> fact_names() const override {
    return {"file", "float_count", "quantized_count", "float_modules", "quantized_modules", "config_quantization",
            "config_keys"};
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout || !a.quant.present || !a.quant.global) return;
    // The quantizable modules present whose state the config leaves to the recipe.
    std::vector<std::pair<const LayoutEntry*, bool>> considered;  // entry, quantized
    std::map<std::string_view, std::pair<int, int>> by_kind;      // kind -> (float, quantized)
    std::map<std::pair<std::string_view, long>, std::pair<int, int>> by_group_layer;
    for (const LayoutEntry& e : a.layout->entries) {
      if (e.module.empty() || !a.has(e) || !a.where(where_, e)) continue;
      // The config says how this one is meant (or tries to: an unusable entry is its own finding).
      if (a.quant.explicit_entry(e.module) != nullptr || a.quant.unusable_entry(e.module) != nullptr) continue;
      // MLX leaves a module float when its input width does not divide into groups.
      if (e.shape.empty() || e.shape.back() % static_cast<std::uint64_t>(std::max(a.quant.global->group_size, 1)) != 0) continue;
      const auto& stored = a.modules.at(e.module);
      bool q = stored.quantized();
      // A packed weight that lost its .scales is broken quantization (quant-scales-missing),
      // not a module someone dequantized.
      if (!q && stored.weight != nullptr && !is_float(stored.weight->dtype)) continue;
      considered.emplace_back(&e, q);
      (q ? by_kind[e.kind].second : by_kind[e.kind].first)++;
      if (e.layer) (q ? by_group_layer[{e.group, *e.layer}].second : by_group_layer[{e.group, *e.layer}].first)++;
    }
    auto split = [](const std::pair<int, int>& n) { return n.first > 0 && n.second > 0; };
    // Only the modules involved in a split are listed: a kind that is float everywhere is a
    // recipe choice unless it sits beside quantized modules of its group in the same layer.
    KindLayers floats, quants;
    std::vector<Location> float_weights;  // the float modules involved, for reports that point at them
    for (const auto& [e, q] : considered) {
      bool involved = split(by_kind[e->kind]) || (e->layer && split(by_group_layer[{e->group, *e->layer}]));
      if (!involved) continue;
      auto& bucket = (q ? quants : floats)[std::string(e->kind)];
      if (e->layer) bucket.insert(*e->layer);
      if (const std::string* file = a.file_of.find(e->name); !q && file != nullptr) float_weights.push_back(location_at(*file, e->name));
    }
    if (floats.empty() || quants.empty()) return;
    Match m;
    m.related = std::move(float_weights);
    m.location = location_at("config.json", "", "/" + a.quant.key);
    m.facts = {{"file", "config.json"},
               {"float_count", std::to_string(total(floats))},
               {"quantized_count", std::to_string(total(quants))},
               {"float_modules", summarize(floats)},
               {"quantized_modules", summarize(quants)},
               {"config_quantization", describe(*a.quant.global)},
               {"config_keys", config_keys(context.checkpoint)}};
    out.push_back(std::move(m));
  }

 private:
  Expr where_;
};

}  // namespace

std::unique_ptr<Primitive> make_mixed_quantization(PrimitiveArgs& with) {
  with.allow_only({"where"});
  return std::make_unique<MixedQuantization>(with.expression("where", false));
}

}  // namespace ckptlint
