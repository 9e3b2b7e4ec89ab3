// SPDX-License-Identifier: Apache-2.0
// A shard holds a tensor the index does not list (or lists under another shard): glob
// loaders (mlx-lm) load it, index loaders (transformers, mlx-vlm) never see it.
#include "ckptlint/name_index.h"
#include "primitives/index_view.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class TensorMissingFromIndex final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override { return {"tensor", "file", "indexed_shard"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Checkpoint& ck = context.checkpoint;
    if (!has_weight_map(ck)) return;
    const std::set<std::string_view> indexed = indexed_files(ck);
    // The index's entries by tensor name (the reader has dropped duplicates).
    NameIndex listed_in(ck.weight_map.size());
    auto tensor_at = [&](std::size_t i) -> std::string_view { return ck.weight_map[i].first; };
    for (std::size_t i = 0; i < ck.weight_map.size(); ++i) listed_in.insert(ck.weight_map[i].first, i, tensor_at);
    for (const Shard& shard : ck.shards) {
      // Files the index never names are stray files: that rule covers them whole.
      if (indexed.count(shard.file) == 0) continue;
      for (const TensorInfo& t : shard.tensors) {
        std::size_t at = listed_in.find(t.name, tensor_at);
        std::string_view listed = at != NameIndex::npos ? std::string_view(ck.weight_map[at].second) : std::string_view();
        if (listed == shard.file) continue;
        Match m;
        m.location = location_at(shard.file, t.name);
        m.related.push_back(location_at(ck.index->file, "", "/weight_map"));
        m.facts = {{"tensor", t.name}, {"file", shard.file}, {"indexed_shard", listed.empty() ? "none" : std::string(listed)}};
        out.push_back(std::move(m));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Primitive> make_tensor_missing_from_index(PrimitiveArgs& with) {
  with.allow_only({});
  return std::make_unique<TensorMissingFromIndex>();
}

}  // namespace ckptlint
