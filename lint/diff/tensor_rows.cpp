// SPDX-License-Identifier: Apache-2.0
#include "diff/tensor_rows.h"

#include <cmath>
#include <cstring>

#include "checkpoint/byte_source.h"

namespace ckptlint {
namespace {

bool read_at(const WeightSource& w, const TensorInfo& t, std::uint64_t offset, std::size_t size, unsigned char* out) {
  const Shard* s = w.checkpoint->shard_of(t);
  if (s == nullptr || offset + size > t.nbytes()) return false;
  FilePool own(1);
  FilePool::Handle file = (w.files != nullptr ? *w.files : own).open(w.checkpoint->root / s->file);
  return file.fd() >= 0 && read_exactly(file.fd(), s->data_start() + t.data_begin + offset, size, reinterpret_cast<char*>(out));
}

float bf16(const unsigned char* p) {
  std::uint32_t bits = static_cast<std::uint32_t>(p[0] | (p[1] << 8)) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float f16(const unsigned char* p) {
  std::uint16_t h = static_cast<std::uint16_t>(p[0] | (p[1] << 8));
  int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v = exp == 0 ? std::ldexp(static_cast<float>(mant), -24)
            : exp == 31 ? (mant ? NAN : INFINITY)
                        : std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  return (h & 0x8000) ? -v : v;
}

float element(DType d, const unsigned char* p) {
  switch (d) {
    case DType::BF16: return bf16(p);
    case DType::F16: return f16(p);
    case DType::F32: {
      float f;
      std::memcpy(&f, p, 4);
      return f;
    }
    default: return NAN;
  }
}

float e4m3(unsigned char c) {
  int exp = (c >> 3) & 0xf, mant = c & 7;
  if (exp == 15 && mant == 7) return NAN;
  float v = exp == 0 ? std::ldexp(static_cast<float>(mant), -9) : std::ldexp(static_cast<float>(mant | 8), exp - 10);
  return (c & 0x80) ? -v : v;
}

float e2m1(unsigned code) {
  static const float kValues[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  float v = kValues[code & 7];
  return (code & 8) ? -v : v;
}

std::optional<std::vector<float>> read_float_row(const WeightSource& w, std::uint64_t row) {
  const TensorInfo& t = *w.weight;
  if (t.shape.size() != 2 || row >= t.shape[0]) return std::nullopt;
  int width = bit_width(t.dtype) / 8;
  if (t.dtype != DType::BF16 && t.dtype != DType::F16 && t.dtype != DType::F32) return std::nullopt;
  std::uint64_t cols = t.shape[1];
  if (cols > (1u << 26)) return std::nullopt;  // a row of 64 M elements is no weight: refuse, do not allocate
  std::vector<unsigned char> bytes(static_cast<std::size_t>(cols * static_cast<std::uint64_t>(width)));
  if (!read_at(w, t, row * cols * static_cast<std::uint64_t>(width), bytes.size(), bytes.data())) return std::nullopt;
  std::vector<float> out(static_cast<std::size_t>(cols));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = element(t.dtype, bytes.data() + i * static_cast<std::size_t>(width));
  return out;
}

// The per-group scale (and bias) values of one row, as floats.
std::optional<std::vector<float>> group_row(const WeightSource& w, const TensorInfo* t, std::uint64_t row) {
  if (t == nullptr || t->shape.size() != 2 || row >= t->shape[0]) return std::nullopt;
  std::uint64_t groups = t->shape[1];
  if (t->dtype == DType::U8) {
    std::vector<unsigned char> bytes(static_cast<std::size_t>(groups));
    if (!read_at(w, *t, row * groups, bytes.size(), bytes.data())) return std::nullopt;
    std::vector<float> out(bytes.size());
    for (std::size_t g = 0; g < out.size(); ++g) {
      // mxfp*: E8M0 (2^(e-127)); nvfp4: E4M3.
      out[g] = w.quant->mode == "nvfp4" ? e4m3(bytes[g]) : std::ldexp(1.0f, static_cast<int>(bytes[g]) - 127);
    }
    return out;
  }
  WeightSource as_float{w.checkpoint, t, nullptr, nullptr, std::nullopt, w.files};
  return read_float_row(as_float, row);
}

}  // namespace

std::uint64_t WeightSource::cols() const {
  if (weight == nullptr || weight->shape.size() != 2) return 0;
  if (!quant) return weight->shape[1];
  return quant->bits > 0 ? weight->shape[1] * 32 / static_cast<std::uint64_t>(quant->bits) : 0;
}

std::optional<std::vector<float>> read_row(const WeightSource& w, std::uint64_t row) {
  if (w.weight == nullptr) return std::nullopt;
  if (!w.quant) return read_float_row(w, row);
  const TensorInfo& q = *w.weight;
  const int bits = w.quant->bits, group = w.quant->group_size;
  const std::uint64_t cols = w.cols();
  if (q.dtype != DType::U32 || q.shape.size() != 2 || row >= q.shape[0] || bits <= 0 || bits > 8 || group <= 0 ||
      cols % static_cast<std::uint64_t>(group) != 0 || cols > (1u << 26)) {
    return std::nullopt;
  }
  std::vector<unsigned char> packed(static_cast<std::size_t>(q.shape[1] * 4));
  if (!read_at(w, q, row * q.shape[1] * 4, packed.size(), packed.data())) return std::nullopt;
  auto scales = group_row(w, w.scales, row);
  std::optional<std::vector<float>> biases;
  if (w.quant->mode == "affine") biases = group_row(w, w.biases, row);
  if (!scales || scales->size() * static_cast<std::size_t>(group) != cols || (w.quant->mode == "affine" && (!biases || biases->size() != scales->size()))) {
    return std::nullopt;
  }
  std::vector<float> out(static_cast<std::size_t>(cols));
  const unsigned mask = (1u << bits) - 1;
  for (std::uint64_t i = 0; i < cols; ++i) {
    // MLX packs little-endian: element i at bit i * bits of the row's bit stream.
    std::uint64_t bit = i * static_cast<std::uint64_t>(bits);
    unsigned v = 0;
    for (int b = 0; b < bits; ++b) {
      std::uint64_t at = bit + static_cast<std::uint64_t>(b);
      v |= ((packed[static_cast<std::size_t>(at / 8)] >> (at % 8)) & 1u) << b;
    }
    v &= mask;
    std::size_t g = static_cast<std::size_t>(i / static_cast<std::uint64_t>(group));
    float value;
    if (w.quant->mode == "affine") value = (*scales)[g] * static_cast<float>(v) + (*biases)[g];
    else if (bits == 4) value = (*scales)[g] * e2m1(v);
    else value = (*scales)[g] * e4m3(static_cast<unsigned char>(v));
    out[static_cast<std::size_t>(i)] = value;
  }
  return out;
}

std::optional<std::vector<float>> half_steps(const WeightSource& w, std::uint64_t row) {
  if (!w.quant || w.quant->mode != "affine") return std::nullopt;
  auto scales = group_row(w, w.scales, row);
  if (!scales) return std::nullopt;
  for (float& s : *scales) s = std::fabs(s) / 2;
  return scales;
}

}  // namespace ckptlint
