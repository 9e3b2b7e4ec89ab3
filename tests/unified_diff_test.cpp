// SPDX-License-Identifier: Apache-2.0
// The diff `ckptlint fix` prints: what patch(1) and a reviewer expect.
#include <gtest/gtest.h>

#include "util/unified_diff.h"

namespace ckptlint {
namespace {

TEST(UnifiedDiff, hunks_with_three_lines_of_context) {
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 10 ? std::string("ten") : std::to_string(i)) + "\n";
  }
  b += "21\n";
  EXPECT_EQ(unified_diff(a, b, "config.json"),
            "--- a/config.json\n+++ b/config.json\n"
            "@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13\n"
            "@@ -18,3 +18,4 @@\n 18\n 19\n 20\n+21\n");
  EXPECT_EQ(unified_diff(a, a, "x"), "");
}

TEST(UnifiedDiff, a_new_file_and_a_missing_final_newline) {
  EXPECT_EQ(unified_diff("", "{\n}\n", "i.json"), "--- a/i.json\n+++ b/i.json\n@@ -0,0 +1,2 @@\n+{\n+}\n");
  EXPECT_EQ(unified_diff("", "{\n}\n", "i.json", true), "--- /dev/null\n+++ b/i.json\n@@ -0,0 +1,2 @@\n+{\n+}\n");
  EXPECT_EQ(unified_diff("a\n", "a\nb", "f"), "--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n");
}

// Two long texts with nothing in common past the table's cap: every line removed, then added,
// in bounded memory (the shortest script would need a 40,000 x 40,000 table).
TEST(UnifiedDiff, long_texts_with_nothing_in_common_stay_bounded) {
  std::string before, after;
  for (int i = 0; i < 40000; ++i) {
    before += "a" + std::to_string(i) + "\n";
    after += "b" + std::to_string(i) + "\n";
  }
  std::string d = unified_diff(before, after, "big.json");
  EXPECT_EQ(d.rfind("--- a/big.json\n+++ b/big.json\n@@ -1,40000 +1,40000 @@\n-a0\n", 0), 0u) << d.substr(0, 200);
  EXPECT_NE(d.find("\n-a39999\n+b0\n"), std::string::npos);
}

}  // namespace
}  // namespace ckptlint
