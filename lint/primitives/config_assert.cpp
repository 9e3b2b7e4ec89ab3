// SPDX-License-Identifier: Apache-2.0
// Fires once when an expression over config values (config.json, or an adapter's
// adapter_config.json) is false: the generic config invariant
// ("len(layer_types) == num_hidden_layers"). Facts are named expressions evaluated for the
// message. When `assert` is undefined (a key it needs is missing) it stays silent, unless
// `undefined-fires: true`.
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class ConfigAssert final : public Primitive {
 public:
  ConfigAssert(Expr check, std::vector<std::pair<std::string, Expr>> facts, bool undefined_fires)
      : check_(std::move(check)), facts_(std::move(facts)), undefined_fires_(undefined_fires) {}

  std::vector<std::string> fact_names() const override {
    std::vector<std::string> names = {"file"};
    for (const auto& [name, e] : facts_) names.push_back(name);
    return names;
  }

  void run(const RunContext& context, MatchSink& out) const override {
    // No config at all is reported by other rules; an assertion about it means nothing.
    if (!context.checkpoint.config) return;
    nlohmann::json result = check_.eval(context.scope);
    if (result.is_null() && !undefined_fires_) return;
    if (truthy(result)) return;
    Match m;
    m.location.file = context.checkpoint.config->file;
    m.facts.emplace_back("file", m.location.file);
    for (const auto& [name, e] : facts_) m.facts.emplace_back(name, render_value(e.eval(context.scope)));
    out.push_back(std::move(m));
  }

 private:
  Expr check_;
  std::vector<std::pair<std::string, Expr>> facts_;
  bool undefined_fires_;
};

}  // namespace

std::unique_ptr<Primitive> make_config_assert(PrimitiveArgs& with) {
  with.allow_only({"assert", "facts", "undefined-fires"});
  Expr check = with.expression("assert", true);
  auto facts = with.expressions("facts");
  bool undefined_fires = with.string("undefined-fires", false, "false") == "true";
  if (check.empty()) return nullptr;
  return std::make_unique<ConfigAssert>(std::move(check), std::move(facts), undefined_fires);
}

}  // namespace ckptlint
