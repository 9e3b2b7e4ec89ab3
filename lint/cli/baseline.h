// SPDX-License-Identifier: Apache-2.0
// Accepted findings (`--baseline FILE`): each entry names a rule, a file and a tensor glob,
// with the reason it was accepted. Matching findings are counted, not shown; entries that no
// longer match anything are reported, so baselines shrink as problems get fixed.
//
//   {"schema": "ckptlint-baseline/1",
//    "accepted": [{"rule": "kv-shared-redundant", "file": "model-00002-of-00003.safetensors",
//                  "tensor": "language_model.model.layers.*.self_attn.k_proj.weight",
//                  "reason": "PTQ layout, loaders drop these"}]}
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/report.h"

namespace ckptlint {

struct BaselineEntry {
  std::string rule;
  std::string file;    ///< glob; "" or "*" = any file
  std::string tensor;  ///< glob; "" = findings without a tensor, "*" = any
  std::string reason;
};

/// Reads a baseline file; on error returns nothing and sets `error`.
std::optional<std::vector<BaselineEntry>> read_baseline(const std::string& path, std::string& error);

/// Removes the findings an entry accepts (counting them in report.suppressed) and lists the
/// entries that matched nothing in report.baseline_unmatched.
void apply_baseline(Report& report, const std::vector<BaselineEntry>& entries);

/// Writes every finding of `report` as an accepted entry (reason to be filled in).
bool write_baseline(const std::string& path, const Report& report, std::string& error);

}  // namespace ckptlint
