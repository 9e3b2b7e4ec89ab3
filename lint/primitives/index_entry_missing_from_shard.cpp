// SPDX-License-Identifier: Apache-2.0
// The index says a tensor lives in a shard whose header does not have it (huggingface_hub
// #4725: `mtp.fc.weight` listed but absent; loaders that trust the index fail late).
#include <unordered_map>
#include <unordered_set>

#include "primitives/index_view.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class IndexEntryMissingFromShard final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override { return {"tensor", "shard", "file"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Checkpoint& ck = context.checkpoint;
    if (!has_weight_map(ck)) return;
    // Every name each readable shard declares, malformed entries included: built only when
    // by_name (the first file of each well-formed tensor) does not settle an entry.
    std::unordered_map<std::string_view, std::unordered_set<std::string_view>> names;
    auto declares = [&](const Shard& shard, const std::string& tensor) {
      const TensorRef* first = ck.by_name.find(tensor);
      if (first != nullptr && &ck.shards[first->shard] == &shard) return true;
      if (names.empty()) {
        for (const Shard& s : ck.shards) {
          if (!s.readable) continue;
          auto& set = names[s.file];
          s.for_each_entry_name([&](std::size_t, const std::string& n) { set.insert(n); });
        }
      }
      return names[shard.file].count(tensor) != 0;
    };
    for (const auto& [tensor, file] : ck.weight_map) {
      const Shard* shard = find_shard(ck, file);
      // A missing or unreadable shard has its own finding; its tensors are unknown.
      if (shard == nullptr || !shard->readable) continue;
      if (declares(*shard, tensor)) continue;
      Match m;
      m.location = location_at(ck.index->file, tensor, "/weight_map/" + tensor);
      m.related.push_back(location_at(shard->file, ""));
      m.facts = {{"tensor", tensor}, {"shard", shard->file}, {"file", ck.index->file}};
      out.push_back(std::move(m));
    }
  }
};

}  // namespace

std::unique_ptr<Primitive> make_index_entry_missing_from_shard(PrimitiveArgs& with) {
  with.allow_only({});
  return std::make_unique<IndexEntryMissingFromShard>();
}

}  // namespace ckptlint
