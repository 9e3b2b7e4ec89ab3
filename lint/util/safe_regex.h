// SPDX-License-Identifier: Apache-2.0
// Regular expressions from untrusted files (PEFT's `target_modules` is a Python regex given
// to re.fullmatch). A backtracking engine (std::regex) can take exponential time or overflow
// the stack on a crafted pattern; this one compiles to an automaton and matches by stepping
// a set of states, so a match costs at most (text length) x (pattern states). A RegexBudget
// bounds the total over every name a pattern is matched against.
//
// Supported: literals, `.`, `\` escapes (\d \w \s \D \W \S and escaped punctuation), classes
// `[a-z_]` and `[^...]`, groups `( )` and `(?: )`, `|`, `* + ?` (lazy `?` suffix accepted),
// `{m}`, `{m,}`, `{m,n}`, and `^`/`$` at the ends. Anything else is a compile error.
#pragma once
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ckptlint {

/// Work allowed for matching, in state visits, shared by every match it is given: a pattern
/// of a few dozen bytes can have 20,000 states, and each character of each name may visit
/// all of them, so a bound per match is not enough when a file has thousands of names.
class RegexBudget {
 public:
  explicit RegexBudget(std::uint64_t steps) : left_(steps) {}
  /// Takes `steps` from the budget; false (and spent from then on) when that is more than is left.
  bool take(std::uint64_t steps) {
    if (steps > left_) {
      left_ = 0;
      spent_ = true;
    } else {
      left_ -= steps;
    }
    return !spent_;
  }
  bool spent() const { return spent_; }
  std::uint64_t left() const { return left_; }

 private:
  std::uint64_t left_;
  bool spent_ = false;
};

class SafeRegex {
 public:
  /// Compiles `pattern`; on error (unsupported syntax, over `max_states`) returns nothing.
  static std::optional<SafeRegex> compile(const std::string& pattern, std::string& error, std::size_t max_states = 20000);
  /// True when the whole of `text` matches (Python re.fullmatch); nothing when `budget` ran
  /// out first (it was spent before, or this match needed more than was left).
  std::optional<bool> full_match(std::string_view text, RegexBudget& budget) const;
  /// full_match() without a budget, for patterns that are not from the input.
  bool full_match(std::string_view text) const;
  /// States of the automaton: what compiling it cost.
  std::size_t states() const { return states_.size(); }

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
