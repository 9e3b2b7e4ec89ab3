// SPDX-License-Identifier: Apache-2.0
// A tensor whose shape differs from what the config implies (hidden size, head dims on full
// vs sliding layers, double-wide MLP on shared layers). For a quantized module the leading
// dimensions are compared here and the packed last one by the quant-shapes checks.
#include "primitives/layout_facts.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

class LayoutShapeMismatch final : public Primitive {
 public:
  explicit LayoutShapeMismatch(Expr where) : where_(std::move(where)) {}
  std::vector<std::string> fact_names() const override {
    auto names = entry_fact_names();
    names.push_back("shape");
    return names;
  }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    for (const LayoutEntry& e : a.layout->entries) {
      const TensorInfo* t = a.tensor_of(e);
      if (t == nullptr || !a.where(where_, e)) continue;
      if (a.scheme_module(e) != nullptr) continue;  // a scheme's packed weight: the scheme's own checks
      // A packed weight whose .scales sit in a shard that could not be read: its quantization
      // is unseen, and that shard is the finding.
      if (!e.module.empty() && a.declared_unread.count(e.module + ".scales") != 0) continue;
      bool packed = t->dtype == DType::U32 && !e.module.empty() && a.modules.at(e.module).quantized();
      bool same = packed ? t->shape.size() == e.shape.size() &&
                               std::equal(e.shape.begin(), e.shape.end() - 1, t->shape.begin())
                         : t->shape == e.shape;
      if (same) continue;
      Match m = entry_match(a, e, e.name);
      m.facts.emplace_back("shape", typed_shape_text(to_string(t->dtype), t->shape));
      out.push_back(std::move(m));
    }
  }

 private:
  Expr where_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_shape_mismatch(PrimitiveArgs& with) {
  with.allow_only({"where"});
  return std::make_unique<LayoutShapeMismatch>(with.expression("where", false));
}

}  // namespace ckptlint
