// SPDX-License-Identifier: Apache-2.0
// The nearest right spelling of a mistyped word, for usage errors: unknown commands,
// options, rule ids and class names all answer "did you mean ...?" the same way.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ckptlint {

/// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The known word nearest to `typed` when it is within a third of the typed length (at
/// least two edits), else the shortest known word that starts with `typed` (four letters
/// or more), else "". Ties go to the first in `known`.
std::string nearest_spelling(std::string_view typed, const std::vector<std::string_view>& known);

/// " (did you mean 'check'?)", or "" when nothing is near.
std::string did_you_mean(std::string_view typed, const std::vector<std::string_view>& known);

}  // namespace ckptlint
