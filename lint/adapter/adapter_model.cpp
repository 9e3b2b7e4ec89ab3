// SPDX-License-Identifier: Apache-2.0
#include "adapter/adapter_model.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "util/tensor_names.h"

namespace ckptlint {
namespace {

using json = nlohmann::json;

bool is_periodic(const std::string& file) { return is_training_checkpoint(file); }

enum class Role { a, b, magnitude };

struct Suffix {
  const char* text;
  LoraNaming naming;
  Role role;
};

// Longest first, so ".lora_A.weight" is not read as something ending in ".weight".
constexpr Suffix kSuffixes[] = {
    {".lora_magnitude_vector.weight", LoraNaming::peft, Role::magnitude},
    {".lora_magnitude_vector", LoraNaming::peft, Role::magnitude},
    {".lora_A.weight", LoraNaming::peft, Role::a},
    {".lora_B.weight", LoraNaming::peft, Role::b},
    {".lora_embedding_A", LoraNaming::peft, Role::a},
    {".lora_embedding_B", LoraNaming::peft, Role::b},
    {".lora_a", LoraNaming::mlx, Role::a},
    {".lora_b", LoraNaming::mlx, Role::b},
    {".A", LoraNaming::legacy, Role::a},
    {".B", LoraNaming::legacy, Role::b},
};

std::string detect_dialect(const json* config, const std::vector<std::string>& files) {
  if (config != nullptr && config->is_object()) {
    const json& c = *config;
    if (c.contains("lora_parameters")) {
      // mlx-vlm writes full module paths as keys ("….layers.3.self_attn.q_proj"); mlx-lm's
      // are relative to a decoder layer ("self_attn.q_proj"), so they name no layer number.
      const json& params = c["lora_parameters"];
      if (params.is_object() && params.contains("keys") && params["keys"].is_array()) {
        for (const json& k : params["keys"]) {
          if (k.is_string() && has_number_component(k.get<std::string>())) return "mlx-vlm";
        }
      }
      return "mlx-lm";
    }
    // PEFT needs peft_type to load a config at all; r with lora_alpha is PEFT's spelling too.
    // lora_alpha or target_modules alone are not enough (JAX/tunix writes both).
    if (c.contains("peft_type") || (c.contains("r") && c.contains("lora_alpha"))) return "peft";
    if (c.contains("rank") || c.contains("alpha")) return "mlx-vlm-legacy";
  }
  if (std::find(files.begin(), files.end(), "adapter_model.safetensors") != files.end()) return "peft";
  if (std::find(files.begin(), files.end(), "adapters.safetensors") != files.end()) return "mlx-lm";
  return "unknown";
}

std::string pick_weights(const std::string& dialect, const Checkpoint& ck) {
  std::vector<std::string> candidates;
  for (const Shard& s : ck.shards) {
    if (!is_periodic(s.file)) candidates.push_back(s.file);
  }
  const char* preferred = dialect == "peft" ? "adapter_model.safetensors" : "adapters.safetensors";
  for (const char* name : {preferred, "adapter_model.safetensors", "adapters.safetensors"}) {
    if (std::find(candidates.begin(), candidates.end(), name) != candidates.end()) return name;
  }
  // mlx-vlm's --output-path may name the file anything.
  return candidates.size() == 1 ? candidates.front() : "";
}

}  // namespace

const char* to_string(LoraNaming naming) {
  switch (naming) {
    case LoraNaming::mlx: return "mlx";
    case LoraNaming::legacy: return "legacy";
    case LoraNaming::peft: return "peft";
  }
  return "mlx";
}

std::optional<LoraPair::Dims> LoraPair::dims() const {
  if (a == nullptr || b == nullptr || a->shape.size() != 2 || b->shape.size() != 2) return std::nullopt;
  if (naming == LoraNaming::peft) return Dims{a->shape[1], a->shape[0], b->shape[1], b->shape[0]};
  return Dims{a->shape[0], a->shape[1], b->shape[0], b->shape[1]};
}

std::optional<LoraPair::Dims> LoraPair::swapped_dims() const {
  if (a == nullptr || b == nullptr || a->shape.size() != 2 || b->shape.size() != 2) return std::nullopt;
  if (naming != LoraNaming::peft) return Dims{a->shape[1], a->shape[0], b->shape[1], b->shape[0]};
  return Dims{a->shape[0], a->shape[1], b->shape[0], b->shape[1]};
}

LoraNaming AdapterModel::naming() const {
  if (dialect == "peft") return LoraNaming::peft;
  if (dialect == "mlx-vlm-legacy") return LoraNaming::legacy;
  return LoraNaming::mlx;
}

json AdapterModel::vars() const {
  return json{{"dialect", dialect}, {"weights", weights_file}, {"pairs", pairs.size()}, {"periodic", periodic_files.size()}};
}

// Groups the weights file's tensors into pairs (dialect and weights file already known).
static AdapterModel read_pairs(const Checkpoint& ck, AdapterModel model);

AdapterModel read_adapter(const Checkpoint& ck) {
  AdapterModel model;
  model.dialect = detect_dialect(ck.config ? &ck.config->value : nullptr, ck.files);
  model.weights_file = pick_weights(model.dialect, ck);
  if (!ck.config) {
    // No config: the tensor names tell the dialect (legacy .A/.B, PEFT lora_A.weight).
    for (const Shard& s : ck.shards) {
      if (s.file != model.weights_file) continue;
      for (const TensorInfo& t : s.tensors) {
        if (t.name.ends_with(".lora_a") || t.name.ends_with(".lora_b")) return read_pairs(ck, std::move(model));
      }
      for (const TensorInfo& t : s.tensors) {
        if (t.name.ends_with(".A") || t.name.ends_with(".B")) model.dialect = "mlx-vlm-legacy";
        else if (t.name.ends_with(".lora_A.weight") || t.name.ends_with(".lora_B.weight")) model.dialect = "peft";
        else continue;
        break;
      }
    }
  }
  return read_pairs(ck, std::move(model));
}

static AdapterModel read_pairs(const Checkpoint& ck, AdapterModel model) {
  for (const Shard& s : ck.shards) {
    if (is_periodic(s.file)) model.periodic_files.push_back(s.file);
  }
  const Shard* weights = nullptr;
  for (const Shard& s : ck.shards) {
    if (s.file == model.weights_file) weights = &s;
  }
  if (weights == nullptr) return model;
  std::map<std::string, LoraPair> by_module;
  for (const TensorInfo& t : weights->tensors) {
    const Suffix* found = nullptr;
    for (const Suffix& s : kSuffixes) {
      if (t.name.ends_with(s.text)) {
        found = &s;
        break;
      }
    }
    // ".A"/".B" are LoRA leaves only in the legacy dialect; elsewhere they could be anything.
    if (found != nullptr && found->naming == LoraNaming::legacy && model.dialect != "mlx-vlm-legacy") found = nullptr;
    if (found == nullptr) {
      model.other.push_back(&t);
      continue;
    }
    std::string module = t.name.substr(0, t.name.size() - std::string(found->text).size());
    module = std::string(without_prefix(module, kPeftModulePrefix));
    LoraPair& pair = by_module[module];
    pair.module = module;
    pair.file = weights->file;
    pair.naming = found->naming;
    (found->role == Role::a ? pair.a : found->role == Role::b ? pair.b : pair.magnitude) = &t;
  }
  // mlx-lm's DoRA magnitude is ".m": only a leaf when the module also has lora_a/lora_b.
  std::vector<const TensorInfo*> others;
  for (const TensorInfo* t : model.other) {
    if (t->name.ends_with(".m")) {
      auto it = by_module.find(t->name.substr(0, t->name.size() - 2));
      if (it != by_module.end() && it->second.naming == LoraNaming::mlx && it->second.magnitude == nullptr) {
        it->second.magnitude = t;
        continue;
      }
    }
    others.push_back(t);
  }
  model.other = std::move(others);
  for (auto& [module, pair] : by_module) {
    pair.layer = layer_of(module);
    std::size_t dot = module.rfind('.');
    pair.leaf = dot == std::string::npos ? module : module.substr(dot + 1);
    // A magnitude alone (no A or B) is a leaf of nothing.
    if (pair.a == nullptr && pair.b == nullptr) {
      model.other.push_back(pair.magnitude);
      continue;
    }
    model.pairs.push_back(std::move(pair));
  }
  return model;
}

}  // namespace ckptlint
