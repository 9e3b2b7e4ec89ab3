// SPDX-License-Identifier: Apache-2.0
// The tokens of RFC 8259 JSON (strings, numbers, literals), lexed from a window of text that
// may end before the token does. The tree parser (json_stream.cpp) reads whole texts and
// turns an early end into its error; the pull cursor (json_cursor.h) reads a file through a
// window and, on `incomplete`, reads more and lexes the token again from its first byte.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ckptlint::json_lex {

enum class Lex : std::uint8_t {
  ok,          ///< the token ended inside the text; `pos` is past it
  error,       ///< malformed; `pos` is where, `error` says what
  incomplete,  ///< the text ended inside the token and `more` said it may go on
};

/// A string token; `pos` at its opening quote. Decoded into `*out` (appended) unless `out`
/// is null (validated only). `more`: the text may continue past its end.
Lex string(std::string_view s, std::size_t& pos, std::string* out, bool more, const char*& error);

/// A number token, classified without converting it: an unsigned or negative 64-bit integer,
/// or else `fractional` (a fraction, an exponent, or an integer beyond 64 bits), whose
/// literal is s[begin, end).
struct Number {
  enum class Kind : std::uint8_t { unsigned_int, negative, fractional };
  Kind kind = Kind::unsigned_int;
  std::uint64_t unsigned_value = 0;
  std::int64_t negative_value = 0;
  std::size_t begin = 0, end = 0;
};
Lex number(std::string_view s, std::size_t& pos, Number& out, bool more, const char*& error);

/// `true`, `false` or `null` (`word`) at `pos`.
Lex literal(std::string_view s, std::size_t& pos, std::string_view word, bool more, const char*& error);

}  // namespace ckptlint::json_lex
