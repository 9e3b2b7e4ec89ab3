// SPDX-License-Identifier: Apache-2.0
#include "util/unified_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace ckptlint {
namespace {

std::vector<std::string_view> lines_of(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? s.size() : nl + 1;
    out.push_back(s.substr(start, end - start));
    start = end;
  }
  return out;
}

enum class Kind : unsigned char { same, removed, added };
struct Line {
  Kind kind;
  std::string_view text;
  std::size_t a, b;  // 0-based line in before / after (the next one, for added / removed)
};

// The edit script by the longest common subsequence of the lines, after trimming the common
// head and tail (a fix changes a few lines of a long file: the table stays small).
std::vector<Line> script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  const std::size_t n = a.size() - head - tail, m = b.size() - head - tail;
  // The table is (n + 1) x (m + 1): past kMaxCells (64 MB), e.g. an index of a few hundred
  // thousand entries rewritten, the middle is shown as removed, then added (still a valid
  // diff, only not the shortest) rather than letting a file's size choose the memory.
  constexpr std::size_t kMaxCells = 16u << 20;
  const bool small = n == 0 || m == 0 || (n + 1) <= kMaxCells / (m + 1);
  std::vector<std::vector<std::uint32_t>> lcs(small ? n + 1 : 0, std::vector<std::uint32_t>(small ? m + 1 : 0, 0));
  for (std::size_t i = small ? n : 0; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Line> out;
  for (std::size_t k = 0; k < head; ++k) out.push_back({Kind::same, a[k], k, k});
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (!small) {
      if (i < n) out.push_back({Kind::removed, a[head + i], head + i, head + j}), ++i;
      else out.push_back({Kind::added, b[head + j], head + i, head + j}), ++j;
    } else if (i < n && j < m && a[head + i] == b[head + j]) {
      out.push_back({Kind::same, a[head + i], head + i, head + j});
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {  // removals first, as diff -u
      out.push_back({Kind::removed, a[head + i], head + i, head + j});
      ++i;
    } else {
      out.push_back({Kind::added, b[head + j], head + i, head + j});
      ++j;
    }
  }
  for (std::size_t k = 0; k < tail; ++k) out.push_back({Kind::same, a[head + n + k], head + n + k, head + m + k});
  return out;
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, const std::string& name, bool created) {
  if (before == after) return "";
  const std::vector<std::string_view> a = lines_of(before), b = lines_of(after);
  const std::vector<Line> lines = script(a, b);
  constexpr std::size_t kContext = 3;
  std::string out = created ? fmt::format("--- /dev/null\n+++ b/{}\n", name) : fmt::format("--- a/{}\n+++ b/{}\n", name, name);
  std::size_t k = 0;
  while (k < lines.size()) {
    while (k < lines.size() && lines[k].kind == Kind::same) ++k;
    if (k == lines.size()) break;
    // A hunk: kContext lines before its first change, every change that follows within
    // 2 * kContext unchanged lines, and kContext lines after its last change.
    std::size_t begin = k >= kContext ? k - kContext : 0, last = k;
    for (std::size_t t = k + 1; t < lines.size() && t <= last + 2 * kContext; ++t) {
      if (lines[t].kind != Kind::same) last = t;
    }
    std::size_t end = std::min(lines.size(), last + 1 + kContext);
    std::size_t a_count = 0, b_count = 0;
    for (std::size_t t = begin; t < end; ++t) {
      a_count += lines[t].kind != Kind::added ? 1 : 0;
      b_count += lines[t].kind != Kind::removed ? 1 : 0;
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", lines[begin].a + (a_count ? 1 : 0), a_count, lines[begin].b + (b_count ? 1 : 0), b_count);
    for (std::size_t t = begin; t < end; ++t) {
      out += lines[t].kind == Kind::same ? ' ' : lines[t].kind == Kind::added ? '+' : '-';
      out += lines[t].text;
      if (lines[t].text.empty() || lines[t].text.back() != '\n') out += "\n\\ No newline at end of file\n";
    }
    k = end;
  }
  return out;
}

}  // namespace ckptlint
