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

std::vector<ExpectedTensor> quantized_triple(const LayoutEntry& entry, const QuantParams& p) {
  if (entry.shape.empty() || entry.module.empty() || p.group_size <= 0 || p.bits <= 0) return {};
  std::uint64_t in = entry.shape.back();
  if (in % static_cast<std::uint64_t>(p.group_size) != 0 || (in * static_cast<std::uint64_t>(p.bits)) % 32 != 0) return {};
  std::vector<std::uint64_t> packed = entry.shape, groups = entry.shape;
  packed.back() = in * static_cast<std::uint64_t>(p.bits) / 32;
  groups.back() = in / static_cast<std::uint64_t>(p.group_size);
  std::vector<ExpectedTensor> out = {{entry.module + ".weight", "U32", packed},
                                     {entry.module + ".scales", p.has_biases() ? entry.dtype : "U8", groups}};
  if (p.has_biases()) out.push_back({entry.module + ".biases", entry.dtype, groups});
  return out;
}

std::vector<ExpectedTensor> expected_tensors(const LayoutModel& model, const Layout& layout,
                                             const nlohmann::json& config, const std::string& recipe,
                                             std::string& error) {
  auto r = model.recipes.find(recipe);
  if (r == model.recipes.end()) {
    std::string known;
    for (const auto& [name, e] : model.recipes) known += (known.empty() ? "" : ", ") + name;
    error = fmt::format("unknown recipe '{}' (known: {})", recipe, known);
    return {};
  }
  QuantConfig quant = QuantConfig::from(config);
  quant.entry_prefixes = model.quant_entry_prefixes;
  Scope globals;
  globals.config = &config;
  globals.table = &layout.globals;
  std::vector<ExpectedTensor> out;
  for (const LayoutEntry& e : layout.entries) {
    std::optional<QuantParams> params;
    if (!e.module.empty() && quant.present) {
      if (const auto* entry = quant.explicit_entry(e.module)) {
        params = *entry;
      } else {
        if (r->second.test(EntryScope(e, globals).scope())) params = quant.global;
      }
    }
    std::vector<ExpectedTensor> triple = params ? quantized_triple(e, *params) : std::vector<ExpectedTensor>{};
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
