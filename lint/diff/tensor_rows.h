// SPDX-License-Identifier: Apache-2.0
// Reads chosen rows of a 2-D weight as floats: BF16/F16/F32 directly, MLX-quantized modules
// dequantized (affine: w = scale * q + bias per group; mxfp4/nvfp4: E2M1 codes with E8M0 or
// E4M3 scales; mxfp8: E4M3 codes with E8M0 scales). Used by fuse verification, on a sample
// of rows, so memory is a few rows whatever the model size.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint/file_pool.h"
#include "ckptlint/checkpoint.h"
#include "mlx/quant_config.h"

namespace ckptlint {

/// One module's weight as stored: a float .weight, or the quantized triple and its settings.
struct WeightSource {
  const Checkpoint* checkpoint = nullptr;
  const TensorInfo* weight = nullptr;
  const TensorInfo* scales = nullptr;   ///< set when quantized
  const TensorInfo* biases = nullptr;   ///< affine only
  std::optional<QuantParams> quant;     ///< set when quantized
  /// Where shard files are opened (a diff shares one pool for all its reads); null: each read
  /// opens the file for itself.
  FilePool* files = nullptr;
  std::uint64_t rows() const { return weight && !weight->shape.empty() ? weight->shape[0] : 0; }
  /// Logical input width (unpacked for quantized weights); 0 when unknown.
  std::uint64_t cols() const;
};

/// Reads row `row` as `cols()` floats; nothing on unsupported dtypes, bad shapes or I/O errors.
/// Running out of file descriptors is no I/O error of the file: it throws EnvironmentError.
std::optional<std::vector<float>> read_row(const WeightSource& w, std::uint64_t row);

/// Half of the quantization step of row `row` (per group), for "delta lost under requantization".
std::optional<std::vector<float>> half_steps(const WeightSource& w, std::uint64_t row);

}  // namespace ckptlint
