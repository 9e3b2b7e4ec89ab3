// SPDX-License-Identifier: Apache-2.0
// A primitive's `tensors: {name: glob}` parameter: each name becomes an expression variable
// describing the first tensor (in name order) whose name matches the glob, or null:
//   {name, file, dtype, shape, rows, changed}
// `rows` is the first dimension of a 2-D tensor, packed or not (MLX packs along the second;
// a flattened bitsandbytes 4-bit weight, U8 [n, 1], has none); `changed` is, in a diff,
// whether the fuse changed the tensor (new, another dtype or shape, other bytes), and null
// otherwise or when the bytes were not compared.
#pragma once
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "util/glob.h"

namespace ckptlint {

using TensorGlobs = std::vector<std::pair<std::string, std::string>>;

/// Reads `tensors: {name: glob}` from a primitive's parameters.
inline TensorGlobs tensor_globs(PrimitiveArgs& with) {
  TensorGlobs out;
  const DocNode& node = with.node()["tensors"];
  if (!node.has_value()) return out;
  if (!node.is_map()) {
    with.error(node, "'tensors' must map variable names to tensor-name globs");
    return out;
  }
  for (const auto& m : node.members()) {
    if (!m.second.is_scalar()) with.error(m.second, "a tensor-name glob must be a string");
    else out.emplace_back(m.first.scalar(), m.second.scalar());
  }
  return out;
}

namespace tensor_vars_detail {
inline bool listed(const std::vector<TensorDelta>& list, const std::string& name) {
  return std::any_of(list.begin(), list.end(), [&](const TensorDelta& d) { return d.name == name; });
}
}  // namespace tensor_vars_detail

/// Appends one variable per glob to `vars`.
inline void bind_tensors(const RunContext& context, const TensorGlobs& globs, VarList& vars) {
  for (const auto& [var, glob] : globs) {
    // "*suffix" (the usual form: "*embed_tokens.weight") is a suffix test: thousands of
    // names, every run, for several rules.
    const bool suffix = glob.size() > 1 && glob[0] == '*' && glob.find_first_of("*?", 1) == std::string::npos;
    const std::string_view tail = std::string_view(glob).substr(1);
    const TensorInfo* found = nullptr;
    for (const auto& [name, ref] : context.checkpoint.by_name) {
      const bool match = suffix ? name.ends_with(tail) : glob_match(glob, name);
      if (match && (found == nullptr || name < found->name)) found = &context.checkpoint.tensor(ref);
    }
    if (found == nullptr) {
      vars.emplace_back(var, nullptr);
      continue;
    }
    nlohmann::json t = {{"name", found->name}, {"dtype", std::string(to_string(found->dtype))}, {"shape", found->shape}};
    const Shard* shard = context.checkpoint.shard_of(*found);
    t["file"] = shard != nullptr ? shard->file : ".";
    const bool flattened = found->dtype == DType::U8 && found->shape.size() == 2 && found->shape[1] == 1;
    t["rows"] = found->shape.size() == 2 && !flattened ? nlohmann::json(found->shape[0]) : nlohmann::json(nullptr);
    t["changed"] = nullptr;
    if (const DiffModel* d = context.analysis.diff.get()) {
      using tensor_vars_detail::listed;
      bool changed = listed(d->only_fused, found->name) || listed(d->dtype_changed, found->name) ||
                     listed(d->shape_changed, found->name) || listed(d->changed, found->name);
      if (changed || d->values_compared) t["changed"] = changed;
    }
    vars.emplace_back(var, std::move(t));
  }
}

}  // namespace ckptlint
