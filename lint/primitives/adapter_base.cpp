// SPDX-License-Identifier: Apache-2.0
// An adapter against the base model it is meant for (`check ADAPTER --base DIR`).
//
//   check: missing  target modules the base does not have (after PEFT's "base_model.model."
//                   is stripped); `hint` names a base module with the same path from
//                   "layers." on, when the key layouts differ (HF vs MLX prefixes), and
//                   `prefix` / `base_prefix` are the parts of the two paths before it
//          shape    pairs whose in/out differ from the base module's weight [out, in]
//                   (quantized base: in = packed columns x 32 / bits)
//          fit      one match when at least half of the pairs (and two) fit nothing in the
//                   base: of another shape, or on modules the base has under no name (the
//                   adapter was trained for another model); `facts` adds named expressions
//   where: filter over the base layout entry of the target (its loop variables, lets,
//          labels and attrs, as in layout rules) and `module`, `leaf`, `layer`
#include <fmt/format.h>

#include <set>

#include "analysis/analysis.h"
#include "primitives/adapter_facts.h"
#include "util/tensor_names.h"
#include "util/ranges.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

enum class Check { missing, shape, fit };

// Where the path `module` starts to be the same as another model's: "layers.N." (or the
// last two components).
std::size_t tail_start(const std::string& module) {
  auto span = find_layer(module);
  if (span) return span->begin;
  std::size_t dot = module.rfind('.');
  std::size_t at = dot == std::string::npos || dot == 0 ? std::string::npos : module.rfind('.', dot - 1);
  return at == std::string::npos ? std::string::npos : at + 1;
}

// The base module whose path from "layers.N." (or the last two components) on is the same.
std::string similar_module(const Analysis& base, const std::string& module) {
  auto span = find_layer(module);
  std::size_t at = span ? span->begin : std::string::npos;
  if (at == std::string::npos) {
    std::size_t dot = module.rfind('.');
    at = dot == std::string::npos || dot == 0 ? std::string::npos : module.rfind('.', dot - 1);
    if (at == std::string::npos) return "";
    ++at;
  }
  const std::string tail = module.substr(at);
  for (const auto& [path, stored] : base.modules) {
    if (path.size() > tail.size() && path.compare(path.size() - tail.size(), tail.size(), tail) == 0 &&
        path[path.size() - tail.size() - 1] == '.' && stored.weight != nullptr) {
      return path;
    }
  }
  return "";
}

