// SPDX-License-Identifier: Apache-2.0
#include "util/spelling.h"

#include <algorithm>

#include "util/text.h"

namespace ckptlint {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string nearest_spelling(std::string_view typed_as_is, const std::vector<std::string_view>& known) {
  // Long input is no typo of a short word, and would cost len(typed) * len(word) per word.
  if (typed_as_is.size() > 64) return "";
  // Case is no typo's distance: KV-SHARED-REDUNDANT is kv-shared-redundant.
  const std::string lowered = ascii_lower(typed_as_is);
  const std::string_view typed = lowered;
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(2, typed.size() / 3) + 1;
  for (std::string_view k : known) {
    std::size_t d = edit_distance(typed, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  // A word cut short ("mixed-quant" for "mixed-quantization"): the shortest word it begins.
  if (best.empty() && typed.size() >= 4) {
    for (std::string_view k : known) {
      if (k.starts_with(typed) && (best.empty() || k.size() < best.size())) best = k;
    }
  }
  return std::string(best);
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string_view>& known) {
  std::string best = nearest_spelling(typed, known);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

}  // namespace ckptlint
