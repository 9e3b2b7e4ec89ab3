// SPDX-License-Identifier: Apache-2.0
// Config values the layout model could not expand (a layer count of 10^7, a vocab_size of
// "12", a dimension of 2^62): one match on config.json with the first of them. The layout is
// then incomplete, so what it says about the stored tensors (missing, unexpected, wrong shape)
// follows from the config, not from the weights.
#include <string>

#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class LayoutConfigProblems final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override { return {"file", "layout", "problem", "count"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout || a.layout->problems.empty()) return;
    Match m;
    m.location = location_at("config.json", "");
    m.facts = {{"file", "config.json"},
               {"layout", a.layout->model},
               {"problem", a.layout->problems.front()},
               {"count", std::to_string(a.layout->problems.size())}};
    out.push_back(std::move(m));
  }
};

}  // namespace

std::unique_ptr<Primitive> make_layout_config_problems(PrimitiveArgs& with) {
  with.allow_only({});
  return std::make_unique<LayoutConfigProblems>();
}

}  // namespace ckptlint
