// SPDX-License-Identifier: Apache-2.0
// The parts of an MLX quantized module that must travel together: a packed U32 .weight,
// its .scales, and .biases in affine mode only (gemma4-layout.md §4.1). Loaders decide
// per module from the presence of .scales, so each broken combination fails differently.
//
//   check: scales-missing     U32 .weight without .scales (loaded as a float weight: shape crash)
//          biases-missing     affine module with .scales but no .biases ("Missing ... biases")
//          orphan             .scales/.biases with no .weight, or with a float .weight
//          biases-in-fp-mode  .biases in mxfp4/nvfp4/mxfp8, which have none
#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

enum class Check { scales_missing, biases_missing, orphan, biases_in_fp_mode };

class QuantTripleIncomplete final : public Primitive {
 public:
  explicit QuantTripleIncomplete(Check check) : check_(check) {}
  std::vector<std::string> fact_names() const override { return {"tensor", "module", "file", "mode", "weight"}; }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    for (const auto& entry : a.modules) {
      // Named references, not a structured binding: the lambdas below capture them.
      const std::string& module = entry.first;
      const StoredModule& m = entry.second;
      if (!m.mlx()) continue;  // stored in another scheme: the quant-scheme rules check it
      std::optional<QuantParams> p = a.quant.params_for(module);
      std::string mode = p ? p->mode : "affine";
      bool packed = m.weight != nullptr && m.weight->dtype == DType::U32;
      // A part the index maps to a shard that could not be read is there, unseen: the
      // triple is that shard's finding (a module split across shards).
      auto unread = [&](const char* leaf) { return a.declared_unread.count(module + leaf) != 0; };
      if (unread(".weight") || unread(".scales") || unread(".biases")) continue;
      std::string weight = m.weight == nullptr ? "missing" : std::string(to_string(m.weight->dtype));
      auto report = [&](const std::string& tensor) {
        Match match;
        match.location = location_at(m.file, tensor);
        match.facts = {{"tensor", tensor}, {"module", module}, {"file", m.file}, {"mode", mode}, {"weight", weight}};
        out.push_back(std::move(match));
      };
      switch (check_) {
        case Check::scales_missing:
          if (packed && m.scales == nullptr) report(module + ".weight");
          break;
        case Check::biases_missing:
          if (packed && m.scales != nullptr && m.biases == nullptr && mode == "affine") report(module + ".weight");
          break;
        case Check::orphan:
          // A true bias (".bias") is a different tensor; ".biases" only exists beside .scales.
          if (!packed && m.scales != nullptr) report(module + ".scales");
          if (!packed && m.biases != nullptr) report(module + ".biases");
          break;
        case Check::biases_in_fp_mode:
          if (m.biases != nullptr && mode != "affine") report(module + ".biases");
          break;
      }
    }
  }

 private:
  Check check_;
};

}  // namespace

std::unique_ptr<Primitive> make_quant_triple_incomplete(PrimitiveArgs& with) {
  with.allow_only({"check"});
  std::string check = with.string("check", true);
  if (check == "scales-missing") return std::make_unique<QuantTripleIncomplete>(Check::scales_missing);
  if (check == "biases-missing") return std::make_unique<QuantTripleIncomplete>(Check::biases_missing);
  if (check == "orphan") return std::make_unique<QuantTripleIncomplete>(Check::orphan);
  if (check == "biases-in-fp-mode") return std::make_unique<QuantTripleIncomplete>(Check::biases_in_fp_mode);
  if (!check.empty()) with.error(with.node()["check"], "check must be scales-missing, biases-missing, orphan or biases-in-fp-mode");
  return nullptr;
}

}  // namespace ckptlint
