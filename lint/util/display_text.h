// SPDX-License-Identifier: Apache-2.0
// The one escaper for untrusted text in reports. Whoever wrote a checkpoint controls every
// tensor name, file name and config string, and a report is read on a terminal, in a CI log
// (where a line starting "::error" is an annotation), in a browser. So every such string
// reaches human-readable output through display_text():
//
//   - C0 controls, DEL and every byte that is not part of valid UTF-8   -> \xNN
//   - C1 controls (U+0080-U+009F: U+009B is a CSI) and the bidirectional
//     controls (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069)   -> \u{NNNN}
//   - a backslash                                                      -> \\ (so escaping is
//                                                                         injective: no two
//                                                                         texts display alike)
//
// With no line break left in it, no escaped text can start a line of output. Machine
// formats (JSON, SARIF) carry the exact text beside its display form.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ckptlint {

/// `text` escaped as above; when the escaped form exceeds `max_bytes`, it is cut on a
/// code-point (and escape) boundary and "..." appended.
std::string display_text(std::string_view text, std::size_t max_bytes = SIZE_MAX);

/// The longest prefix of `text` of at most `max_bytes` that does not split a UTF-8 sequence
/// (an invalid byte counts as one unit).
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

/// True when `text` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace ckptlint
