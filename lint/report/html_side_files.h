// SPDX-License-Identifier: Apache-2.0
// The side files of the HTML report, beside the layer map: each tokenizer, generation,
// template and processor file with what loaders read it for, its size, and its verdict (the
// worst finding that names the file, and how many), or "missing" when the base has it.
#pragma once
#include <ostream>

#include "ckptlint/report.h"

namespace ckptlint::html {

/// Writes the side files' <section>; nothing when the report lists none.
void write_side_files(std::ostream& out, const Report& report);

}  // namespace ckptlint::html
