// SPDX-License-Identifier: Apache-2.0
// The inner loops of the value scan. Each block first asks "does any element have an
// all-ones exponent?" with a branch-free count the compiler vectorizes for the target
// (NEON on arm64); on x86-64 an AVX2 build of the same loops is picked at run time. Only the
// rare blocks that hit are walked element by element.
#include "values/non_finite.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace ckptlint {
namespace {

constexpr std::size_t kBlock = 2048;

// The AVX2 build of the same loops exists on x86-64 with GCC or clang, except in the POSIX
// fallback build (which tests the portable path alone).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(CKPTLINT_POSIX_FALLBACK)
#define CKPTLINT_AVX2_KERNELS 1
#endif

// IEEE-style formats: exponent all ones means Inf (mantissa 0) or NaN. Plain C++ with a
// branch-free count per block, which compilers vectorize for the target (SSE2, AVX2, NEON).
template <typename U>
[[gnu::always_inline]] inline void scan_ieee_body(const U* p, std::size_t n, std::uint64_t base, U exp, U mant, U sign,
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
[[gnu::always_inline]] inline void scan_byte_nan_body(const unsigned char* p, std::size_t n, std::uint64_t base,
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

// Any bit set besides the sign bits: OR of 8-byte words under a mask that clears the top
// bit of each little-endian element, a block at a time (vectorizes; stops at the first hit).
[[gnu::always_inline]] inline bool any_nonzero_body(const unsigned char* p, std::size_t size, std::size_t width) {
  std::uint64_t mask = 0;
  for (std::size_t byte = 0; byte < 8; ++byte) {
    const bool top = width == 0 || byte % width == width - 1;
    mask |= static_cast<std::uint64_t>(top ? 0x7f : 0xff) << (8 * byte);
  }
  const std::size_t words = width <= 8 && 8 % std::max<std::size_t>(width, 1) == 0 ? size / 8 : 0;
  for (std::size_t b = 0; b < words; b += kBlock) {
    const std::size_t m = std::min(kBlock, words - b);
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i < m; ++i) {
      std::uint64_t w;
      std::memcpy(&w, p + 8 * (b + i), 8);
      acc |= w & mask;
    }
    if (acc != 0) return true;
  }
  for (std::size_t i = words * 8; i < size; ++i) {
    const bool top = width == 0 || i % width == width - 1;
    if ((p[i] & (top ? 0x7f : 0xff)) != 0) return true;
  }
  return false;
}

using Ieee16 = void (*)(const std::uint16_t*, std::size_t, std::uint64_t, std::uint16_t, std::uint16_t, std::uint16_t, NonFinite&);
using Ieee32 = void (*)(const std::uint32_t*, std::size_t, std::uint64_t, std::uint32_t, std::uint32_t, std::uint32_t, NonFinite&);
using Ieee64 = void (*)(const std::uint64_t*, std::size_t, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, NonFinite&);
using Ieee8 = void (*)(const unsigned char*, std::size_t, std::uint64_t, unsigned char, unsigned char, unsigned char, NonFinite&);
using ByteNan = void (*)(const unsigned char*, std::size_t, std::uint64_t, unsigned char, unsigned char, NonFinite&);
using AnyNonzero = bool (*)(const unsigned char*, std::size_t, std::size_t);

struct Kernels {
  Ieee16 ieee16;
  Ieee32 ieee32;
  Ieee64 ieee64;
  Ieee8 ieee8;
  ByteNan byte_nan;
  AnyNonzero any_nonzero;
};

// One set of entry points per instruction set, each the same inlined bodies.
#define CKPTLINT_KERNELS(suffix, attributes)                                                                          \
  attributes void ieee16_##suffix(const std::uint16_t* p, std::size_t n, std::uint64_t base, std::uint16_t e,          \
                                  std::uint16_t m, std::uint16_t s, NonFinite& out) {                                  \
    scan_ieee_body(p, n, base, e, m, s, out);                                                                          \
  }                                                                                                                    \
  attributes void ieee32_##suffix(const std::uint32_t* p, std::size_t n, std::uint64_t base, std::uint32_t e,          \
                                  std::uint32_t m, std::uint32_t s, NonFinite& out) {                                  \
    scan_ieee_body(p, n, base, e, m, s, out);                                                                          \
  }                                                                                                                    \
  attributes void ieee64_##suffix(const std::uint64_t* p, std::size_t n, std::uint64_t base, std::uint64_t e,          \
                                  std::uint64_t m, std::uint64_t s, NonFinite& out) {                                  \
    scan_ieee_body(p, n, base, e, m, s, out);                                                                          \
  }                                                                                                                    \
  attributes void ieee8_##suffix(const unsigned char* p, std::size_t n, std::uint64_t base, unsigned char e,           \
                                 unsigned char m, unsigned char s, NonFinite& out) {                                   \
    scan_ieee_body(p, n, base, e, m, s, out);                                                                          \
  }                                                                                                                    \
  attributes void byte_nan_##suffix(const unsigned char* p, std::size_t n, std::uint64_t base, unsigned char mask,     \
                                    unsigned char value, NonFinite& out) {                                             \
    scan_byte_nan_body(p, n, base, mask, value, out);                                                                  \
  }                                                                                                                    \
  attributes bool any_nonzero_##suffix(const unsigned char* p, std::size_t size, std::size_t width) {                  \
    return any_nonzero_body(p, size, width);                                                                           \
  }                                                                                                                    \
  constexpr Kernels kKernels_##suffix = {ieee16_##suffix, ieee32_##suffix, ieee64_##suffix,                            \
                                         ieee8_##suffix,  byte_nan_##suffix, any_nonzero_##suffix};

