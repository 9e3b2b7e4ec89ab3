// SPDX-License-Identifier: Apache-2.0
// Shapes and dtypes of quantized triples against the float shape the layout implies and the
// bits/group_size the config gives the module (gemma4-layout.md §4.1, bad-input.md A.4):
//   weight U32 [.., in*bits/32]; scales and biases [.., in/group_size], float in affine mode,
//   U8 in the fp modes.
// Without a layout `in` is taken from the packed width and the config's bits.
//
//   check: packed-width         packed width fits no valid bit count for this module's `in`
//          bits-mismatch        packed width fits another bit count than the config says
//          scales-width         scales/biases width fits no valid group size
//          group-size-mismatch  scales width fits another group size than the config says
//          scales-dtype         scales/biases of the wrong dtype
//          disabled             packed, although the module's per-module entry is false
//          entry-but-float      float, although the module's per-module entry gives bits
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/analysis.h"
#include "mlx/quant_config.h"
#include "primitives/primitive.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

enum class Check { packed_width, bits_mismatch, scales_width, group_size_mismatch, scales_dtype, disabled, entry_but_float };

class QuantShapes final : public Primitive {
 public:
  explicit QuantShapes(Check check) : check_(check) {}
  std::vector<std::string> fact_names() const override {
    return {"tensor", "module", "file", "shape", "in", "bits", "implied_bits", "group_size", "implied_group_size",
            "expected", "mode", "dtype", "expected_dtype"};
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    for (const auto& entry : a.modules) {
      // Named references, not a structured binding: the lambdas below capture them.
      const std::string& module = entry.first;
      const StoredModule& m = entry.second;
      if (!m.mlx()) continue;  // stored in another scheme: the quant-scheme rules check it
      if (check_ == Check::disabled || check_ == Check::entry_but_float) {
        // An explicit entry wins over the .scales on disk: `false` (or {}) builds a float
        // layer, a dict a quantized one, and the stored weight must fit what was built.
        const std::optional<QuantParams>* explicit_entry = a.quant.explicit_entry(module);
        if (explicit_entry == nullptr || m.weight == nullptr) continue;
        bool packed = m.quantized() && m.weight->dtype == DType::U32;
        bool mismatch = check_ == Check::disabled ? packed && !explicit_entry->has_value()
                                                  : !m.quantized() && explicit_entry->has_value() && is_float(m.weight->dtype);
        if (!mismatch) continue;
        Match match;
        match.location = location_at(m.file, m.weight->name);
        match.facts = {{"tensor", m.weight->name}, {"module", module}, {"file", m.file}, {"shape", shape_text(m.weight->shape)},
                       {"dtype", std::string(to_string(m.weight->dtype))}};
        if (explicit_entry->has_value()) {
          match.facts.emplace_back("bits", std::to_string((*explicit_entry)->bits));
          match.facts.emplace_back("mode", (*explicit_entry)->mode);
        }
        out.push_back(std::move(match));
        continue;
      }
      // Incomplete triples have their own rules; shapes need the weight and the scales.
      if (m.weight == nullptr || m.scales == nullptr || m.weight->dtype != DType::U32) continue;
      if (m.weight->shape.empty() || m.scales->shape.empty()) continue;
      std::optional<QuantParams> p = a.quant.params_for(module);
      if (!p) continue;  // no settings to compare with: quant-config-presence reports it
      const LayoutEntry* e = a.entry_for_module(module);
      const std::uint64_t packed = m.weight->shape.back();
      const std::uint64_t bits = static_cast<std::uint64_t>(p->bits), gs = static_cast<std::uint64_t>(p->group_size);
      const std::uint64_t in = e != nullptr && !e->shape.empty() ? e->shape.back() : packed * 32 / std::max<std::uint64_t>(bits, 1);
      // The facts are built only for a finding: most modules have none, and this runs for
      // every quantized module of every rule on this primitive.
      auto report = [&](const TensorInfo& t, Facts extra) {
        Match match;
        match.location = location_at(m.file, t.name);
        match.facts = {{"tensor", t.name}, {"shape", shape_text(t.shape)}, {"module", module}, {"file", m.file},
                       {"in", std::to_string(in)}, {"bits", std::to_string(bits)}, {"group_size", std::to_string(gs)},
                       {"mode", p->mode}};
        match.facts.insert(match.facts.end(), extra.begin(), extra.end());
        out.push_back(std::move(match));
      };
      switch (check_) {
        case Check::packed_width:
        case Check::bits_mismatch: {
          if (e == nullptr || packed * 32 == in * bits) break;
          bool implied = in > 0 && (packed * 32) % in == 0 && valid_bits(p->mode, packed * 32 / in);
          if (implied != (check_ == Check::bits_mismatch)) break;
          report(*m.weight, {{"expected", std::to_string(in * bits / 32)},
                             {"implied_bits", implied ? std::to_string(packed * 32 / in) : "none"}});
          break;
        }
        case Check::scales_width:
        case Check::group_size_mismatch: {
          for (const TensorInfo* t : {m.scales, m.biases}) {
            if (t == nullptr || t->shape.empty() || t->shape.back() * gs == in) continue;
            std::uint64_t w = t->shape.back();
            bool implied = w > 0 && in % w == 0 && valid_group_size(p->mode, in / w);
            if (implied != (check_ == Check::group_size_mismatch)) continue;
            report(*t, {{"expected", std::to_string(gs ? in / gs : 0)},
                        {"implied_group_size", implied ? std::to_string(in / w) : "none"}});
          }
          break;
        }
        case Check::disabled:
        case Check::entry_but_float:
          break;
        case Check::scales_dtype: {
          // Affine scales carry the model's float dtype (without a layout, the scales' own
          // dtype, so that biases must match it); the fp modes store U8 scale exponents.
          std::string expected = "U8";
          if (p->has_biases()) expected = e != nullptr ? e->dtype : std::string(to_string(m.scales->dtype));
          for (const TensorInfo* t : {m.scales, m.biases}) {
            if (t == nullptr || std::string(to_string(t->dtype)) == expected) continue;
            report(*t, {{"dtype", std::string(to_string(t->dtype))}, {"expected_dtype", expected}});
          }
          break;
        }
      }
    }
  }

 private:
  Check check_;
};

}  // namespace

std::unique_ptr<Primitive> make_quant_shapes(PrimitiveArgs& with) {
  with.allow_only({"check"});
  std::string check = with.string("check", true);
  if (check == "packed-width") return std::make_unique<QuantShapes>(Check::packed_width);
  if (check == "bits-mismatch") return std::make_unique<QuantShapes>(Check::bits_mismatch);
  if (check == "scales-width") return std::make_unique<QuantShapes>(Check::scales_width);
  if (check == "group-size-mismatch") return std::make_unique<QuantShapes>(Check::group_size_mismatch);
  if (check == "scales-dtype") return std::make_unique<QuantShapes>(Check::scales_dtype);
  if (check == "disabled") return std::make_unique<QuantShapes>(Check::disabled);
  if (check == "entry-but-float") return std::make_unique<QuantShapes>(Check::entry_but_float);
  if (!check.empty()) {
    with.error(with.node()["check"], "check must be packed-width, bits-mismatch, scales-width, group-size-mismatch, scales-dtype, disabled or entry-but-float");
  }
  return nullptr;
}

}  // namespace ckptlint
