// SPDX-License-Identifier: Apache-2.0
// A header with more tensors than any real model has: the header-bloat DoS of the
// safetensors attack notes (100 k+ entries under the 100 MB cap), or a broken exporter.
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class TensorCount final : public Primitive {
 public:
  explicit TensorCount(std::int64_t max) : max_(max) {}
  std::vector<std::string> fact_names() const override { return {"file", "count", "max"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    for (const Shard& shard : context.checkpoint.shards) {
      if (static_cast<std::int64_t>(shard.entry_count()) <= max_) continue;
      Match m;
      m.location = location_at(shard.file, "");
      m.facts = {{"file", shard.file}, {"count", std::to_string(shard.entry_count())}, {"max", std::to_string(max_)}};
      out.push_back(std::move(m));
    }
  }

 private:
  std::int64_t max_;
};

}  // namespace

std::unique_ptr<Primitive> make_tensor_count(PrimitiveArgs& with) {
  with.allow_only({"max"});
  return std::make_unique<TensorCount>(with.integer("max", true));
}

}  // namespace ckptlint
