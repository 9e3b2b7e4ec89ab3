// SPDX-License-Identifier: Apache-2.0
// MLX quantization settings from config.json (gemma4-layout.md §4.4): the global
// {group_size, bits, mode} and per-module overrides ({...} or false). Loaders decide per
// module from the presence of "<module>.scales"; these settings say how to read it.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
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

/// What mx.quantize accepts for a mode (affine: 2-6 or 8 bits, groups of 32, 64 or 128; the
/// microscaled float modes one bit count and one group size each).
bool is_quant_mode(std::string_view mode);
bool valid_bits(std::string_view mode, std::int64_t bits);
bool valid_group_size(std::string_view mode, std::int64_t group_size);

/// A quantization value mlx-lm cannot use. Found where the value is read and never replaced
/// by a default: the settings it belongs to count as unknown. Facts only (the rules word them).
struct QuantValueProblem {
  enum class Kind {
    value,    ///< bits / group_size / mode of the wrong type or out of range
    missing,  ///< the global section lacks bits or group_size (mlx-lm indexes both)
    entry,    ///< a per-module entry that is neither a bool nor a dict
  };
  Kind kind = Kind::value;
  std::string entry;    ///< the per-module entry's key, empty for the global settings
  std::string key;      ///< dotted path of the value ("quantization.bits"); for `missing`, the section
  std::string written;  ///< the value as written (JSON text); for `missing`, the absent keys
  std::string allowed;  ///< what the reader accepts there ("2, 3, 4, 5, 6 or 8")
};

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
  /// Values that cannot be used, in the order of the file.
  std::vector<QuantValueProblem> problems;
  /// Per-module entries whose settings are unknown because of such a value; kept out of
  /// `modules`, and the modules they name have no settings (not the global ones).
  std::set<std::string, std::less<>> unusable_entries;

  /// Reads `quantization`, else `quantization_config` without `quant_method`, else
  /// text_config.quantization_config (mlx-lm's fallback).
  static QuantConfig from(const nlohmann::json& config);

  /// The explicit per-module entry for `module` (also under its path without one of
  /// `entry_prefixes`); nothing when the config has none.
  const std::optional<QuantParams>* explicit_entry(const std::string& module) const;
  /// The key of that entry in `modules`, or nullptr.
  const std::string* entry_key(const std::string& module) const;

  /// The unusable entry that names `module`, or nullptr.
  const std::string* unusable_entry(std::string_view module) const;

  /// The settings a quantized `module` was written with: its explicit entry, else the global;
  /// nothing when its entry or the global settings are unusable.
  std::optional<QuantParams> params_for(const std::string& module) const;

 private:
  template <class Map>
  typename Map::const_iterator find_in(const Map& map, std::string_view module) const;
  Entries::const_iterator find_entry(std::string_view module) const;
};

}  // namespace ckptlint
