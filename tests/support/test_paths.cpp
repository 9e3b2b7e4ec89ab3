// SPDX-License-Identifier: Apache-2.0
#include "test_paths.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>

namespace ckptlint::testing {

std::string test_name(std::string id) {
  std::replace(id.begin(), id.end(), '-', '_');
  return id;
}

ScratchDir::ScratchDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  std::string safe;
  for (char c : tag) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  path_ = (std::filesystem::temp_directory_path() /
           ("ckptlint-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + safe))
              .string();
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace ckptlint::testing