class AdapterBase final : public Primitive {
 public:
  AdapterBase(Check check, Expr where, std::vector<std::pair<std::string, Expr>> facts)
      : check_(check), where_(std::move(where)), facts_(std::move(facts)) {}
  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = pair_fact_names();
    for (const char* f : {"hint", "in", "out", "base_in", "base_out", "base_shape", "quantization", "prefix", "base_prefix",
                          "hint_prefix", "pairs", "unfit", "shape_count", "missing_count", "example"}) {
      names.push_back(f);
    }
    for (const auto& [name, e] : facts_) names.push_back(name);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.adapter || !a.base) return;
    if (check_ == Check::fit) {
      fit(context, out);
      return;
    }
    const Analysis& base = *a.base;
    for (const LoraPair& p : a.adapter->pairs) {
      auto stored = base.modules.find(p.module);
      bool present = stored != base.modules.end() && stored->second.weight != nullptr;
      if ((check_ == Check::missing) == present) continue;
      if (!selected(base, p)) continue;
      Match m = pair_match(p);
      std::string in = "unknown", out_dim = "unknown", base_in = "unknown", base_out = "unknown", base_shape, quant = "none";
      std::string prefix, base_prefix;
      if (check_ == Check::missing) {
        std::string similar = similar_module(base, p.module);
        m.facts.emplace_back("hint", similar.empty() ? "the base has no module at this path"
                                                     : fmt::format("the base names it '{}'", similar));
        std::size_t at = tail_start(p.module);
        prefix = at == std::string::npos ? p.module : p.module.substr(0, at);
        if (!similar.empty()) base_prefix = similar.substr(0, similar.size() - (p.module.size() - std::min(at, p.module.size())));
      } else {
        auto d = p.dims();
        auto dims = base_dims(base, p.module);  // unreadable quantization has its own findings
        if (!d || !dims || (d->in == dims->first && d->out == dims->second)) continue;
        if (stored->second.quantized()) quant = describe(*base.quant.params_for(p.module));
        in = std::to_string(d->in);
        out_dim = std::to_string(d->out);
        base_in = std::to_string(dims->first);
        base_out = std::to_string(dims->second);
        base_shape = shape_text(stored->second.weight->shape);
        m.facts.emplace_back("hint", "");
      }
      m.facts.emplace_back("in", in);
      m.facts.emplace_back("out", out_dim);
      m.facts.emplace_back("base_in", base_in);
      m.facts.emplace_back("base_out", base_out);
      m.facts.emplace_back("base_shape", base_shape);
      m.facts.emplace_back("quantization", quant);
      m.facts.emplace_back("prefix", prefix);
      m.facts.emplace_back("base_prefix", base_prefix);
      m.facts.emplace_back("hint_prefix", base_prefix.empty() ? "the base has no modules there"
                                                                : fmt::format("the base has them under '{}'", base_prefix));
      for (const char* f : {"pairs", "unfit", "shape_count", "missing_count", "example"}) m.facts.emplace_back(f, "");
      for (const auto& [name, e] : facts_) m.facts.emplace_back(name, render_value(e.eval(context.scope)));
      out.push_back(std::move(m));
    }
  }

 private:
  // In/out of the base weight of a pair's module, unpacked for a quantized base; nothing
  // when the module is absent or its quantization unreadable.
  static std::optional<std::pair<std::uint64_t, std::uint64_t>> base_dims(const Analysis& base, const std::string& module) {
    auto stored = base.modules.find(module);
    if (stored == base.modules.end() || stored->second.weight == nullptr || stored->second.weight->shape.size() != 2) return std::nullopt;
    const TensorInfo& w = *stored->second.weight;
    std::uint64_t in = w.shape[1];
    if (stored->second.quantized()) {
      std::optional<QuantParams> q = base.quant.params_for(module);
      if (!q || q->bits <= 0) return std::nullopt;
      in = in * 32 / static_cast<std::uint64_t>(q->bits);
    }
    return std::pair{in, w.shape[0]};
  }

  // The adapter as a whole against the base: does most of it fit anything there?
  void fit(const RunContext& context, MatchSink& out) const {
    const Analysis& a = context.analysis;
    const Analysis& base = *a.base;
    std::size_t shape = 0, missing = 0;
    std::string example;
    std::set<long> missing_layers;
    for (const LoraPair& p : a.adapter->pairs) {
      auto d = p.dims();
      if (base.modules.count(p.module) == 0) {
        if (!similar_module(base, p.module).empty()) continue;  // another key layout: its own rule
        ++missing;
        if (p.layer) missing_layers.insert(*p.layer);
        continue;
      }
      auto dims = base_dims(base, p.module);
      if (!d || !dims || (d->in == dims->first && d->out == dims->second)) continue;
      ++shape;
      if (example.empty()) {
        example = fmt::format("{} maps {} -> {} in the adapter, {} -> {} in the base", p.leaf, d->in, d->out, dims->first, dims->second);
      }
    }
    const std::size_t pairs = a.adapter->pairs.size(), unfit = shape + missing;
    if (unfit < 2 || unfit * 2 < pairs) return;
    if (!missing_layers.empty()) {
      example += fmt::format("{}{} {} {} not in the base", example.empty() ? "" : "; ",
                             missing_layers.size() == 1 ? "layer" : "layers", format_ranges(missing_layers), missing_layers.size() == 1 ? "is" : "are");
    }
    Match m;
    m.location = location_at(a.adapter->weights_file, "");
    m.facts = {{"module", ""}, {"tensor", ""}, {"file", a.adapter->weights_file}, {"layer", ""}, {"leaf", ""}, {"naming", ""},
               {"shape_a", ""}, {"shape_b", ""}, {"hint", ""}, {"in", ""}, {"out", ""}, {"base_in", ""}, {"base_out", ""},
               {"base_shape", ""}, {"quantization", ""}, {"prefix", ""}, {"base_prefix", ""}, {"hint_prefix", ""},
               {"pairs", std::to_string(pairs)}, {"unfit", std::to_string(unfit)}, {"shape_count", std::to_string(shape)},
               {"missing_count", std::to_string(missing)}, {"example", example}};
    for (const auto& [name, e] : facts_) m.facts.emplace_back(name, render_value(e.eval(context.scope)));
    out.push_back(std::move(m));
  }

  bool selected(const Analysis& base, const LoraPair& p) const {
    if (where_.empty()) return true;
    VarList extra = {{"module", p.module}, {"leaf", p.leaf}, {"layer", p.layer ? nlohmann::json(*p.layer) : nlohmann::json(nullptr)}};
    if (const LayoutEntry* e = base.entry_for_module(p.module)) return base.where(where_, *e, extra);
    Scope root = base.root_scope();
    Scope scope;
    scope.parent = &root;
    scope.vars = std::move(extra);
    return where_.test(scope);
  }

  Check check_;
  Expr where_;
  std::vector<std::pair<std::string, Expr>> facts_;
};

}  // namespace

std::unique_ptr<Primitive> make_adapter_base(PrimitiveArgs& with) {
  with.allow_only({"check", "where", "facts"});
  std::string name = with.string("check", true);
  Expr where = with.expression("where", false);
  auto facts = with.expressions("facts");
  if (name != "missing" && name != "shape" && name != "fit") {
    with.error(with.node()["check"], "check must be missing, shape or fit");
    return nullptr;
  }
  Check check = name == "missing" ? Check::missing : name == "shape" ? Check::shape : Check::fit;
  return std::make_unique<AdapterBase>(check, std::move(where), std::move(facts));
}

}  // namespace ckptlint
