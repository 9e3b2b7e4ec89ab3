// SPDX-License-Identifier: Apache-2.0
// Keys of two key layouts in one checkpoint (MLX language_model.model.* beside HF
// model.language_model.*): a partial rename, or files from two conversions. Each name
// votes for the variant with the longest matching text prefix, as layout detection does.
#include <fmt/format.h>

#include <map>

#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class LayoutVariantsMixed final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override { return {"file", "counts", "variant"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    if (a.variant_votes.size() < 2) return;
    std::string text;
    for (const auto& [variant, n] : a.variant_votes) text += (text.empty() ? "" : ", ") + fmt::format("{} {} keys", n, variant);
    Match m;
    m.location = location_at(".", "");
    m.facts = {{"file", "."}, {"counts", text}, {"variant", a.layout->variant}};
    out.push_back(std::move(m));
  }
};

}  // namespace

std::unique_ptr<Primitive> make_layout_variants_mixed(PrimitiveArgs& with) {
  with.allow_only({});
  return std::make_unique<LayoutVariantsMixed>();
}

}  // namespace ckptlint
