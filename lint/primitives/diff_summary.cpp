// SPDX-License-Identifier: Apache-2.0
// `ckptlint diff`: the two sides in numbers (files, index, quantized triples, quantization,
// tensors compared and changed). With `assert`, matches only when the expression over these
// facts (numbers and booleans) is false, e.g. "base_files == fused_files".
#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class DiffSummary final : public Primitive {
 public:
  explicit DiffSummary(Expr check) : check_(std::move(check)) {}
  std::vector<std::string> fact_names() const override {
    return {"base_files", "fused_files", "base_index", "fused_index", "base_triples", "fused_triples",
            "base_quantization", "fused_quantization", "compared", "changed", "only_base", "only_fused"};
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const DiffModel* d = context.analysis.diff.get();
    if (d == nullptr) return;
    VarList vars = {{"base_files", d->base_files},
                    {"fused_files", d->fused_files},
                    {"base_index", d->base_index},
                    {"fused_index", d->fused_index},
                    {"base_triples", d->base_triples},
                    {"fused_triples", d->fused_triples},
                    {"base_quantization", d->base_quantization},
                    {"fused_quantization", d->fused_quantization},
                    {"compared", d->compared},
                    {"changed", d->values_compared ? nlohmann::json(std::to_string(d->changed.size()) + " of " + std::to_string(d->compared) + " common tensors")
                                                   : nlohmann::json("not compared (headers only: --no-values, or a side read over HTTP)")},
                    {"only_base", d->only_base.size()},
                    {"only_fused", d->only_fused.size()}};
    if (!check_.empty()) {
      Scope scope;
      scope.parent = &context.scope;
      scope.vars = vars;
      nlohmann::json result = check_.eval(scope);
      if (result.is_null() || truthy(result)) return;
    }
    Match m;
    m.location = location_at(d->fused_index ? "model.safetensors.index.json" : "", "");
    for (const auto& [name, value] : vars) {
      m.facts.emplace_back(name, value.is_boolean() ? (value.get<bool>() ? "yes" : "no") : render_value(value));
    }
    out.push_back(std::move(m));
  }

 private:
  Expr check_;
};

}  // namespace

std::unique_ptr<Primitive> make_diff_summary(PrimitiveArgs& with) {
  with.allow_only({"assert"});
  return std::make_unique<DiffSummary>(with.expression("assert", false));
}

}  // namespace ckptlint
