// SPDX-License-Identifier: Apache-2.0
#include "mlx/quant_config.h"

#include <fmt/format.h>

#include <limits>

#include "util/display_text.h"

namespace ckptlint {
namespace {

using Kind = QuantValueProblem::Kind;
constexpr std::size_t kMaxWritten = 64;  // a value is quoted, not copied: a hostile config may hold megabytes there

// The value as its writer wrote it (JSON text: "4" quoted is a string, 4.5 a float), cut on
// a code-point boundary. Invalid UTF-8 is replaced, not thrown on.
std::string as_written(const nlohmann::json& v) {
  std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= kMaxWritten) return text;
  return std::string(utf8_prefix(text, kMaxWritten)) + "...";
}

std::string allowed_bits(std::string_view mode) {
  if (mode == "affine") return "2, 3, 4, 5, 6 or 8";
  if (is_quant_mode(mode)) return mode == "mxfp8" ? "8" : "4";
  return "an integer";
}

std::string allowed_group_size(std::string_view mode) {
  if (mode == "affine") return "32, 64 or 128";
  if (is_quant_mode(mode)) return mode == "nvfp4" ? "16" : "32";
  return "an integer";
}

// Reads one settings object (the global section or a per-module dict), checking every
// value for type and range. `section` is the dotted path of the object; `entry` the
// per-module key (empty for the global settings). Returns false when a value is unusable.
class SettingsReader {
 public:
  SettingsReader(QuantConfig& q, const nlohmann::json& object, std::string section, std::string entry)
      : q_(q), object_(object), section_(std::move(section)), entry_(std::move(entry)) {}

  bool read(QuantParams& p, bool& has_bits, bool& has_group_size, bool& has_mode) {
    bool usable = true;
    auto mode = object_.find("mode");
    has_mode = mode != object_.end();
    if (has_mode) {
      if (mode->is_string() && is_quant_mode(mode->get_ref<const std::string&>())) {
        p.mode = mode->get<std::string>();
      } else {
        problem("mode", *mode, "\"affine\", \"mxfp4\", \"nvfp4\" or \"mxfp8\"");
        p.mode = "?";  // bits and group_size are then checked for type and a sane range only
        usable = false;
      }
    }
    usable &= read_int("bits", allowed_bits(p.mode), valid_bits, p.mode, p.bits, has_bits);
    usable &= read_int("group_size", allowed_group_size(p.mode), valid_group_size, p.mode, p.group_size, has_group_size);
    return usable;
  }

 private:
  bool read_int(const char* key, const std::string& allowed, bool (*valid)(std::string_view, std::int64_t),
                const std::string& mode, int& out, bool& present) {
    auto it = object_.find(key);
    present = it != object_.end();
    if (!present) return true;
    // Integers only (4.0 and "4" are not: mx.quantize takes a Python int); an unsigned one
    // past INT64_MAX is out of range, never wrapped.
    bool integer = it->is_number_integer() && !(it->is_number_unsigned() && it->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()));
    std::int64_t value = integer ? it->get<std::int64_t>() : 0;
    bool ok = integer && (is_quant_mode(mode) ? valid(mode, value) : value > 0 && value <= 1024);
    if (!ok) {
      problem(key, *it, allowed);
      return false;
    }
    out = static_cast<int>(value);
    return true;
  }

  void problem(const char* key, const nlohmann::json& value, const std::string& allowed) {
    q_.problems.push_back({Kind::value, entry_, section_ + "." + key, as_written(value), allowed});
  }

  QuantConfig& q_;
  const nlohmann::json& object_;
  std::string section_, entry_;
};

bool is_setting_key(const std::string& key) { return key == "bits" || key == "group_size" || key == "mode"; }

}  // namespace

bool is_quant_mode(std::string_view mode) { return mode == "affine" || mode == "mxfp4" || mode == "nvfp4" || mode == "mxfp8"; }

bool valid_bits(std::string_view mode, std::int64_t bits) {
  if (mode == "affine") return bits == 2 || bits == 3 || bits == 4 || bits == 5 || bits == 6 || bits == 8;
  return bits == (mode == "mxfp8" ? 8 : 4);
}

bool valid_group_size(std::string_view mode, std::int64_t gs) {
  if (mode == "affine") return gs == 32 || gs == 64 || gs == 128;
  return gs == (mode == "nvfp4" ? 16 : 32);
}

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

  // The global settings: mlx-lm indexes config["quantization"]["group_size"] and ["bits"] (a
  // KeyError when either is absent) and takes mode with a default of affine. A
  // quantization_config without them is left alone: older HF writers omit quant_method.
  QuantParams global;
  bool has_bits = false, has_gs = false, has_mode = false;
  bool usable = SettingsReader(q, *section, q.key, "").read(global, has_bits, has_gs, has_mode);
  if ((!has_bits || !has_gs) && q.key == "quantization") {
    std::string absent = !has_bits && !has_gs ? "group_size, bits" : !has_gs ? "group_size" : "bits";
    q.problems.push_back({Kind::missing, "", q.key, absent, ""});
  }
  if (usable && has_bits && has_gs) q.global = global;

  for (const auto& [key, value] : section->items()) {
    if (is_setting_key(key)) continue;
    if (value.is_object()) {
      // Missing keys take nn.Linear.to_quantized's defaults (group_size 64, bits 4, affine),
      // not the global settings; an empty dict is "do not quantize" (mlx-vlm maps false to {}).
      QuantParams p;
      bool b = false, g = false, m = false;
      if (!SettingsReader(q, value, q.key + "." + key, key).read(p, b, g, m)) q.unusable_entries.insert(key);
      else q.modules[key] = b || g || m ? std::optional<QuantParams>(p) : std::nullopt;
    } else if (value.is_boolean()) {
      if (!value.get<bool>()) q.modules[key] = std::nullopt;  // true: the global settings
    } else {
      // nn.quantize takes a bool or a dict per module: anything else is reported when the key
      // names a stored module (an unrelated key is never looked at by the loader).
      q.problems.push_back({Kind::entry, key, q.key + "." + key, as_written(value), "true, false or a dict"});
      q.unusable_entries.insert(key);
    }
  }
  return q;
}

const std::string* QuantConfig::entry_key(const std::string& module) const {
  auto it = find_entry(module);
  return it == modules.end() ? nullptr : &it->first;
}

template <class Map>
typename Map::const_iterator QuantConfig::find_in(const Map& map, std::string_view module) const {
  if (map.empty()) return map.end();
  auto it = map.find(module);
  if (it != map.end()) return it;
  for (const std::string& prefix : entry_prefixes) {
    if (!module.starts_with(prefix)) continue;
    it = map.find(module.substr(prefix.size()));
    if (it != map.end()) return it;
  }
  return map.end();
}

QuantConfig::Entries::const_iterator QuantConfig::find_entry(std::string_view module) const { return find_in(modules, module); }

const std::string* QuantConfig::unusable_entry(std::string_view module) const {
  auto it = find_in(unusable_entries, module);
  return it == unusable_entries.end() ? nullptr : &*it;
}

const std::optional<QuantParams>* QuantConfig::explicit_entry(const std::string& module) const {
  auto it = find_entry(module);
  return it == modules.end() ? nullptr : &it->second;
}

std::optional<QuantParams> QuantConfig::params_for(const std::string& module) const {
  if (const auto* entry = explicit_entry(module)) {
    if (*entry) return **entry;
  }
  if (unusable_entry(module) != nullptr) return std::nullopt;  // unknown, not the global settings
  return global;
}

}  // namespace ckptlint
