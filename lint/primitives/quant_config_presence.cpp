// SPDX-License-Identifier: Apache-2.0
// config.json's quantization section against the tensors: a section with no quantized
// module (a dequantized export that kept the config), or quantized modules with no section
// (loaders cannot read the packed weights without bits and group_size).
//
//   direction: config-without-tensors | tensors-without-config
#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class QuantConfigPresence final : public Primitive {
 public:
  explicit QuantConfigPresence(bool config_side) : config_side_(config_side) {}
  std::vector<std::string> fact_names() const override { return {"file", "key", "settings", "count", "example"}; }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (a.modules.empty()) return;  // nothing readable to compare the config with
    std::size_t quantized = 0;
    std::string example;
    for (const auto& [module, m] : a.modules) {
      if (!m.quantized()) continue;
      if (quantized++ == 0) example = module;
    }
    if (config_side_ ? !(a.quant.present && quantized == 0) : !(quantized > 0 && !a.quant.present)) return;
    Match match;
    match.location = location_at("config.json", "", config_side_ ? "/" + a.quant.key : "");
    match.facts = {{"file", "config.json"}, {"key", a.quant.present ? a.quant.key : "quantization"},
                   {"settings", a.quant.global ? describe(*a.quant.global) + " group size " + std::to_string(a.quant.global->group_size) : "none"},
                   {"count", std::to_string(quantized)}, {"example", example}};
    out.push_back(std::move(match));
  }

 private:
  bool config_side_;
};

}  // namespace

std::unique_ptr<Primitive> make_quant_config_presence(PrimitiveArgs& with) {
  with.allow_only({"direction"});
  std::string d = with.string("direction", true);
  if (d == "config-without-tensors") return std::make_unique<QuantConfigPresence>(true);
  if (d == "tensors-without-config") return std::make_unique<QuantConfigPresence>(false);
  if (!d.empty()) with.error(with.node()["direction"], "direction must be config-without-tensors or tensors-without-config");
  return nullptr;
}

}  // namespace ckptlint
