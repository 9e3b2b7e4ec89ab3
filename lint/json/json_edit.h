// SPDX-License-Identifier: Apache-2.0
// Edits to a JSON file's text that a person would accept in review (`ckptlint fix`): one
// value set, inserted or removed, and every other byte — key order, indentation, number
// spelling, the newline at the end — left as it was. The text is parsed once into the byte
// spans of its values; an edit replaces one span, inserts one member after the last one of
// its object (in the object's own indentation and separator style) or removes one member
// with its comma.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ckptlint {

struct JsonEdit {
  enum class Op : unsigned char { set, remove };
  Op op = Op::set;
  /// Object keys (and array indices, as decimal text) from the root to the value. `set` on a
  /// missing last key inserts it into its object; every earlier step must exist.
  std::vector<std::string> path;
  std::string value;  ///< `set`: the new value as JSON text (one line)
};

/// `text` with `edits` applied in order; nothing, and `error`, when the text is not JSON or a
/// path does not lead to an object member or array element.
std::optional<std::string> apply_json_edits(std::string_view text, const std::vector<JsonEdit>& edits, std::string& error);

/// The JSON text of `path`'s value, or nothing when the path does not exist.
std::optional<std::string> json_value_text(std::string_view text, const std::vector<std::string>& path);

}  // namespace ckptlint
