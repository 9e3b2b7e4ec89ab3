// SPDX-License-Identifier: Apache-2.0
// Every input a fuzzer ever crashed on (tests/fuzz/regressions/<target>/), replayed through
// the same entry points in the normal suite: each must simply return.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz_entry.h"

namespace ckptlint {
namespace {

namespace fs = std::filesystem;

TEST(FuzzRegressions, every_saved_input_is_handled) {
  std::size_t replayed = 0;
  for (const fuzz::Target& t : fuzz::targets()) {
    fs::path dir = fs::path(CKPTLINT_FUZZ_DIR) / "regressions" / t.name;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      SCOPED_TRACE(entry.path().string());
      t.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  RecordProperty("replayed", static_cast<int>(replayed));
  // A moved or misnamed regressions folder must not pass by replaying nothing.
  EXPECT_GT(replayed, 0u) << "no saved input found under " << CKPTLINT_FUZZ_DIR << "/regressions";
}

TEST(FuzzRegressions, empty_and_tiny_inputs) {
  const std::string inputs[] = {"", "{", "\\x00", "[", "{\"a\":", "- [", "a ?", "\n{}"};
  for (const fuzz::Target& t : fuzz::targets()) {
    for (const std::string& s : inputs) t.run(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }
}

}  // namespace
}  // namespace ckptlint
