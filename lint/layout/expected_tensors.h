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

/// The packed triple of a float weight [.., in] quantized with `p`; empty if `in` does not
/// divide into groups (MLX leaves such modules unquantized).
std::vector<ExpectedTensor> quantized_triple(const LayoutEntry& entry, const QuantParams& p);

/// Every tensor the layout implies under `recipe` (a name from the model's recipes), sorted
/// by name. Unknown recipe: empty result and `error` set.
std::vector<ExpectedTensor> expected_tensors(const LayoutModel& model, const Layout& layout,
                                             const nlohmann::json& config, const std::string& recipe,
                                             std::string& error);

}  // namespace ckptlint
