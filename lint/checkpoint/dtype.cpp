// SPDX-License-Identifier: Apache-2.0
#include "ckptlint/dtype.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace ckptlint {
namespace {

struct DTypeRow {
  DType dtype;
  std::string_view name;
  int bits;
  bool is_float;
  bool mlx_reads;
};

// In enum order; the names and widths of huggingface/safetensors `enum Dtype`, and the subset
// mlx/io/safetensors.cpp accepts (it reads F8_E4M3 and F8_E8M0 as uint8).
constexpr std::array<DTypeRow, dtype_count> kRows = {{
    {DType::BOOL, "BOOL", 8, false, true},
    {DType::F4, "F4", 4, true, false},
    {DType::F6_E2M3, "F6_E2M3", 6, true, false},
    {DType::F6_E3M2, "F6_E3M2", 6, true, false},
    {DType::U8, "U8", 8, false, true},
    {DType::I8, "I8", 8, false, true},
    {DType::F8_E5M2, "F8_E5M2", 8, true, false},
    {DType::F8_E4M3, "F8_E4M3", 8, true, true},
    {DType::F8_E8M0, "F8_E8M0", 8, true, true},
    {DType::F8_E4M3FNUZ, "F8_E4M3FNUZ", 8, true, false},
    {DType::F8_E5M2FNUZ, "F8_E5M2FNUZ", 8, true, false},
    {DType::I16, "I16", 16, false, true},
    {DType::U16, "U16", 16, false, true},
    {DType::F16, "F16", 16, true, true},
    {DType::BF16, "BF16", 16, true, true},
    {DType::I32, "I32", 32, false, true},
    {DType::U32, "U32", 32, false, true},
    {DType::F32, "F32", 32, true, true},
    {DType::C64, "C64", 64, true, true},
    {DType::F64, "F64", 64, true, false},
    {DType::I64, "I64", 64, false, true},
    {DType::U64, "U64", 64, false, true},
}};

const DTypeRow& row(DType dtype) { return kRows[static_cast<std::size_t>(dtype)]; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

int bit_width(DType dtype) { return row(dtype).bits; }
std::string_view to_string(DType dtype) { return row(dtype).name; }
bool is_float(DType dtype) { return row(dtype).is_float; }
bool mlx_reads(DType dtype) { return row(dtype).mlx_reads; }

std::optional<DType> dtype_from_string(std::string_view name) {
  for (const DTypeRow& r : kRows) {
    if (r.name == name) return r.dtype;
  }
  return std::nullopt;
}

std::string_view nearest_dtype_name(std::string_view name) {
  // Long inputs cannot be near any name; keep the hint cheap on hostile headers.
  std::string wanted = upper(name.substr(0, 32));
  std::string_view best = kRows[0].name;
  std::size_t best_distance = SIZE_MAX;
  for (const DTypeRow& r : kRows) {
    std::size_t d = edit_distance(wanted, r.name);
    // A known name that is a prefix of the input (F8_E4M3FN -> F8_E4M3) is the likeliest intent.
    if (wanted.starts_with(r.name)) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = r.name;
    }
  }
  return best;
}

}  // namespace ckptlint
