// SPDX-License-Identifier: Apache-2.0
// An adapter against the base model it is meant for (`check ADAPTER --base DIR`).
//
//   check: missing  target modules the base does not have (after PEFT's "base_model.model."
//                   is stripped); `hint` names a base module with the same path from
//                   "layers." on, when the key layouts differ (HF vs MLX prefixes)
//          shape    pairs whose in/out differ from the base module's weight [out, in]
//                   (quantized base: in = packed columns x 32 / bits)
//   where: filter over the base layout entry of the target (its loop variables, lets,
//          labels and attrs, as in layout rules) and `module`, `leaf`, `layer`
#include <fmt/format.h>

#include "analysis/analysis.h"
#include "primitives/adapter_facts.h"
#include "util/tensor_names.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

enum class Check { missing, shape };

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
  AdapterBase(Check check, Expr where) : check_(check), where_(std::move(where)) {}
  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = pair_fact_names();
    for (const char* f : {"hint", "in", "out", "base_in", "base_out", "base_shape", "quantization"}) names.push_back(f);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.adapter || !a.base) return;
    const Analysis& base = *a.base;
    for (const LoraPair& p : a.adapter->pairs) {
      auto stored = base.modules.find(p.module);
      bool present = stored != base.modules.end() && stored->second.weight != nullptr;
      if ((check_ == Check::missing) == present) continue;
      if (!selected(base, p)) continue;
      Match m = pair_match(p);
      std::string in = "unknown", out_dim = "unknown", base_in = "unknown", base_out = "unknown", base_shape, quant = "none";
      if (check_ == Check::missing) {
        std::string similar = similar_module(base, p.module);
        m.facts.emplace_back("hint", similar.empty() ? "the base has no module at this path"
                                                     : fmt::format("the base names it '{}'", similar));
      } else {
        auto d = p.dims();
        const TensorInfo& w = *stored->second.weight;
        if (!d || w.shape.size() != 2) continue;
        std::uint64_t w_in = w.shape[1];
        if (stored->second.quantized()) {
          std::optional<QuantParams> q = base.quant.params_for(p.module);
          if (!q || q->bits <= 0) continue;  // unreadable quantization has its own findings
          quant = describe(*q);
          w_in = w_in * 32 / static_cast<std::uint64_t>(q->bits);
        }
        if (d->in == w_in && d->out == w.shape[0]) continue;
        in = std::to_string(d->in);
        out_dim = std::to_string(d->out);
        base_in = std::to_string(w_in);
        base_out = std::to_string(w.shape[0]);
        base_shape = shape_text(w.shape);
        m.facts.emplace_back("hint", "");
      }
      m.facts.emplace_back("in", in);
      m.facts.emplace_back("out", out_dim);
      m.facts.emplace_back("base_in", base_in);
      m.facts.emplace_back("base_out", base_out);
      m.facts.emplace_back("base_shape", base_shape);
      m.facts.emplace_back("quantization", quant);
      out.push_back(std::move(m));
    }
  }

 private:
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
};

}  // namespace

std::unique_ptr<Primitive> make_adapter_base(PrimitiveArgs& with) {
  with.allow_only({"check", "where"});
  std::string name = with.string("check", true);
  Expr where = with.expression("where", false);
  if (name != "missing" && name != "shape") {
    with.error(with.node()["check"], "check must be missing or shape");
    return nullptr;
  }
  return std::make_unique<AdapterBase>(name == "missing" ? Check::missing : Check::shape, std::move(where));
}

}  // namespace ckptlint
