// SPDX-License-Identifier: Apache-2.0
// Facts shared by the adapter primitives: one LoRA pair, as rule messages see it.
#pragma once
#include <string>
#include <vector>

#include <fmt/format.h>

#include "adapter/adapter_model.h"
#include "primitives/primitive.h"
#include "util/shape_text.h"

namespace ckptlint {

inline std::string pair_shape_text(const TensorInfo* t) {
  return t == nullptr ? "absent" : shape_text(t->shape);
}

inline std::vector<std::string> pair_fact_names() {
  return {"module", "tensor", "file", "layer", "leaf", "naming", "shape_a", "shape_b"};
}

/// A match on one pair, located at its first tensor.
inline Match pair_match(const LoraPair& p) {
  Match m;
  const TensorInfo* t = p.any();
  m.location = location_at(p.file, t != nullptr ? t->name : p.module);
  m.facts = {{"module", p.module},
             {"tensor", m.location.tensor},
             {"file", p.file},
             {"layer", p.layer ? std::to_string(*p.layer) : "none"},
             {"leaf", p.leaf},
             {"naming", to_string(p.naming)},
             {"shape_a", pair_shape_text(p.a)},
             {"shape_b", pair_shape_text(p.b)}};
  return m;
}


}  // namespace ckptlint
