// SPDX-License-Identifier: Apache-2.0
#include "layout/expected_tensors.h"

#include <fmt/format.h>

#include <algorithm>

#include "ckptlint/dtype.h"
#include "util/checked.h"

namespace ckptlint {

std::uint64_t ExpectedTensor::nbytes() const {
  // Layout shapes come from config values: saturate instead of wrapping on absurd ones.
  auto d = dtype_from_string(dtype);
  std::uint64_t bits = d ? static_cast<std::uint64_t>(bit_width(*d)) : 0;
  for (std::uint64_t x : shape) bits = checked_mul(bits, x).value_or(UINT64_MAX);
  return bits / 8;
}

std::vector<ExpectedTensor> scheme_tensors(const LayoutEntry& entry, const QuantScheme& scheme,
                                           const nlohmann::json& config, const QuantParams* p) {
  if (entry.shape.empty() || entry.module.empty()) return {};
  SchemeModule m;
  m.shape = &entry.shape;
  m.dtype = entry.dtype;
  if (p != nullptr) m.mlx = {{"bits", p->bits}, {"group_size", p->group_size}, {"mode", p->mode}};
  m.labels = {{"module", entry.module}, {"module_kind", entry.module_kind}, {"part", entry.part}, {"group", entry.group}};
  bool quantizes = false;
  std::vector<SchemeExpectation> expected = expect_scheme(scheme, m, &config, &quantizes);
  if (!quantizes) return {};
  std::vector<ExpectedTensor> out;
  for (const SchemeExpectation& x : expected) {
    if (!x.present) continue;
    if (!x.shape || x.dtype.empty()) {
      if (x.tensor->optional) continue;  // written by some exporters only, and not derivable
      return {};
    }
    out.push_back({entry.module + "." + x.tensor->suffix, x.dtype, *x.shape});
  }
  return out;
}

std::vector<ExpectedTensor> quantized_triple(const LayoutEntry& entry, const QuantParams& p, const QuantSchemes& schemes) {
  for (const auto& s : schemes) {
    if (s->mlx) return scheme_tensors(entry, *s, nullptr, &p);
  }
  return {};
}

std::vector<ExpectedTensor> expected_tensors(const LayoutModel& model, const Layout& layout,
                                             const nlohmann::json& config, const std::string& recipe,
                                             std::string& error, const QuantSchemes& schemes) {
  auto r = model.body().recipes.find(recipe);
  if (r == model.body().recipes.end()) {
    std::string known;
    for (const auto& [name, e] : model.body().recipes) known += (known.empty() ? "" : ", ") + name;
    error = fmt::format("unknown recipe '{}' (known: {})", recipe, known);
    return {};
  }
  QuantConfig quant = QuantConfig::from(config);
  quant.entry_prefixes = model.quant_entry_prefixes;
  Scope globals;
  globals.config = &config;
  globals.table = &layout.globals;
  const QuantScheme* other = declared_other_scheme(schemes, config);
  std::vector<ExpectedTensor> out;
  for (const LayoutEntry& e : layout.entries) {
    if (other != nullptr) {
      std::vector<ExpectedTensor> stored = scheme_tensors(e, *other, config);
      if (stored.empty()) stored.push_back({e.name, e.dtype, e.shape});
      for (ExpectedTensor& t : stored) t.optional = e.optional;
      out.insert(out.end(), stored.begin(), stored.end());
      continue;
    }
    std::optional<QuantParams> params;
    if (!e.module.empty() && quant.present) {
      if (const auto* entry = quant.explicit_entry(e.module)) {
        params = *entry;
      } else {
        if (r->second.test(EntryScope(e, globals).scope())) params = quant.global;
      }
    }
    std::vector<ExpectedTensor> triple = params ? quantized_triple(e, *params, schemes) : std::vector<ExpectedTensor>{};
    if (triple.empty()) triple.push_back({e.name, e.dtype, e.shape});
    for (ExpectedTensor& t : triple) t.optional = e.optional;
    out.insert(out.end(), triple.begin(), triple.end());
  }
  // Sorted through an index: comparing the long shared prefixes is the cost, not moving
  // the tensors around with every swap. Equal names keep their layout order.
  std::vector<std::size_t> order(out.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    int c = out[a].name.compare(out[b].name);
    return c != 0 ? c < 0 : a < b;
  });
  std::vector<ExpectedTensor> sorted;
  sorted.reserve(out.size());
  for (std::size_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace ckptlint
