// SPDX-License-Identifier: Apache-2.0
// Where a checkpoint's files come from: a directory on disk, or a remote repository read
// over HTTP range requests (remote/remote_store.h). The loader assembles a Checkpoint the same
// way from either. A store that cannot go on (a remote that refuses, times out or lies)
// throws StoreError, which the loader turns into a tool error. A local store that runs out of
// file descriptors throws EnvironmentError: that is the machine, not a missing file.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "ckptlint/checkpoint.h"

namespace ckptlint {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A file read front to back in pieces: a large side file (tokenizer.json) whose first part
/// is what matters, read without holding all of it.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  /// The whole file's size.
  virtual std::uint64_t size() const = 0;
  /// The bytes this store will hand out: size(), or for a remote store the prefix it fetched.
  virtual std::uint64_t readable() const = 0;
  /// Up to `max` bytes from where the last read ended; 0 past readable() or on an I/O error.
  virtual std::size_t read(char* out, std::size_t max) = 0;
  /// The last `n` bytes of the file (fewer for a smaller file); "" when the store does not
  /// have them (a remote prefix that ends before).
  virtual std::string tail(std::size_t n) = 0;
};

class FileStore {
 public:
  virtual ~FileStore() = default;
  /// The names at the top of the checkpoint directory but subdirectories (`files`: regular
  /// files, and the broken links, FIFOs and devices that stand where a file should), and every name
  /// there ending in .safetensors, readable or not (`safetensors`).
  virtual void list(std::vector<std::string>& files, std::set<std::string>& safetensors) = 0;
  /// True when `name` (a relative path already checked to stay inside) exists.
  virtual bool exists(const std::string& name) = 0;
  /// The whole text of a small file of at most `max_bytes`; nothing, with a reason, otherwise.
  virtual std::optional<std::string> read_text(const std::string& name, std::uint64_t max_bytes, std::string& reason) = 0;
  /// The headers of `names`, in that order; what is wrong with them goes to `problems`.
  virtual std::vector<Shard> read_shards(const std::vector<std::string>& names, std::vector<LoadProblem>& problems) = 0;
  /// `name` opened for reading front to back; nothing, with a reason, when it cannot be. A
  /// remote store fetches only its first `remote_prefix` bytes (one range request).
  virtual std::unique_ptr<SequentialFile> open_sequential(const std::string& name, std::uint64_t remote_prefix, std::string& reason) = 0;
  /// The directory for the readers of tensor data; empty for a remote store (no data is read).
  virtual std::filesystem::path local_root() const = 0;
};

/// A directory on disk. Opens without blocking and refuses anything but regular files, so a
/// FIFO or a directory planted under a file name is a finding, not a hang.
class LocalStore final : public FileStore {
 public:
  explicit LocalStore(std::filesystem::path root) : root_(std::move(root)) {}
  void list(std::vector<std::string>& files, std::set<std::string>& safetensors) override;
  bool exists(const std::string& name) override;
  std::optional<std::string> read_text(const std::string& name, std::uint64_t max_bytes, std::string& reason) override;
  std::vector<Shard> read_shards(const std::vector<std::string>& names, std::vector<LoadProblem>& problems) override;
  std::unique_ptr<SequentialFile> open_sequential(const std::string& name, std::uint64_t remote_prefix, std::string& reason) override;
  std::filesystem::path local_root() const override { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace ckptlint
