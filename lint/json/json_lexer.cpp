// SPDX-License-Identifier: Apache-2.0
#include "json/json_lexer.h"

#include <cstring>

namespace ckptlint::json_lex {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The end of the text inside a token: more may come, or it is the error `message`.
Lex ended(bool more, const char* message, const char*& error) {
  if (more) return Lex::incomplete;
  error = message;
  return Lex::error;
}

Lex read_u4(std::string_view s, std::size_t& pos, std::uint32_t& out, bool more, const char*& error) {
  if (s.size() - pos < 4) return ended(more, "truncated \\u escape", error);
  out = 0;
  for (int i = 0; i < 4; ++i) {
    int h = hex(s[pos + i]);
    if (h < 0) {
      error = "bad hex digit in \\u escape";
      return Lex::error;
    }
    out = out * 16 + static_cast<std::uint32_t>(h);
  }
  pos += 4;
  return Lex::ok;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Lex string(std::string_view s, std::size_t& pos, std::string* out, bool more, const char*& error) {
  ++pos;  // the opening quote
  while (true) {
    // Copy the run of plain characters in one go, eight bytes at a time while no byte of
    // the word is a quote, a backslash or a control character.
    std::size_t start = pos;
    while (s.size() - pos >= 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + pos, 8);
      constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
      std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
      std::uint64_t special = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((w - ones * 0x20) & ~w);
      if ((special & highs) != 0) break;
      pos += 8;
    }
    while (pos < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[pos]);
      if (c == '"' || c == '\\' || c < 0x20) break;
      ++pos;
    }
    if (out != nullptr) out->append(s.data() + start, pos - start);
    if (pos >= s.size()) return ended(more, "unterminated string", error);
    char c = s[pos];
    if (c == '"') {
      ++pos;
      return Lex::ok;
    }
    if (c != '\\') {
      error = "control character in a string";
      return Lex::error;
    }
    if (++pos >= s.size()) return ended(more, "unterminated escape", error);
    char e = s[pos++];
    char plain = 0;
    switch (e) {
      case '"': plain = '"'; break;
      case '\\': plain = '\\'; break;
      case '/': plain = '/'; break;
      case 'b': plain = '\b'; break;
      case 'f': plain = '\f'; break;
      case 'n': plain = '\n'; break;
      case 'r': plain = '\r'; break;
      case 't': plain = '\t'; break;
      case 'u': {
        std::uint32_t cp = 0;
        if (Lex r = read_u4(s, pos, cp, more, error); r != Lex::ok) return r;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t low = 0;
          if (s.size() - pos < 2 || s[pos] != '\\' || s[pos + 1] != 'u') {
            // A pair cut by the end of the window may still complete.
            bool cut = s.size() - pos < 2 && (pos == s.size() || s[pos] == '\\');
            if (cut && more) return Lex::incomplete;
            error = "lone high surrogate";
            return Lex::error;
          }
          pos += 2;
          if (Lex r = read_u4(s, pos, low, more, error); r != Lex::ok) return r;
          if (low < 0xDC00 || low > 0xDFFF) {
            error = "bad low surrogate";
            return Lex::error;
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          error = "lone low surrogate";
          return Lex::error;
        }
        if (out != nullptr) append_utf8(*out, cp);
        continue;
      }
      default:
        --pos;
        error = "invalid escape";
        return Lex::error;
    }
    if (out != nullptr) *out += plain;
  }
}

Lex number(std::string_view s, std::size_t& pos, Number& out, bool more, const char*& error) {
  out = Number{};
  out.begin = pos;
  bool negative = pos < s.size() && s[pos] == '-';
  if (negative) ++pos;
  std::size_t int_start = pos;
  if (pos >= s.size()) return ended(more, "invalid number", error);
  if (!is_digit(s[pos])) {
    error = "invalid number";
    return Lex::error;
  }
  if (s[pos] == '0') {
    ++pos;
  } else {
    while (pos < s.size() && is_digit(s[pos])) ++pos;
  }
  std::size_t int_end = pos;
  bool fractional = false;
  if (pos < s.size() && s[pos] == '.') {
    fractional = true;
    ++pos;
    if (pos >= s.size()) return ended(more, "invalid number: digits expected after '.'", error);
    if (!is_digit(s[pos])) {
      error = "invalid number: digits expected after '.'";
      return Lex::error;
    }
    while (pos < s.size() && is_digit(s[pos])) ++pos;
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    fractional = true;
    ++pos;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
    if (pos >= s.size()) return ended(more, "invalid number: digits expected in exponent", error);
    if (!is_digit(s[pos])) {
      error = "invalid number: digits expected in exponent";
      return Lex::error;
    }
    while (pos < s.size() && is_digit(s[pos])) ++pos;
  }
  // A number that touches the end of the window may have more digits after it.
  if (pos >= s.size() && more) return Lex::incomplete;
  out.end = pos;
  if (!fractional) {
    // Integers keep their class; one that does not fit 64 bits is kept as text only.
    std::uint64_t u = 0;
    bool overflow = false;
    if (int_end - int_start <= 19) {  // below 10^19: cannot overflow (a vocabulary's ids all are)
      for (std::size_t i = int_start; i < int_end; ++i) u = u * 10 + static_cast<std::uint64_t>(s[i] - '0');
    } else {
      for (std::size_t i = int_start; i < int_end; ++i) {
        std::uint64_t digit = static_cast<std::uint64_t>(s[i] - '0');
        if (u > (UINT64_MAX - digit) / 10) overflow = true;
        u = u * 10 + digit;
      }
    }
    if (!overflow && !negative) {
      out.kind = Number::Kind::unsigned_int;
      out.unsigned_value = u;
      return Lex::ok;
    }
    // -0 is no integer to the reference reader (serde_json reads it as a float, -0.0, and
    // then refuses it as a size or offset): it stays a literal, like 0.0.
    if (!overflow && negative && u != 0 && u <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
      out.kind = Number::Kind::negative;
      out.negative_value = static_cast<std::int64_t>(0 - u);
      return Lex::ok;
    }
  }
  out.kind = Number::Kind::fractional;
  return Lex::ok;
}

Lex literal(std::string_view s, std::size_t& pos, std::string_view word, bool more, const char*& error) {
  std::string_view have = s.substr(pos, word.size());
  if (have == word) {
    pos += word.size();
    return Lex::ok;
  }
  if (more && have.size() < word.size() && word.substr(0, have.size()) == have) return Lex::incomplete;
  error = "invalid literal";
  return Lex::error;
}

}  // namespace ckptlint::json_lex
