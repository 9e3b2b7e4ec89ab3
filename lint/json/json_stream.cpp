// SPDX-License-Identifier: Apache-2.0
// A strict RFC 8259 parser for the one shape of document ckptlint reads: an object whose
// top-level members are handed out one at a time. Hand-written because the headers of a
// large checkpoint are megabytes of JSON read on every run, and because it must keep
// duplicate keys, classify numbers without converting them, and never recurse deeper than
// the limit. Every byte is checked before use; errors carry their byte offset.
#include "json/json_stream.h"

#include "util/display_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace ckptlint {
namespace {

class Parser {
 public:
  Parser(std::string_view text, JsonStreamLimits limits) : s_(text), limits_(limits) {}

  JsonStreamResult run(const std::function<void(std::string&&, JValue&&)>& on_member, const MemberFastPath& fast_path) {
    skip_space();
    if (pos_ >= s_.size()) return fail("unexpected end of input; expected '{'");
    if (s_[pos_] != '{') {
      JsonStreamResult r;
      r.status = JsonStreamResult::Status::root_not_object;
      r.root_type = root_type();
      return r;
    }
    ++pos_;
    skip_space();
    if (!eat('}')) {
      while (true) {
        std::string key;
        if (!string(key) || !colon()) return error_;
        skip_space();
        std::size_t taken = fast_path ? std::min(fast_path(key, s_.substr(pos_)), s_.size() - pos_) : 0;
        if (taken > 0) {
          pos_ += taken;
        } else {
          JValue value;
          if (!parse_value(value, 1)) return error_;
          on_member(std::move(key), std::move(value));
        }
        skip_space();
        if (eat(',')) continue;
        if (eat('}')) break;
        return fail("expected ',' or '}' after an object member");
      }
    }
    skip_space();
    if (pos_ < s_.size()) {
      JsonStreamResult r;
      r.status = JsonStreamResult::Status::trailing_bytes;
      r.error_offset = pos_;
      r.error = "content after the closing brace";
      return r;
    }
    return {};
  }

 private:
  JsonStreamResult fail(const std::string& message) {
    error_.status = JsonStreamResult::Status::syntax_error;
    error_.error_offset = std::min(pos_, s_.size());
    error_.error = message;
    return error_;
  }
  bool failed(const std::string& message) {
    fail(message);
    return false;
  }

  void skip_space() {
    while (pos_ < s_.size() && is_json_space(s_[pos_])) ++pos_;
  }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool colon() {
    skip_space();
    if (!eat(':')) return failed("expected ':' after an object key");
    return true;
  }

