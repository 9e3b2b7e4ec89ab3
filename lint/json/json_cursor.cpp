// SPDX-License-Identifier: Apache-2.0
#include "json/json_cursor.h"

#include <fmt/format.h>

#include <algorithm>

#include "json/json_lexer.h"
#include "json/json_skim.h"

namespace ckptlint {
namespace {

constexpr std::uint8_t kObject = 1, kFirst = 2;

}  // namespace

JsonCursor::JsonCursor(Reader reader) : JsonCursor(std::move(reader), Limits{}) {}

JsonCursor::JsonCursor(Reader reader, Limits limits) : reader_(std::move(reader)), limits_(limits) {}

bool JsonCursor::fail(const std::string& message, std::uint64_t at) {
  if (failed_) return false;
  failed_ = true;
  error_.status = JsonStreamResult::Status::syntax_error;
  error_.error_offset = at;
  error_.error = message;
  return false;
}

bool JsonCursor::fill() {
  if (eof_) return false;
  // Keep only what the token being lexed needs; read at least a window, and as much again
  // as is kept, so that a long token is read in doubling steps rather than lexed anew per
  // window.
  buf_.erase(0, pos_);
  base_ += pos_;
  pos_ = 0;
  std::size_t want = std::max(limits_.window, buf_.size());
  std::size_t old = buf_.size();
  buf_.resize(old + want);
  std::size_t got = reader_(buf_.data() + old, want);
  buf_.resize(old + std::min(got, want));
  if (got == 0) eof_ = true;
  return got != 0;
}

bool JsonCursor::skip_space() {
  while (true) {
    while (pos_ < buf_.size() && is_json_space(buf_[pos_])) ++pos_;
    if (pos_ < buf_.size()) return true;
    if (!fill()) return false;
  }
}

bool JsonCursor::expect_value_start() {
  if (failed_) return false;
  if (skip_space()) return true;
  truncated_ = true;
  return fail("unexpected end of input", offset());
}

template <typename LexFn>
bool JsonCursor::lex(LexFn&& fn) {
  while (true) {
    std::size_t p = pos_;
    const char* error = "";
    // Always "more may come": a token that touches the end of what was read is lexed again
    // with more bytes, and an input that ends inside one is a truncated document.
    json_lex::Lex r = fn(std::string_view(buf_), p, true, error);
    if (r == json_lex::Lex::ok && p - pos_ <= limits_.max_token_bytes) {
      pos_ = p;
      return true;
    }
    if (r == json_lex::Lex::error) return fail(error, base_ + p);
    if (r == json_lex::Lex::ok || buf_.size() - pos_ > limits_.max_token_bytes) {
      return fail(fmt::format("a string or number longer than {} bytes", limits_.max_token_bytes), offset());
    }
    if (!fill()) {
      truncated_ = true;
      return fail("unexpected end of input", bytes_read());
    }
  }
}

JsonCursor::Type JsonCursor::peek() {
  if (!expect_value_start()) return Type::none;
  switch (buf_[pos_]) {
    case '{': return Type::object;
    case '[': return Type::array;
    case '"': return Type::string;
    case 't': case 'f': case 'n': return Type::literal;
    default: return Type::number;  // the lexer says whether it is one
  }
}

bool JsonCursor::enter(Type type, std::uint8_t kind) {
  if (peek() != type) return fail(type == Type::object ? "expected an object" : "expected an array", offset());
  if (static_cast<int>(first_.size()) + 1 > limits_.max_depth) {
    fail(fmt::format("nesting deeper than {} levels", limits_.max_depth), offset());
    error_.status = JsonStreamResult::Status::too_deep;
    return false;
  }
  ++pos_;
  first_.push_back(kind | kFirst);
  return true;
}

bool JsonCursor::enter_object() { return enter(Type::object, kObject); }

bool JsonCursor::enter_array() { return enter(Type::array, 0); }

bool JsonCursor::next_member(std::string* key) {
  if (failed_) return false;
  if (first_.empty() || (first_.back() & kObject) == 0) return fail("next_member outside an object", offset());
  if (!expect_value_start()) return false;
  if ((first_.back() & kFirst) == 0) {
    if (buf_[pos_] == '}') {
      ++pos_;
      first_.pop_back();
      return false;
    }
    if (buf_[pos_] != ',') return fail("expected ',' or '}'", offset());
    ++pos_;
    if (!expect_value_start()) return false;
  } else if (buf_[pos_] == '}') {
    ++pos_;
    first_.pop_back();
    return false;
  }
  if (buf_[pos_] != '"') return fail("expected a string", offset());
  bool lexed = lex([&](std::string_view s, std::size_t& p, bool more, const char*& error) {
    if (key != nullptr) key->clear();
    return json_lex::string(s, p, key, more, error);
  });
  if (!lexed || !expect_value_start()) return false;
  if (buf_[pos_] != ':') return fail("expected ':' after an object key", offset());
  ++pos_;
  first_.back() &= static_cast<std::uint8_t>(~kFirst);
  return true;
}

bool JsonCursor::next_item() {
  if (failed_) return false;
  if (first_.empty() || (first_.back() & kObject) != 0) return fail("next_item outside an array", offset());
  if (!expect_value_start()) return false;
  if (buf_[pos_] == ']') {
    ++pos_;
    first_.pop_back();
    return false;
  }
  if ((first_.back() & kFirst) == 0) {
    if (buf_[pos_] != ',') return fail("expected ',' or ']'", offset());
    ++pos_;
  }
  first_.back() &= static_cast<std::uint8_t>(~kFirst);
  return true;
}

bool JsonCursor::read(JValue& out, const JsonStreamLimits& limits) {
  out = JValue{};
  return read_into(out, limits, 0);
}

bool JsonCursor::read_into(JValue& out, const JsonStreamLimits& limits, int depth) {
  switch (peek()) {
    case Type::none: return false;
    case Type::object: {
      if (depth + 1 > limits.max_depth) return fail(fmt::format("nesting deeper than {} levels", limits.max_depth), offset());
      if (!enter_object()) return false;
      out.kind = JValue::Kind::object;
      std::string key;
      while (next_member(&key)) {
        JValue item;
        if (!read_into(item, limits, depth + 1)) return false;
        if (out.members.size() < limits.max_object_members) {
          out.members.emplace_back(std::move(key), std::move(item));
        } else {
          out.truncated = true;
          ++out.dropped;
        }
      }
      return !failed_;
    }
    case Type::array: {
      if (depth + 1 > limits.max_depth) return fail(fmt::format("nesting deeper than {} levels", limits.max_depth), offset());
      if (!enter_array()) return false;
      out.kind = JValue::Kind::array;
      while (next_item()) {
        JValue item;
        if (!read_into(item, limits, depth + 1)) return false;
        if (out.items.size() < limits.max_array_items) {
          out.items.push_back(std::move(item));
        } else {
          out.truncated = true;
          ++out.dropped;
        }
      }
      return !failed_;
    }
    case Type::string:
      out.kind = JValue::Kind::string;
      return lex([&](std::string_view s, std::size_t& p, bool more, const char*& error) {
        out.text.clear();
        return json_lex::string(s, p, &out.text, more, error);
      });
    case Type::literal: {
      char c = buf_[pos_];
      std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
      out.kind = c == 'n' ? JValue::Kind::null : JValue::Kind::boolean;
      out.boolean = c == 't';
      return lex([&](std::string_view s, std::size_t& p, bool more, const char*& error) {
        return json_lex::literal(s, p, word, more, error);
      });
    }
    case Type::number: {
      json_lex::Number n;
      bool ok = lex([&](std::string_view s, std::size_t& p, bool more, const char*& error) {
        json_lex::Lex r = json_lex::number(s, p, n, more, error);
        if (r == json_lex::Lex::ok && n.kind == json_lex::Number::Kind::fractional) {
          out.text.assign(s.data() + n.begin, n.end - n.begin);  // the window moves: copy now
        }
        return r;
      });
      if (!ok) return false;
      out.kind = n.kind == json_lex::Number::Kind::unsigned_int ? JValue::Kind::unsigned_int
                 : n.kind == json_lex::Number::Kind::negative   ? JValue::Kind::negative
                                                                 : JValue::Kind::fractional;
      out.unsigned_value = n.unsigned_value;
      out.negative_value = n.negative_value;
      return true;
    }
  }
  return false;
}

bool JsonCursor::read_unsigned(std::uint64_t& out) {
  if (peek() != Type::number) {
    skip();
    return false;
  }
  json_lex::Number n;
  bool ok = lex([&](std::string_view s, std::size_t& p, bool more, const char*& error) {
    return json_lex::number(s, p, n, more, error);
  });
  if (!ok || n.kind != json_lex::Number::Kind::unsigned_int) return false;
  out = n.unsigned_value;
  return true;
}

bool JsonCursor::skip() {
  switch (peek()) {
    case Type::none: return false;
    case Type::object:
      if (!enter_object()) return false;
      while (next_member(nullptr)) {
        if (!skip()) return false;
      }
      return !failed_;
    case Type::array:
      if (!enter_array()) return false;
      while (next_item()) {
        if (!skip()) return false;
      }
      return !failed_;
    case Type::string:
      return lex([](std::string_view s, std::size_t& p, bool more, const char*& error) {
        return json_lex::string(s, p, nullptr, more, error);
      });
    case Type::literal: {
      char c = buf_[pos_];
      std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
      return lex([&](std::string_view s, std::size_t& p, bool more, const char*& error) {
        return json_lex::literal(s, p, word, more, error);
      });
    }
    case Type::number: {
      json_lex::Number n;
      return lex([&](std::string_view s, std::size_t& p, bool more, const char*& error) {
        return json_lex::number(s, p, n, more, error);
      });
    }
  }
  return false;
}

bool JsonCursor::count_members(std::uint64_t& members, std::uint64_t& max_unsigned, std::uint64_t& others) {
  members = max_unsigned = others = 0;
  if (!enter_object()) return false;
  auto space = [&](std::size_t& p) {
    while (p < buf_.size() && is_json_space(buf_[p])) ++p;
    return p < buf_.size();
  };
  const char* error = "";
  // One member per turn, from pos_: lexed in place, and lexed again after a refill when the
  // window ends inside it (pos_ only moves past whole members).
  while (true) {
    // The usual members, `"piece": 123` with a plain string and a short integer, a block at
    // a time (json_skim.h); the member it stops at takes the general path below.
    if ((first_.back() & kFirst) == 0) {
      const unsigned char* begin = reinterpret_cast<const unsigned char*>(buf_.data());
      pos_ = static_cast<std::size_t>(json_skim::plain_members(begin + pos_, begin + buf_.size(), members, max_unsigned) - begin);
    }
    std::size_t p = pos_;
    const bool first = (first_.back() & kFirst) != 0;
    bool need_more = !space(p);
    if (!need_more && buf_[p] == '}') {
      pos_ = p + 1;
      first_.pop_back();
      return true;
    }
    if (!need_more && !first) {
      if (buf_[p] != ',') return fail("expected ',' or '}'", base_ + p);
      ++p;
      need_more = !space(p);
    }
    json_lex::Lex r = json_lex::Lex::incomplete;
    json_lex::Number n;
    if (!need_more) {
      if (buf_[p] != '"') return fail("expected a string", base_ + p);
      r = json_lex::string(buf_, p, nullptr, true, error);
      if (r == json_lex::Lex::ok && !space(p)) r = json_lex::Lex::incomplete;
      if (r == json_lex::Lex::ok && buf_[p] != ':') return fail("expected ':' after an object key", base_ + p);
      if (r == json_lex::Lex::ok) ++p;
      if (r == json_lex::Lex::ok && !space(p)) r = json_lex::Lex::incomplete;
      if (r == json_lex::Lex::ok && buf_[p] >= '0' && buf_[p] <= '9') {
        r = json_lex::number(buf_, p, n, true, error);
      } else if (r == json_lex::Lex::ok) {
        // Not a plain number: the general path checks and drops it.
        pos_ = p;
        first_.back() &= static_cast<std::uint8_t>(~kFirst);
        if (!skip()) return false;
        ++members;
        ++others;
        continue;
      }
    }
    if (r == json_lex::Lex::error) return fail(error, base_ + p);
    if (r == json_lex::Lex::incomplete) {
      if (buf_.size() - pos_ > limits_.max_token_bytes) {
        return fail(fmt::format("a string or number longer than {} bytes", limits_.max_token_bytes), offset());
      }
      if (!fill()) {
        truncated_ = true;
        return fail("unexpected end of input", bytes_read());
      }
      continue;
    }
    pos_ = p;
    first_.back() &= static_cast<std::uint8_t>(~kFirst);
    ++members;
    if (n.kind == json_lex::Number::Kind::unsigned_int) max_unsigned = std::max(max_unsigned, n.unsigned_value);
    else ++others;
  }
}

bool JsonCursor::at_end() {
  if (failed_) return false;
  if (!skip_space()) return true;
  return fail("content after the closing brace", offset());
}

}  // namespace ckptlint
