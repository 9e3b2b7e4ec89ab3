// SPDX-License-Identifier: Apache-2.0
#include "values/value_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include "checkpoint/byte_source.h"
#include "checkpoint/file_pool.h"
#include "util/parallel.h"

namespace ckptlint {
namespace {

// One work item: a byte range of one tensor.
struct Chunk {
  std::size_t shard;
  std::size_t tensor;
  std::uint64_t file_offset;    // absolute, in the shard file
  std::uint64_t size;
  std::uint64_t first_element;  // flat index of the chunk's first element
  bool zero_check = false;      // also test for all zeros
};

struct ChunkResult {
  NonFinite counts;
  bool short_read = false;
  bool nonzero = false;
};


std::vector<Chunk> plan(const Checkpoint& ck, std::size_t chunk_bytes,
                        const std::vector<std::pair<std::size_t, std::size_t>>& zero_check) {
  std::vector<Chunk> chunks;
  for (std::size_t s = 0; s < ck.shards.size(); ++s) {
    const Shard& shard = ck.shards[s];
    if (!shard.readable) continue;
    for (std::size_t t = 0; t < shard.tensors.size(); ++t) {
      const TensorInfo& info = shard.tensors[t];
      if (!can_be_non_finite(info.dtype) || info.nbytes() == 0) continue;
      const std::uint64_t element = static_cast<std::uint64_t>(bit_width(info.dtype) / 8);
      // A range whose size disagrees with its shape, or that runs past the file, has its own
      // finding; scan only what a reader could take for this tensor.
      std::uint64_t begin = shard.data_start() + info.data_begin;
      std::uint64_t end = std::min(shard.data_start() + info.data_end, shard.file_size);
      if (end <= begin) continue;
      std::uint64_t usable = (end - begin) / element * element;
      for (std::uint64_t off = 0; off < usable; off += chunk_bytes) {
        std::uint64_t size = std::min<std::uint64_t>(chunk_bytes, usable - off);
        bool zero = std::binary_search(zero_check.begin(), zero_check.end(), std::make_pair(s, t));
        chunks.push_back({s, t, begin + off, size, off / element, zero});
      }
    }
  }
  // File order within each shard keeps the reads sequential.
  std::stable_sort(chunks.begin(), chunks.end(), [](const Chunk& a, const Chunk& b) {
    return std::tie(a.shard, a.file_offset) < std::tie(b.shard, b.file_offset);
  });
  return chunks;
}

void draw_progress(std::uint64_t done, std::uint64_t total, double seconds, bool final) {
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  int width = 30;
  int filled = total > 0 ? static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total)) : width;
  fmt::print(stderr, "\r[{}{}] {:.1f}/{:.1f} GB  {:.2f} GB/s  ETA {:.0f} s ", std::string(filled, '#'),
             std::string(width - filled, ' '), done / 1e9, total / 1e9, rate / 1e9, eta);
  if (final) fmt::print(stderr, "\r{}\r", std::string(80, ' '));
}

}  // namespace

ValueScan scan_values(const Checkpoint& ck, const ScanOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::size_t chunk_bytes = std::max<std::size_t>(options.chunk_bytes / 8 * 8, 8);
  std::vector<Chunk> chunks = plan(ck, chunk_bytes, options.zero_check);
  std::vector<ChunkResult> results(chunks.size());
  std::uint64_t total = 0;
  for (const Chunk& c : chunks) total += c.size;

  // Shards are opened as the workers reach them, a few at a time: a checkpoint of hundreds
  // of shards must not run the process out of descriptors (each failed open read as a
  // corrupt tensor). Running out anyway stops the scan and the run (EnvironmentError).
  FilePool files;
  FirstFailure failure;

  int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  jobs = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(jobs), std::max<std::size_t>(chunks.size(), 1)));
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> done{0};
  auto worker = [&] {
    // 64-byte alignment: every element type is aligned, and vector loads are clean.
    std::unique_ptr<unsigned char[], void (*)(unsigned char*)> buffer(
        static_cast<unsigned char*>(::operator new[](chunk_bytes, std::align_val_t(64))),
        [](unsigned char* p) { ::operator delete[](p, std::align_val_t(64)); });
    // The shard of the last chunk stays open: chunks come in file order, mostly from it.
    FilePool::Handle file;
    std::size_t file_shard = SIZE_MAX;
    for (std::size_t i = next.fetch_add(1); i < chunks.size(); i = next.fetch_add(1)) {
      const Chunk& c = chunks[i];
      if (c.shard != file_shard) {
        file = FilePool::Handle();
        try {
          file = files.open(ck.root / ck.shards[c.shard].file);
        } catch (...) {
          failure.keep(std::current_exception());
          next.store(chunks.size());  // the others stop at their next chunk
          return;
        }
        file_shard = c.shard;
      }
      if (file.fd() < 0 || !read_exactly(file.fd(), c.file_offset, static_cast<std::size_t>(c.size), reinterpret_cast<char*>(buffer.get()))) {
        results[i].short_read = true;
        continue;
      }
      DType dtype = ck.shards[c.shard].tensors[c.tensor].dtype;
      count_non_finite(dtype, buffer.get(), static_cast<std::size_t>(c.size), c.first_element, results[i].counts);
      if (c.zero_check) {
        results[i].nonzero = any_nonzero(buffer.get(), static_cast<std::size_t>(c.size), static_cast<std::size_t>(bit_width(dtype) / 8));
      }
      done.fetch_add(c.size, std::memory_order_relaxed);
    }
  };
  // The calling thread draws the bar or reports progress while the workers scan (it is the
  // thread an embedder's callback expects); alone, or with nothing to report, it scans too.
  const bool watch = (options.progress && jobs > 1) || options.on_progress;
  std::vector<std::thread> threads;
  for (int j = watch ? 0 : 1; j < jobs; ++j) threads.emplace_back(worker);
  if (watch) {
    bool drawn = false;
    // Short naps, so that a small scan is not held up; a report every 100 ms.
    for (int nap = 1; next.load() < chunks.size(); ++nap) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (nap % 20 != 0) continue;
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (options.on_progress) options.on_progress(done.load(), total);
      if (options.progress && jobs > 1 && seconds > 1.0) {
        draw_progress(done.load(), total, seconds, false);
        drawn = true;
      }
    }
    for (std::thread& t : threads) t.join();
    threads.clear();
    if (drawn) draw_progress(total, total, 1, true);
    if (options.on_progress) options.on_progress(done.load(), total);
  } else {
    worker();
  }
  for (std::thread& t : threads) t.join();
  failure.rethrow();

  ValueScan scan;
  scan.bytes = done.load();
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> slot;  // (shard, tensor) -> index in scan.tensors
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& c = chunks[i];
    auto [it, inserted] = slot.try_emplace({c.shard, c.tensor}, scan.tensors.size());
    if (inserted) scan.tensors.push_back({c.shard, c.tensor, {}, {}, c.zero_check});
    TensorValues& tv = scan.tensors[it->second];
    tv.all_zero = tv.all_zero && !results[i].nonzero && !results[i].short_read;
    tv.counts.merge(results[i].counts);
    if (results[i].short_read && tv.read_error.empty()) {
      tv.read_error = fmt::format("bytes {}..{} could not be read (the file shrank, or an I/O error)", c.file_offset,
                                  c.file_offset + c.size);
    }
  }
  scan.tensors_scanned = scan.tensors.size();
  std::erase_if(scan.tensors, [](const TensorValues& t) { return t.counts.total() == 0 && t.read_error.empty() && !t.all_zero; });
  scan.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return scan;
}

}  // namespace ckptlint
