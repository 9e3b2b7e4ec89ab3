// SPDX-License-Identifier: Apache-2.0
// Layout modules stored quantized, filtered by `where` over the entry's labels and the
// module's actual `bits`, `group_size` and `mode`. The bits are read from the packed width
// and the float width the layout implies (the ground truth), falling back to the config.
#include "primitives/layout_facts.h"

namespace ckptlint {
namespace {

class QuantizedModules final : public Primitive {
 public:
  explicit QuantizedModules(Expr where) : where_(std::move(where)) {}
  std::vector<std::string> fact_names() const override {
    auto names = entry_fact_names();
    for (const char* n : {"module", "bits", "group_size", "mode"}) names.push_back(n);
    return names;
  }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    for (const LayoutEntry& e : a.layout->entries) {
      if (e.module.empty() || !a.has(e)) continue;
      const StoredModule& m = a.modules.at(e.module);
      if (!m.quantized() || m.weight == nullptr || m.weight->shape.empty() || e.shape.empty()) continue;
      std::optional<QuantParams> p = a.quant.params_for(e.module);
      std::int64_t bits = p ? p->bits : 0;
      std::uint64_t in = e.shape.back(), packed = m.weight->shape.back();
      if (m.weight->dtype == DType::U32 && in > 0 && (packed * 32) % in == 0) bits = static_cast<std::int64_t>(packed * 32 / in);
      std::int64_t gs = p ? p->group_size : 0;
      if (!m.scales->shape.empty() && m.scales->shape.back() > 0 && in % m.scales->shape.back() == 0) {
        gs = static_cast<std::int64_t>(in / m.scales->shape.back());
      }
      std::string mode = p ? p->mode : "affine";
      VarList extra = {{"bits", bits}, {"group_size", gs}, {"mode", mode}};
      if (!a.where(where_, e, extra)) continue;
      Match match = entry_match(a, e, e.name);
      match.facts.emplace_back("module", e.module);
      match.facts.emplace_back("bits", std::to_string(bits));
      match.facts.emplace_back("group_size", std::to_string(gs));
      match.facts.emplace_back("mode", mode);
      out.push_back(std::move(match));
    }
  }

 private:
  Expr where_;
};

}  // namespace

std::unique_ptr<Primitive> make_quantized_modules(PrimitiveArgs& with) {
  with.allow_only({"where"});
  return std::make_unique<QuantizedModules>(with.expression("where", false));
}

}  // namespace ckptlint
