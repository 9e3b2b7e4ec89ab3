// SPDX-License-Identifier: Apache-2.0
// A strict RFC 8259 parser for the one shape of document ckptlint reads: an object whose
// top-level members are handed out one at a time. Hand-written because the headers of a
// large checkpoint are megabytes of JSON read on every run, and because it must keep
// duplicate keys, classify numbers without converting them, and never recurse deeper than
// the limit. Every byte is checked before use; errors carry their byte offset.
#include "json/json_stream.h"

#include "json/json_lexer.h"
#include "util/display_text.h"

#include <fmt/format.h>

#include <algorithm>

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

  // Tokens come from the shared lexer; the whole text is here, so its end ends a token.
  // The lexer's outcome and, when it failed, its message: taken by reference, so that it is
  // read after the lexer set it whatever order the arguments are evaluated in.
  bool lexed(json_lex::Lex r, const char* const& error) {
    if (r == json_lex::Lex::ok) return true;
    return failed(error);
  }

  bool string(std::string& out) {
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != '"') return failed("expected a string");
    const char* error = "";
    return lexed(json_lex::string(s_, pos_, &out, false, error), error);
  }

  bool number(JValue& v) {
    json_lex::Number n;
    const char* error = "";
    if (!lexed(json_lex::number(s_, pos_, n, false, error), error)) return false;
    switch (n.kind) {
      case json_lex::Number::Kind::unsigned_int:
        v.kind = JValue::Kind::unsigned_int;
        v.unsigned_value = n.unsigned_value;
        break;
      case json_lex::Number::Kind::negative:
        v.kind = JValue::Kind::negative;
        v.negative_value = n.negative_value;
        break;
      case json_lex::Number::Kind::fractional:
        // Only numbers that are no 64-bit integer keep their literal (messages show it as is).
        v.kind = JValue::Kind::fractional;
        v.text.assign(s_.data() + n.begin, n.end - n.begin);
        break;
    }
    return true;
  }

  bool literal(std::string_view word) {
    const char* error = "";
    return lexed(json_lex::literal(s_, pos_, word, false, error), error);
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
