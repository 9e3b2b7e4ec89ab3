// SPDX-License-Identifier: Apache-2.0
// `ckptlint diff --adapter`: names what happened to each LoRA pair in the fuse, from the
// least-squares fit of ΔW ≈ s·(B·A) (diff/diff_model.h) and the scale the adapter's config
// says (`expected`, an expression: the dialect's formula lives in the rule). Every pair gets
// exactly one outcome, so a gate never passes a pair it could not verify:
//
//   outcome: correct       s within `tolerance` of expected
//            nothing       nothing to merge, and the fused module rightly unchanged: B·A = 0
//                          (an untrained pair, or one on a layer that never gets a gradient),
//                          a scale of 0, or an update below the rounding of the fused storage
//            scale         ΔW is a multiple of B·A, but s is not the expected one (raw alpha named)
//            not-merged    the target is bit-identical to the base, or s ≈ 0, though there was
//                          something to merge
//            transposed    ΔW fits (B·A)ᵀ, not B·A (square modules)
//            delta-lost    the fused module is quantized and s·B·A is below half a quantization step
//            wrong-module  the target did not change, another module of its layer fits B·A
//            unexplained   the target changed, but not as any multiple of B·A
//            unverifiable  the pair or the module could not be read, decoded or used, or the
//                          expected scale is not a finite number
//            summary       one match: every outcome counted, and the overall measured s
//
// `where` (optional) filters the pairs; `facts` adds named expressions to each match. Both
// see `module`, `leaf` and `layer` of the pair besides the rule's variables.
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "util/tensor_names.h"

