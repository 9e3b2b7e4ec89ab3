// SPDX-License-Identifier: Apache-2.0
#include "diff/diff_model.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "diff/byte_compare.h"
#include "diff/tensor_rows.h"
#include "util/tensor_names.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

WeightSource source(const DiffSide& side, const std::string& module) {
  WeightSource w;
  w.checkpoint = side.checkpoint;
  w.files = side.files;
  auto it = side.table->modules.find(module);
  if (it == side.table->modules.end()) return w;
  w.weight = it->second.weight;
  if (it->second.quantized()) {
    w.scales = it->second.scales;
    w.biases = it->second.biases;
    w.quant = side.quant->params_for(module);
    if (!w.quant) w.weight = nullptr;  // quantized without settings: cannot be decoded
  }
  return w;
}

// A matrix read whole as floats (LoRA factors are small).
std::optional<std::vector<std::vector<float>>> matrix(const Checkpoint& ck, const TensorInfo* t, FilePool* files) {
  // LoRA factors are [in or out, r]: a few million elements at most; refuse anything larger.
  if (t == nullptr || t->shape.size() != 2 || t->shape[0] > (1u << 20) || t->shape[1] > (1u << 20) ||
      t->shape[0] * t->shape[1] > (1u << 26)) {
    return std::nullopt;
  }
  WeightSource w{&ck, t, nullptr, nullptr, std::nullopt, files};
  std::vector<std::vector<float>> out;
  for (std::uint64_t r = 0; r < t->shape[0]; ++r) {
    auto row = read_row(w, r);
    if (!row) return std::nullopt;
    out.push_back(std::move(*row));
  }
  return out;
}

// The low-rank update as U [out, r] and V [r, in], whatever the naming: ΔW = s · U V.
struct Factors {
  std::vector<std::vector<float>> u, v;
  std::size_t out() const { return u.size(); }
  std::size_t in() const { return v.empty() ? 0 : v[0].size(); }
  // Row o of U V.
  std::vector<float> row(std::size_t o) const {
    std::vector<float> d(in(), 0.0f);
    for (std::size_t r = 0; r < v.size(); ++r) {
      float c = u[o][r];
      for (std::size_t i = 0; i < d.size(); ++i) d[i] += c * v[r][i];
    }
    return d;
  }
  // Row o of (U V)ᵀ, for square modules.
  std::vector<float> row_transposed(std::size_t o) const {
    std::vector<float> d(out(), 0.0f);
    for (std::size_t i = 0; i < d.size(); ++i) {
      for (std::size_t r = 0; r < v.size(); ++r) d[i] += u[i][r] * v[r][o];
    }
    return d;
  }
};

// The pair as U and V, or why it cannot be used (`why`).
std::optional<Factors> factors(const Checkpoint& adapter, const LoraPair& p, FilePool* files, std::string& why) {
  auto d = p.dims();
  if (p.a == nullptr || p.b == nullptr || !d) {
    why = "the pair is incomplete or not two matrices";
    return std::nullopt;
  }
  if (d->rank_a == 0 || d->rank_b == 0) {
    why = "the pair has rank 0";
    return std::nullopt;
  }
  if (d->rank_a != d->rank_b) {
    why = fmt::format("lora_a {} and lora_b {} disagree on the rank", shape_text(p.a->shape), shape_text(p.b->shape));
    return std::nullopt;
  }
  auto a = matrix(adapter, p.a, files);
  auto b = matrix(adapter, p.b, files);
  if (!a || !b || a->empty() || b->empty()) {
    why = "the pair's values could not be read";
    return std::nullopt;
  }
  Factors f;
  if (p.naming == LoraNaming::peft) {  // A [r, in], B [out, r]
    f.u = std::move(*b);
    f.v = std::move(*a);
  } else {  // lora_a [in, r], lora_b [r, out]
    std::size_t in = a->size(), r = (*a)[0].size(), out = (*b)[0].size();
    if (b->size() != r) {
      why = "lora_a and lora_b disagree on the rank";
      return std::nullopt;
    }
    f.u.assign(out, std::vector<float>(r));
    f.v.assign(r, std::vector<float>(in));
    for (std::size_t i = 0; i < in; ++i) {
      for (std::size_t k = 0; k < r; ++k) f.v[k][i] = (*a)[i][k];
    }
    for (std::size_t k = 0; k < r; ++k) {
      for (std::size_t o = 0; o < out; ++o) f.u[o][k] = (*b)[k][o];
    }
  }
  bool finite = true;
  for (const auto& row : f.u) {
    if (row.size() != f.v.size()) {
      why = "lora_a and lora_b disagree on the rank";
      return std::nullopt;
    }
    for (float x : row) finite = finite && std::isfinite(x);
  }
  for (const auto& row : f.v) {
    for (float x : row) finite = finite && std::isfinite(x);
  }
  if (!finite) {
    why = "the pair holds NaN or Inf, so B·A is not a number";
    return std::nullopt;
  }
  return f;
}

