// SPDX-License-Identifier: Apache-2.0
// metadata.total_size must equal the sum of the tensors' byte sizes (what mlx-lm, mlx-vlm
// and transformers write). A stale index carried over from another conversion shows here
// first (mlx-swift-lm #554: 8.9 GB declared, 3.1 GB present).
#include "primitives/index_view.h"
#include "primitives/primitive.h"
#include "util/checked.h"

namespace ckptlint {
namespace {

class IndexTotalSize final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override { return {"file", "declared", "actual", "difference"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Checkpoint& ck = context.checkpoint;
    if (!has_weight_map(ck)) return;
    const nlohmann::json& meta = ck.index->value.contains("metadata") ? ck.index->value["metadata"] : nlohmann::json();
    if (!meta.is_object() || !meta.contains("total_size") || !meta["total_size"].is_number_unsigned()) return;
    std::uint64_t declared = meta["total_size"].get<std::uint64_t>();
    // Sum the bytes of indexed tensors as found in their shards; unknown ones make the sum meaningless.
    std::uint64_t actual = 0;
    for (const auto& [tensor, file] : ck.weight_map) {
      const TensorInfo* t = ck.find(tensor);
      if (t == nullptr) return;
      auto sum = checked_add(actual, t->nbytes());
      if (!sum) return;
      actual = *sum;
    }
    if (actual == declared) return;
    Match m;
    m.location = location_at(ck.index->file, "", "/metadata/total_size");
    std::uint64_t diff = actual > declared ? actual - declared : declared - actual;
    m.facts = {{"file", ck.index->file}, {"declared", std::to_string(declared)}, {"actual", std::to_string(actual)},
               {"difference", (actual > declared ? "+" : "-") + std::to_string(diff)}};
    out.push_back(std::move(m));
  }
};

}  // namespace

std::unique_ptr<Primitive> make_index_total_size(PrimitiveArgs& with) {
  with.allow_only({});
  return std::make_unique<IndexTotalSize>();
}

}  // namespace ckptlint
