// SPDX-License-Identifier: Apache-2.0
// How shapes are written in every message and report: "[2048, 1536]", "BF16 [2048, 1536]".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ckptlint {

/// "[2048, 1536]"; "[]" for a scalar.
std::string shape_text(const std::vector<std::uint64_t>& shape);

/// "BF16 [2048, 1536]".
std::string typed_shape_text(std::string_view dtype, const std::vector<std::uint64_t>& shape);

}  // namespace ckptlint
