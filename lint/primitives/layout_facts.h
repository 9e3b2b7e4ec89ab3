// SPDX-License-Identifier: Apache-2.0
// The facts every layout primitive reports about an entry, so rule messages can name them.
#pragma once
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "util/shape_text.h"

namespace ckptlint {

/// Names of the facts entry_facts() fills.
inline std::vector<std::string> entry_fact_names() { return {"tensor", "file", "kind", "layer", "part", "expected"}; }

/// A match on one layout entry: tensor, its file ("." when absent), kind, layer, expected shape.
inline Match entry_match(const Analysis& a, const LayoutEntry& e, const std::string& tensor) {
  const std::string* f = a.file_of.find(tensor);
  std::string file = f == nullptr ? "." : *f;
  Match m;
  m.location = location_at(file, tensor);
  m.facts = {{"tensor", tensor},
             {"file", file},
             {"kind", std::string(e.kind)},
             {"layer", e.layer ? std::to_string(*e.layer) : "-"},
             {"part", e.part},
             {"expected", typed_shape_text(e.dtype, e.shape)}};
  return m;
}

}  // namespace ckptlint
