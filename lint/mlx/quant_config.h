// SPDX-License-Identifier: Apache-2.0
// MLX quantization settings from config.json (gemma4-layout.md §4.4): the global
// {group_size, bits, mode} and per-module overrides ({...} or false). Loaders decide per
// module from the presence of "<module>.scales"; these settings say how to read it.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ckptlint {

/// How one module is (or should be) quantized.
struct QuantParams {
  int bits = 4;
  int group_size = 64;
  std::string mode = "affine";  ///< affine, mxfp4, nvfp4, mxfp8
  bool has_biases() const { return mode == "affine"; }
  bool operator==(const QuantParams& o) const { return bits == o.bits && group_size == o.group_size && mode == o.mode; }
};

/// "affine-4", "mxfp4": the short name reports use.
std::string describe(const QuantParams& p);

/// The quantization section of a config, resolved.
struct QuantConfig {
  bool present = false;                        ///< config carries an MLX quantization section
  std::string key;                             ///< where it was found: "quantization", ...
  std::optional<QuantParams> global;           ///< the global settings, when complete
  /// Per-module entries; nullopt = false. (std::less<>: looked up by views, without copies.)
  using Entries = std::map<std::string, std::optional<QuantParams>, std::less<>>;
  Entries modules;
  /// Prefixes a per-module entry may leave out of the module path (the layout model's
  /// quantization.entry-prefixes): an entry for "P.x" is also looked up as "x".
  std::vector<std::string> entry_prefixes;

  /// Reads `quantization`, else `quantization_config` without `quant_method`, else
  /// text_config.quantization_config (mlx-lm's fallback).
  static QuantConfig from(const nlohmann::json& config);

  /// The explicit per-module entry for `module` (also under its path without one of
  /// `entry_prefixes`); nothing when the config has none.
  const std::optional<QuantParams>* explicit_entry(const std::string& module) const;
  /// The key of that entry in `modules`, or nullptr.
  const std::string* entry_key(const std::string& module) const;

  /// The settings a quantized `module` was written with: its explicit entry, else the global.
  std::optional<QuantParams> params_for(const std::string& module) const;

 private:
  Entries::const_iterator find_entry(std::string_view module) const;
};

}  // namespace ckptlint
