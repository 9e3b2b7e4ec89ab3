// SPDX-License-Identifier: Apache-2.0
// The value-scan kernels on 64 MiB in memory (no I/O), each build of the loops side by side
// in one run: the portable one every target gets and, on x86-64, the AVX2 one. A memcpy of
// the same buffer is the memory-bandwidth baseline.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

#include "values/non_finite.h"

namespace {

using namespace ckptlint;

constexpr std::size_t kBytes = 64u << 20;

const std::vector<unsigned char>& finite_bf16() {
  static const std::vector<unsigned char> buf = [] {
    std::vector<unsigned char> b(kBytes);
    std::mt19937 rng(1);
    for (std::size_t i = 0; i < b.size(); i += 2) {
      std::uint16_t v = static_cast<std::uint16_t>(rng()) & 0xBF7F;  // exponent never all ones
      std::memcpy(&b[i], &v, 2);
    }
    return b;
  }();
  return buf;
}

// Selects the kernel named by the benchmark's argument; false (and the run skipped) when
// this build or CPU lacks it.
bool use_kernel(benchmark::State& state) {
  const auto kernel = static_cast<ScanKernel>(state.range(0));
  bool available = false;
  for (ScanKernel k : scan_kernels()) available = available || k == kernel;
  if (!available) {
    state.SkipWithError("kernel not available on this CPU or build");
    return false;
  }
  set_scan_kernel(kernel);
  state.SetLabel(to_string(kernel));
  return true;
}

void BM_Memcpy(benchmark::State& state) {
  const std::vector<unsigned char>& in = finite_bf16();  // built before the clock starts
  std::vector<unsigned char> out(kBytes, 1);              // and every page touched
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), kBytes);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
}
BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond);

void BM_NonFiniteBf16(benchmark::State& state) {
  if (!use_kernel(state)) return;
  for (auto _ : state) {
    NonFinite out;
    count_non_finite(DType::BF16, finite_bf16().data(), kBytes, 0, out);
    benchmark::DoNotOptimize(out.total());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
  set_scan_kernel(ScanKernel::automatic);
}
BENCHMARK(BM_NonFiniteBf16)
    ->Arg(static_cast<int>(ScanKernel::portable))
    ->Arg(static_cast<int>(ScanKernel::avx2))
    ->Unit(benchmark::kMillisecond);

void BM_AnyNonzeroBf16(benchmark::State& state) {
  if (!use_kernel(state)) return;
  std::vector<unsigned char> zeros(kBytes, 0);
  for (auto _ : state) benchmark::DoNotOptimize(any_nonzero(zeros.data(), zeros.size(), 2));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
  set_scan_kernel(ScanKernel::automatic);
}
BENCHMARK(BM_AnyNonzeroBf16)
    ->Arg(static_cast<int>(ScanKernel::portable))
    ->Arg(static_cast<int>(ScanKernel::avx2))
    ->Unit(benchmark::kMillisecond);

}  // namespace