// Half a unit in the last place of `x` stored as a float `dtype`: the largest change that
// rounding to that dtype swallows (an update below it leaves the stored weight as it was).
double half_ulp(float x, DType dtype) {
  const int mantissa = dtype == DType::BF16 ? 7 : dtype == DType::F16 ? 10 : 23;
  const int min_exponent = dtype == DType::F16 ? -14 : -126;
  int e = 0;
  std::frexp(x, &e);  // x = m · 2^e with 0.5 <= |m| < 1: the exponent of x is e - 1
  return std::ldexp(1.0, std::max(e - 1, min_exponent) - mantissa - 1);
}

// The rows a comparison reads: every row with --full, else up to sample_rows spread evenly.
// A range, not a list: --full on a tensor declaring billions of rows must not allocate an
// index per row before the first read fails.
class SampledRows {
 public:
  SampledRows(std::uint64_t rows, const DiffOptions& o) : rows_(rows), n_(o.full ? rows : std::min(rows, o.sample_rows)) {}
  class iterator {
   public:
    iterator(std::uint64_t k, const SampledRows* s) : k_(k), s_(s) {}
    // floor(k * rows / n) without the product: k * (rows / n) + k * (rows % n) / n.
    std::uint64_t operator*() const {
      if (s_->n_ == s_->rows_) return k_;
      return k_ * (s_->rows_ / s_->n_) + k_ * (s_->rows_ % s_->n_) / s_->n_;
    }
    iterator& operator++() {
      ++k_;
      return *this;
    }
    bool operator!=(const iterator& other) const { return k_ != other.k_; }

   private:
    std::uint64_t k_;
    const SampledRows* s_;
  };
  iterator begin() const { return {0, this}; }
  iterator end() const { return {n_, this}; }

 private:
  std::uint64_t rows_, n_;
};

SampledRows sample(std::uint64_t rows, const DiffOptions& o) { return SampledRows(rows, o); }

// Least-squares fit of ΔW ≈ s·D over the sampled rows.
struct Fit {
  double xx = 0, xd = 0, dd = 0;
  void add(const std::vector<float>& delta, const std::vector<float>& d) {
    for (std::size_t i = 0; i < delta.size(); ++i) {
      xx += double(delta[i]) * delta[i];
      xd += double(delta[i]) * d[i];
      dd += double(d[i]) * d[i];
    }
    n += delta.size();
  }
  std::uint64_t n = 0;
  double scale() const { return dd > 0 ? xd / dd : 0; }
  // Standard error of the scale: the residual's spread over ‖D‖.
  double scale_error() const {
    if (dd <= 0 || n < 2) return 0;
    double s = scale();
    return std::sqrt(std::max(0.0, xx - 2 * s * xd + s * s * dd) / static_cast<double>(n - 1)) / std::sqrt(dd);
  }
  double residual() const {
    if (xx <= 0) return dd > 0 ? 1 : 0;
    double s = scale();
    return std::sqrt(std::max(0.0, xx - 2 * s * xd + s * s * dd) / xx);
  }
};

bool rows_delta(const WeightSource& base, const WeightSource& fused, std::uint64_t row, std::vector<float>& delta) {
  auto b = read_row(base, row);
  auto f = read_row(fused, row);
  if (!b || !f || b->size() != f->size()) return false;
  delta.resize(b->size());
  for (std::size_t i = 0; i < delta.size(); ++i) delta[i] = (*f)[i] - (*b)[i];
  return true;
}

