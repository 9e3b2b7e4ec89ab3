// SPDX-License-Identifier: Apache-2.0
// Where the tests find the project's own rule packs and fixtures, and scratch space.
#pragma once
#include <filesystem>
#include <string>

namespace ckptlint::testing {

inline std::string rules_dir() { return CKPTLINT_TEST_RULES_DIR; }
inline std::string fixtures_dir() { return CKPTLINT_TEST_FIXTURES_DIR; }
inline std::string golden_dir() { return CKPTLINT_TEST_GOLDEN_DIR; }
inline std::string ckptlint_binary() { return CKPTLINT_TEST_BINARY; }

/// A gtest-safe name for a parameterized test ("tensor-missing" -> "tensor_missing").
std::string test_name(std::string id);

/// A fresh, empty directory under the system temp dir, removed when the object dies.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ckptlint::testing
