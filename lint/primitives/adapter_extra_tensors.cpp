// SPDX-License-Identifier: Apache-2.0
// Tensors in an adapter's weights file that belong to no LoRA pair: full weights (towers,
// embeddings trained with --train-vision, PEFT's modules_to_save). A fuse script that only
// merges LoRA pairs silently drops them. One match per weights file, summarised by the first
// component of their paths.
//
//   except: expression giving module names (suffix-matched, like PEFT's modules_to_save)
//           whose full weights are expected
#include <fmt/format.h>

#include <map>

#include "analysis/analysis.h"
#include "primitives/adapter_facts.h"
#include "util/tensor_names.h"

namespace ckptlint {
namespace {

std::string strip_leaf(const std::string& name) {
  std::size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

bool listed(const std::string& module, const nlohmann::json& names) {
  if (!names.is_array()) return false;
  for (const nlohmann::json& n : names) {
    if (!n.is_string()) continue;
    const std::string& s = n.get_ref<const std::string&>();
    if (module == s || (module.size() > s.size() && module.compare(module.size() - s.size(), s.size(), s) == 0 &&
                        module[module.size() - s.size() - 1] == '.')) {
      return true;
    }
  }
  return false;
}

class AdapterExtraTensors final : public Primitive {
 public:
  explicit AdapterExtraTensors(Expr except) : except_(std::move(except)) {}
  std::vector<std::string> fact_names() const override { return {"file", "tensor", "count", "bytes", "parts"}; }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.adapter || a.adapter->other.empty()) return;
    const nlohmann::json except = except_.empty() ? nlohmann::json(nullptr) : except_.eval(context.scope);
    std::map<std::string, std::size_t> parts;
    std::uint64_t bytes = 0, count = 0;
    const TensorInfo* first = nullptr;
    for (const TensorInfo* t : a.adapter->other) {
      std::string module(without_prefix(strip_leaf(t->name), kPeftModulePrefix));
      if (listed(module, except)) continue;
      if (first == nullptr || t->name < first->name) first = t;
      ++count;
      bytes += t->nbytes();
      ++parts[t->name.substr(0, t->name.find('.'))];
    }
    if (count == 0) return;
    std::string summary;
    for (const auto& [part, n] : parts) summary += fmt::format("{}{} ({})", summary.empty() ? "" : ", ", part, n);
    Match m;
    m.location = location_at(a.adapter->weights_file, first->name);
    m.facts = {{"file", a.adapter->weights_file},
               {"tensor", first->name},
               {"count", std::to_string(count)},
               {"bytes", std::to_string(bytes)},
               {"parts", summary}};
    out.push_back(std::move(m));
  }

 private:
  Expr except_;
};

}  // namespace

std::unique_ptr<Primitive> make_adapter_extra_tensors(PrimitiveArgs& with) {
  with.allow_only({"except"});
  return std::make_unique<AdapterExtraTensors>(with.expression("except", false));
}

}  // namespace ckptlint
