// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/byte_source.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ckptlint {

std::size_t read_upto(int fd, std::uint64_t offset, std::size_t length, char* out) {
  std::size_t done = 0;
  while (done < length) {
    ssize_t got = ::pread(fd, out + done, length - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    // A file that shrank under us (got == 0) is a short read, not a crash.
    if (got <= 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

bool FileSource::read(std::uint64_t offset, std::size_t length, char* out) const {
  return read_exactly(fd_, offset, length, out);
}

bool MemorySource::read(std::uint64_t offset, std::size_t length, char* out) const {
  if (offset > bytes_.size() || length > bytes_.size() - offset) return false;
  std::memcpy(out, bytes_.data() + offset, length);
  return true;
}

}  // namespace ckptlint
