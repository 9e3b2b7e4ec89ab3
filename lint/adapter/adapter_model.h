// SPDX-License-Identifier: Apache-2.0
// A LoRA adapter as its loaders see it (gemma4-layout.md §6): which of the four dialects wrote
// it, which file holds the final weights, and its tensors grouped into (A, B) pairs per
// adapted module. This is format knowledge, like the safetensors reader; what is *right* for
// an adapter (the scale formula, which targets a model has) is in rules/adapter/*.yaml.
//
//   dialect          config                                  tensors (module path + suffix)
//   mlx-lm           lora_parameters{rank, scale, keys},      .lora_a [in, r]  .lora_b [r, out]  .m (DoRA)
//                    keys relative to a decoder layer
//   mlx-vlm          same, full-path keys, num_layers -1      .lora_a [in, r]  .lora_b [r, out]
//   mlx-vlm-legacy   {rank, alpha, dropout}                   .A [in, r]       .B [r, out]
//   peft             r, lora_alpha, target_modules, ...       base_model.model.<path>.lora_A.weight [r, in]
//                                                             ... .lora_B.weight [out, r], .lora_magnitude_vector
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ckptlint/checkpoint.h"

namespace ckptlint {

/// How a pair's tensors are named, which fixes their orientation.
enum class LoraNaming { mlx, legacy, peft };

/// The A and B matrices (and DoRA magnitude) of one adapted module.
struct LoraPair {
  std::string module;                 ///< module path in the model (PEFT: without "base_model.model.")
  std::string file;                   ///< the weights file
  LoraNaming naming = LoraNaming::mlx;
  const TensorInfo* a = nullptr;      ///< lora_a / A / lora_A.weight
  const TensorInfo* b = nullptr;      ///< lora_b / B / lora_B.weight
  const TensorInfo* magnitude = nullptr;  ///< DoRA: .m / .lora_magnitude_vector
  std::optional<long> layer;          ///< decoder layer number, from ".layers.N."
  std::string leaf;                   ///< last path component: "q_proj"

  /// Dimensions read in the naming's orientation (only for 2-D a and b).
  struct Dims {
    std::uint64_t in = 0, rank_a = 0, rank_b = 0, out = 0;
  };
  std::optional<Dims> dims() const;
  /// The same tensors read in the other orientation (PEFT shapes under MLX names, or the reverse).
  std::optional<Dims> swapped_dims() const;
  /// A tensor to name in reports: a, else b, else magnitude.
  const TensorInfo* any() const { return a ? a : b ? b : magnitude; }
};

struct AdapterModel {
  std::string dialect = "unknown";        ///< mlx-lm | mlx-vlm | mlx-vlm-legacy | peft | unknown
  std::string weights_file;               ///< the final weights file ("" when there is none)
  std::vector<std::string> periodic_files;///< training checkpoints: 0000100_adapters.safetensors
  std::vector<LoraPair> pairs;            ///< sorted by module
  std::vector<const TensorInfo*> other;   ///< tensors of the weights file that are no LoRA leaf
  /// The naming this dialect writes.
  LoraNaming naming() const;
  /// Variables for rule expressions: {dialect, weights, pairs, periodic}.
  nlohmann::json vars() const;
};

/// What PEFT puts before every module path in its tensor names.
inline constexpr std::string_view kPeftModulePrefix = "base_model.model.";

/// Reads the adapter structure of `ck` (kind "adapter"; its config is adapter_config.json).
AdapterModel read_adapter(const Checkpoint& ck);

/// "mlx", "legacy", "peft".
const char* to_string(LoraNaming naming);

}  // namespace ckptlint
