// SPDX-License-Identifier: Apache-2.0
// A __metadata__ key of the shards matching a glob is missing or outside an allowed set
// (transformers refuses shards whose "format" is not pt/tf/flax/mlx: ml-explore/mlx #743).
#include <algorithm>

#include "primitives/primitive.h"
#include "util/glob.h"

namespace ckptlint {
namespace {

class ShardMetadata final : public Primitive {
 public:
  ShardMetadata(std::string key, std::vector<std::string> allowed, std::string glob)
      : key_(std::move(key)), allowed_(std::move(allowed)), glob_(std::move(glob)) {}
  std::vector<std::string> fact_names() const override { return {"file", "key", "value", "allowed"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    std::string allowed;
    for (const std::string& a : allowed_) allowed += (allowed.empty() ? "" : ", ") + a;
    for (const Shard& shard : context.checkpoint.shards) {
      // Unreadable headers and a non-string-map __metadata__ have their own findings.
      if (!shard.readable || !glob_match(glob_, shard.file) || !shard.metadata) continue;
      auto it = shard.metadata->find(key_);
      std::string value = it == shard.metadata->end() ? "" : it->second;
      if (it != shard.metadata->end() && std::find(allowed_.begin(), allowed_.end(), value) != allowed_.end()) continue;
      Match m;
      m.location = location_at(shard.file, "");
      m.facts = {{"file", shard.file}, {"key", key_}, {"value", it == shard.metadata->end() ? "missing" : "'" + value + "'"},
                 {"allowed", allowed}};
      out.push_back(std::move(m));
    }
  }

 private:
  std::string key_;
  std::vector<std::string> allowed_;
  std::string glob_;
};

}  // namespace

std::unique_ptr<Primitive> make_shard_metadata(PrimitiveArgs& with) {
  with.allow_only({"key", "allowed", "glob"});
  std::string key = with.string("key", true);
  std::vector<std::string> allowed = with.strings("allowed", true);
  std::string glob = with.string("glob", false, "*.safetensors");
  return std::make_unique<ShardMetadata>(std::move(key), std::move(allowed), std::move(glob));
}

}  // namespace ckptlint
