// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/byte_source.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ckptlint {

bool FileSource::read(std::uint64_t offset, std::size_t length, char* out) const {
  while (length > 0) {
    ssize_t got = ::pread(fd_, out, length, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    // A file that shrank under us (got == 0) is a short read, not a crash.
    if (got <= 0) return false;
    out += got;
    offset += static_cast<std::uint64_t>(got);
    length -= static_cast<std::size_t>(got);
  }
  return true;
}

bool MemorySource::read(std::uint64_t offset, std::size_t length, char* out) const {
  if (offset > bytes_.size() || length > bytes_.size() - offset) return false;
  std::memcpy(out, bytes_.data() + offset, length);
  return true;
}

}  // namespace ckptlint
