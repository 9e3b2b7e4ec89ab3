// SPDX-License-Identifier: Apache-2.0
#include "fix/write_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

// Writes `text` to a new file beside `path` and flushes it to disk; its name, or "" (and
// `error`).
std::string write_temporary(const fs::path& path, const std::string& text, std::string& error) {
  std::string tmp = (path.parent_path() / ("." + path.filename().string() + ".ckptlint-XXXXXX")).string();
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    error = fmt::format("cannot write in '{}': {}", path.parent_path().string(), std::strerror(errno));
    return "";
  }
  // The new file gets the old one's permissions (mkstemp makes it 0600).
  struct stat st {};
  ::fchmod(fd, ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  int err = done == text.size() ? 0 : errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  ::close(fd);
  if (err != 0 || done != text.size()) {
    ::unlink(tmp.c_str());
    error = fmt::format("cannot write '{}': {}", path.string(), std::strerror(err != 0 ? err : EIO));
    return "";
  }
  return tmp;
}

// FILE.orig: a copy of the old file (a symbolic link is kept as the same link).
std::string keep_backup(const fs::path& path) {
  std::error_code ec;
  fs::path orig = path.string() + ".orig";
  fs::file_status status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(status)) return "";  // a new file: nothing to keep
  fs::remove(orig, ec);
  if (fs::is_symlink(status)) fs::create_symlink(fs::read_symlink(path, ec), orig, ec);
  else fs::copy_file(path, orig, fs::copy_options::overwrite_existing, ec);
  return ec ? fmt::format("cannot keep '{}': {}", orig.string(), ec.message()) : "";
}

}  // namespace

std::string write_files_atomically(const std::vector<NewFile>& files, const WriteOptions& options) {
  std::vector<std::string> temporaries;
  auto discard = [&] {
    for (const std::string& t : temporaries) ::unlink(t.c_str());
  };
  std::string error;
  for (const NewFile& f : files) {
    std::string tmp = write_temporary(f.path, f.text, error);
    if (tmp.empty()) {
      discard();
      return error;
    }
    temporaries.push_back(tmp);
  }
  if (options.backup) {
    for (const NewFile& f : files) {
      if (std::string e = keep_backup(f.path); !e.empty()) {
        discard();
        return e;
      }
    }
  }
  if (options.fail_before_rename) {
    discard();
    return "stopped before renaming (CKPTLINT_FIX_FAIL_BEFORE_RENAME): no file was changed";
  }
  // rename(2) replaces a symbolic link itself, not what it points to.
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (::rename(temporaries[i].c_str(), files[i].path.c_str()) != 0) {
      int err = errno;
      for (std::size_t j = i; j < temporaries.size(); ++j) ::unlink(temporaries[j].c_str());
      return fmt::format("cannot replace '{}': {} ({} of {} files were replaced)", files[i].path.string(), std::strerror(err), i, files.size());
    }
  }
  return "";
}

}  // namespace ckptlint
