// SPDX-License-Identifier: Apache-2.0
// The full tensor list a converter writes for a layout: float tensors as they are, and
// quantizable modules as MLX triples (weight U32 + scales [+ biases]) where the config's
// per-module entries or the quantization recipe say so.
#pragma once
#include <string>
#include <vector>

#include "layout/layout_model.h"
#include "mlx/quant_config.h"

namespace ckptlint {

struct ExpectedTensor {
  std::string name;
  std::string dtype;
  std::vector<std::uint64_t> shape;
  bool optional = false;  ///< the layout lets a checkpoint leave it out
  std::uint64_t nbytes() const;
};

/// The tensors a module of a layout entry is stored as under `scheme` (for MLX, with the
/// settings `p`); empty when the scheme does not quantize it (MLX leaves a module float when
/// its input width does not divide into groups) or a shape does not evaluate.
std::vector<ExpectedTensor> scheme_tensors(const LayoutEntry& entry, const QuantScheme& scheme,
                                           const nlohmann::json& config, const QuantParams* p = nullptr);

/// The MLX triple of a float weight [.., in] quantized with `p` (the `mlx` scheme of
/// `schemes`); empty if the module stays float.
std::vector<ExpectedTensor> quantized_triple(const LayoutEntry& entry, const QuantParams& p, const QuantSchemes& schemes);

/// Every tensor the layout implies under `recipe` (a name from the model's recipes), sorted
/// by name: MLX-quantized modules where the config's `quantization` and the recipe say so,
/// or the modules of the non-MLX scheme the config declares. Unknown recipe: empty result
/// and `error` set.
std::vector<ExpectedTensor> expected_tensors(const LayoutModel& model, const Layout& layout,
                                             const nlohmann::json& config, const std::string& recipe,
                                             std::string& error, const QuantSchemes& schemes);

}  // namespace ckptlint
