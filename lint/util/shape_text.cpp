// SPDX-License-Identifier: Apache-2.0
#include "util/shape_text.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ckptlint {

std::string shape_text(const std::vector<std::uint64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

std::string typed_shape_text(std::string_view dtype, const std::vector<std::uint64_t>& shape) {
  return fmt::format("{} [{}]", dtype, fmt::join(shape, ", "));
}

}  // namespace ckptlint
