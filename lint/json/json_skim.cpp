// SPDX-License-Identifier: Apache-2.0
#include "json/json_skim.h"

#include <bit>
#include <cstring>

// SSE2 is in every x86-64 (an AVX2 build measured no faster: the classification is not
// what the skim waits on). The POSIX fallback build tests the portable classification alone.
#if defined(__SSE2__) && !defined(CKPTLINT_POSIX_FALLBACK)
#define CKPTLINT_SKIM_SSE2 1
#include <emmintrin.h>
#endif

namespace ckptlint::json_skim {
namespace {

// Bit i of the result: the parity of the set bits 0..i of x (so between an opening quote,
// included, and its closing quote, excluded, the bits are set).
std::uint64_t prefix_xor(std::uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// a + b with a carry in and out: the carry of a run of set bits into the next block.
std::uint64_t add_carry(std::uint64_t a, std::uint64_t b, bool& carry) {
  std::uint64_t sum = a + b;
  bool out = sum < a;
  std::uint64_t with = sum + (carry ? 1 : 0);
  out = out || with < sum;
  carry = out;
  return with;
}

// For each set bit of `starts` (a position), the first position at or after it that is not
// whitespace: a start on whitespace carries through the run (an addition does: the run's
// bits clear and the first bit past it sets). `carry` continues a run into the next block.
std::uint64_t next_non_space(std::uint64_t starts, std::uint64_t space, bool& carry) {
  return add_carry(starts, space & ~0ull, carry) & ~space;
}

// The value of the digits [first, stop).
std::uint64_t digits_value(const unsigned char* first, const unsigned char* stop) {
  std::uint64_t v = 0;
  for (; first < stop; ++first) v = v * 10 + static_cast<std::uint64_t>(*first - '0');
  return v;
}

// The value of the n <= 8 digits ending at `stop`, from the 8 bytes before it in one word:
// the bytes before the digits become '0', then pairs, quads and the octet are combined
// with multiplications (little endian: the first digit is the lowest byte).
std::uint64_t eight_digits(const unsigned char* stop, int n) {
  if constexpr (std::endian::native != std::endian::little) return digits_value(stop - n, stop);
  std::uint64_t w;
  std::memcpy(&w, stop - 8, 8);
  const std::uint64_t pad = n == 8 ? 0 : (~0ull >> (8 * n));  // the 8 - n leading bytes
  w = ((w & ~pad) | (0x3030303030303030ull & pad)) - 0x3030303030303030ull;
  w = w * 10 + (w >> 8);
  return (((w & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) + (((w >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
}

}  // namespace

BlockMasks classify_portable(const unsigned char* p) {
  BlockMasks m;
  for (int i = 0; i < 64; ++i) {
    const unsigned char c = p[i];
    const std::uint64_t bit = 1ull << i;
    if (c == '"') m.quote |= bit;
    if (c == '\\') m.backslash |= bit;
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') m.space |= bit;
    if (c == ':') m.colon |= bit;
    if (c == ',') m.comma |= bit;
    if (c >= '0' && c <= '9') m.digit |= bit;
    if (c < 0x20) m.control |= bit;
  }
  return m;
}

#if defined(CKPTLINT_SKIM_SSE2)
BlockMasks classify(const unsigned char* p) {
  __m128i v[4];
  for (int k = 0; k < 4; ++k) v[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
  auto mask = [&](auto test) {
    std::uint64_t out = 0;
    for (int k = 0; k < 4; ++k) out |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(test(v[k])))) << (16 * k);
    return out;
  };
  auto eq = [](char c) { return [c](__m128i x) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); }; };
  BlockMasks m;
  m.quote = mask(eq('"'));
  m.backslash = mask(eq('\\'));
  m.space = mask([](__m128i x) {
    return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))),
                        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
  });
  m.colon = mask(eq(':'));
  m.comma = mask(eq(','));
  // Unsigned ranges: x in [lo, hi] <=> max(x, lo) == x and min(x, hi) == x.
  m.digit = mask([](__m128i x) {
    return _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8('0')), x), _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8('9')), x));
  });
  m.control = mask([](__m128i x) { return _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x); });
  return m;
}
#else
BlockMasks classify(const unsigned char* p) { return classify_portable(p); }
#endif

