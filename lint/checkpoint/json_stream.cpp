// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/json_stream.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace ckptlint {
namespace {

class MemberHandler {
 public:
  MemberHandler(const std::function<void(std::string&&, JValue&&)>& on_member, JsonStreamLimits limits)
      : on_member_(on_member), limits_(limits) {}

  bool null() { return scalar(JValue{}); }
  bool boolean(bool v) {
    JValue j;
    j.kind = JValue::Kind::boolean;
    j.boolean = v;
    return scalar(std::move(j));
  }
  bool number_integer(std::int64_t v) {
    JValue j;
    j.kind = v < 0 ? JValue::Kind::negative : JValue::Kind::unsigned_int;
    j.negative_value = v;
    j.unsigned_value = v < 0 ? 0 : static_cast<std::uint64_t>(v);
    j.text = std::to_string(v);
    return scalar(std::move(j));
  }
  bool number_unsigned(std::uint64_t v) {
    JValue j;
    j.kind = JValue::Kind::unsigned_int;
    j.unsigned_value = v;
    j.text = std::to_string(v);
    return scalar(std::move(j));
  }
  bool number_float(double, const std::string& literal) {
    // nlohmann also lands here for integers above 2^64-1: keep the literal, never the double.
    JValue j;
    j.kind = JValue::Kind::fractional;
    j.text = literal;
    return scalar(std::move(j));
  }
  bool string(std::string& v) {
    JValue j;
    j.kind = JValue::Kind::string;
    j.text = std::move(v);
    return scalar(std::move(j));
  }
  bool binary(std::vector<std::uint8_t>&) { return scalar(JValue{}); }

  bool start_object(std::size_t) { return open(JValue::Kind::object, "object"); }
  bool start_array(std::size_t) { return open(JValue::Kind::array, "array"); }
  bool key(std::string& k) {
    if (stack_.empty()) {
      top_key_ = std::move(k);
    } else {
      pending_key_ = std::move(k);
    }
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_position_ = position;
    error_ = e.what();
    return false;
  }

  bool root_seen_ = false;
  bool root_closed_ = false;
  bool too_deep_ = false;
  std::string root_type_;
  std::size_t error_position_ = 0;
  std::string error_;

 private:
  // Called for a value at any depth; `depth_` counts open containers including the root.
  bool scalar(JValue&& value) {
    if (!root_seen_) {
      root_seen_ = true;
      root_type_ = value.type_name();
      return false;
    }
    return attach(std::move(value));
  }

  bool open(JValue::Kind kind, const char* name) {
    if (!root_seen_) {
      root_seen_ = true;
      root_type_ = name;
      if (kind != JValue::Kind::object) return false;
      depth_ = 1;
      return true;
    }
    if (++depth_ > limits_.max_depth) {
      too_deep_ = true;
      return false;
    }
    JValue j;
    j.kind = kind;
    stack_.push_back({std::move(j), std::move(pending_key_)});
    return true;
  }

  bool close() {
    if (stack_.empty()) {
      root_closed_ = true;
      depth_ = 0;
      return true;
    }
    --depth_;
    Open done = std::move(stack_.back());
    stack_.pop_back();
    pending_key_ = std::move(done.key);
    return attach(std::move(done.value));
  }

  bool attach(JValue&& value) {
    if (stack_.empty()) {
      on_member_(std::move(top_key_), std::move(value));
      top_key_.clear();
      return true;
    }
    JValue& parent = stack_.back().value;
    if (parent.kind == JValue::Kind::object) {
      parent.members.emplace_back(std::move(pending_key_), std::move(value));
    } else if (parent.items.size() < limits_.max_array_items) {
      parent.items.push_back(std::move(value));
    } else {
      parent.truncated = true;
    }
    pending_key_.clear();
    return true;
  }

  struct Open {
    JValue value;
    std::string key;  // the key this container was opened under, in its parent object
  };

  const std::function<void(std::string&&, JValue&&)>& on_member_;
  JsonStreamLimits limits_;
  std::vector<Open> stack_;
  std::string top_key_;
  std::string pending_key_;
  int depth_ = 0;
};

}  // namespace

std::string JValue::brief() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return boolean ? "true" : "false";
    case Kind::negative:
    case Kind::unsigned_int:
    case Kind::fractional: return text;
    case Kind::string: return fmt::format("\"{}\"", text.size() > 40 ? text.substr(0, 40) + "..." : text);
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
    JsonStreamLimits limits) {
  // nlohmann's lexer takes a NUL byte for the end of input (that is why MLX ignores whatever
  // follows one). JSON text has no raw NUL anywhere, so parse up to it and report the rest.
  const std::size_t nul = text.find('\0');
  MemberHandler handler(on_member, limits);
  std::string_view json_text = text.substr(0, nul);
  nlohmann::json::sax_parse(json_text.begin(), json_text.end(), &handler, nlohmann::json::input_format_t::json,
                            /*strict=*/true, /*ignore_comments=*/false);
  JsonStreamResult result;
  if (nul != std::string_view::npos && handler.error_.empty() && !handler.too_deep_ && handler.root_closed_) {
    result.status = JsonStreamResult::Status::trailing_bytes;
    result.error_offset = nul;
    result.error = "a NUL byte after the JSON value";
    return result;
  }
  if (handler.too_deep_) {
    result.status = JsonStreamResult::Status::too_deep;
    result.error = fmt::format("nesting deeper than {} levels", limits.max_depth);
  } else if (handler.root_seen_ && handler.root_type_ != "object") {
    result.status = JsonStreamResult::Status::root_not_object;
    result.root_type = handler.root_type_;
  } else if (!handler.error_.empty()) {
    // nlohmann reports the count of bytes read; the offending byte is the last one read.
    result.error_offset = handler.error_position_ > 0 ? handler.error_position_ - 1 : 0;
    result.status = handler.root_closed_ ? JsonStreamResult::Status::trailing_bytes
                                         : JsonStreamResult::Status::syntax_error;
    result.error = handler.error_;
  }
  return result;
}

}  // namespace ckptlint
