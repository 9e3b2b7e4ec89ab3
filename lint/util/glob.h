// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string_view>

namespace ckptlint {

/// Shell-style match: `*` is any run of characters, `?` one character, everything else literal.
/// Iterative with one backtrack point, so linear-ish and safe on hostile names.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace ckptlint