FuseFit unverifiable(FuseFit fit, std::string why) {
  fit.readable = false;
  fit.unverifiable = std::move(why);
  return fit;
}

FuseFit fit_pair(const DiffModel& diff, const DiffSide& base_side, const DiffSide& fused_side,
                 const LoraPair& p, const std::set<std::string>& changed_modules, const DiffOptions& o) {
  FuseFit fit;
  fit.pair = &p;
  fit.module = p.module;
  const Checkpoint& fused = *fused_side.checkpoint;
  const auto& base_modules = base_side.table->modules;
  const auto& fused_modules = fused_side.table->modules;
  WeightSource base = source(base_side, p.module), after = source(fused_side, p.module);
  if (auto it = fused_modules.find(p.module); it != fused_modules.end()) fit.file = it->second.file;
  if (base.weight == nullptr || after.weight == nullptr) {
    fit.present = base_modules.count(p.module) && fused_modules.count(p.module);
    if (!base_modules.count(p.module)) return unverifiable(fit, "the base has no such module");
    if (!fused_modules.count(p.module)) return unverifiable(fit, "the fused model has no such module");
    return unverifiable(fit, "its quantization settings are unknown, so it cannot be decoded");
  }
  fit.fused_dtype = to_string(after.weight->dtype);
  // Identical: weight, scales and biases each absent on both sides, or alike in dtype, shape
  // and bytes (the bytes of all three compared in one pass; unreadable is not identical).
  fit.identical = true;
  std::vector<TensorPair> stored;
  for (auto [x, y] : {std::pair{base.weight, after.weight}, {base.scales, after.scales}, {base.biases, after.biases}}) {
    if ((x == nullptr) != (y == nullptr) || (x != nullptr && (x->dtype != y->dtype || x->shape != y->shape))) {
      fit.identical = false;
      break;
    }
    if (x != nullptr) stored.push_back({diff.base, x, &fused, y});
  }
  if (fit.identical) {
    for (SameBytes same : compare_bytes(stored, *fused_side.files)) fit.identical = fit.identical && same == SameBytes::same;
  }
  std::string why;
  auto f = factors(*diff.adapter_checkpoint, p, fused_side.files, why);
  if (!f) return unverifiable(fit, why);
  if (f->out() != base.rows() || f->in() != base.cols()) {
    return unverifiable(fit, fmt::format("B·A is [{}, {}] but the base weight is [{}, {}]", f->out(), f->in(), base.rows(), base.cols()));
  }
  if (after.rows() != base.rows() || after.cols() != base.cols()) {
    return unverifiable(fit, fmt::format("the fused weight is [{}, {}] where the base has [{}, {}]", after.rows(), after.cols(), base.rows(), base.cols()));
  }
  Fit direct, transposed;
  bool square = f->out() == f->in();
  const bool float_fused = !after.quant && (after.weight->dtype == DType::BF16 || after.weight->dtype == DType::F16 || after.weight->dtype == DType::F32);
  double worst = 0, noise = 0, base_norm = 0;
  for (std::uint64_t row : sample(base.rows(), o)) {
    auto b = read_row(base, row);
    auto a = read_row(after, row);
    if (!b || !a || b->size() != a->size()) return unverifiable(fit, "its rows could not be read");
    std::vector<float> delta(b->size());
    for (std::size_t i = 0; i < delta.size(); ++i) {
      delta[i] = (*a)[i] - (*b)[i];
      base_norm += double((*b)[i]) * (*b)[i];
    }
    std::vector<float> d = f->row(static_cast<std::size_t>(row));
    direct.add(delta, d);
    if (square) transposed.add(delta, f->row_transposed(static_cast<std::size_t>(row)));
    // How far the update stands above the storage's rounding: per group for affine
    // quantization, per element for a float weight.
    if (auto half = half_steps(after, row)) {
      std::size_t group = static_cast<std::size_t>(after.quant->group_size);
      for (std::size_t i = 0; i < d.size(); ++i) {
        float h = (*half)[i / group];
        noise += double(h) * h;
        if (h > 0) worst = std::max(worst, std::fabs(double(d[i])) / h);
      }
    } else if (float_fused) {
      for (std::size_t i = 0; i < d.size(); ++i) {
        double h = half_ulp((*b)[i], after.weight->dtype);
        noise += h * h;
        worst = std::max(worst, std::fabs(double(d[i])) / h);
      }
    }
    ++fit.rows;
  }
  fit.scale = direct.scale();
  fit.delta_dot_d = direct.xd;
  fit.d_norm2 = direct.dd;
  fit.residual = direct.residual();
  fit.delta_norm = std::sqrt(direct.xx);
  fit.base_norm = std::sqrt(base_norm);
  fit.noise_norm = std::sqrt(noise);
  fit.zero_update = direct.dd == 0;
  fit.scale_error = direct.scale_error();
  fit.fused_quantized = after.quant.has_value();
  if (square) {
    fit.transposed_scale = transposed.scale();
    fit.transposed_residual = transposed.residual();
    fit.transposed_error = transposed.scale_error();
  }
  if ((after.quant && after.quant->mode == "affine") || float_fused) fit.d_over_half_step = worst;
  // Nothing landed here: did the update land in another module of the same layer?
  if (!fit.zero_update && (fit.identical || fit.delta_norm == 0 || fit.residual > 0.5)) {
    // The same layer: every module path that starts like this one up to "layers.N.".
    auto span = find_layer(p.module);
    std::string prefix = span && span->number_end < p.module.size() ? p.module.substr(0, span->number_end + 1) : "";
    for (const std::string& other : changed_modules) {
      if (other == p.module || prefix.empty() || !other.starts_with(prefix)) continue;
      WeightSource ob = source(base_side, other), of = source(fused_side, other);
      if (ob.weight == nullptr || of.weight == nullptr || ob.rows() != base.rows() || ob.cols() != base.cols()) continue;
      Fit alt;
      bool ok = true;
      std::vector<float> delta;
      for (std::uint64_t row : sample(ob.rows(), o)) {
        if (!(ok = rows_delta(ob, of, row, delta))) break;
        alt.add(delta, f->row(static_cast<std::size_t>(row)));
      }
      // A close fit, or for re-quantized weights a scale far outside its noise.
      bool fits = alt.residual() < 0.2 || (of.quant && std::fabs(alt.scale()) > 10 * alt.scale_error());
      if (ok && alt.xx > 0 && fits && (fit.other_module.empty() || alt.residual() < fit.other_residual)) {
        fit.other_module = other;
        fit.other_scale = alt.scale();
        fit.other_residual = alt.residual();
      }
    }
  }
  return fit;
}

