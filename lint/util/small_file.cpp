// SPDX-License-Identifier: Apache-2.0
#include "util/small_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace ckptlint {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

std::optional<std::string> read_small_file(const std::string& path, std::uint64_t max_bytes, std::string& reason) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    reason = err == ENOENT ? "not found" : err == ELOOP ? "a symbolic link loop" : std::strerror(err);
    return std::nullopt;
  }
  std::optional<std::string> out;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    reason = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    reason = kind_of(st.st_mode);
  } else if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    reason = fmt::format("{} bytes, above the {}-byte limit", st.st_size, max_bytes);
  } else {
    // Read at most the size fstat gave (+1 to notice a file that grew): a file that changes
    // under us is read as it was, never without bound.
    std::string text(static_cast<std::size_t>(st.st_size) + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
      ssize_t n = ::read(fd, text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got > static_cast<std::size_t>(st.st_size)) {
      reason = "it grew while being read";
    } else {
      text.resize(got);
      out = std::move(text);
    }
  }
  ::close(fd);
  return out;
}

}  // namespace ckptlint
