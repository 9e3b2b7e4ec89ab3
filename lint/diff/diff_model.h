// SPDX-License-Identifier: Apache-2.0
// What changed from a base checkpoint to a fused one (`ckptlint diff BASE FUSED`): key sets,
// dtypes, shapes and quantization from the headers; which tensors' bytes changed; and with an
// adapter, for each LoRA pair, the scale s that best explains ΔW = W_fused − W_base as
// s · (B·A) on sampled rows (least squares), with the fits that name the other outcomes
// (transposed, merged into another module, delta below the quantization step).
// Rules (rules/diff/) decide what is wrong; the expected scale is a rule expression.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapter/adapter_model.h"
#include "checkpoint/file_pool.h"
#include "ckptlint/checkpoint.h"
#include "mlx/module_table.h"
#include "mlx/quant_config.h"

namespace ckptlint {

/// A tensor on one side, or a tensor present on both with a difference.
struct TensorDelta {
  std::string name;
  std::string file;          ///< the fused side's file (the base's when only in the base)
  std::string base_value;    ///< dtype or shape in the base ("" when absent)
  std::string fused_value;
  std::optional<double> relative;  ///< changed weights: ‖W_fused − W_base‖ / ‖W_base‖ on sampled rows
};

/// The fit of one LoRA pair against the fused model.
struct FuseFit {
  const LoraPair* pair = nullptr;
  std::string module;                ///< module path in the checkpoints
  std::string file;                  ///< fused file of the module's weight
  bool present = true;               ///< the module exists in base and fused
  bool readable = true;              ///< rows and factors could be read, decoded and used
  std::string unverifiable;          ///< why not (present and readable false): "lora_b is [8, 64] ..."
  bool identical = false;            ///< fused bytes equal the base's
  bool zero_update = false;          ///< B·A is zero on every row compared: nothing to merge
  double scale = 0;                  ///< least-squares s for ΔW ≈ s·D
  double delta_dot_d = 0, d_norm2 = 0;  ///< Σ ΔW·D and Σ D² on the sampled rows (‖ΔW − sD‖² for any s)
  double residual = 1;               ///< ‖ΔW − sD‖ / ‖ΔW‖ (0: exact)
  double delta_norm = 0;             ///< ‖ΔW‖ on the sampled rows
  double base_norm = 0;              ///< ‖W_base‖ on the sampled rows
  double noise_norm = 0;             ///< ‖half a rounding step‖ of the fused storage on the sampled rows
  double scale_error = 0;            ///< standard error of `scale` (re-quantization noise makes it > 0)
  bool fused_quantized = false;      ///< the fused module is quantized (its ΔW carries rounding noise)
  std::string fused_dtype;           ///< the fused weight's dtype ("BF16", "U32", ...)
  std::optional<double> transposed_scale, transposed_residual, transposed_error;  ///< square modules: fit against Dᵀ
  /// max |D| / (half a rounding step of the fused storage): a quantization step (affine) or
  /// half a unit in the last place of the fused float weight. An update s·D with
  /// |s| · this < 1 rounds away entirely.
  std::optional<double> d_over_half_step;
  std::string other_module;          ///< a changed module of the same layer that fits D instead
  double other_scale = 0, other_residual = 1;
  std::uint64_t rows = 0;            ///< rows compared
};

struct DiffModel {
  const Checkpoint* base = nullptr;
  std::vector<TensorDelta> only_base, only_fused, dtype_changed, shape_changed;
  std::vector<std::string> dequantized;   ///< modules quantized in the base, float in the fused
  std::size_t dequantized_config_followed = 0;  ///< of those, how many the fused config marks float
  std::vector<std::string> requantized;   ///< float in the base, quantized in the fused
  std::size_t base_triples = 0, fused_triples = 0;
  std::string base_quantization, fused_quantization;
  std::size_t base_files = 0, fused_files = 0;
  bool base_index = false, fused_index = false;
  bool values_compared = false;
  std::size_t compared = 0;               ///< common tensors compared byte by byte
  std::vector<TensorDelta> changed;       ///< common tensors whose bytes differ
  std::optional<AdapterModel> adapter;    ///< --adapter
  const Checkpoint* adapter_checkpoint = nullptr;
  std::vector<FuseFit> fits;
  std::vector<std::string> untargeted;    ///< changed modules that no adapter pair targets
};

struct DiffOptions {
  bool values = true;   ///< compare bytes and fit the adapter (false: headers only)
  bool full = false;    ///< every row instead of a sample
  std::uint64_t sample_rows = 32;
};

/// One side of a diff: the checkpoint, its stored modules and quantization settings, and the
/// one-line description of its quantization (the analysis's). All must outlive the call.
struct DiffSide {
  const Checkpoint* checkpoint = nullptr;
  const ModuleTable* table = nullptr;
  const QuantConfig* quant = nullptr;
  std::string quantization;
  FilePool* files = nullptr;  ///< where its shard files are opened (build_diff sets it for its reads)
};

/// Builds the diff of the fused side against the base side. Shard files are opened through
/// one pool for the whole diff; running out of descriptors throws EnvironmentError.
std::shared_ptr<const DiffModel> build_diff(const DiffSide& base, const DiffSide& fused, const Checkpoint* adapter,
                                            const DiffOptions& options);

/// "language_model.model.layers.N.self_attn.q_proj.weight" and the layer, from a tensor name.
std::string kind_of(const std::string& name, std::optional<long>& layer);

}  // namespace ckptlint
