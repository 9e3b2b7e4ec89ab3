// SPDX-License-Identifier: Apache-2.0
// Regular expressions from untrusted files (PEFT's `target_modules` is a Python regex given
// to re.fullmatch). A backtracking engine (std::regex) can take exponential time or overflow
// the stack on a crafted pattern; this one compiles to an automaton and matches by stepping
// a set of states, so a match costs at most (text length) x (pattern states).
//
// Supported: literals, `.`, `\` escapes (\d \w \s \D \W \S and escaped punctuation), classes
// `[a-z_]` and `[^...]`, groups `( )` and `(?: )`, `|`, `* + ?` (lazy `?` suffix accepted),
// `{m}`, `{m,}`, `{m,n}`, and `^`/`$` at the ends. Anything else is a compile error.
#pragma once
#include <bitset>
#include <optional>
#include <string>
#include <vector>

namespace ckptlint {

class SafeRegex {
 public:
  /// Compiles `pattern`; on error (unsupported syntax, over `max_states`) returns nothing.
  static std::optional<SafeRegex> compile(const std::string& pattern, std::string& error, std::size_t max_states = 20000);
  /// True when the whole of `text` matches (Python re.fullmatch).
  bool full_match(const std::string& text) const;

  struct State {
    enum Kind : unsigned char { byte_set, split, match } kind = match;
    std::bitset<256> bytes;  ///< byte_set: the bytes it accepts
    int out = -1, out2 = -1;
  };

 private:
  std::vector<State> states_;
  int start_ = -1;
  friend class RegexCompiler;
};

}  // namespace ckptlint
