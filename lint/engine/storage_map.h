// SPDX-License-Identifier: Apache-2.0
// The storage map: how each module or tensor of a checkpoint is stored (float dtype,
// quantization mode and bits) and, where a layout model applies, which expected ones are
// missing or pruned and which present ones it does not know. The HTML report draws it,
// with the side files beside it.
#pragma once
#include <vector>

#include "ckptlint/report.h"
#include "analysis/analysis.h"

namespace ckptlint {

/// One unit per module (.weight/.scales/.biases together) or other tensor, sorted by name;
/// for an adapter, one per LoRA pair.
std::vector<StoredUnit> storage_map(const Checkpoint& ck, const Analysis& analysis);

/// The side files the HTML report lists beside the map: those present, and those the base
/// (diff, check --base) has that this checkpoint lacks.
std::vector<SideFileEntry> side_file_list(const Checkpoint& ck, const Analysis& analysis);

}  // namespace ckptlint
