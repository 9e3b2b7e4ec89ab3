// SPDX-License-Identifier: Apache-2.0
// Shard files opened on demand through a small pool of descriptors. A checkpoint may have
// hundreds of shards and a process may open 256 files (macOS's default): readers that kept
// every shard open ran out, and each failed open read as a corrupt tensor. The pool keeps at
// most `capacity` descriptors open, closes the least recently used idle one to make room, and
// hands a file that is already open to every reader that asks. Running out of descriptors
// anyway (another part of the process, or the system, holds them) is an EnvironmentError,
// never a finding.
#pragma once
#include <cstddef>
#include <filesystem>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ckptlint {

/// True for the errors of an open() that ran out of descriptors (EMFILE, ENFILE).
bool out_of_descriptors(int err);

/// Throws the EnvironmentError for an open() that failed with `err` (EMFILE, ENFILE), naming
/// the process's limit. Every reader of checkpoint files reports running out this way.
[[noreturn]] void throw_out_of_descriptors(int err);

class FilePool {
  struct Entry {
    std::string path;
    int fd = -1;
    int users = 0;
  };
  using Slot = std::list<Entry>::iterator;

 public:
  /// A file held open: its descriptor stays valid until the handle is dropped.
  class Handle {
   public:
    Handle() = default;
    Handle(Handle&& other) noexcept { *this = std::move(other); }
    Handle& operator=(Handle&& other) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() { release(); }
    /// The descriptor, or -1 when the file could not be opened (gone, no permission).
    int fd() const { return fd_; }

   private:
    friend class FilePool;
    Handle(FilePool* pool, Slot slot, int fd) : pool_(pool), slot_(slot), fd_(fd) {}
    void release();
    FilePool* pool_ = nullptr;  // null for a file that could not be opened
    Slot slot_{};
    int fd_ = -1;
  };

  /// Keeps at most `capacity` idle descriptors open (0: default_capacity()). Files in use by
  /// a handle are never closed, so while more handles than that are held at once (one or two
  /// per reading thread), that many are open.
  explicit FilePool(std::size_t capacity = 0);
  ~FilePool();  ///< closes every descriptor; no handle may outlive the pool
  FilePool(const FilePool&) = delete;
  FilePool& operator=(const FilePool&) = delete;

  /// Opens `path` read-only (non-blocking, close-on-exec, read-ahead advised), or shares the
  /// descriptor already open for it. A file that cannot be opened gives a handle whose fd()
  /// is -1. When the process or the system is out of descriptors (EMFILE, ENFILE) even after
  /// every idle one was closed, throws EnvironmentError.
  Handle open(const std::filesystem::path& path);

  /// Descriptors open now.
  std::size_t open_count() const;
  std::size_t capacity() const { return capacity_; }

  /// A quarter of the process's soft limit on open files (RLIMIT_NOFILE), between 2 and 64:
  /// well under the limit whatever else the process has open.
  static std::size_t default_capacity();

 private:
  void release(Slot slot);
  // Closes idle descriptors, least recently used first, until at most `keep` are open.
  void close_idle(std::size_t keep);

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, Slot> by_path_;
};

}  // namespace ckptlint
