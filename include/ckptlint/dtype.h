// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace ckptlint {

/// Element types of the safetensors format: the 22 names of huggingface/safetensors `enum Dtype`.
enum class DType : std::uint8_t {
  BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ,
  I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64,
};

/// Number of DType values.
inline constexpr int dtype_count = 22;

/// Bits per element (4 for F4, 6 for the F6 types).
int bit_width(DType dtype);

/// The exact, case-sensitive name used in safetensors headers, e.g. "BF16".
std::string_view to_string(DType dtype);

/// Parses an exact dtype name; nothing for unknown or wrongly cased names.
std::optional<DType> dtype_from_string(std::string_view name);

/// The known dtype name closest to `name` (case-insensitive, then edit distance), for hints.
std::string_view nearest_dtype_name(std::string_view name);

/// True for every type whose elements are floating point numbers (and so may hold NaN/Inf).
bool is_float(DType dtype);

/// True for the dtypes MLX's safetensors reader accepts (mlx/io/safetensors.cpp).
bool mlx_reads(DType dtype);

}  // namespace ckptlint
