// SPDX-License-Identifier: Apache-2.0
// Config keys that must be written out because loaders disagree on their defaults
// (gemma4-layout.md §1.4: transformers assumes num_kv_shared_layers 0, MLX assumes 20).
//
//   object: expression for the JSON object that must hold the keys ("text_config ?? config")
//   keys:   {name: {note: "why it matters"}, ...} (one match per missing key)
#include <fmt/format.h>

#include "primitives/primitive.h"

namespace ckptlint {
namespace {

class ConfigKeysRequired final : public Primitive {
 public:
  ConfigKeysRequired(Expr object, std::string object_text, std::vector<std::pair<std::string, std::string>> keys)
      : object_(std::move(object)), object_text_(std::move(object_text)), keys_(std::move(keys)) {}
  std::vector<std::string> fact_names() const override { return {"file", "key", "object", "note"}; }
  void run(const RunContext& context, MatchSink& out) const override {
    if (!context.checkpoint.config) return;
    nlohmann::json object = object_.eval(context.scope);
    if (!object.is_object()) return;
    for (const auto& [key, note] : keys_) {
      if (object.contains(key) && !object[key].is_null()) continue;
      Match m;
      m.location = location_at("config.json", "");
      m.facts = {{"file", "config.json"}, {"key", key}, {"object", object_text_}, {"note", note}};
      out.push_back(std::move(m));
    }
  }

 private:
  Expr object_;
  std::string object_text_;
  std::vector<std::pair<std::string, std::string>> keys_;
};

}  // namespace

std::unique_ptr<Primitive> make_config_keys_required(PrimitiveArgs& with) {
  with.allow_only({"object", "name", "keys"});
  Expr object = with.expression("object", true);
  std::string name = with.string("name", false, "config.json");
  std::vector<std::pair<std::string, std::string>> keys;
  const DocNode& k = with.node()["keys"];
  if (!k.is_map()) {
    with.error(k.defined() ? k : with.node(), "'keys' must map each key to {note: ...}");
  } else {
    for (const auto& kv : k.members()) keys.emplace_back(kv.first.scalar(), kv.second["note"].scalar());
  }
  if (object.empty()) return nullptr;
  return std::make_unique<ConfigKeysRequired>(std::move(object), name, std::move(keys));
}

}  // namespace ckptlint