CKPTLINT_KERNELS(portable, )
#if defined(CKPTLINT_AVX2_KERNELS)
CKPTLINT_KERNELS(avx2, __attribute__((target("avx2"))))
#endif
#undef CKPTLINT_KERNELS

bool cpu_has_avx2() {
#if defined(CKPTLINT_AVX2_KERNELS)
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

std::atomic<ScanKernel> g_forced{ScanKernel::automatic};

const Kernels& kernels() {
#if defined(CKPTLINT_AVX2_KERNELS)
  static const bool avx2 = cpu_has_avx2();
  ScanKernel k = g_forced.load(std::memory_order_relaxed);
  if (k == ScanKernel::avx2 || (k == ScanKernel::automatic && avx2)) return kKernels_avx2;
#endif
  return kKernels_portable;
}

}  // namespace

std::vector<ScanKernel> scan_kernels() {
  std::vector<ScanKernel> out = {ScanKernel::portable};
  if (cpu_has_avx2()) out.push_back(ScanKernel::avx2);
  return out;
}

void set_scan_kernel(ScanKernel kernel) { g_forced.store(kernel, std::memory_order_relaxed); }

const char* to_string(ScanKernel kernel) {
  switch (kernel) {
    case ScanKernel::automatic: return "automatic";
    case ScanKernel::portable: return "portable";
    case ScanKernel::avx2: return "avx2";
  }
  return "?";
}

bool any_nonzero(const unsigned char* bytes, std::size_t size, std::size_t width) {
  return kernels().any_nonzero(bytes, size, width);
}

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
      kernels().ieee16(reinterpret_cast<const std::uint16_t*>(bytes), size / 2, first, 0x7F80, 0x007F, 0x8000, out);
      break;
    case DType::F16:
      kernels().ieee16(reinterpret_cast<const std::uint16_t*>(bytes), size / 2, first, 0x7C00, 0x03FF, 0x8000, out);
      break;
    case DType::F32:
      kernels().ieee32(reinterpret_cast<const std::uint32_t*>(bytes), size / 4, first, 0x7F800000u, 0x007FFFFFu,
                               0x80000000u, out);
      break;
    case DType::C64: {
      // Two F32 halves per element: scan the halves, then turn the index into an element's.
      NonFinite halves;
      kernels().ieee32(reinterpret_cast<const std::uint32_t*>(bytes), size / 4, first * 2, 0x7F800000u,
                               0x007FFFFFu, 0x80000000u, halves);
      if (halves.first_index != UINT64_MAX) halves.first_index /= 2;
      out.merge(halves);
      break;
    }
    case DType::F64:
      kernels().ieee64(reinterpret_cast<const std::uint64_t*>(bytes), size / 8, first, 0x7FF0000000000000ull,
                               0x000FFFFFFFFFFFFFull, 0x8000000000000000ull, out);
      break;
    case DType::F8_E5M2:
      kernels().ieee8(bytes, size, first, 0x7C, 0x03, 0x80, out);
      break;
    case DType::F8_E4M3:
      kernels().byte_nan(bytes, size, first, 0x7F, 0x7F, out);
      break;
    case DType::F8_E8M0:
      kernels().byte_nan(bytes, size, first, 0xFF, 0xFF, out);
      break;
    case DType::F8_E4M3FNUZ:
    case DType::F8_E5M2FNUZ:
      kernels().byte_nan(bytes, size, first, 0xFF, 0x80, out);
      break;
    default:
      break;
  }
}

}  // namespace ckptlint
