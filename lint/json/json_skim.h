// SPDX-License-Identifier: Apache-2.0
// Reading a long, flat run of `"key": 123` members (a tokenizer's vocabulary: a quarter of a
// million of them) 64 bytes at a time. Each block is classified into bit masks (quotes,
// backslashes, whitespace, colons, commas, digits, control characters); strings are the
// regions between quotes, and the grammar `, "key" : digits` is checked on the masks
// (after every closing quote the next non-space byte is a colon, after a colon a digit run,
// after a digit run a comma, after a comma an opening quote, and nothing else outside
// strings), so a block is accepted only when it is valid JSON of that shape. Anything else
// (an escape, a fraction, the object's end, a window's end) stops the skim at the last value
// it completed, and the strict lexer (json_lexer.h) reads on from there.
#pragma once
#include <cstdint>

namespace ckptlint::json_skim {

/// One bit per byte of a 64-byte block, bit i for byte i.
struct BlockMasks {
  std::uint64_t quote = 0, backslash = 0, space = 0, colon = 0, comma = 0, digit = 0, control = 0;
};

/// Plain C++, for every target.
BlockMasks classify_portable(const unsigned char* block);
/// The build's fastest: SSE2 on x86-64 (every x86-64 has it; not in the POSIX fallback
/// build), else classify_portable.
BlockMasks classify(const unsigned char* block);

/// From `q`, just after a member's value, counts the whole members `, "key": 123` that
/// follow (a key without escapes, an integer of at most 18 digits without leading zeros),
/// adding to `members` and raising `max_value`. Reads only whole blocks before `end`.
/// Returns just after the last value it counted (`q` when none): the lexer resumes there.
const unsigned char* plain_members(const unsigned char* q, const unsigned char* end, std::uint64_t& members,
                                   std::uint64_t& max_value);

}  // namespace ckptlint::json_skim
