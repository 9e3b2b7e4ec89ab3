// SPDX-License-Identifier: Apache-2.0
// Per-module entries of config.json's quantization section that name no module of the
// checkpoint. MLX loaders look each module up by its path and, when no entry matches, fall
// back to the global settings without a word (mlx-vlm issue 1079: entries keyed
// "model.language_model.*" over an MLX-layout file). Entries that say what the global
// settings say change nothing and are left alone, and so are `false` entries: mlx-lm's AWQ
// lists every leaf module, weightless ones too, and leaving those float changes nothing. When the layout model knows another key
// layout, the entry is translated into this checkpoint's layout to say what it was meant for.
#include <fmt/format.h>

#include <set>

#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class QuantConfigEntriesUnmatched final : public Primitive {
 public:
  std::vector<std::string> fact_names() const override {
    return {"file", "key", "count", "entry", "settings", "meant", "global"};
  }

  void run(const RunContext& context, MatchSink& out) const override {
    const Analysis& a = context.analysis;
    if (!a.quant.present || a.modules.empty()) return;
    std::set<std::string> matched;
    for (const auto& [module, stored] : a.modules) {
      if (const std::string* key = a.quant.entry_key(module)) matched.insert(*key);
    }
    std::vector<std::string> unmatched;
    for (const auto& [key, params] : a.quant.modules) {
      bool changes_something = params && !(a.quant.global && *params == *a.quant.global);
      if (!matched.count(key) && changes_something) unmatched.push_back(key);
    }
    if (unmatched.empty()) return;
    const std::string& first = unmatched.front();
    const auto& params = a.quant.modules.at(first);
    Match m;
    m.location = location_at("config.json", "", "/" + a.quant.key + "/" + first);
    m.facts = {{"file", "config.json"},
               {"key", a.quant.key},
               {"count", std::to_string(unmatched.size())},
               {"entry", first},
               {"settings", fmt::format("{} group size {}", describe(*params), params->group_size)},
               {"meant", meant_for(a, first)},
               {"global", a.quant.global ? fmt::format("{} group size {}", describe(*a.quant.global), a.quant.global->group_size)
                                         : "settings (none are given)"}};
    out.push_back(std::move(m));
  }

 private:
  // The entry rewritten from another key layout's prefix into this checkpoint's, when that
  // names a stored module.
  static std::string meant_for(const Analysis& a, const std::string& entry) {
    if (a.layout_model != nullptr && a.layout) {
      auto own = a.layout_model->prefixes.find(a.layout->variant);
      for (const auto& [variant, parts] : a.layout_model->prefixes) {
        if (own == a.layout_model->prefixes.end() || variant == a.layout->variant) continue;
        for (const auto& [part, prefix] : parts) {
          auto target = own->second.find(part);
          if (target == own->second.end() || !entry.starts_with(prefix)) continue;
          std::string candidate = target->second + entry.substr(prefix.size());
          if (a.modules.count(candidate)) {
            return fmt::format("it is keyed in the {} layout and was meant for '{}'", variant, candidate);
          }
        }
      }
    }
    return "no module of this checkpoint has that path";
  }
};

}  // namespace

std::unique_ptr<Primitive> make_quant_config_entries_unmatched(PrimitiveArgs& with) {
  with.allow_only({});
  return std::make_unique<QuantConfigEntriesUnmatched>();
}

}  // namespace ckptlint
