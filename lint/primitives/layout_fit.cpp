// SPDX-License-Identifier: Apache-2.0
// The config against the weights as a whole: when many layout tensors that are stored have
// another shape than the config implies, the config does not describe these weights (an E2B
// config beside E4B weights, a wrong head_dim), and that is one cause, not a finding per
// tensor. One match when at least 8 tensors differ and either `at-least-percent` of the
// stored layout tensors do, or the differences run through at least half of the stored
// layers (a config value every layer uses). `facts` adds named expressions.
#include <set>

#include "primitives/layout_facts.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

// The stored shape is the one the config implies; a packed weight by its leading dimensions
// (its packed width depends on the bits, which the quantization rules check: a wrong bits
// value is theirs, not another model).
bool same_shape(const Analysis& a, const LayoutEntry& e, const TensorInfo& t) {
  bool packed = t.dtype == DType::U32 && !e.module.empty() && a.modules.at(e.module).quantized();
  if (!packed) return t.shape == e.shape;
  return t.shape.size() == e.shape.size() && !e.shape.empty() && std::equal(e.shape.begin(), e.shape.end() - 1, t.shape.begin());
}

class LayoutFit final : public Primitive {
 public:
  LayoutFit(std::int64_t percent, std::vector<std::pair<std::string, Expr>> facts) : percent_(percent), facts_(std::move(facts)) {}
  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = {"file", "stored", "mismatched", "example"};
    for (const auto& [name, e] : facts_) names.push_back(name);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    std::size_t stored = 0, mismatched = 0;
    std::set<long> layers, layers_off;
    std::string example;
    for (const LayoutEntry& e : a.layout->entries) {
      const TensorInfo* t = a.tensor_of(e);
      if (t == nullptr || a.scheme_module(e) != nullptr) continue;
      ++stored;
      if (e.layer) layers.insert(*e.layer);
      if (same_shape(a, e, *t)) continue;
      ++mismatched;
      if (e.layer) layers_off.insert(*e.layer);
      if (example.empty()) {
        example = fmt::format("'{}' is {} where the config implies {}", e.name, shape_text(t->shape), shape_text(e.shape));
      }
    }
    const bool most = mismatched * 100 >= stored * static_cast<std::size_t>(percent_);
    const bool every_layer = !layers.empty() && layers_off.size() * 2 >= layers.size();
    if (mismatched < 8 || !(most || every_layer)) return;
    Match m;
    m.location = location_at("config.json", "");
    m.facts = {{"file", "config.json"}, {"stored", std::to_string(stored)}, {"mismatched", std::to_string(mismatched)}, {"example", example}};
    for (const auto& [name, e] : facts_) m.facts.emplace_back(name, render_value(e.eval(context.scope)));
    out.push_back(std::move(m));
  }

 private:
  std::int64_t percent_;
  std::vector<std::pair<std::string, Expr>> facts_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_fit(PrimitiveArgs& with) {
  with.allow_only({"at-least-percent", "facts"});
  std::int64_t percent = with.integer("at-least-percent", false, 50);
  if (percent < 1 || percent > 100) with.error(with.node()["at-least-percent"], "at-least-percent must be 1 to 100");
  return std::make_unique<LayoutFit>(percent, with.expressions("facts"));
}

}  // namespace ckptlint
