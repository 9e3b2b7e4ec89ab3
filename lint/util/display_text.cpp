// SPDX-License-Identifier: Apache-2.0
#include "util/display_text.h"

#include <cstdio>

namespace ckptlint {
namespace {

// Length of the valid UTF-8 sequence at `at` and its code point, or 0 when the byte there
// starts no valid sequence (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
std::size_t sequence_at(std::string_view s, std::size_t at, char32_t& cp) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(at);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t n = b0 >= 0xC2 && b0 <= 0xDF ? 2 : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xF0 && b0 <= 0xF4 ? 4 : 0;
  if (n == 0 || at + n > s.size()) return 0;
  cp = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(at + i) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool is_bidi_control(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// The line and paragraph separators: a line break to JavaScript and to some terminals and
// editors, so a name holding one could start a line of its own in a report.
bool is_line_separator(char32_t cp) { return cp == 0x2028 || cp == 0x2029; }

}  // namespace

std::string display_text(std::string_view text, std::size_t max_bytes) {
  // The usual case: printable ASCII without a backslash is shown as it is.
  bool plain = text.size() <= max_bytes;
  for (std::size_t i = 0; plain && i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    plain = c >= 0x20 && c < 0x7F && c != '\\';
  }
  if (plain) return std::string(text);
  std::string out;
  out.reserve(text.size() < 256 ? text.size() : 256);
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t n = sequence_at(text, i, cp);
    std::string piece;
    char buf[16];
    if (n == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(text[i]));
      piece = buf;
      n = 1;
    } else if (cp < 0x20 || cp == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      piece = buf;
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp) || is_line_separator(cp)) {
      std::snprintf(buf, sizeof buf, "\\u{%04x}", static_cast<unsigned>(cp));
      piece = buf;
    } else if (cp == '\\') {
      piece = "\\\\";
    } else {
      piece.assign(text.substr(i, n));
    }
    if (out.size() + piece.size() > max_bytes) {
      out += "...";
      return out;
    }
    out += piece;
    i += n;
  }
  return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  std::size_t end = 0;
  while (end < text.size()) {
    char32_t cp = 0;
    std::size_t n = sequence_at(text, end, cp);
    if (n == 0) n = 1;
    if (end + n > max_bytes) break;
    end += n;
  }
  return text.substr(0, end);
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t n = sequence_at(text, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace ckptlint
