// SPDX-License-Identifier: Apache-2.0
// Checks each LoRA pair of an adapter on its own (gemma4-layout.md §6):
//
//   check: incomplete   A without B, or B without A
//          rank         A and B agree on an inner dimension that is not the configured rank
//          rank-zero    A and B agree on an inner dimension of 0: B·A is empty, the pair adds nothing
//          inner-dims   A's and B's inner dimensions disagree in either orientation
//          transposed   the shapes fit the other dialect's orientation (PEFT [r, in] under
//                       MLX names, or the reverse); square projections hide this without a rank
//          naming       tensor names of another dialect than the adapter's config
//          lora-b-zero  every element of B is zero (values; an untrained adapter)
//
// `rank` is the configured rank (expression); `rank-pattern` an object of PEFT module
// patterns -> rank, matched like PEFT: the module path ends with the pattern. `where`
// (optional) keeps the pairs it holds for; it sees `module`, `leaf` and `layer`.
#include "adapter/adapter_patterns.h"
#include "analysis/analysis.h"
#include "primitives/adapter_facts.h"

namespace ckptlint {
namespace {

enum class Check { incomplete, rank, rank_zero, inner_dims, transposed, naming, lora_b_zero };

bool fits(const LoraPair::Dims& d, const nlohmann::json& rank) {
  if (d.rank_a != d.rank_b) return false;
  return !rank.is_number_integer() || d.rank_a == rank.get<std::uint64_t>();
}

class AdapterPairs final : public Primitive {
 public:
  AdapterPairs(Check check, Expr rank, Expr pattern, Expr where)
      : check_(check), rank_(std::move(rank)), pattern_(std::move(pattern)), where_(std::move(where)) {}
  bool needs_values() const override { return check_ == Check::lora_b_zero; }
  // An untrained adapter: B is initialised to zero and never moved.
  std::vector<const TensorInfo*> zero_checks(const Analysis& a) const override {
    std::vector<const TensorInfo*> out;
    if (check_ != Check::lora_b_zero || !a.adapter) return out;
    for (const LoraPair& p : a.adapter->pairs) {
      if (p.b != nullptr) out.push_back(p.b);
    }
    return out;
  }
  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = pair_fact_names();
    for (const char* f : {"rank", "expected", "dialect", "expected_naming", "in", "out", "missing"}) names.push_back(f);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.adapter) return;
    const nlohmann::json configured = rank_.empty() ? nlohmann::json(nullptr) : rank_.eval(context.scope);
    const nlohmann::json patterns = pattern_.empty() ? nlohmann::json(nullptr) : pattern_.eval(context.scope);
    // rank_pattern first (PEFT semantics: the key matches the end of the module path); a pair
    // the work budget left undecided has no known rank (adapter-pattern-over-budget says so).
    const RankPatternMatch& by_pattern = a.patterns->rank_pattern(patterns, a.adapter->pairs);
    const bool configured_ok = configured.is_number_integer() && configured.get<std::int64_t>() > 0;
    for (std::size_t i = 0; i < a.adapter->pairs.size(); ++i) {
      const LoraPair& p = a.adapter->pairs[i];
      const bool undecided = by_pattern.over_budget && by_pattern.ranks[i].is_null();
      const nlohmann::json rank = !by_pattern.ranks[i].is_null() ? by_pattern.ranks[i]
                                  : configured_ok && !undecided  ? configured
                                                                 : nlohmann::json(nullptr);
      if (!fires(p, rank, context) || !selected(p, context.scope)) continue;
      Match m = pair_match(p);
      if (check_ == Check::lora_b_zero) m.location.tensor = m.facts[1].second = p.b->name;  // facts[1]: "tensor"
      auto d = p.dims();
      m.facts.emplace_back("rank", d ? std::to_string(d->rank_a) : "unknown");
      m.facts.emplace_back("expected", rank.is_null() ? "unknown" : render_value(rank));
      m.facts.emplace_back("dialect", a.adapter->dialect);
      m.facts.emplace_back("expected_naming", to_string(a.adapter->naming()));
      m.facts.emplace_back("in", d ? std::to_string(d->in) : "unknown");
      m.facts.emplace_back("out", d ? std::to_string(d->out) : "unknown");
      m.facts.emplace_back("missing", p.a == nullptr ? (p.b == nullptr ? "A and B" : "A") : p.b == nullptr ? "B" : "");
      out.push_back(std::move(m));
    }
  }

 private:
  bool selected(const LoraPair& p, const Scope& parent) const {
    if (where_.empty()) return true;
    Scope scope;
    scope.parent = &parent;
    scope.vars = {{"module", p.module}, {"leaf", p.leaf}, {"layer", p.layer ? nlohmann::json(*p.layer) : nlohmann::json(nullptr)}};
    return where_.test(scope);
  }

  bool fires(const LoraPair& p, const nlohmann::json& rank, const RunContext& context) const {
    auto d = p.dims();
    auto s = p.swapped_dims();
    switch (check_) {
      case Check::incomplete: return p.a == nullptr || p.b == nullptr;
      case Check::naming: return p.naming != context.analysis.adapter->naming() && context.analysis.adapter->dialect != "unknown";
      case Check::transposed: return d && s && !fits(*d, rank) && fits(*s, rank);
      // Rank 0 is rank-zero's, whatever the config says.
      case Check::rank: return d && d->rank_a == d->rank_b && d->rank_a > 0 && !fits(*d, rank) && !(s && fits(*s, rank));
      case Check::rank_zero: return d && d->rank_a == 0 && d->rank_b == 0;
      case Check::inner_dims: return d && s && d->rank_a != d->rank_b && s->rank_a != s->rank_b;
      case Check::lora_b_zero: {
        if (p.b == nullptr || !context.analysis.values) return false;
        for (const TensorValues& v : context.analysis.values->tensors) {
          const Shard& shard = context.checkpoint.shards[v.shard];
          if (v.all_zero && shard.file == p.file && &shard.tensors[v.tensor] == p.b) return true;
        }
        return false;
      }
    }
    return false;
  }

  Check check_;
  Expr rank_;
  Expr pattern_;
  Expr where_;
};

}  // namespace

std::unique_ptr<Primitive> make_adapter_pairs(PrimitiveArgs& with) {
  with.allow_only({"check", "rank", "rank-pattern", "where"});
  static const std::vector<std::pair<std::string, Check>> kChecks = {
      {"incomplete", Check::incomplete}, {"rank", Check::rank},         {"rank-zero", Check::rank_zero},
      {"inner-dims", Check::inner_dims}, {"transposed", Check::transposed}, {"naming", Check::naming},
      {"lora-b-zero", Check::lora_b_zero}};
  std::string name = with.string("check", true);
  Expr rank = with.expression("rank", false);
  Expr pattern = with.expression("rank-pattern", false);
  Expr where = with.expression("where", false);
  for (const auto& [n, c] : kChecks) {
    if (n == name) return std::make_unique<AdapterPairs>(c, std::move(rank), std::move(pattern), std::move(where));
  }
  with.error(with.node()["check"], "check must be one of incomplete, rank, rank-zero, inner-dims, transposed, naming, lora-b-zero");
  return nullptr;
}

}  // namespace ckptlint
