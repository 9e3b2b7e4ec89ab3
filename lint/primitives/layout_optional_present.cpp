// SPDX-License-Identifier: Apache-2.0
// Optional tensors the checkpoint carries: legal, but worth knowing (dead KV-shared k/v in
// PTQ files, which loaders drop and older mlx-lm versions reject).
#include "primitives/layout_facts.h"

namespace ckptlint {
namespace {

class LayoutOptionalPresent final : public Primitive {
 public:
  explicit LayoutOptionalPresent(Expr where) : where_(std::move(where)) {}
  std::vector<std::string> fact_names() const override { return entry_fact_names(); }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    for (const LayoutEntry& e : a.layout->entries) {
      if (e.optional && a.has(e) && a.where(where_, e)) out.push_back(entry_match(a, e, e.name));
    }
  }

 private:
  Expr where_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_optional_present(PrimitiveArgs& with) {
  with.allow_only({"where"});
  return std::make_unique<LayoutOptionalPresent>(with.expression("where", false));
}

}  // namespace ckptlint
