// SPDX-License-Identifier: Apache-2.0
// Rule message templates: "tensor '{tensor}' declares {header_size:n} bytes".
// `{name}` inserts a fact as is; `{name:n}` groups the digits of a number (1,000,000);
// `{{` and `}}` are literal braces.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/finding.h"

namespace ckptlint {

class MessageTemplate {
 public:
  /// Parses `text`; on error returns nothing and sets `error` and the 0-based `column`.
  static std::optional<MessageTemplate> parse(const std::string& text, std::string& error, int& column);
  /// Every placeholder name, in order of appearance (with its 0-based column).
  const std::vector<std::pair<std::string, int>>& placeholders() const { return names_; }
  /// Fills the placeholders; a fact that is missing renders as "?". With `display`, each
  /// fact goes through util/display_text.h first (facts are untrusted; messages are read).
  std::string render(const Facts& facts, bool display = false) const;

 private:
  struct Piece {
    std::string text;   // literal text, or the fact name
    bool is_fact = false;
    bool grouped = false;
  };
  std::vector<Piece> pieces_;
  std::vector<std::pair<std::string, int>> names_;
};

/// "1234567" -> "1,234,567"; anything that is not a plain integer is returned unchanged.
std::string group_digits(const std::string& number);

}  // namespace ckptlint
