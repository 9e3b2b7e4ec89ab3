// SPDX-License-Identifier: Apache-2.0
// A unified diff of two texts (`ckptlint fix` shows what it would change before it writes).
#pragma once
#include <string>
#include <string_view>

namespace ckptlint {

/// `diff -u` of `before` and `after` as `a/<name>` and `b/<name>`, with three lines of
/// context; "" when the texts are equal. Line-based, by the longest common subsequence of
/// lines (texts of up to a few thousand lines: JSON configs and indexes). `created`: the file
/// does not exist yet, so its old side is /dev/null, as `diff -u` and git show a new file.
std::string unified_diff(std::string_view before, std::string_view after, const std::string& name, bool created = false);

}  // namespace ckptlint