namespace ckptlint {
namespace {

enum class Outcome { correct, nothing, scale, not_merged, transposed, delta_lost, wrong_module, unexplained, unverifiable, summary };

// Every outcome but summary, with its name in rule files and in the summary's counts.
const std::vector<std::tuple<Outcome, const char*, const char*>> kOutcomes = {
    {Outcome::correct, "correct", "merged as expected"},
    {Outcome::nothing, "nothing-to-merge", "with nothing to merge"},
    {Outcome::scale, "scale", "wrong scale"},
    {Outcome::not_merged, "not-merged", "not merged"},
    {Outcome::transposed, "transposed", "transposed"},
    {Outcome::delta_lost, "delta-lost", "delta lost"},
    {Outcome::wrong_module, "wrong-module", "wrong module"},
    {Outcome::unexplained, "unexplained", "unexplained"},
    {Outcome::unverifiable, "unverifiable", "unverifiable"},
};

std::string number(double v) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  std::string s = fmt::format("{:.4g}", v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// "8" for 7.998 (within 1% of a whole number), else two decimals.
std::string times(double r) {
  double whole = std::round(r);
  return std::fabs(r - whole) <= 0.01 * whole ? fmt::format("{:.0f}", whole) : fmt::format("{:.2f}", r);
}

// "BF16 precision" or "the 4-bit quantization step": the rounding an update fell below.
std::string rounding(const FuseFit& f) { return f.fused_quantized ? "half a quantization step" : "half a unit of " + f.fused_dtype + " precision"; }

// The expected scale as a usable number, or why it is not one.
struct Expected {
  std::optional<double> value;
  std::string problem;  ///< "" when value is set
};

// Why an adapter gives no scale: its config is missing, unreadable, or lacks the values.
std::string why_no_scale(const Checkpoint* adapter) {
  if (adapter != nullptr) {
    for (const LoadProblem& p : adapter->problems) {
      if (p.code == LoadProblemCode::adapter_config_missing) return "the adapter has no adapter_config.json, so the scale it was trained with is unknown";
      if (p.code == LoadProblemCode::adapter_config_not_json) return "the adapter's adapter_config.json is not a JSON object, so the scale it was trained with is unknown";
    }
  }
  return "the adapter's config gives no scale (or alpha and rank) to check against";
}

Expected expected_scale(const nlohmann::json& e, const Checkpoint* adapter) {
  if (!e.is_number()) return {std::nullopt, why_no_scale(adapter)};
  double v = e.get<double>();
  if (!std::isfinite(v)) return {std::nullopt, fmt::format("the adapter's scale is not a finite number ({})", number(v))};
  return {v, ""};
}

class FuseFitPrimitive final : public Primitive {
 public:
  FuseFitPrimitive(Outcome outcome, Expr expected, Expr alpha, double tolerance, Expr where, std::vector<std::pair<std::string, Expr>> facts)
      : outcome_(outcome), expected_(std::move(expected)), alpha_(std::move(alpha)), tolerance_(tolerance), where_(std::move(where)),
        facts_(std::move(facts)) {}
  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = {"module", "tensor", "file", "layer", "leaf", "measured", "expected", "ratio", "direction",
                                      "alpha", "residual", "rows", "other_module", "pairs", "correct", "named", "reason",
                                      "change", "nothing", "wrong", "nothing_why", "overall"};
    for (const auto& [name, e] : facts_) names.push_back(name);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const DiffModel* d = context.analysis.diff.get();
    if (d == nullptr || !d->adapter || d->fits.empty()) return;
    const Expected expected = expected_scale(expected_.eval(context.scope), d->adapter_checkpoint);
    nlohmann::json a = alpha_.empty() ? nlohmann::json(nullptr) : alpha_.eval(context.scope);
    const double alpha = a.is_number() && std::isfinite(a.get<double>()) ? a.get<double>() : 0.0;  // 0: not recorded
    if (outcome_ == Outcome::summary) {
      summary(*d, expected, out);
      return;
    }
    for (const FuseFit& f : d->fits) {
      std::string reason;
      if (classify(f, expected, reason) != outcome_) continue;
      Scope scope = pair_scope(f, context.scope);
      if (!where_.empty() && !where_.test(scope)) continue;
      Match m;
      m.location = location_at(f.file, f.module + ".weight");
      double measured = outcome_ == Outcome::transposed ? f.transposed_scale.value_or(0)
                        : outcome_ == Outcome::wrong_module ? f.other_scale : f.scale;
      const double e = expected.value.value_or(0);
      double ratio = e != 0 && measured != 0 ? measured / e : 0;
      bool raw_alpha = alpha != 0 && std::fabs(measured - alpha) <= tolerance_ * std::fabs(alpha);
      std::optional<long> layer = layer_of(f.module);
      m.facts = {{"module", f.module},
                 {"tensor", f.module + ".weight"},
                 {"file", f.file},
                 {"layer", layer ? std::to_string(*layer) : "none"},
                 {"leaf", f.pair != nullptr ? f.pair->leaf : ""},
                 {"measured", number(measured)},
                 {"expected", expected.value ? number(*expected.value) : "unknown"},
                 // Only the `scale` outcome shows it, where both numbers are non-zero.
                 {"ratio", ratio == 0 ? "?" : times(ratio >= 1 ? ratio : 1 / ratio)},
                 {"direction", ratio >= 1 ? "strong" : "weak"},
                 {"alpha", alpha != 0 ? number(alpha) : "unknown"},
                 {"residual", fmt::format("{:.3f}", outcome_ == Outcome::transposed ? f.transposed_residual.value_or(1) : f.residual)},
                 {"rows", std::to_string(f.rows)},
                 {"other_module", f.other_module},
                 {"pairs", std::to_string(d->fits.size())},
                 {"correct", ""},
                 {"named", raw_alpha ? " (merged with raw alpha instead of alpha / rank)" : ""},
                 {"reason", reason},
                 {"change", f.base_norm > 0 ? fmt::format("{:.0f}%", 100 * f.delta_norm / f.base_norm) : "?"},
                 {"nothing", ""},
                 {"wrong", ""},
                 {"nothing_why", ""},
                 {"overall", ""}};
      for (const auto& [name, ex] : facts_) m.facts.emplace_back(name, render_value(ex.eval(scope)));
      out.push_back(std::move(m));
    }
  }

 private:
  // The rule's scope with the pair's module, leaf and layer.
  static Scope pair_scope(const FuseFit& f, const Scope& parent) {
    Scope scope;
    scope.parent = &parent;
    std::optional<long> layer = layer_of(f.module);
    scope.vars = {{"module", f.module},
                  {"leaf", f.pair != nullptr ? f.pair->leaf : ""},
                  {"layer", layer ? nlohmann::json(*layer) : nlohmann::json(nullptr)}};
    return scope;
  }

  Outcome classify(const FuseFit& f, const Expected& expected, std::string& reason) const {
    if (!f.present || !f.readable) {
      reason = f.unverifiable;
      return Outcome::unverifiable;
    }
    if (!expected.value) {
      reason = expected.problem;
      return Outcome::unverifiable;
    }
    const double e = *expected.value;
    // What a fuse that does nothing but round leaves behind: at most half a rounding step
    // per element (re-quantizing a dequantized weight, or re-saving a float one).
    const bool within_rounding = f.identical || f.delta_norm <= f.noise_norm;
    if (f.zero_update || e == 0) {
      reason = f.zero_update ? "B·A = 0" : "the adapter's scale is 0";
      if (within_rounding) return Outcome::nothing;
      reason += ", so nothing should have changed";
      return Outcome::unexplained;
    }
    // A correct fuse leaves every element within a rounding of W_base + e·D: re-quantizing
    // (or rounding to a float dtype) moves each by at most half a step, so ‖ΔW − e·D‖² stays
    // within Σ(half step)². An update small against the step is mostly rounded back toward
    // the base, which a least-squares scale reads as "too weak"; this test does not.
    // Rounding attenuates a small update (it rounds back to the base) but never makes it
    // systematically stronger: a scale measured well above e is a wrong scale, not rounding.
    const double off_expected = f.delta_norm * f.delta_norm - 2 * e * f.delta_dot_d + e * e * f.d_norm2;
    const bool stronger = (f.scale - e) * (e < 0 ? -1 : 1) > std::max(0.25 * std::fabs(e), 3 * f.scale_error);
    // The update is smaller than the storage can show: a float fuse rightly leaves the
    // module as it was; a re-quantized one lost the adapter there.
    const bool below_rounding = f.d_over_half_step && std::fabs(e) * *f.d_over_half_step < 1;
    auto below_rounding_outcome = [&] {
      reason = "the update is below " + rounding(f);
      return f.fused_quantized ? Outcome::delta_lost : Outcome::nothing;
    };
    if (f.noise_norm > 0 && off_expected <= f.noise_norm * f.noise_norm && !stronger) {
      if (!f.identical && f.delta_norm > 0 && !below_rounding) return Outcome::correct;
      return below_rounding_outcome();
    }
    // ΔW is a multiple of B·A: nearly exactly for float weights; for re-quantized weights,
    // rounding noise remains, so the scale must stand well clear of its standard error.
    const bool fits = f.delta_norm > 0 && (f.residual < 0.2 || (f.fused_quantized && std::fabs(f.scale) > 10 * f.scale_error));
    if (fits) {
      // Within the tolerance, or within the measurement's own uncertainty (re-quantized weights).
      double allowed = std::max(tolerance_ * std::fabs(e), 3 * f.scale_error);
      if (std::fabs(f.scale - e) <= allowed) return Outcome::correct;
      if (std::fabs(f.scale) > 0.01 * std::fabs(e)) return Outcome::scale;
    }
    if (f.transposed_residual && f.delta_norm > 0 && *f.transposed_residual < f.residual &&
        (*f.transposed_residual < 0.2 || (f.fused_quantized && std::fabs(*f.transposed_scale) > 10 * f.transposed_error.value_or(0)))) {
      return Outcome::transposed;
    }
    if (!f.other_module.empty()) return Outcome::wrong_module;
    if (below_rounding && (f.identical || !fits)) return below_rounding_outcome();
    if (f.identical || f.delta_norm == 0 || (fits && std::fabs(f.scale) <= 0.01 * std::fabs(e))) return Outcome::not_merged;
    reason = fmt::format("the change fits no multiple of B·A (residual {:.2f})", f.residual);
    return Outcome::unexplained;
  }

  void summary(const DiffModel& d, const Expected& expected, MatchSink& out) const {
    std::size_t correct = 0, nothing = 0, wrong = 0;
    double num = 0, den = 0;
    std::map<Outcome, std::size_t> counted;
    std::map<std::string, std::size_t> nothing_reasons;
    for (const FuseFit& f : d.fits) {
      std::string reason;
      Outcome o = classify(f, expected, reason);
      ++counted[o];
      if (o == Outcome::correct) ++correct;
      // Below the storage's precision is no wrong fuse either: counted with nothing to merge.
      else if (o == Outcome::nothing || o == Outcome::delta_lost) ++nothing_reasons[reason], ++nothing;
      else ++wrong;
      if (o == Outcome::correct || o == Outcome::scale) {
        double w = f.delta_norm * f.delta_norm;  // weight each module by its energy
        num += w * f.scale;
        den += w;
      }
    }
    std::string list, wrong_list, why;
    for (const auto& [outcome, name, label] : kOutcomes) {
      auto it = counted.find(outcome);
      if (it == counted.end()) continue;
      list += fmt::format("{}{} {}", list.empty() ? "" : ", ", it->second, label);
      if (outcome != Outcome::correct && outcome != Outcome::nothing && outcome != Outcome::delta_lost) wrong_list += fmt::format("{}{} {}", wrong_list.empty() ? "" : ", ", it->second, label);
    }
    for (const auto& [reason, n] : nothing_reasons) why += fmt::format("{}{}{}", why.empty() ? "" : "; ", reason, nothing_reasons.size() > 1 ? fmt::format(": {}", n) : "");
    // The scale measured over the pairs that fit one, against the expected; or why not.
    std::string overall = !expected.value ? "no scale to compare with: " + expected.problem
                          : den > 0       ? fmt::format("overall measured scale {} (expected {})", number(num / den), number(*expected.value))
                                          : fmt::format("no pair fits a multiple of B·A (expected scale {})", number(*expected.value));
    Match m;
    m.location = location_at(d.adapter->weights_file.empty() ? "" : d.adapter->weights_file, "");
    m.facts = {{"module", ""}, {"tensor", ""}, {"file", ""}, {"layer", ""}, {"leaf", ""},
               {"measured", den > 0 ? number(num / den) : "none"},
               {"expected", expected.value ? number(*expected.value) : "unknown"},
               {"ratio", ""}, {"direction", ""}, {"alpha", ""}, {"residual", ""}, {"rows", ""}, {"other_module", ""},
               {"pairs", std::to_string(d.fits.size())}, {"correct", std::to_string(correct)}, {"named", list},
               {"reason", expected.problem}, {"change", ""}, {"nothing", std::to_string(nothing)},
               {"wrong", wrong == 0 ? "0 wrong" : fmt::format("{} wrong ({})", wrong, wrong_list)},
               {"nothing_why", nothing == 0 ? "" : fmt::format(", {} with nothing to merge ({})", nothing, why)},
               {"overall", overall}};
    for (const auto& [name, e] : facts_) m.facts.emplace_back(name, "");
    out.push_back(std::move(m));
  }

  Outcome outcome_;
  Expr expected_, alpha_;
  double tolerance_;
  Expr where_;
  std::vector<std::pair<std::string, Expr>> facts_;
};

}  // namespace

std::unique_ptr<Primitive> make_fuse_fit(PrimitiveArgs& with) {
  with.allow_only({"outcome", "expected", "alpha", "tolerance-percent", "where", "facts"});
  std::string name = with.string("outcome", true);
  Expr expected = with.expression("expected", true);
  Expr alpha = with.expression("alpha", false);
  Expr where = with.expression("where", false);
  auto facts = with.expressions("facts");
  double tolerance = static_cast<double>(with.integer("tolerance-percent", false, 1)) / 100.0;
  if (name == "summary") {
    return std::make_unique<FuseFitPrimitive>(Outcome::summary, std::move(expected), std::move(alpha), tolerance, std::move(where), std::move(facts));
  }
  for (const auto& [outcome, n, label] : kOutcomes) {
    if (n == name) return std::make_unique<FuseFitPrimitive>(outcome, std::move(expected), std::move(alpha), tolerance, std::move(where), std::move(facts));
  }
  with.error(with.node()["outcome"],
             "outcome must be correct, nothing-to-merge, scale, not-merged, transposed, delta-lost, wrong-module, unexplained, "
             "unverifiable or summary");
  return nullptr;
}

}  // namespace ckptlint
