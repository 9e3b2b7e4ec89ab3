// SPDX-License-Identifier: Apache-2.0
// Random-access reads of one file, so the header reader works the same on disk and in memory
// (the fuzz targets feed it raw bytes).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace ckptlint {

/// Reads up to `length` bytes at `offset` of `fd` with pread, retrying short reads and EINTR;
/// returns how many were read: fewer when the file ends first (it shrank under us) or on an
/// I/O error.
std::size_t read_upto(int fd, std::uint64_t offset, std::size_t length, char* out);

/// read_upto that must read all `length` bytes.
inline bool read_exactly(int fd, std::uint64_t offset, std::size_t length, char* out) {
  return read_upto(fd, offset, length, out) == length;
}

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Size of the file in bytes.
  virtual std::uint64_t size() const = 0;
  /// Reads exactly `length` bytes at `offset` into `out`; false on any short read or I/O error.
  virtual bool read(std::uint64_t offset, std::size_t length, char* out) const = 0;
};

/// A file opened read-only; reads with pread, never maps or copies the whole file.
class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  std::uint64_t size() const override { return size_; }
  bool read(std::uint64_t offset, std::size_t length, char* out) const override;

 private:
  int fd_;
  std::uint64_t size_;
};

/// Bytes already in memory.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  bool read(std::uint64_t offset, std::size_t length, char* out) const override;

 private:
  std::string_view bytes_;
};

}  // namespace ckptlint
