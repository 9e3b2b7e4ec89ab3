// SPDX-License-Identifier: Apache-2.0
// The NaN/Inf kernels, per dtype: NaN, +Inf and -Inf found at the first, a middle and the
// last element of tensors whose size is no multiple of the vector width; subnormals, -0 and
// the largest finite values never flagged. Then the threaded scan across chunk boundaries.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "ckptlint/load.h"
#include "recipe.h"
#include "support/test_paths.h"
#include "values/non_finite.h"
#include "values/value_scan.h"

namespace ckptlint {
namespace {

struct Patterns {
  DType dtype;
  int width;                    // bytes per element
  std::vector<std::uint64_t> nan, pos_inf, neg_inf;
  std::vector<std::uint64_t> finite;  // subnormals, -0, max finite, ...
};

const std::vector<Patterns>& patterns() {
  static const std::vector<Patterns> p = {
      {DType::BF16, 2, {0x7FC0, 0xFFC1, 0x7F81}, {0x7F80}, {0xFF80}, {0x0001, 0x8000, 0x7F7F, 0xFF7F, 0x3F80}},
      {DType::F16, 2, {0x7E00, 0xFC01, 0x7C01}, {0x7C00}, {0xFC00}, {0x0001, 0x8000, 0x7BFF, 0xFBFF, 0x3C00}},
      {DType::F32, 4, {0x7FC00000, 0xFF800001}, {0x7F800000}, {0xFF800000}, {0x00000001, 0x80000000, 0x7F7FFFFF, 0xFF7FFFFF}},
      {DType::F64, 8, {0x7FF8000000000000ull, 0xFFF0000000000001ull}, {0x7FF0000000000000ull}, {0xFFF0000000000000ull},
       {0x0000000000000001ull, 0x8000000000000000ull, 0x7FEFFFFFFFFFFFFFull}},
      {DType::F8_E5M2, 1, {0x7E, 0xFD}, {0x7C}, {0xFC}, {0x01, 0x80, 0x7B, 0xFB}},
      {DType::F8_E4M3, 1, {0x7F, 0xFF}, {}, {}, {0x01, 0x80, 0x7E, 0xFE, 0x78}},
      {DType::F8_E8M0, 1, {0xFF}, {}, {}, {0x00, 0x7F, 0xFE}},
      {DType::F8_E4M3FNUZ, 1, {0x80}, {}, {}, {0x00, 0x7F, 0xFF, 0x01}},
      {DType::F8_E5M2FNUZ, 1, {0x80}, {}, {}, {0x00, 0x7F, 0xFF, 0x01}},
  };
  return p;
}

// Runs `body` once per scan kernel this build and CPU have (portable; AVX2 on x86-64), so
// that every path gives the same results.
template <typename F>
void on_every_kernel(F body) {
  for (ScanKernel k : scan_kernels()) {
    SCOPED_TRACE(to_string(k));
    set_scan_kernel(k);
    body();
  }
  set_scan_kernel(ScanKernel::automatic);
}

void put(std::vector<unsigned char>& buf, int width, std::size_t index, std::uint64_t bits) {
  std::memcpy(buf.data() + index * static_cast<std::size_t>(width), &bits, static_cast<std::size_t>(width));
}

TEST(NonFinite, every_pattern_at_first_middle_and_last_element) {
  on_every_kernel([] {
  for (const Patterns& p : patterns()) {
    for (std::size_t n : {1u, 37u, 2049u, 4099u}) {
      struct Case { const std::vector<std::uint64_t>* codes; int kind; };
      for (Case c : {Case{&p.nan, 0}, Case{&p.pos_inf, 1}, Case{&p.neg_inf, 2}}) {
        for (std::uint64_t code : *c.codes) {
          for (std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
            SCOPED_TRACE(::testing::Message() << to_string(p.dtype) << " n=" << n << " code=" << std::hex << code << " at=" << std::dec << at);
            std::vector<unsigned char> buf(n * static_cast<std::size_t>(p.width), 0);
            for (std::size_t i = 0; i < n; ++i) put(buf, p.width, i, p.finite[i % p.finite.size()]);
            put(buf, p.width, at, code);
            NonFinite out;
            count_non_finite(p.dtype, buf.data(), buf.size(), 1000, out);
            EXPECT_EQ(out.total(), 1u);
            EXPECT_EQ(out.nan, c.kind == 0 ? 1u : 0u);
            EXPECT_EQ(out.pos_inf, c.kind == 1 ? 1u : 0u);
            EXPECT_EQ(out.neg_inf, c.kind == 2 ? 1u : 0u);
            EXPECT_EQ(out.first_index, 1000 + at);
          }
        }
      }
    }
  }
  });
}

TEST(NonFinite, finite_values_are_never_flagged) {
  on_every_kernel([] {
    for (const Patterns& p : patterns()) {
      std::vector<unsigned char> buf(5003 * static_cast<std::size_t>(p.width));
      for (std::size_t i = 0; i < 5003; ++i) put(buf, p.width, i, p.finite[i % p.finite.size()]);
      NonFinite out;
      count_non_finite(p.dtype, buf.data(), buf.size(), 0, out);
      EXPECT_EQ(out.total(), 0u) << to_string(p.dtype);
    }
  });
}

TEST(NonFinite, every_kernel_is_there_and_portable_always_is) {
  std::vector<ScanKernel> k = scan_kernels();
  ASSERT_FALSE(k.empty());
  EXPECT_EQ(k.front(), ScanKernel::portable);
#if defined(__x86_64__) && !defined(CKPTLINT_POSIX_FALLBACK)
  if (__builtin_cpu_supports("avx2")) EXPECT_EQ(k.size(), 2u) << "the AVX2 build is missing";
#else
  EXPECT_EQ(k.size(), 1u);
#endif
}

// The all-zeros test of an untrained lora_b: +0 and -0 everywhere is zero; one other bit
// anywhere (first, middle, last element; any byte of it) is not.
TEST(NonFinite, any_nonzero_ignores_only_sign_bits) {
  on_every_kernel([] {
    for (std::size_t width : {1u, 2u, 4u, 8u}) {
      for (std::size_t n : {1u, 7u, 2049u, 4103u}) {
        SCOPED_TRACE(::testing::Message() << "width " << width << " n " << n);
        std::vector<unsigned char> buf(n * width, 0);
        for (std::size_t i = 0; i < n; i += 3) buf[i * width + width - 1] = 0x80;  // -0
        EXPECT_FALSE(any_nonzero(buf.data(), buf.size(), width));
        for (std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
          for (std::size_t byte = 0; byte < width; ++byte) {
            std::vector<unsigned char> one = buf;
            one[at * width + byte] |= 0x01;
            EXPECT_TRUE(any_nonzero(one.data(), one.size(), width)) << "element " << at << " byte " << byte;
          }
        }
      }
    }
  });
}

TEST(NonFinite, complex64_counts_each_half_and_reports_the_element) {
  std::vector<std::uint32_t> c(2 * 11, 0x3F800000);  // 11 complex values 1+1i
  c[2 * 7 + 1] = 0x7FC00000;                         // imaginary part of element 7
  NonFinite out;
  count_non_finite(DType::C64, reinterpret_cast<const unsigned char*>(c.data()), c.size() * 4, 0, out);
  EXPECT_EQ(out.nan, 1u);
  EXPECT_EQ(out.first_index, 7u);
}

TEST(NonFinite, integers_packed_weights_and_fp4_hold_no_floats) {
  std::vector<unsigned char> ones(64, 0xFF);
  for (DType d : {DType::U32, DType::I32, DType::U8, DType::BOOL, DType::F4, DType::F6_E2M3}) {
    NonFinite out;
    count_non_finite(d, ones.data(), ones.size(), 0, out);
    EXPECT_EQ(out.total(), 0u) << to_string(d);
    EXPECT_FALSE(can_be_non_finite(d));
  }
}

TEST(ValueScan, chunks_split_tensors_and_merge_back) {
  testing::ScratchDir dir("scan");
  std::string recipe_path = dir.path() + "/r.yaml", error;
  std::ofstream(recipe_path) << R"(
files:
  model.safetensors:
    metadata: {format: pt}
    tensors:
      - {name: a, dtype: BF16, shape: [100001]}
      - {name: b, dtype: U32, shape: [64]}
      - {name: c, dtype: F32, shape: [1000]}
    values:
      - {tensor: a, index: 77777, hex: "807f"}
      - {tensor: a, index: 100000, hex: "c07f"}
      - {tensor: b, index: 3, hex: "ffffffff"}
      - {tensor: c, index: 999, hex: "000080ff"}
)";
  auto recipe = fixtures::read_recipe(recipe_path, error);
  ASSERT_TRUE(recipe) << error;
  ASSERT_TRUE(fixtures::materialize(*recipe, dir.path() + "/ck", error)) << error;
  Checkpoint ck;
  ASSERT_TRUE(load_checkpoint(dir.path() + "/ck", ck, error));
  for (std::size_t chunk : {std::size_t{64}, std::size_t{1000}, std::size_t{16} << 20}) {
    for (int jobs : {1, 2, 3}) {
      ValueScan scan = scan_values(ck, ScanOptions{jobs, chunk, false});
      ASSERT_EQ(scan.tensors.size(), 2u) << "chunk " << chunk << " jobs " << jobs;
      const TensorValues& a = scan.tensors[0];
      EXPECT_EQ(ck.shards[a.shard].tensors[a.tensor].name, "a");
      EXPECT_EQ(a.counts.pos_inf, 1u);
      EXPECT_EQ(a.counts.nan, 1u);
      EXPECT_EQ(a.counts.first_index, 77777u);
      const TensorValues& c = scan.tensors[1];
      EXPECT_EQ(c.counts.neg_inf, 1u);
      EXPECT_EQ(c.counts.first_index, 999u);
      EXPECT_EQ(scan.tensors_scanned, 2u);  // the U32 tensor is never read
    }
  }
}

TEST(ValueScan, a_file_that_shrinks_during_the_scan_is_a_read_error_not_a_crash) {
  testing::ScratchDir dir("shrink");
  std::string recipe_path = dir.path() + "/r.yaml", error;
  std::ofstream(recipe_path) << "files:\n  model.safetensors:\n    tensors:\n      - {name: a, dtype: F32, shape: [100000]}\n";
  auto recipe = fixtures::read_recipe(recipe_path, error);
  ASSERT_TRUE(fixtures::materialize(*recipe, dir.path() + "/ck", error)) << error;
  Checkpoint ck;
  ASSERT_TRUE(load_checkpoint(dir.path() + "/ck", ck, error));
  std::filesystem::resize_file(dir.path() + "/ck/model.safetensors", 1000);
  ValueScan scan = scan_values(ck, ScanOptions{2, 4096, false});
  ASSERT_EQ(scan.tensors.size(), 1u);
  EXPECT_FALSE(scan.tensors[0].read_error.empty());
}

}  // namespace
}  // namespace ckptlint
