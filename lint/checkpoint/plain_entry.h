// SPDX-License-Identifier: Apache-2.0
// The fast path for the tensor entries of a safetensors header. Nearly every entry a real
// writer produces is {"dtype": "BF16", "shape": [..], "data_offsets": [a, b]}: three known
// fields, once each, in any order, a string with no escapes and plain unsigned integers.
// Such an entry is read here straight from the text, with no JSON tree. Anything else (an
// escape, a fourth or repeated field, a sign, a fraction, a number past 64 bits, a nested
// value, more dimensions than the general parser keeps) is declined, and the general parser
// reads it and reports what is wrong, so findings are the same whichever path read an entry.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ckptlint {

struct PlainEntry {
  std::string_view dtype;  ///< the dtype string as written (a view into the header)
  std::vector<std::uint64_t> shape;
  std::uint64_t data_begin = 0;
  std::uint64_t data_end = 0;
};

/// Reads one entry from the start of `text` (its '{'). Returns the bytes it spans, or 0 when
/// the entry is not of the plain shape; `max_dims` is the most dimensions accepted.
std::size_t scan_plain_entry(std::string_view text, std::size_t max_dims, PlainEntry& out);

}  // namespace ckptlint
