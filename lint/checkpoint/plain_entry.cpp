// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/plain_entry.h"

#include "json/json_stream.h"

namespace ckptlint {
namespace {

class PlainScanner {
 public:
  explicit PlainScanner(std::string_view s) : s_(s) {}
  std::size_t pos() const { return pos_; }

  void space() {
    while (pos_ < s_.size() && is_json_space(s_[pos_])) ++pos_;
  }
  bool eat(char c) {
    space();
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // A string with no escape and no control character (the general parser handles those).
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    std::size_t start = pos_;
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        out = s_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      ++pos_;
    }
    return false;
  }
  // Digits only, no leading zero, at most 64 bits. What follows is checked by the caller
  // (a ',' or ']'), so "1.5", "1e3" and "01" are declined there or here.
  bool number(std::uint64_t& out) {
    space();
    std::size_t start = pos_;
    std::uint64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      std::uint64_t digit = static_cast<std::uint64_t>(s_[pos_] - '0');
      if (v > (UINT64_MAX - digit) / 10) return false;
      v = v * 10 + digit;
      ++pos_;
    }
    if (pos_ == start || (s_[start] == '0' && pos_ - start > 1)) return false;
    out = v;
    return true;
  }
  bool numbers(std::vector<std::uint64_t>& out, std::size_t max) {
    if (!eat('[')) return false;
    if (eat(']')) return true;
    while (true) {
      std::uint64_t v = 0;
      if (out.size() >= max || !number(v)) return false;
      out.push_back(v);
      if (eat(']')) return true;
      if (!eat(',')) return false;
    }
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::size_t scan_plain_entry(std::string_view text, std::size_t max_dims, PlainEntry& out) {
  PlainScanner scan(text);
  if (!scan.eat('{')) return 0;
  bool have_dtype = false, have_shape = false, have_offsets = false;
  for (int field = 0; field < 3; ++field) {
    if (field > 0 && !scan.eat(',')) return 0;
    std::string_view key;
    if (!scan.string(key) || !scan.eat(':')) return 0;
    if (key == "dtype" && !have_dtype) {
      have_dtype = true;
      if (!scan.string(out.dtype)) return 0;
    } else if (key == "shape" && !have_shape) {
      have_shape = true;
      if (!scan.numbers(out.shape, max_dims)) return 0;
    } else if (key == "data_offsets" && !have_offsets) {
      have_offsets = true;
      if (!scan.eat('[') || !scan.number(out.data_begin) || !scan.eat(',') || !scan.number(out.data_end) ||
          !scan.eat(']')) {
        return 0;
      }
    } else {
      return 0;
    }
  }
  return scan.eat('}') ? scan.pos() : 0;
}

}  // namespace ckptlint
