// SPDX-License-Identifier: Apache-2.0
// The inner loops of the value scan. Each block first asks "does any element have an
// all-ones exponent?" with a branch-free count the compiler vectorizes (and builds for AVX2
// too, picked at run time); only the rare blocks that do are walked element by element.
#include "values/non_finite.h"

#include <algorithm>

namespace ckptlint {
namespace {

constexpr std::size_t kBlock = 2048;

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define CKPTLINT_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define CKPTLINT_MULTIVERSION
#endif

// IEEE-style formats: exponent all ones means Inf (mantissa 0) or NaN.
template <typename U>
CKPTLINT_MULTIVERSION void scan_ieee(const U* p, std::size_t n, std::uint64_t base, U exp, U mant, U sign,
                                     NonFinite& out) {
  for (std::size_t b = 0; b < n; b += kBlock) {
    const std::size_t m = std::min(kBlock, n - b);
    unsigned hits = 0;
    for (std::size_t i = 0; i < m; ++i) hits += (p[b + i] & exp) == exp;
    if (hits == 0) continue;
    for (std::size_t i = 0; i < m; ++i) {
      const U x = p[b + i];
      if ((x & exp) != exp) continue;
      if ((x & mant) != 0) ++out.nan;
      else if ((x & sign) != 0) ++out.neg_inf;
      else ++out.pos_inf;
      out.first_index = std::min(out.first_index, base + b + i);
    }
  }
}

// One-byte formats whose only non-finite code is NaN, matched as (x & mask) == value.
CKPTLINT_MULTIVERSION void scan_byte_nan(const unsigned char* p, std::size_t n, std::uint64_t base,
                                         unsigned char mask, unsigned char value, NonFinite& out) {
  for (std::size_t b = 0; b < n; b += kBlock) {
    const std::size_t m = std::min(kBlock, n - b);
    unsigned hits = 0;
    for (std::size_t i = 0; i < m; ++i) hits += (p[b + i] & mask) == value;
    if (hits == 0) continue;
    out.nan += hits;
    for (std::size_t i = 0; i < m; ++i) {
      if ((p[b + i] & mask) == value) {
        out.first_index = std::min(out.first_index, base + b + i);
        break;
      }
    }
  }
}

}  // namespace

void NonFinite::merge(const NonFinite& o) {
  nan += o.nan;
  pos_inf += o.pos_inf;
  neg_inf += o.neg_inf;
  first_index = std::min(first_index, o.first_index);
}

bool can_be_non_finite(DType d) {
  switch (d) {
    case DType::BF16: case DType::F16: case DType::F32: case DType::F64: case DType::C64:
    case DType::F8_E4M3: case DType::F8_E5M2: case DType::F8_E8M0:
    case DType::F8_E4M3FNUZ: case DType::F8_E5M2FNUZ:
      return true;
    default:
      return false;
  }
}

void count_non_finite(DType d, const unsigned char* bytes, std::size_t size, std::uint64_t first, NonFinite& out) {
  switch (d) {
    case DType::BF16:
      scan_ieee<std::uint16_t>(reinterpret_cast<const std::uint16_t*>(bytes), size / 2, first, 0x7F80, 0x007F, 0x8000, out);
      break;
    case DType::F16:
      scan_ieee<std::uint16_t>(reinterpret_cast<const std::uint16_t*>(bytes), size / 2, first, 0x7C00, 0x03FF, 0x8000, out);
      break;
    case DType::F32:
      scan_ieee<std::uint32_t>(reinterpret_cast<const std::uint32_t*>(bytes), size / 4, first, 0x7F800000u, 0x007FFFFFu,
                               0x80000000u, out);
      break;
    case DType::C64: {
      // Two F32 halves per element: scan the halves, then turn the index into an element's.
      NonFinite halves;
      scan_ieee<std::uint32_t>(reinterpret_cast<const std::uint32_t*>(bytes), size / 4, first * 2, 0x7F800000u,
                               0x007FFFFFu, 0x80000000u, halves);
      if (halves.first_index != UINT64_MAX) halves.first_index /= 2;
      out.merge(halves);
      break;
    }
    case DType::F64:
      scan_ieee<std::uint64_t>(reinterpret_cast<const std::uint64_t*>(bytes), size / 8, first, 0x7FF0000000000000ull,
                               0x000FFFFFFFFFFFFFull, 0x8000000000000000ull, out);
      break;
    case DType::F8_E5M2:
      scan_ieee<unsigned char>(bytes, size, first, 0x7C, 0x03, 0x80, out);
      break;
    case DType::F8_E4M3:
      scan_byte_nan(bytes, size, first, 0x7F, 0x7F, out);
      break;
    case DType::F8_E8M0:
      scan_byte_nan(bytes, size, first, 0xFF, 0xFF, out);
      break;
    case DType::F8_E4M3FNUZ:
    case DType::F8_E5M2FNUZ:
      scan_byte_nan(bytes, size, first, 0xFF, 0x80, out);
      break;
    default:
      break;
  }
}

}  // namespace ckptlint
