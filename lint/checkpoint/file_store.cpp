// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "checkpoint/byte_source.h"
#include "checkpoint/file_pool.h"
#include "checkpoint/problem_builder.h"
#include "checkpoint/safetensors_header.h"
#include "util/parallel.h"
#include "util/platform.h"

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

// Why a name that could not be opened (open failed with `err`) holds no file. A Hugging Face
// cache snapshot links every file to a blob: a link to nothing is a download that did not finish.
std::string why_not_opened(const fs::path& path, int err) {
  if (err == ELOOP) return "a symbolic link loop";
  struct stat st {};
  if (err == ENOENT && ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return "a broken symbolic link (not downloaded?)";
  return std::strerror(err);
}

// Why an opened name (with status `st`) is no regular file; "" for a regular file.
std::string why_not_regular(const struct stat& st) {
  if (S_ISREG(st.st_mode)) return "";
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (S_ISFIFO(st.st_mode)) return "a FIFO, not a file";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "a device, not a file";
  if (S_ISSOCK(st.st_mode)) return "a socket, not a file";
  return "not a regular file";
}

// Opens `path` without blocking (a FIFO planted under a file name must not hang) and only
// when it is a regular file; -1 with a reason otherwise. `exists` is false when nothing
// (not even a broken link) is behind the name.
int open_regular(const fs::path& path, std::uint64_t& size, std::string& reason, bool* exists = nullptr) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (out_of_descriptors(err)) throw_out_of_descriptors(err);
    reason = why_not_opened(path, err);
    if (exists != nullptr) *exists = err != ENOENT;
    return -1;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    reason = std::strerror(errno);
  } else {
    reason = why_not_regular(st);
    if (reason.empty()) {
      size = static_cast<std::uint64_t>(st.st_size);
      return fd;
    }
  }
  ::close(fd);
  return -1;
}

Shard read_shard(const fs::path& path, const std::string& name, std::vector<LoadProblem>& problems) {
  Shard shard;
  shard.file = name;
  std::uint64_t size = 0;
  std::string reason;
  int fd = open_regular(path, size, reason, &shard.exists);
  if (fd < 0) {
    add_problem(problems, LoadProblemCode::file_unreadable, name, "", {{"reason", reason}});
    return shard;
  }
  FileSource source(fd, size);
  shard = read_safetensors_header(name, source, problems);
  ::close(fd);
  return shard;
}

// A local file read with pread from an owned descriptor.
class LocalSequentialFile final : public SequentialFile {
 public:
  LocalSequentialFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~LocalSequentialFile() override { ::close(fd_); }
  LocalSequentialFile(const LocalSequentialFile&) = delete;
  LocalSequentialFile& operator=(const LocalSequentialFile&) = delete;
  std::uint64_t size() const override { return size_; }
  std::uint64_t readable() const override { return size_; }
  std::size_t read(char* out, std::size_t max) override {
    std::size_t n = read_upto(fd_, at_, static_cast<std::size_t>(std::min<std::uint64_t>(max, size_ - std::min(at_, size_))), out);
    at_ += n;
    return n;
  }
  std::string tail(std::size_t n) override {
    std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_));
    std::string out(count, '\0');
    out.resize(read_upto(fd_, size_ - count, count, out.data()));
    return out;
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::uint64_t at_ = 0;
};

}  // namespace

void LocalStore::list(std::vector<std::string>& files, std::set<std::string>& safetensors) {
  std::error_code ec;
  for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    // Every name but a directory's: a broken link, a FIFO or a device under a file's name is
    // there (a loader stops on it), and its reader says why it is no file.
    std::error_code sec;
    if (!it->is_directory(sec)) files.push_back(name);
    // Unreadable links and directories named *.safetensors still get a finding.
    if (name.ends_with(".safetensors")) safetensors.insert(name);
  }
  // An empty listing would read as "nothing to check".
  if (ec && out_of_descriptors(ec.value())) throw_out_of_descriptors(ec.value());
}

bool LocalStore::exists(const std::string& name) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(root_ / name, ec)) && !ec;
}

std::optional<std::string> LocalStore::read_text(const std::string& name, std::uint64_t max_bytes, std::string& reason) {
  std::uint64_t size = 0;
  int fd = open_regular(root_ / name, size, reason);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> out;
  if (size > max_bytes) {
    reason = fmt::format("file of {} bytes is above the {}-byte limit", size, max_bytes);
  } else {
    std::string text(static_cast<std::size_t>(size), '\0');
    if (!FileSource(fd, text.size()).read(0, text.size(), text.data())) reason = "short read";
    else out = std::move(text);
  }
  ::close(fd);
  return out;
}

std::unique_ptr<SequentialFile> LocalStore::open_sequential(const std::string& name, std::uint64_t, std::string& reason) {
  std::uint64_t size = 0;
  int fd = open_regular(root_ / name, size, reason);
  if (fd < 0) return nullptr;
  platform::advise_sequential(fd);
  return std::make_unique<LocalSequentialFile>(fd, size);
}

std::vector<Shard> LocalStore::read_shards(const std::vector<std::string>& names, std::vector<LoadProblem>& problems) {
  // Headers are independent: one thread per core, each shard with its own problem list,
  // merged in name order so that the report does not depend on timing.
  std::vector<Shard> shards(names.size());
  std::vector<std::vector<LoadProblem>> found(names.size());
  FirstFailure failure;
  parallel_for(names.size(), 0, [&](std::size_t i) {
    try {
      shards[i] = read_shard(root_ / names[i], names[i], found[i]);
    } catch (...) {
      failure.keep(std::current_exception());  // out of descriptors: the run stops
    }
  });
  failure.rethrow();
  for (auto& f : found) {
    for (LoadProblem& p : f) problems.push_back(std::move(p));
  }
  return shards;
}

}  // namespace ckptlint
