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
  EXPECT_EQ(unified_diff("a\n", "a\nb", "f"), "--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n");
}

}  // namespace
}  // namespace ckptlint
