// SPDX-License-Identifier: Apache-2.0
#include "mlx/quant_config.h"

#include <fmt/format.h>

namespace ckptlint {
namespace {

// Missing keys take nn.Linear.to_quantized's defaults (group_size 64, bits 4, affine), not
// the global settings; an empty dict is "do not quantize" (mlx-vlm maps false to {}).
std::optional<QuantParams> parse_params(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  QuantParams p;
  auto get_int = [&](const char* key, int& out) {
    auto it = j.find(key);
    if (it != j.end() && it->is_number_integer()) out = it->get<int>();
    return it != j.end();
  };
  bool has_bits = get_int("bits", p.bits);
  bool has_gs = get_int("group_size", p.group_size);
  auto mode = j.find("mode");
  // A per-module dict without `mode` means affine, not the global mode (nn.Linear.to_quantized).
  p.mode = mode != j.end() && mode->is_string() ? mode->get<std::string>() : "affine";
  if (!has_bits && !has_gs && mode == j.end()) return std::nullopt;
  return p;
}

}  // namespace

std::string describe(const QuantParams& p) {
  if (p.mode == "affine") return fmt::format("affine-{}", p.bits);
  return p.mode;
}

QuantConfig QuantConfig::from(const nlohmann::json& config) {
  QuantConfig q;
  if (!config.is_object()) return q;
  const nlohmann::json* section = nullptr;
  auto pick = [&](const nlohmann::json& parent, const char* key) {
    auto it = parent.find(key);
    // A quant_method marks HF-native quantization (gptq, awq, ...), which is no MLX layout.
    if (section == nullptr && it != parent.end() && it->is_object() && !it->contains("quant_method")) {
      section = &*it;
      q.key = key;
    }
  };
  pick(config, "quantization");
  pick(config, "quantization_config");
  if (auto tc = config.find("text_config"); tc != config.end() && tc->is_object()) {
    pick(*tc, "quantization_config");
    if (section != nullptr && q.key == "quantization_config" && section != &config["quantization_config"]) {
      q.key = "text_config.quantization_config";
    }
  }
  if (section == nullptr) return q;
  q.present = true;
  q.global = parse_params(*section);
  if (q.global) {
    // The global mode keeps its own default: absent means affine in older files.
    auto mode = section->find("mode");
    q.global->mode = mode != section->end() && mode->is_string() ? mode->get<std::string>() : "affine";
  }
  for (const auto& [key, value] : section->items()) {
    if (value.is_object()) q.modules[key] = parse_params(value);
    else if (value.is_boolean() && !value.get<bool>()) q.modules[key] = std::nullopt;
  }
  return q;
}

const std::string* QuantConfig::entry_key(const std::string& module) const {
  auto it = find_entry(module);
  return it == modules.end() ? nullptr : &it->first;
}

QuantConfig::Entries::const_iterator QuantConfig::find_entry(std::string_view module) const {
  if (modules.empty()) return modules.end();
  auto it = modules.find(module);
  if (it != modules.end()) return it;
  for (const std::string& prefix : entry_prefixes) {
    if (!module.starts_with(prefix)) continue;
    it = modules.find(module.substr(prefix.size()));
    if (it != modules.end()) return it;
  }
  return modules.end();
}

const std::optional<QuantParams>* QuantConfig::explicit_entry(const std::string& module) const {
  auto it = find_entry(module);
  return it == modules.end() ? nullptr : &it->second;
}

std::optional<QuantParams> QuantConfig::params_for(const std::string& module) const {
  if (const auto* entry = explicit_entry(module)) {
    if (*entry) return **entry;
  }
  return global;
}

}  // namespace ckptlint
