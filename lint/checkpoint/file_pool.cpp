// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/file_pool.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "ckptlint/environment_error.h"
#include "util/platform.h"

namespace ckptlint {

bool out_of_descriptors(int err) { return err == EMFILE || err == ENFILE; }

void throw_out_of_descriptors(int err) {
  std::string limit;
  struct rlimit nofile {};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY) {
    limit = fmt::format("; this process may open {} files (ulimit -n)", static_cast<unsigned long long>(nofile.rlim_cur));
  }
  throw EnvironmentError(fmt::format("out of file descriptors while reading the checkpoint ({}{}): raise the limit; "
                                     "the checkpoint was not judged",
                                     std::strerror(err), limit));
}

FilePool::Handle& FilePool::Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    slot_ = other.slot_;
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void FilePool::Handle::release() {
  if (pool_ != nullptr) pool_->release(slot_);
  pool_ = nullptr;
  fd_ = -1;
}

FilePool::FilePool(std::size_t capacity) : capacity_(capacity > 0 ? capacity : default_capacity()) {}

FilePool::~FilePool() {
  for (const Entry& e : lru_) ::close(e.fd);
}

std::size_t FilePool::default_capacity() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 64;
  return std::clamp<std::size_t>(static_cast<std::size_t>(limit.rlim_cur / 4), 2, 64);
}

std::size_t FilePool::open_count() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

FilePool::Handle FilePool::open(const std::filesystem::path& path) {
  std::lock_guard lock(mutex_);
  if (auto it = by_path_.find(path.native()); it != by_path_.end()) {
    Slot slot = it->second;
    ++slot->users;
    lru_.splice(lru_.begin(), lru_, slot);
    return Handle(this, slot, slot->fd);
  }
  close_idle(capacity_ - 1);
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && out_of_descriptors(errno)) {
    // Another reader's idle files are ours to give back; then the shortage is real.
    close_idle(0);
    fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  }
  if (fd < 0) {
    if (out_of_descriptors(errno)) throw_out_of_descriptors(errno);
    return Handle();
  }
  platform::advise_sequential(fd);
  lru_.push_front(Entry{path.native(), fd, 1});
  by_path_.emplace(path.native(), lru_.begin());
  return Handle(this, lru_.begin(), fd);
}

void FilePool::release(Slot slot) {
  std::lock_guard lock(mutex_);
  --slot->users;
  // Over capacity only while more files than that were in use at once.
  if (lru_.size() > capacity_) close_idle(capacity_);
}

void FilePool::close_idle(std::size_t keep) {
  for (auto it = lru_.end(); lru_.size() > keep && it != lru_.begin();) {
    --it;
    if (it->users > 0) continue;
    ::close(it->fd);
    by_path_.erase(it->path);
    it = lru_.erase(it);
  }
}

}  // namespace ckptlint