  std::string root_type() const {
    switch (s_[pos_]) {
      case '[': return "array";
      case '"': return "string";
      case 't': case 'f': return "boolean";
      case 'n': return "null";
      default: return (s_[pos_] == '-' || (s_[pos_] >= '0' && s_[pos_] <= '9')) ? "number" : "invalid value";
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool read_u4(std::uint32_t& out) {
    if (s_.size() - pos_ < 4) return failed("truncated \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex(s_[pos_ + i]);
      if (h < 0) return failed("bad hex digit in \\u escape");
      out = out * 16 + static_cast<std::uint32_t>(h);
    }
    pos_ += 4;
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
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

  bool string(std::string& out) {
    skip_space();
    if (!eat('"')) return failed("expected a string");
    while (true) {
      // Copy the run of plain characters in one go, eight bytes at a time while no byte of
      // the word is a quote, a backslash or a control character.
      std::size_t start = pos_;
      while (s_.size() - pos_ >= 8) {
        std::uint64_t w;
        std::memcpy(&w, s_.data() + pos_, 8);
        constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
        std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
        std::uint64_t special = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((w - ones * 0x20) & ~w);
        if ((special & highs) != 0) break;
        pos_ += 8;
      }
      while (pos_ < s_.size()) {
        unsigned char c = static_cast<unsigned char>(s_[pos_]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++pos_;
      }
      out.append(s_.data() + start, pos_ - start);
      if (pos_ >= s_.size()) return failed("unterminated string");
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') return failed("control character in a string");
      if (++pos_ >= s_.size()) return failed("unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!read_u4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (s_.size() - pos_ < 2 || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') return failed("lone high surrogate");
            pos_ += 2;
            if (!read_u4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return failed("bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return failed("lone low surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: --pos_; return failed("invalid escape");
      }
    }
  }

  bool number(JValue& v) {
    std::size_t start = pos_;
    bool negative = eat('-');
    std::size_t int_start = pos_;
    if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9') return failed("invalid number");
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    }
    std::size_t int_end = pos_;
    bool fractional = false;
    if (eat('.')) {
      fractional = true;
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9') return failed("invalid number: digits expected after '.'");
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      fractional = true;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9') return failed("invalid number: digits expected in exponent");
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    }
    if (!fractional) {
      // Integers keep their class; one that does not fit 64 bits is kept as text only.
      std::uint64_t u = 0;
      bool overflow = false;
      for (std::size_t i = int_start; i < int_end; ++i) {
        std::uint64_t digit = static_cast<std::uint64_t>(s_[i] - '0');
        if (u > (UINT64_MAX - digit) / 10) overflow = true;
        u = u * 10 + digit;
      }
      if (!overflow && !negative) {
        v.kind = JValue::Kind::unsigned_int;
        v.unsigned_value = u;
        return true;
      }
      // -0 is no integer to the reference reader (serde_json reads it as a float, -0.0, and
      // then refuses it as a size or offset): it stays a literal, like 0.0.
      if (!overflow && negative && u != 0 && u <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
        v.kind = JValue::Kind::negative;
        v.negative_value = static_cast<std::int64_t>(0 - u);
        return true;
      }
    }
    // Only numbers that are no 64-bit integer keep their literal (messages show it as is).
    v.kind = JValue::Kind::fractional;
    v.text.assign(s_.data() + start, pos_ - start);
    return true;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return failed("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool parse_value(JValue& v, int depth) {
    skip_space();
    if (pos_ >= s_.size()) return failed("unexpected end of input");
    switch (s_[pos_]) {
      case '{': return container(v, depth, JValue::Kind::object);
      case '[': return container(v, depth, JValue::Kind::array);
      case '"': v.kind = JValue::Kind::string; return string(v.text);
      case 't': v.kind = JValue::Kind::boolean; v.boolean = true; return literal("true");
      case 'f': v.kind = JValue::Kind::boolean; v.boolean = false; return literal("false");
      case 'n': v.kind = JValue::Kind::null; return literal("null");
      default: return number(v);
    }
  }

  bool container(JValue& v, int depth, JValue::Kind kind) {
    if (depth + 1 > limits_.max_depth) {
      error_.status = JsonStreamResult::Status::too_deep;
      error_.error_offset = pos_;
      error_.error = fmt::format("nesting deeper than {} levels", limits_.max_depth);
      return false;
    }
    v.kind = kind;
    if (kind == JValue::Kind::object) v.members.reserve(4);  // a tensor entry has 3 fields
    else v.items.reserve(4);
    const char close = kind == JValue::Kind::object ? '}' : ']';
    ++pos_;
    skip_space();
    if (eat(close)) return true;
    // Past the member cap, a key the caller names is still kept, twice at most (enough to
    // see that it repeats), so that a million copies of it cost nothing either.
    std::vector<std::uint32_t> kept_counts(kind == JValue::Kind::object ? limits_.keep_past_cap.size() : 0);
    while (true) {
      if (kind == JValue::Kind::object) {
        std::string key;
        JValue item;
        if (!string(key) || !colon() || !parse_value(item, depth + 1)) return false;
        auto named = std::find(limits_.keep_past_cap.begin(), limits_.keep_past_cap.end(), key);
        std::uint32_t* seen = named == limits_.keep_past_cap.end() ? nullptr : &kept_counts[named - limits_.keep_past_cap.begin()];
        if (seen != nullptr && *seen < UINT32_MAX) ++*seen;
        if (v.members.size() < limits_.max_object_members || (seen != nullptr && *seen <= 2)) {
          v.members.emplace_back(std::move(key), std::move(item));
        } else {
          v.truncated = true;
          ++v.dropped;
        }
      } else {
        JValue item;
        if (!parse_value(item, depth + 1)) return false;
        if (v.items.size() < limits_.max_array_items) {
          v.items.push_back(std::move(item));
        } else {
          v.truncated = true;
          ++v.dropped;
        }
      }
      skip_space();
      if (eat(',')) continue;
      if (eat(close)) return true;
      return failed(kind == JValue::Kind::object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }

  std::string_view s_;
  JsonStreamLimits limits_;
  std::size_t pos_ = 0;
  JsonStreamResult error_;
};

}  // namespace

std::string JValue::brief() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return boolean ? "true" : "false";
    case Kind::negative: return std::to_string(negative_value);
    case Kind::unsigned_int: return std::to_string(unsigned_value);
    case Kind::fractional: return text;
    case Kind::string: {
      // Cut on a code-point boundary: half a UTF-8 sequence in a message breaks every report.
      std::string_view head = utf8_prefix(text, 40);
      return fmt::format("\"{}{}\"", head, head.size() < text.size() ? "..." : "");
    }
    case Kind::array: return "[...]";
    case Kind::object: return "{...}";
  }
  return "?";
}

const char* JValue::type_name() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return "boolean";
    case Kind::negative:
    case Kind::unsigned_int:
    case Kind::fractional: return "number";
    case Kind::string: return "string";
    case Kind::array: return "array";
    case Kind::object: return "object";
  }
  return "?";
}

JsonStreamResult stream_object_members(
    std::string_view text, const std::function<void(std::string&&, JValue&&)>& on_member,
    JsonStreamLimits limits, const MemberFastPath& fast_path) {
  return Parser(text, limits).run(on_member, fast_path);
}

}  // namespace ckptlint

namespace ckptlint {

bool json_depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace ckptlint