// ‖W_fused − W_base‖ / ‖W_base‖ of a module on sampled rows, decoded (float or quantized).
std::optional<double> relative_change(const DiffSide& base, const DiffSide& fused, const std::string& module,
                                      const DiffOptions& o) {
  WeightSource b = source(base, module), f = source(fused, module);
  // Rows of a matrix only: a 1-D tensor has no rows to sample.
  if (b.weight == nullptr || f.weight == nullptr || b.cols() == 0 || b.rows() != f.rows() || b.cols() != f.cols()) {
    return std::nullopt;
  }
  double diff = 0, norm = 0;
  std::vector<float> delta;
  for (std::uint64_t row : sample(b.rows(), o)) {
    auto w = read_row(b, row);
    if (!w || !rows_delta(b, f, row, delta)) return std::nullopt;
    for (std::size_t i = 0; i < delta.size(); ++i) {
      diff += double(delta[i]) * delta[i];
      norm += double((*w)[i]) * (*w)[i];
    }
  }
  return norm > 0 ? std::optional<double>(std::sqrt(diff / norm)) : std::nullopt;
}

}  // namespace

std::string kind_of(const std::string& name, std::optional<long>& layer) {
  layer = layer_of(name);
  return with_layer_placeholder(name, "N");
}

std::shared_ptr<const DiffModel> build_diff(const DiffSide& base_in, const DiffSide& fused_in,
                                            const Checkpoint* adapter, const DiffOptions& options) {
  // Every read of the diff (byte comparison, rows of the fuse fit, the adapter's factors)
  // goes through one pool of descriptors.
  FilePool files;
  DiffSide base_side = base_in, fused_side = fused_in;
  base_side.files = fused_side.files = &files;
  const Checkpoint& base = *base_side.checkpoint;
  const Checkpoint& fused = *fused_side.checkpoint;
  const ModuleTable& ba = *base_side.table;
  const ModuleTable& fa = *fused_side.table;
  auto diff = std::make_shared<DiffModel>();
  diff->base = &base;
  std::set<std::string> names;
  for (const auto& [name, ref] : base.by_name) names.emplace(name);
  for (const auto& [name, ref] : fused.by_name) names.emplace(name);
  std::set<std::string> changed_modules;
  auto file_of = [](const ModuleTable& a, const std::string& name) {
    const std::string* f = a.file_of.find(name);
    return f == nullptr ? std::string() : *f;
  };
  std::vector<const std::string*> compared_names;
  std::vector<TensorPair> compared;
  for (const std::string& name : names) {
    const TensorInfo* b = base.find(name);
    const TensorInfo* f = fused.find(name);
    auto file = [&](const ModuleTable& a) { return file_of(a, name); };
    if (f == nullptr) {
      diff->only_base.push_back({name, file(ba), shape_text(b->shape), "", std::nullopt});
    } else if (b == nullptr) {
      diff->only_fused.push_back({name, file(fa), "", shape_text(f->shape), std::nullopt});
    } else if (b->dtype != f->dtype) {
      diff->dtype_changed.push_back({name, file(fa), std::string(to_string(b->dtype)), std::string(to_string(f->dtype)), std::nullopt});
    } else if (b->shape != f->shape) {
      diff->shape_changed.push_back({name, file(fa), shape_text(b->shape), shape_text(f->shape), std::nullopt});
    } else if (options.values) {
      compared_names.push_back(&name);
      compared.push_back({&base, b, &fused, f});
    }
  }
  // All value comparisons at once, so that every core reads, whatever the tensor sizes.
  std::vector<SameBytes> same = compare_bytes(compared, files);
  diff->compared = compared.size();
  for (std::size_t i = 0; i < compared.size(); ++i) {
    if (same[i] != SameBytes::different) continue;
    const std::string& name = *compared_names[i];
    diff->changed.push_back({name, file_of(fa, name), "", "", std::nullopt});
    changed_modules.insert(module_of(name));
  }
  diff->values_compared = options.values;
  for (TensorDelta& t : diff->changed) {
    std::string module = module_of(t.name);
    if (module != t.name) t.relative = relative_change(base_side, fused_side, module, options);
  }
  for (const auto& [path, m] : ba.modules) {
    if (m.quantized()) ++diff->base_triples;
    auto it = fa.modules.find(path);
    if (it == fa.modules.end() || it->second.weight == nullptr || m.weight == nullptr) continue;
    if (m.quantized() && !it->second.quantized()) {
      diff->dequantized.push_back(path);
      // The config followed when it no longer quantizes the module (a per-module false, or no
      // quantization section left).
      const std::optional<QuantParams>* entry = fused_side.quant->explicit_entry(path);
      if (!fused_side.quant->present || (entry != nullptr && !entry->has_value())) ++diff->dequantized_config_followed;
    }
    if (!m.quantized() && it->second.quantized()) diff->requantized.push_back(path);
  }
  for (const auto& [path, m] : fa.modules) diff->fused_triples += m.quantized() ? 1 : 0;
  diff->base_quantization = base_side.quantization;
  diff->fused_quantization = fused_side.quantization;
  diff->base_files = base.shards.size();
  diff->fused_files = fused.shards.size();
  diff->base_index = base.index.has_value();
  diff->fused_index = fused.index.has_value();
  if (adapter != nullptr) {
    diff->adapter = read_adapter(*adapter);
    diff->adapter_checkpoint = adapter;
    std::set<std::string> targets;
    for (const LoraPair& p : diff->adapter->pairs) targets.insert(p.module);
    if (options.values) {
      for (const LoraPair& p : diff->adapter->pairs) {
        diff->fits.push_back(fit_pair(*diff, base_side, fused_side, p, changed_modules, options));
      }
      for (const std::string& m : changed_modules) {
        if (targets.count(m) == 0) diff->untargeted.push_back(m);
      }
    }
  }
  return diff;
}

}  // namespace ckptlint
