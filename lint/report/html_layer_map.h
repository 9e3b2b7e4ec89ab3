// SPDX-License-Identifier: Apache-2.0
// The layer map of the HTML report: for each stack of numbered layers (the text decoder, a
// vision or audio tower), an SVG grid of module kinds × layers coloured by how each module
// is stored, with every finding marked on its cell; the tensors outside any layer as a row
// of swatches; and a legend of the storages present.
#pragma once
#include <ostream>

#include "ckptlint/report.h"

namespace ckptlint::html {

/// Writes the map's <section>; nothing when the report carries no storage map.
void write_layer_map(std::ostream& out, const Report& report);

/// The SVG <defs> (patterns for missing, absent and mixed cells) the map's fills refer to.
void write_map_defs(std::ostream& out);

}  // namespace ckptlint::html
