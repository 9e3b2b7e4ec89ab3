// SPDX-License-Identifier: Apache-2.0
// NaN/Inf detection by bit pattern, per dtype: never by converting values.
//
//   BF16 / F16 / F32 / F64 / F8_E5M2   exponent all ones: Inf if the mantissa is 0, else NaN
//   C64                                 two F32 halves (the element index is the complex one)
//   F8_E4M3 (e4m3fn)                    no Inf; NaN is S.1111.111
//   F8_E8M0 (MX scale)                  NaN is 0xFF (ggml_validate_row_data)
//   F8_E4M3FNUZ / F8_E5M2FNUZ           no Inf; NaN is 0x80 (the "negative zero" code)
//   F4, F6_*                            no NaN or Inf encodings: nothing to scan
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ckptlint/dtype.h"

namespace ckptlint {

/// Non-finite values found in (part of) a tensor.
struct NonFinite {
  std::uint64_t nan = 0;
  std::uint64_t pos_inf = 0;
  std::uint64_t neg_inf = 0;
  std::uint64_t first_index = UINT64_MAX;  ///< flat element index of the first one, if any

  std::uint64_t total() const { return nan + pos_inf + neg_inf; }
  void merge(const NonFinite& o);
};

/// True for dtypes that can encode NaN or Inf.
bool can_be_non_finite(DType dtype);

/// Counts non-finite elements in `bytes` (whole elements of `dtype`, suitably aligned),
/// whose first element has flat index `first_element`.
void count_non_finite(DType dtype, const unsigned char* bytes, std::size_t size, std::uint64_t first_element,
                      NonFinite& out);

/// True when some element has a bit set besides its sign bit (little-endian elements of
/// `width` bytes): not all +0/-0.
bool any_nonzero(const unsigned char* bytes, std::size_t size, std::size_t width);

/// The builds of the scan loops: the portable one (any target) and, on x86-64, AVX2.
enum class ScanKernel : std::uint8_t { automatic, portable, avx2 };
/// The kernels this build can run on this CPU (portable first).
std::vector<ScanKernel> scan_kernels();
/// Forces one (tests run each dtype case on every kernel); `automatic` picks the fastest.
void set_scan_kernel(ScanKernel kernel);
const char* to_string(ScanKernel kernel);

}  // namespace ckptlint
