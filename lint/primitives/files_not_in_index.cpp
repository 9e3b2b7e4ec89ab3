// SPDX-License-Identifier: Apache-2.0
// Files matching a glob that the index does not name. mlx-lm loads glob("model*.safetensors")
// and ignores the index, so a stray 4-bit model.safetensors beside bf16 shards gets merged
// in (mlx-vlm #1329).
#include "primitives/index_view.h"
#include "primitives/primitive.h"
#include "util/glob.h"

namespace ckptlint {
namespace {

class FilesNotInIndex final : public Primitive {
 public:
  explicit FilesNotInIndex(std::string glob) : glob_(std::move(glob)) {}
  std::vector<std::string> fact_names() const override { return {"file", "glob", "tensors"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Checkpoint& ck = context.checkpoint;
    if (!has_weight_map(ck)) return;
    const std::set<std::string_view> indexed = indexed_files(ck);
    for (const Shard& shard : ck.shards) {
      if (!glob_match(glob_, shard.file) || indexed.count(shard.file) != 0) continue;
      Match m;
      m.location = location_at(shard.file, "");
      m.facts = {{"file", shard.file}, {"glob", glob_}, {"tensors", std::to_string(shard.tensors.size())}};
      out.push_back(std::move(m));
    }
  }

 private:
  std::string glob_;
};

}  // namespace

std::unique_ptr<Primitive> make_files_not_in_index(PrimitiveArgs& with) {
  with.allow_only({"glob"});
  return std::make_unique<FilesNotInIndex>(with.string("glob", true));
}

}  // namespace ckptlint
