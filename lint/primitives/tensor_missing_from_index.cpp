// SPDX-License-Identifier: Apache-2.0
// A shard holds a tensor the index does not list (or lists under another shard): glob
// loaders (mlx-lm) load it, index loaders (transformers, mlx-vlm) never see it.
#include <unordered_map>

#include "primitives/index_view.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class TensorMissingFromIndex final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override { return {"tensor", "file", "indexed_shard"}; }
  void run(const RunContext& context, std::vector<Match>& out) const override {
    const Checkpoint& ck = context.checkpoint;
    if (!has_weight_map(ck)) return;
    const std::set<std::string_view> indexed = indexed_files(ck);
    std::unordered_map<std::string_view, std::string_view> listed_in;
    listed_in.reserve(ck.weight_map.size());
    for (const auto& [tensor, file] : ck.weight_map) listed_in.emplace(tensor, file);
    for (const Shard& shard : ck.shards) {
      // Files the index never names are stray files: that rule covers them whole.
      if (indexed.count(shard.file) == 0) continue;
      for (const TensorInfo& t : shard.tensors) {
        auto it = listed_in.find(t.name);
        std::string_view listed = it != listed_in.end() ? it->second : std::string_view();
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