const unsigned char* plain_members(const unsigned char* q, const unsigned char* end, std::uint64_t& members,
                                   std::uint64_t& max_value) {
  const unsigned char* resume = q;
  // What carries from one block into the next: inside a string or not; the token bits
  // shifted out past bit 63; the additions' carries through whitespace and digit runs; the
  // last byte's digit bit (a run going on).
  bool in_string = false, c_close = false, c_colon = false, c_value = false, c_comma = false, c_run = false;
  std::uint64_t out_close = 0, out_colon = 0, out_comma = 0, last_digit = 0;
  std::uint64_t value_end_in = 1;  // q itself is just after a value: the chain starts there
  for (const unsigned char* b = q; end - b >= 64; b += 64) {
    const BlockMasks m = classify(b);
    if (m.backslash != 0) break;
    const std::uint64_t in = prefix_xor(m.quote) ^ (in_string ? ~0ull : 0);
    const std::uint64_t open = m.quote & in, close = m.quote & ~in, outside = ~in & ~m.quote;
    // A control character in a string, or one that is no whitespace anywhere; anything
    // outside strings but whitespace, colons, commas and digits.
    if ((m.control & (in | ~m.space)) != 0) break;
    if ((outside & ~(m.space | m.colon | m.comma | m.digit)) != 0) break;
    const std::uint64_t space = m.space & outside, digit = m.digit & outside, colon = m.colon & outside, comma = m.comma & outside;
    const std::uint64_t run_start = digit & ~((digit << 1) | last_digit);
    bool c_run_next = c_run;
    const std::uint64_t value_end = (add_carry(run_start, digit, c_run_next) & ~digit) | value_end_in;
    bool cc = c_close, ck = c_colon, cv = c_value, cm = c_comma;
    if (next_non_space((close << 1) | out_close, space, cc) != colon || next_non_space((colon << 1) | out_colon, space, ck) != run_start ||
        next_non_space(value_end, space, cv) != comma || next_non_space((comma << 1) | out_comma, space, cm) != open) {
      break;
    }
    // Each value ending in this block: its digits end just before; read them backwards.
    std::uint64_t count = 0, largest = max_value;
    bool plain = true;
    for (std::uint64_t ends = value_end & ~value_end_in; ends != 0; ends &= ends - 1) {
      const int at = std::countr_zero(ends);
      const unsigned char* stop = b + at;
      // The run's length from the mask; a run reaching back past the block is walked.
      long digits = at > 0 ? std::countl_one(digit << (64 - at)) : 0;
      if (digits == at) {
        const unsigned char* first = stop - digits;
        while (first > q && first[-1] >= '0' && first[-1] <= '9') --first;
        digits = stop - first;
      }
      if (digits > 18 || (digits > 1 && stop[-digits] == '0')) {
        plain = false;  // a long integer or leading zeros: the lexer's to judge
        break;
      }
      const std::uint64_t v = digits <= 8 && stop - 8 >= q ? eight_digits(stop, static_cast<int>(digits)) : digits_value(stop - digits, stop);
      largest = v > largest ? v : largest;
      ++count;
    }
    if (!plain) break;
    members += count;
    max_value = largest;
    if (const std::uint64_t ends = value_end & ~value_end_in; ends != 0) resume = b + (63 - std::countl_zero(ends));
    in_string = (in >> 63) != 0;
    out_close = close >> 63;
    out_colon = colon >> 63;
    out_comma = comma >> 63;
    last_digit = digit >> 63;
    c_run = c_run_next;
    c_close = cc;
    c_colon = ck;
    c_value = cv;
    c_comma = cm;
    value_end_in = 0;
  }
  return resume;
}

}  // namespace ckptlint::json_skim
