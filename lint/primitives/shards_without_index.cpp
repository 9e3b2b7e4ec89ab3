// SPDX-License-Identifier: Apache-2.0
// Several files matching a glob and no index: loaders that need the index (transformers)
// cannot load the checkpoint, and nothing says which files belong together.
#include <algorithm>

#include "checkpoint/index_file.h"
#include "primitives/primitive.h"
#include "util/glob.h"

namespace ckptlint {
namespace {

class ShardsWithoutIndex final : public Primitive {
 public:
  ShardsWithoutIndex(std::string glob, std::int64_t min_files) : glob_(std::move(glob)), min_files_(min_files) {}
  std::vector<std::string> fact_names() const override { return {"file", "count", "files"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Checkpoint& ck = context.checkpoint;
    // An index that exists but is broken has its own finding.
    if (ck.index || std::find(ck.files.begin(), ck.files.end(), kIndexFileName) != ck.files.end()) return;
    std::vector<std::string> files;
    for (const std::string& f : ck.files) {
      if (glob_match(glob_, f)) files.push_back(f);
    }
    if (static_cast<std::int64_t>(files.size()) < min_files_) return;
    std::string list;
    for (const std::string& f : files) list += (list.empty() ? "" : ", ") + f;
    Match m;
    m.location = location_at(kIndexFileName, "");
    m.facts = {{"file", kIndexFileName}, {"count", std::to_string(files.size())}, {"files", list}};
    out.push_back(std::move(m));
  }

 private:
  std::string glob_;
  std::int64_t min_files_;
};

}  // namespace

std::unique_ptr<Primitive> make_shards_without_index(PrimitiveArgs& with) {
  with.allow_only({"glob", "min-files"});
  std::string glob = with.string("glob", true);
  std::int64_t min_files = with.integer("min-files", false, 2);
  return std::make_unique<ShardsWithoutIndex>(std::move(glob), min_files);
}

}  // namespace ckptlint
