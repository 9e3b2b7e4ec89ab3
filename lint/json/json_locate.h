// SPDX-License-Identifier: Apache-2.0
// Where a JSON pointer's value sits in a JSON file's text, so reports (SARIF, text) can point
// at the line of the offending key in config.json, the index or adapter_config.json.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ckptlint {

struct TextPosition {
  std::uint32_t line = 1;    ///< 1-based
  std::uint32_t column = 1;  ///< 1-based, in bytes
};

/// The position of the member name (for object members) or value (array elements) that
/// RFC 6901 `pointer` names; the deepest existing prefix when the rest is missing; nothing
/// for malformed text. "" is the whole document.
std::optional<TextPosition> locate_json_pointer(std::string_view text, const std::string& pointer);

/// A key as one pointer token: "~" -> "~0", "/" -> "~1".
std::string escape_pointer_token(const std::string& key);

/// "a.b.c" -> "/a/b/c" (escaping ~ and /); a path that starts with "/" is already a pointer.
std::string dotted_to_pointer(const std::string& dotted);

}  // namespace ckptlint
