// SPDX-License-Identifier: Apache-2.0
// `ckptlint diff --adapter`: names what happened to each LoRA pair in the fuse, from the
// least-squares fit of ΔW ≈ s·(B·A) (diff/diff_model.h) and the scale the adapter's config
// says (`expected`, an expression: the dialect's formula lives in the rule).
//
//   outcome: correct       s within `tolerance` of expected
//            scale         ΔW is a multiple of B·A, but s is not the expected one (raw alpha named)
//            not-merged    the target is bit-identical to the base, or s ≈ 0
//            transposed    ΔW fits (B·A)ᵀ, not B·A (square modules)
//            delta-lost    the fused module is quantized and s·B·A is below half a quantization step
//            wrong-module  the target did not change, another module of its layer fits B·A
//            summary       one match: pairs verified and the overall measured s
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

enum class Outcome { correct, scale, not_merged, transposed, delta_lost, wrong_module, summary };

std::string number(double v) {
  std::string s = fmt::format("{:.4g}", v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// "8" for 7.998 (within 1% of a whole number), else two decimals.
std::string times(double r) {
  double whole = std::round(r);
  return std::fabs(r - whole) <= 0.01 * whole ? fmt::format("{:.0f}", whole) : fmt::format("{:.2f}", r);
}

class FuseFitPrimitive final : public Primitive {
 public:
  FuseFitPrimitive(Outcome outcome, Expr expected, Expr alpha, double tolerance)
      : outcome_(outcome), expected_(std::move(expected)), alpha_(std::move(alpha)), tolerance_(tolerance) {}
  std::vector<std::string> fact_names() const override {
    return {"module", "tensor", "file", "measured", "expected", "ratio", "direction", "alpha", "residual", "rows",
            "other_module", "pairs", "correct", "named"};
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const DiffModel* d = context.analysis.diff.get();
    if (d == nullptr || !d->adapter || d->fits.empty()) return;
    nlohmann::json e = expected_.eval(context.scope), a = alpha_.empty() ? nlohmann::json(nullptr) : alpha_.eval(context.scope);
    std::optional<double> expected = e.is_number() ? std::optional<double>(e.get<double>()) : std::nullopt;
    const double alpha = a.is_number() ? a.get<double>() : 0.0;  // 0: not recorded
    if (outcome_ == Outcome::summary) {
      summary(*d, expected, out);
      return;
    }
    for (const FuseFit& f : d->fits) {
      if (!f.present || !f.readable) continue;
      if (classify(f, expected) != outcome_) continue;
      Match m;
      m.location = location_at(f.file, f.module + ".weight");
      double measured = outcome_ == Outcome::transposed ? f.transposed_scale.value_or(0)
                        : outcome_ == Outcome::wrong_module ? f.other_scale : f.scale;
      double ratio = expected && *expected != 0 && measured != 0 ? measured / *expected : 0;
      bool raw_alpha = alpha != 0 && std::fabs(measured - alpha) <= tolerance_ * std::fabs(alpha);
      m.facts = {{"module", f.module},
                 {"tensor", f.module + ".weight"},
                 {"file", f.file},
                 {"measured", number(measured)},
                 {"expected", expected ? number(*expected) : "unknown"},
                 {"ratio", ratio == 0 ? "?" : times(ratio >= 1 ? ratio : 1 / ratio)},
                 {"direction", ratio >= 1 ? "strong" : "weak"},
                 {"alpha", alpha != 0 ? number(alpha) : "unknown"},
                 {"residual", fmt::format("{:.3f}", outcome_ == Outcome::transposed ? f.transposed_residual.value_or(1) : f.residual)},
                 {"rows", std::to_string(f.rows)},
                 {"other_module", f.other_module},
                 {"pairs", std::to_string(d->fits.size())},
                 {"correct", ""},
                 {"named", raw_alpha ? " (merged with raw alpha instead of alpha / rank)" : ""}};
      out.push_back(std::move(m));
    }
  }

 private:
  Outcome classify(const FuseFit& f, const std::optional<double>& expected) const {
    // ΔW is a multiple of B·A: nearly exactly for float weights; for re-quantized weights,
    // rounding noise remains, so the scale must stand well clear of its standard error.
    const bool fits = f.delta_norm > 0 && (f.residual < 0.2 || (f.fused_quantized && std::fabs(f.scale) > 10 * f.scale_error));
    if (fits) {
      // Within the tolerance, or within the measurement's own uncertainty (re-quantized weights).
      double allowed = expected ? std::max(tolerance_ * std::fabs(*expected), 3 * f.scale_error) : 0;
      if (!expected || std::fabs(f.scale - *expected) <= allowed) return Outcome::correct;
      if (std::fabs(f.scale) > 0.01 * std::fabs(*expected)) return Outcome::scale;
    }
    if (f.transposed_residual && f.delta_norm > 0 && *f.transposed_residual < f.residual &&
        (*f.transposed_residual < 0.2 || (f.fused_quantized && std::fabs(*f.transposed_scale) > 10 * f.transposed_error.value_or(0)))) {
      return Outcome::transposed;
    }
    if (!f.other_module.empty()) return Outcome::wrong_module;
    if (f.d_over_half_step && expected && std::fabs(*expected) * *f.d_over_half_step < 1 && (f.identical || !fits)) {
      return Outcome::delta_lost;
    }
    if (f.identical || f.delta_norm == 0 || (fits && expected && std::fabs(f.scale) <= 0.01 * std::fabs(*expected))) {
      return Outcome::not_merged;
    }
    return Outcome::summary;  // changed, but unlike B·A: counted in the summary only
  }

  void summary(const DiffModel& d, const std::optional<double>& expected, MatchSink& out) const {
    std::size_t correct = 0;
    double num = 0, den = 0;
    std::map<std::string, std::size_t> named;
    for (const FuseFit& f : d.fits) {
      if (!f.present || !f.readable) {
        ++named[f.present ? "unreadable" : "missing"];
        continue;
      }
      Outcome o = classify(f, expected);
      static const char* kNames[] = {"correct", "wrong scale", "not merged", "transposed", "delta lost", "wrong module", "unexplained"};
      ++named[kNames[static_cast<int>(o)]];
      if (o == Outcome::correct) ++correct;
      if (o == Outcome::correct || o == Outcome::scale) {
        double w = f.delta_norm * f.delta_norm;  // weight each module by its energy
        num += w * f.scale;
        den += w;
      }
    }
    std::string list;
    for (const auto& [name, n] : named) list += fmt::format("{}{} {}", list.empty() ? "" : ", ", n, name);
    Match m;
    m.location = location_at(d.adapter->weights_file.empty() ? "" : d.adapter->weights_file, "");
    m.facts = {{"module", ""}, {"tensor", ""}, {"file", ""},
               {"measured", den > 0 ? number(num / den) : "none"},
               {"expected", expected ? number(*expected) : "unknown"},
               {"ratio", ""}, {"direction", ""}, {"alpha", ""}, {"residual", ""}, {"rows", ""}, {"other_module", ""},
               {"pairs", std::to_string(d.fits.size())}, {"correct", std::to_string(correct)}, {"named", list}};
    out.push_back(std::move(m));
  }

  Outcome outcome_;
  Expr expected_, alpha_;
  double tolerance_;
};

}  // namespace

std::unique_ptr<Primitive> make_fuse_fit(PrimitiveArgs& with) {
  with.allow_only({"outcome", "expected", "alpha", "tolerance-percent"});
  static const std::vector<std::pair<std::string, Outcome>> kOutcomes = {
      {"correct", Outcome::correct},       {"scale", Outcome::scale},           {"not-merged", Outcome::not_merged},
      {"transposed", Outcome::transposed}, {"delta-lost", Outcome::delta_lost}, {"wrong-module", Outcome::wrong_module},
      {"summary", Outcome::summary}};
  std::string name = with.string("outcome", true);
  Expr expected = with.expression("expected", true);
  Expr alpha = with.expression("alpha", false);
  double tolerance = static_cast<double>(with.integer("tolerance-percent", false, 1)) / 100.0;
  for (const auto& [n, o] : kOutcomes) {
    if (n == name) return std::make_unique<FuseFitPrimitive>(o, std::move(expected), std::move(alpha), tolerance);
  }
  with.error(with.node()["outcome"], "outcome must be correct, scale, not-merged, transposed, delta-lost, wrong-module or summary");
  return nullptr;
}

}  // namespace ckptlint
