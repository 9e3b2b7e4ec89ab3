// SPDX-License-Identifier: Apache-2.0
// A pull reader for JSON documents too large to hold: the caller walks the document
// (enter an object, take its members one by one, read the small values it wants, skip the
// rest) while the cursor reads the bytes through a window, so a 33 MB tokenizer.json costs a
// window of memory and the caller can stop as soon as it has what it came for. The same
// strict lexer as the tree reader (json_lexer.h): what it accepts is RFC 8259, with depth,
// token and item limits, and every error carries its byte offset.
//
//   JsonCursor c(reader);
//   if (c.enter_object()) {
//     std::string key;
//     while (c.next_member(&key)) {
//       if (key == "wanted") c.read(value); else c.skip();
//     }
//   }
//   if (c.failed()) ... c.error()
//
// After next_member() or next_item() returned true the caller consumes exactly one value
// (enter_*, read, skip, read_unsigned). A reader that returns 0 ends the input; a document
// that ends early is `truncated()` (a prefix read over HTTP), any other problem `failed()`.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "json/json_stream.h"

namespace ckptlint {

class JsonCursor {
 public:
  /// Fills up to `max` bytes into `out`; returns how many (0: the input has ended).
  using Reader = std::function<std::size_t(char* out, std::size_t max)>;

  struct Limits {
    int max_depth = 64;                      ///< nesting deeper than this is an error
    std::size_t max_token_bytes = 16u << 20; ///< a longer string or number is an error
    std::size_t window = 256u << 10;         ///< bytes read at a time
  };

  enum class Type : std::uint8_t { object, array, string, number, literal, none };

  explicit JsonCursor(Reader reader);
  JsonCursor(Reader reader, Limits limits);

  /// The type of the value at the position (from its first byte); `none` at the end of the
  /// input or on an error.
  Type peek();
  /// Enters the object or array at the position; false (an error) when it is something else.
  bool enter_object();
  bool enter_array();
  /// Moves to the next member of the object entered last, storing its key (or only checking
  /// it when `key` is null); false at the object's end (then it is left) or on an error.
  bool next_member(std::string* key);
  /// Moves to the next item of the array entered last; false at its end or on an error.
  bool next_item();
  /// The value at the position, whole (arrays and objects bounded by `limits`).
  bool read(JValue& out, const JsonStreamLimits& limits = {});
  /// The value at the position as an unsigned 64-bit integer; a value of another type is
  /// skipped and reported false (not an error).
  bool read_unsigned(std::uint64_t& out);
  /// Checks the value at the position and drops it.
  bool skip();
  /// Enters the object at the position and reads it to its end, counting its members and
  /// keeping the largest unsigned integer among their values (`others`: values that are no
  /// unsigned integer, which are still checked). The fast path for an object of a quarter
  /// million `"piece": id` members (a tokenizer's vocabulary): no key is decoded or kept.
  bool count_members(std::uint64_t& members, std::uint64_t& max_unsigned, std::uint64_t& others);
  /// After the root value: true when only whitespace follows.
  bool at_end();

  bool failed() const { return failed_; }
  /// The input ended inside the document (not a syntax error: a prefix).
  bool truncated() const { return truncated_; }
  /// The error (status, offset, message) when failed().
  const JsonStreamResult& error() const { return error_; }
  /// Bytes of the input consumed so far (the offset of the position).
  std::uint64_t offset() const { return base_ + pos_; }
  /// Bytes read from the reader so far.
  std::uint64_t bytes_read() const { return base_ + buf_.size(); }

 private:
  bool fail(const std::string& message, std::uint64_t at);
  bool fill();                     // reads more, keeping the bytes from pos_
  bool skip_space();               // false at the end of the input
  bool expect_value_start();       // positions at a value's first byte
  bool enter(Type type, std::uint8_t kind);  // enters an object or array
  template <typename LexFn>
  bool lex(LexFn&& fn);            // lexes one token at pos_, refilling as needed
  bool read_into(JValue& out, const JsonStreamLimits& limits, int depth);

  Reader reader_;
  Limits limits_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::uint64_t base_ = 0;        // input offset of buf_[0]
  bool eof_ = false;
  bool failed_ = false;
  bool truncated_ = false;
  JsonStreamResult error_;
  std::vector<std::uint8_t> first_;  // per open container: object or array, no member or item taken yet
  std::string scratch_;
};

}  // namespace ckptlint
