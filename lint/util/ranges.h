// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <set>
#include <string>

namespace ckptlint {

/// "0-3, 7, 9-12" from a set of integers: how layer lists are printed.
std::string format_ranges(const std::set<long>& values);

}  // namespace ckptlint
