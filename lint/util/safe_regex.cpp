// SPDX-License-Identifier: Apache-2.0
#include "util/safe_regex.h"

#include <cctype>
#include <cstdint>
#include <memory>

namespace ckptlint {

// Parses into a small tree first: bounded repetition copies a sub-pattern, which is simplest
// as "compile the same subtree again".
struct RegexNode {
  enum Kind { set, concat, alt, repeat, empty } kind = empty;
  std::bitset<256> bytes;
  std::vector<std::unique_ptr<RegexNode>> children;
  int min = 0, max = -1;  // repeat; max -1 = unbounded
};

class RegexCompiler {
 public:
  RegexCompiler(const std::string& p, std::size_t max_states) : p_(p), max_states_(max_states) {}

  std::optional<SafeRegex> run(std::string& error) {
    std::unique_ptr<RegexNode> tree;
    if (p_.size() > 4096) return fail(error, "pattern longer than 4096 characters");
    std::size_t begin = 0, end = p_.size();
    if (end > 0 && p_[0] == '^') begin = 1;
    if (end > begin && p_[end - 1] == '$' && (end < 2 || p_[end - 2] != '\\')) --end;
    p_ = p_.substr(begin, end - begin);
    tree = alternation(0);
    if (!error_.empty()) return fail(error, error_);
    if (pos_ != p_.size()) return fail(error, "unbalanced ')' at " + std::to_string(pos_));
    int match = add(SafeRegex::State{SafeRegex::State::match, {}, -1, -1});
    int start = build(*tree, match);
    if (!error_.empty()) return fail(error, error_);
    out_.start_ = start;
    return std::move(out_);
  }

 private:
  std::optional<SafeRegex> fail(std::string& error, const std::string& why) {
    error = why;
    return std::nullopt;
  }

  bool at_end() const { return pos_ >= p_.size(); }

  std::unique_ptr<RegexNode> alternation(int depth) {
    if (depth > 100) {
      error_ = "groups nested deeper than 100";
      return std::make_unique<RegexNode>();
    }
    auto first = sequence(depth);
    if (at_end() || p_[pos_] != '|') return first;
    auto node = std::make_unique<RegexNode>();
    node->kind = RegexNode::alt;
    node->children.push_back(std::move(first));
    while (!at_end() && p_[pos_] == '|' && error_.empty()) {
      ++pos_;
      node->children.push_back(sequence(depth));
    }
    return node;
  }

  std::unique_ptr<RegexNode> sequence(int depth) {
    auto node = std::make_unique<RegexNode>();
    node->kind = RegexNode::concat;
    while (!at_end() && p_[pos_] != '|' && p_[pos_] != ')' && error_.empty()) {
      auto atom_node = atom(depth);
      while (!at_end() && error_.empty() && (p_[pos_] == '*' || p_[pos_] == '+' || p_[pos_] == '?' || p_[pos_] == '{')) {
        auto rep = std::make_unique<RegexNode>();
        rep->kind = RegexNode::repeat;
        char q = p_[pos_++];
        if (q == '*') rep->max = -1;
        else if (q == '+') rep->min = 1;
        else if (q == '?') rep->max = 1;
        else if (!bounds(rep->min, rep->max)) return node;
        if (!at_end() && p_[pos_] == '?') ++pos_;  // lazy: same language for a full match
        rep->children.push_back(std::move(atom_node));
        atom_node = std::move(rep);
      }
      node->children.push_back(std::move(atom_node));
    }
    return node;
  }

  bool bounds(int& min, int& max) {
    auto number = [&](int& out) {
      std::size_t start = pos_;
      long v = 0;
      while (!at_end() && std::isdigit(static_cast<unsigned char>(p_[pos_])) && v <= 1000) v = v * 10 + (p_[pos_++] - '0');
      out = static_cast<int>(v);
      return pos_ > start && v <= 1000;
    };
    if (!number(min)) return error("bad or too large repetition count");
    max = min;
    if (!at_end() && p_[pos_] == ',') {
      ++pos_;
      max = -1;
      if (!at_end() && p_[pos_] != '}' && !number(max)) return error("bad or too large repetition count");
    }
    if (at_end() || p_[pos_] != '}' || (max >= 0 && max < min)) return error("bad repetition bounds");
    ++pos_;
    return true;
  }

  bool error(const std::string& why) {
    if (error_.empty()) error_ = why + " at " + std::to_string(pos_);
    return false;
  }

  std::unique_ptr<RegexNode> atom(int depth) {
    auto node = std::make_unique<RegexNode>();
    node->kind = RegexNode::set;
    char c = p_[pos_++];
    if (c == '(') {
      if (p_.compare(pos_, 2, "?:") == 0) pos_ += 2;
      else if (!at_end() && p_[pos_] == '?') {
        error("unsupported group syntax (?");
        return node;
      }
      node = alternation(depth + 1);
      if (at_end() || p_[pos_] != ')') error("missing ')'");
      else ++pos_;
      return node;
    }
    if (c == '.') {
      node->bytes.set();
      node->bytes.reset('\n');
    } else if (c == '[') {
      char_class(node->bytes);
    } else if (c == '\\') {
      escape(node->bytes);
    } else if (c == '*' || c == '+' || c == '?' || c == '{' || c == '^' || c == '$') {
      error(std::string("unexpected '") + c + "'");
    } else {
      node->bytes.set(static_cast<unsigned char>(c));
    }
    return node;
  }

