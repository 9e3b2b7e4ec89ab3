// SPDX-License-Identifier: Apache-2.0
// Tensors the layout requires that the checkpoint lacks. Optional entries (KV-shared k/v)
// and parts the checkpoint leaves out entirely (towers of a text-only save) do not count.
// `where` narrows the entries (e.g. `kv` for the owner-layer K/V rule). A tensor the index
// maps to a shard that could not be read is that shard's finding, not a missing tensor.
#include "primitives/layout_facts.h"

namespace ckptlint {
namespace {

class LayoutTensorMissing final : public Primitive {
 public:
  explicit LayoutTensorMissing(Expr where) : where_(std::move(where)) {}
  std::vector<std::string> fact_names() const override { return entry_fact_names(); }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    for (const LayoutEntry& e : a.layout->entries) {
      if (e.optional || a.has(e) || !a.part_expected(e) || !a.where(where_, e)) continue;
      if (a.declared_unread.count(e.name) != 0) continue;  // in a shard not read: that shard's finding
      out.push_back(entry_match(a, e, e.name));
    }
  }

 private:
  Expr where_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_tensor_missing(PrimitiveArgs& with) {
  with.allow_only({"where"});
  return std::make_unique<LayoutTensorMissing>(with.expression("where", false));
}

}  // namespace ckptlint
