// SPDX-License-Identifier: Apache-2.0
#include "test_paths.h"

#include <unistd.h>

#include <cstdlib>

#include <algorithm>
#include <atomic>

namespace ckptlint::testing {

namespace {
// The CLI the tests run must lint with the packs of this source tree (its embedded copy),
// whatever CKPTLINT_RULES_DIR a developer's shell exports.
const bool kRulesDirCleared = [] {
  ::unsetenv("CKPTLINT_RULES_DIR");
  return true;
}();
}  // namespace

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
