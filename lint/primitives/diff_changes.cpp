// SPDX-License-Identifier: Apache-2.0
// `ckptlint diff`: one kind of change between base and fused, grouped by tensor kind (layer
// numbers folded: "layers.N.self_attn.q_proj.weight in layers 0-28"), so a fuse that touched
// 2,000 tensors reads as a few lines.
//
//   set: only-base | only-fused | dtype | shape | changed | dequantized | requantized | untargeted
#include <fmt/format.h>

#include <map>
#include <set>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "util/ranges.h"

namespace ckptlint {
namespace {

enum class Set { only_base, only_fused, dtype, shape, changed, dequantized, requantized, untargeted };

// Whether the fused config.json followed the dequantized modules.
std::string config_note(const DiffModel& d) {
  if (d.dequantized.empty()) return "";
  if (d.dequantized_config_followed == d.dequantized.size()) return "the fused config.json marks them float";
  if (d.dequantized_config_followed == 0) return "the fused config.json still declares them quantized";
  return fmt::format("the fused config.json marks {} of {} float", d.dequantized_config_followed, d.dequantized.size());
}

class DiffChanges final : public Primitive {
 public:
  explicit DiffChanges(Set set) : set_(set) {}
  std::vector<std::string> fact_names() const override {
    return {"kind", "layers", "count", "tensor", "file", "base", "fused", "total", "change", "config"};
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const DiffModel* d = context.analysis.diff.get();
    if (d == nullptr) return;
    std::vector<TensorDelta> modules;
    const std::vector<TensorDelta>* list = nullptr;
    switch (set_) {
      case Set::only_base: list = &d->only_base; break;
      case Set::only_fused: list = &d->only_fused; break;
      case Set::dtype: list = &d->dtype_changed; break;
      case Set::shape: list = &d->shape_changed; break;
      case Set::changed: list = &d->changed; break;
      case Set::dequantized:
      case Set::requantized:
      case Set::untargeted:
        for (const std::string& m : set_ == Set::dequantized ? d->dequantized : set_ == Set::requantized ? d->requantized : d->untargeted) {
          auto it = context.analysis.modules.find(m);
          modules.push_back({m, it == context.analysis.modules.end() ? "" : it->second.file, "", "", std::nullopt});
        }
        list = &modules;
        break;
    }
    struct Group {
      std::set<long> layers;
      std::size_t count = 0;
      const TensorDelta* first = nullptr;
      std::set<std::string> base, fused;
      std::optional<double> largest;  // relative change of changed weights
    };
    std::map<std::string, Group> groups;
    for (const TensorDelta& t : *list) {
      std::optional<long> layer;
      Group& g = groups[kind_of(t.name, layer)];
      if (layer) g.layers.insert(*layer);
      ++g.count;
      if (g.first == nullptr) g.first = &t;
      if (!t.base_value.empty()) g.base.insert(t.base_value);
      if (!t.fused_value.empty()) g.fused.insert(t.fused_value);
      if (t.relative) g.largest = std::max(g.largest.value_or(0), *t.relative);
    }
    for (const auto& [kind, g] : groups) {
      Match m;
      m.location = location_at(g.first->file, g.first->name);
      m.facts = {{"kind", kind},
                 {"layers", g.layers.empty() ? "" : " in layers " + format_ranges(g.layers)},
                 {"count", std::to_string(g.count)},
                 {"tensor", g.first->name},
                 {"file", g.first->file},
                 {"base", fmt::format("{}", fmt::join(g.base, ", "))},
                 {"fused", fmt::format("{}", fmt::join(g.fused, ", "))},
                 {"total", std::to_string(list->size())},
                 {"change", g.largest ? fmt::format(" (largest relative change {:.3g}%)", 100 * *g.largest) : ""},
                 {"config", config_note(*d)}};
      out.push_back(std::move(m));
    }
  }

 private:
  Set set_;
};

}  // namespace

std::unique_ptr<Primitive> make_diff_changes(PrimitiveArgs& with) {
  with.allow_only({"set"});
  static const std::vector<std::pair<std::string, Set>> kSets = {
      {"only-base", Set::only_base}, {"only-fused", Set::only_fused}, {"dtype", Set::dtype},
      {"shape", Set::shape},         {"changed", Set::changed},       {"dequantized", Set::dequantized},
      {"requantized", Set::requantized}, {"untargeted", Set::untargeted}};
  std::string name = with.string("set", true);
  for (const auto& [n, s] : kSets) {
    if (n == name) return std::make_unique<DiffChanges>(s);
  }
  with.error(with.node()["set"], "set must be one of only-base, only-fused, dtype, shape, changed, dequantized, requantized, untargeted");
  return nullptr;
}

}  // namespace ckptlint
