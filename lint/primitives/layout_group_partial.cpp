// SPDX-License-Identifier: Apache-2.0
// Optional tensors that come as a set: all present or all absent per value of `by` (a
// KV-shared layer carries k_proj, v_proj and k_norm together, or none of them). A partial
// set is what a broken pruning or a bad merge leaves.
#include <map>

#include "primitives/layout_facts.h"

namespace ckptlint {
namespace {

class LayoutGroupPartial final : public Primitive {
 public:
  LayoutGroupPartial(Expr where, std::string by) : where_(std::move(where)), by_(std::move(by)) {}
  std::vector<std::string> fact_names() const override { return {"file", "group", "present", "missing", "tensor"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    std::map<std::string, std::pair<std::vector<const LayoutEntry*>, std::vector<const LayoutEntry*>>> groups;
    for (const LayoutEntry& e : a.layout->entries) {
      if (!e.optional || !a.where(where_, e)) continue;
      const nlohmann::json* v = e.var(by_);
      std::string key = v != nullptr ? render_value(*v) : "?";
      (a.has(e) ? groups[key].first : groups[key].second).push_back(&e);
    }
    for (const auto& [key, sets] : groups) {
      const auto& [present, missing] = sets;
      if (present.empty() || missing.empty()) continue;
      auto kinds = [](const std::vector<const LayoutEntry*>& list) {
        std::string s;
        for (const LayoutEntry* e : list) {
          if (!s.empty()) s += ", ";
          s += e->kind;
        }
        return s;
      };
      Match m = entry_match(a, *present.front(), present.front()->name);
      m.facts = {{"file", m.location.file}, {"group", key}, {"present", kinds(present)}, {"missing", kinds(missing)},
                 {"tensor", present.front()->name}};
      out.push_back(std::move(m));
    }
  }

 private:
  Expr where_;
  std::string by_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_group_partial(PrimitiveArgs& with) {
  with.allow_only({"where", "by"});
  Expr where = with.expression("where", false);
  return std::make_unique<LayoutGroupPartial>(std::move(where), with.string("by", true));
}

}  // namespace ckptlint
