// SPDX-License-Identifier: Apache-2.0
// The same tensor name in two files: which copy a loader keeps depends on file order
// (mlx-swift-lm: later file wins; mlx-lm: dict update order).
#include <fmt/format.h>

#include <map>

#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class TensorInSeveralShards final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override { return {"tensor", "file", "files", "count"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    // by_name holds the first file of each name: a tensor found in another file is in two.
    // Only those names get a list (by name, first file first), not every tensor.
    const Checkpoint& ck = context.checkpoint;
    if (ck.shards.size() < 2) return;
    std::map<std::string_view, std::vector<const Shard*>> owners;
    for (std::size_t s = 0; s < ck.shards.size(); ++s) {
      const Shard& shard = ck.shards[s];
      for (const TensorInfo& t : shard.tensors) {
        const std::size_t first = ck.by_name.at(t.name).shard;
        if (first == s) continue;  // its first file (a duplicate inside one header is tensor-duplicate's)
        auto& list = owners[t.name];
        if (list.empty()) list.push_back(&ck.shards[first]);
        if (list.back() != &shard) list.push_back(&shard);
      }
    }
    for (const auto& [name, shards] : owners) {
      if (shards.size() < 2) continue;
      std::string files;
      Match m;
      for (const Shard* s : shards) {
        files += (files.empty() ? "" : ", ") + s->file;
        if (s != shards.front()) m.related.push_back(location_at(s->file, std::string(name)));
      }
      m.location = location_at(shards.front()->file, std::string(name));
      m.facts = {{"tensor", std::string(name)}, {"file", shards.front()->file}, {"files", files},
                 {"count", std::to_string(shards.size())}};
      out.push_back(std::move(m));
    }
  }
};

}  // namespace

std::unique_ptr<Primitive> make_tensor_in_several_shards(PrimitiveArgs& with) {
  with.allow_only({});
  return std::make_unique<TensorInSeveralShards>();
}

}  // namespace ckptlint
