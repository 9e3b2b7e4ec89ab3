// SPDX-License-Identifier: Apache-2.0
#include "diff/byte_compare.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <thread>
#include <tuple>
#include <utility>

#include "checkpoint/byte_source.h"
#include "util/parallel.h"

namespace ckptlint {
namespace {

// One work item: bytes [offset, offset + size) of both tensors of a pair.
struct Chunk {
  std::size_t pair;
  std::size_t seq;  // the chunk's place within its pair, front to back
  std::uint64_t offset;
  std::size_t size;
};

// Where a tensor's bytes are: its shard file and the absolute offset of its first byte.
struct Place {
  std::filesystem::path file;
  std::uint64_t start = 0;
};

std::optional<Place> place_of(const Checkpoint& ck, const TensorInfo& t) {
  const Shard* s = ck.shard_of(t);
  if (s == nullptr || !s->readable) return std::nullopt;
  return Place{ck.root / s->file, s->data_start() + t.data_begin};
}

// A worker's open files: the pair of its last chunk stays open for the next one (chunks of
// a pair come in order), and a file is opened through the pool only when the pair changes.
class PairFiles {
 public:
  explicit PairFiles(FilePool& pool) : pool_(pool) {}
  // The descriptors for both sides of pair `pair`.
  std::pair<int, int> open(std::size_t pair, const Place& a, const Place& b) {
    if (pair != pair_) {
      a_ = FilePool::Handle();
      b_ = FilePool::Handle();
      pair_ = SIZE_MAX;  // stays unset if open throws
      a_ = pool_.open(a.file);
      b_ = pool_.open(b.file);
      pair_ = pair;
    }
    return {a_.fd(), b_.fd()};
  }

 private:
  FilePool& pool_;
  std::size_t pair_ = SIZE_MAX;
  FilePool::Handle a_, b_;
};

// The element width of a float dtype with a signed zero (C64: each F32 half), 0 for the rest.
std::size_t signed_zero_width(DType d) {
  switch (d) {
    case DType::F8_E5M2: case DType::F8_E4M3: return 1;
    case DType::BF16: case DType::F16: return 2;
    case DType::F32: case DType::C64: return 4;
    case DType::F64: return 8;
    default: return 0;
  }
}

// A zero of either sign: every bit clear but the sign bit (the top bit, little-endian).
bool is_zero(const char* p, std::size_t width) {
  for (std::size_t i = 0; i + 1 < width; ++i) {
    if (p[i] != 0) return false;
  }
  return (static_cast<unsigned char>(p[width - 1]) & 0x7F) == 0;
}

// Equal bytes, or elements that differ only as -0.0 and +0.0: the same values. A fuse or a
// re-save that writes -0.0 for +0.0 changes nothing a model computes.
bool same_values(const char* x, const char* y, std::size_t n, std::size_t width) {
  if (std::memcmp(x, y, n) == 0) return true;
  if (width == 0) return false;
  std::size_t whole = n - n % width;
  for (std::size_t i = 0; i < whole; i += width) {
    if (std::memcmp(x + i, y + i, width) != 0 && !(is_zero(x + i, width) && is_zero(y + i, width))) return false;
  }
  return std::memcmp(x + whole, y + whole, n - whole) == 0;
}

}  // namespace

std::vector<SameBytes> compare_bytes(const std::vector<TensorPair>& pairs, FilePool& files, std::size_t chunk_bytes) {
  // Whole elements per chunk (8 bytes is every element width), so that a signed zero is
  // always compared as one element.
  chunk_bytes = (std::max<std::size_t>(chunk_bytes, 1) + 7) / 8 * 8;
  std::vector<SameBytes> result(pairs.size(), SameBytes::same);
  std::vector<std::pair<Place, Place>> places(pairs.size());
  std::vector<std::size_t> first_chunk(pairs.size(), 0);
  std::vector<Chunk> chunks;
  std::size_t largest = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const TensorPair& p = pairs[i];
    const std::uint64_t n = p.ta->nbytes();
    if (n != p.tb->nbytes()) {
      result[i] = SameBytes::different;
      continue;
    }
    if (n == 0) continue;
    std::optional<Place> a = place_of(*p.a, *p.ta), b = place_of(*p.b, *p.tb);
    if (!a || !b) {
      result[i] = SameBytes::unreadable;
      continue;
    }
    places[i] = {std::move(*a), std::move(*b)};
    first_chunk[i] = chunks.size();
    std::size_t seq = 0;
    for (std::uint64_t off = 0; off < n; off += chunk_bytes) {
      std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes, n - off));
      chunks.push_back({i, seq++, off, size});
      largest = std::max(largest, size);
    }
  }
  if (chunks.empty()) return result;

  // Per pair, the first chunk (by seq) found different or unreadable: it decides the answer,
  // and chunks after it need not be read. Workers take chunks in order, so a chunk before the
  // deciding one has always been taken, and is read in full unless an earlier one decides.
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::unique_ptr<std::atomic<std::size_t>[]> decided(new std::atomic<std::size_t>[pairs.size()]);
  for (std::size_t i = 0; i < pairs.size(); ++i) decided[i].store(kNone, std::memory_order_relaxed);
  std::vector<SameBytes> outcome(chunks.size(), SameBytes::same);
  std::atomic<std::size_t> next{0};
  FirstFailure failure;
  auto drain = [&] {
    std::unique_ptr<char[]> x(new char[largest]), y(new char[largest]);
    PairFiles open_files(files);
    for (std::size_t i; (i = next++) < chunks.size();) {
      const Chunk& c = chunks[i];
      std::atomic<std::size_t>& first = decided[c.pair];
      if (first.load() < c.seq) continue;
      const auto& [pa, pb] = places[c.pair];
      int fa = -1, fb = -1;
      try {
        std::tie(fa, fb) = open_files.open(c.pair, pa, pb);
      } catch (...) {
        // Out of descriptors: no answer of this comparison can be trusted; stop every worker.
        failure.keep(std::current_exception());
        next.store(chunks.size());
        return;
      }
      // Bytes both sides could read are compared even when one came up short, so that a
      // difference before a cut decides whatever the chunk size. A file that could not be
      // opened reads nothing.
      std::size_t got = fa < 0 ? 0 : read_upto(fa, pa.start + c.offset, c.size, x.get());
      if (got > 0) got = fb < 0 ? 0 : read_upto(fb, pb.start + c.offset, got, y.get());
      const TensorPair& p = pairs[c.pair];
      const std::size_t width = p.ta->dtype == p.tb->dtype ? signed_zero_width(p.ta->dtype) : 0;
      SameBytes v = !same_values(x.get(), y.get(), got, width) ? SameBytes::different
                    : got < c.size                            ? SameBytes::unreadable
                                                              : SameBytes::same;
      outcome[i] = v;
      if (v == SameBytes::same) continue;
      for (std::size_t seen = first.load(); c.seq < seen && !first.compare_exchange_weak(seen, c.seq);) {
      }
    }
  };
  // Each item is one worker draining the shared chunk queue with its own two buffers.
  const std::size_t workers = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), chunks.size());
  parallel_for(workers, workers, [&](std::size_t) { drain(); });
  failure.rethrow();

  for (std::size_t i = 0; i < pairs.size(); ++i) {
    std::size_t seq = decided[i].load();
    if (seq != kNone) result[i] = outcome[first_chunk[i] + seq];
  }
  return result;
}

}  // namespace ckptlint
