// SPDX-License-Identifier: Apache-2.0
// Quantization values in config.json that mlx-lm cannot use, as written (mlx/quant_config.h
// finds them where it reads them; the settings they belong to are unknown to every other
// rule, never a default):
//
//   check: value    bits / group_size / mode of the wrong type or out of range
//          missing  the quantization section lacks group_size or bits
//          entry    a per-module entry that is neither a bool nor a dict
//
// A per-module entry is reported only when it names a stored module: the loader looks
// entries up by module path and never reads one that names nothing.
#include <set>

#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

using Kind = QuantValueProblem::Kind;

class QuantConfigValues final : public Primitive {
 public:
  explicit QuantConfigValues(Kind kind) : kind_(kind) {}
  std::vector<std::string> fact_names() const override { return {"file", "key", "value", "allowed", "module"}; }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (a.quant.problems.empty()) return;
    // The unusable entries that name a stored module, with one such module each.
    std::map<std::string_view, std::string_view> named;
    if (!a.quant.unusable_entries.empty()) {
      for (const auto& [module, stored] : a.modules) {
        if (const std::string* key = a.quant.unusable_entry(module)) named.try_emplace(*key, module);
      }
    }
    for (const QuantValueProblem& p : a.quant.problems) {
      if (p.kind != kind_) continue;
      auto module = named.find(p.entry);
      if (!p.entry.empty() && module == named.end()) continue;
      Match match;
      match.location = location_at("config.json", "", "/" + json_pointer(p));
      match.facts = {{"file", "config.json"}, {"key", p.key}, {"value", p.written}, {"allowed", p.allowed},
                     {"module", p.entry.empty() ? "every quantized module" : std::string(module->second)}};
      out.push_back(std::move(match));
    }
  }

 private:
  // The JSON pointer of the value: the section, the entry (one token, dots and all) and the
  // setting. Pointer escapes: ~ is ~0, / is ~1.
  static std::string json_pointer(const QuantValueProblem& p) {
    auto token = [](std::string_view s) {
      std::string t;
      for (char c : s) t += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
      return t;
    };
    std::string section = p.key.substr(0, p.key.find('.'));
    if (p.key.starts_with("text_config.")) section = "text_config/quantization_config";
    if (p.kind == Kind::missing) return section;
    std::string setting = p.key.substr(p.key.rfind('.') + 1);
    if (p.kind == Kind::entry) return section + "/" + token(p.entry);
    return p.entry.empty() ? section + "/" + setting : section + "/" + token(p.entry) + "/" + setting;
  }

  Kind kind_;
};

}  // namespace

std::unique_ptr<Primitive> make_quant_config_values(PrimitiveArgs& with) {
  with.allow_only({"check"});
  std::string check = with.string("check", true);
  if (check == "value") return std::make_unique<QuantConfigValues>(Kind::value);
  if (check == "missing") return std::make_unique<QuantConfigValues>(Kind::missing);
  if (check == "entry") return std::make_unique<QuantConfigValues>(Kind::entry);
  if (!check.empty()) with.error(with.node()["check"], "check must be value, missing or entry");
  return nullptr;
}

}  // namespace ckptlint