  void escape(std::bitset<256>& out) {
    if (at_end()) {
      error("trailing backslash");
      return;
    }
    char e = p_[pos_++];
    std::bitset<256> set;
    bool negate = std::isupper(static_cast<unsigned char>(e)) && (e == 'D' || e == 'W' || e == 'S');
    switch (std::tolower(static_cast<unsigned char>(e))) {
      case 'd': for (int b = '0'; b <= '9'; ++b) set.set(b); break;
      case 'w':
        for (int b = 0; b < 256; ++b) set[b] = std::isalnum(b) || b == '_';
        break;
      case 's': for (char b : std::string(" \t\n\r\f\v")) set.set(static_cast<unsigned char>(b)); break;
      default:
        if (std::isalnum(static_cast<unsigned char>(e))) {
          error(std::string("unsupported escape \\") + e);
          return;
        }
        set.set(static_cast<unsigned char>(e));
    }
    out |= negate ? ~set : set;
  }

  void char_class(std::bitset<256>& out) {
    bool negate = !at_end() && p_[pos_] == '^';
    if (negate) ++pos_;
    std::bitset<256> set;
    bool first = true;
    while (!at_end() && (p_[pos_] != ']' || first) && error_.empty()) {
      first = false;
      unsigned char lo = static_cast<unsigned char>(p_[pos_++]);
      if (lo == '\\') {
        escape(set);
        continue;
      }
      if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']') {
        unsigned char hi = static_cast<unsigned char>(p_[pos_ + 1]);
        pos_ += 2;
        for (int b = lo; b <= hi; ++b) set.set(b);
      } else {
        set.set(lo);
      }
    }
    if (at_end()) {
      error("missing ']'");
      return;
    }
    ++pos_;
    out = negate ? ~set : set;
  }

  int add(SafeRegex::State s) {
    if (out_.states_.size() >= max_states_) {
      if (error_.empty()) error_ = "pattern needs more than " + std::to_string(max_states_) + " states";
      return 0;
    }
    out_.states_.push_back(s);
    return static_cast<int>(out_.states_.size() - 1);
  }

  // Builds the states for `n` that continue to `next`; returns the entry state.
  int build(const RegexNode& n, int next) {
    if (!error_.empty()) return next;
    switch (n.kind) {
      case RegexNode::empty: return next;
      case RegexNode::set: return add({SafeRegex::State::byte_set, n.bytes, next, -1});
      case RegexNode::concat:
        for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) next = build(**it, next);
        return next;
      case RegexNode::alt: {
        int entry = build(*n.children.back(), next);
        for (auto it = n.children.rbegin() + 1; it != n.children.rend(); ++it) {
          entry = add({SafeRegex::State::split, {}, build(**it, next), entry});
        }
        return entry;
      }
      case RegexNode::repeat: {
        const RegexNode& body = *n.children[0];
        int entry = next;
        if (n.max < 0) {
          // A loop: split -> (body -> split) | next.
          int loop = add({SafeRegex::State::split, {}, -1, next});
          if (!error_.empty()) return next;
          int body_entry = build(body, loop);
          out_.states_[static_cast<std::size_t>(loop)].out = body_entry;
          entry = loop;
        } else {
          for (int i = n.min; i < n.max && error_.empty(); ++i) entry = add({SafeRegex::State::split, {}, build(body, entry), next});
        }
        for (int i = 0; i < n.min && error_.empty(); ++i) entry = build(body, entry);
        return entry;
      }
    }
    return next;
  }

  std::string p_;
  std::size_t pos_ = 0;
  std::size_t max_states_;
  std::string error_;
  SafeRegex out_;
};

std::optional<SafeRegex> SafeRegex::compile(const std::string& pattern, std::string& error, std::size_t max_states) {
  return RegexCompiler(pattern, max_states).run(error);
}

std::optional<bool> SafeRegex::full_match(std::string_view text, RegexBudget& budget) const {
  if (start_ < 0) return false;
  // Work is counted as states visited (and the table of seen states set up), and taken from
  // the budget once per character: the budget is checked often enough to stop a match early.
  if (!budget.take(states_.size())) return std::nullopt;
  std::vector<int> current, following;
  std::vector<std::size_t> seen(states_.size(), SIZE_MAX);
  std::uint64_t visits = 0;
  // Follows split states (epsilon moves) without revisiting, in O(states).
  auto close = [&](int s, std::size_t step, std::vector<int>& into) {
    std::vector<int> stack{s};
    while (!stack.empty()) {
      ++visits;
      int i = stack.back();
      stack.pop_back();
      if (i < 0 || seen[static_cast<std::size_t>(i)] == step) continue;
      seen[static_cast<std::size_t>(i)] = step;
      const State& st = states_[static_cast<std::size_t>(i)];
      if (st.kind == State::split) {
        stack.push_back(st.out2);
        stack.push_back(st.out);
      } else {
        into.push_back(i);
      }
    }
  };
  close(start_, 0, current);
  for (std::size_t k = 0; k < text.size() && !current.empty(); ++k) {
    if (!budget.take(visits + current.size())) return std::nullopt;
    visits = 0;
    following.clear();
    unsigned char c = static_cast<unsigned char>(text[k]);
    for (int i : current) {
      const State& st = states_[static_cast<std::size_t>(i)];
      if (st.kind == State::byte_set && st.bytes.test(c)) close(st.out, k + 1, following);
    }
    current.swap(following);
  }
  if (!budget.take(visits + current.size())) return std::nullopt;
  for (int i : current) {
    if (states_[static_cast<std::size_t>(i)].kind == State::match) return true;
  }
  return false;
}

bool SafeRegex::full_match(std::string_view text) const {
  RegexBudget unbounded(UINT64_MAX);
  return *full_match(text, unbounded);
}

}  // namespace ckptlint
