// SPDX-License-Identifier: Apache-2.0
// Tensors no layout entry accounts for: keys from another layout, layers past the config's
// count, parameters that do not exist (v_norm has no weight). A quantized module's .scales
// and .biases count as part of its entry. Tensors matching `except` globs are left to other
// rules (for example a doubled prefix, reported once as such).
#include "primitives/primitive.h"
#include "analysis/analysis.h"
#include "util/glob.h"

#include <set>

namespace ckptlint {
namespace {

bool companion_of_layout_module(const Analysis& a, std::string_view name) {
  for (std::string_view suffix : {".scales", ".biases"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      const LayoutEntry* e = a.entry_for_module(name.substr(0, name.size() - suffix.size()));
      return e != nullptr && !e->module.empty();
    }
  }
  return false;
}

class LayoutTensorUnexpected final : public Primitive {
 public:
  explicit LayoutTensorUnexpected(std::vector<std::string> except) : except_(std::move(except)) {}
  std::vector<std::string> fact_names() const override { return {"tensor", "file", "layout", "variant"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.layout) return;
    // The tensors of layout modules stored in another quantization scheme (qzeros, absmax).
    std::set<std::string, std::less<>> scheme_parts;
    for (const auto& [module, m] : a.modules) {
      if (!m.other_scheme() || a.entry_for_module(module) == nullptr) continue;
      for (const auto& [suffix, t] : m.parts) scheme_parts.insert(t->name);
      for (const TensorInfo* t : {m.scales, m.biases}) {
        if (t != nullptr) scheme_parts.insert(t->name);
      }
    }
    for (const auto& [view, file_view] : a.file_of) {
      if (a.layout->find(view) != nullptr || companion_of_layout_module(a, view)) continue;
      if (!scheme_parts.empty() && scheme_parts.count(view) != 0) continue;
      bool excepted = false;
      for (const std::string& g : except_) excepted = excepted || glob_match(g, view);
      if (excepted) continue;
      const std::string name(view), file(file_view);
      Match m;
      m.location = location_at(file, name);
      m.facts = {{"tensor", name}, {"file", file}, {"layout", a.layout->model}, {"variant", a.layout->variant}};
      out.push_back(std::move(m));
    }
  }

 private:
  std::vector<std::string> except_;
};

}  // namespace

std::unique_ptr<Primitive> make_layout_tensor_unexpected(PrimitiveArgs& with) {
  with.allow_only({"except"});
  return std::make_unique<LayoutTensorUnexpected>(with.strings("except", false));
}

}  // namespace ckptlint
