// SPDX-License-Identifier: Apache-2.0
// Golden files: expected output kept next to the tests, rewritten (to be reviewed in the
// diff) when the tests run with UPDATE_GOLDEN=1.
#pragma once
#include <string>

namespace ckptlint::testing {

/// Fails the current test when `actual` differs from the file at `path`; with UPDATE_GOLDEN
/// set, writes `actual` there instead.
void expect_matches_golden(const std::string& actual, const std::string& path);

}  // namespace ckptlint::testing
