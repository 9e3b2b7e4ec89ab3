// SPDX-License-Identifier: Apache-2.0
#include "util/ranges.h"

#include <fmt/format.h>

namespace ckptlint {

std::string format_ranges(const std::set<long>& values) {
  std::string out;
  auto it = values.begin();
  while (it != values.end()) {
    long start = *it, end = *it;
    for (++it; it != values.end() && *it == end + 1; ++it) end = *it;
    out += (out.empty() ? "" : ", ") + (start == end ? std::to_string(start) : fmt::format("{}-{}", start, end));
  }
  return out;
}

}  // namespace ckptlint
