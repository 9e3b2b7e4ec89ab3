// SPDX-License-Identifier: Apache-2.0
// Small text helpers shared across layers.
#pragma once
#include <string>
#include <string_view>

namespace ckptlint {

/// `s` with ASCII A-Z lowered; other bytes (UTF-8 included) unchanged, whatever the locale.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace ckptlint
