// SPDX-License-Identifier: Apache-2.0
// ckptlint/name_index.h: the open-addressing index the header checks use for duplicate and
// case-collision detection, against a std::unordered_map on the same names.
#include <gtest/gtest.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "ckptlint/name_index.h"

namespace ckptlint {
namespace {

TEST(NameIndex, finds_what_it_stored_and_reports_the_first_of_equal_names) {
  std::vector<std::string> names = {"a", "b", "a", "", "B", ""};
  auto at = [&](std::size_t i) -> std::string_view { return names[i]; };
  NameIndex index(0);  // sized for nothing: every insert past 8 names grows it
  EXPECT_EQ(index.insert(names[0], 0, at), NameIndex::npos);
  EXPECT_EQ(index.insert(names[1], 1, at), NameIndex::npos);
  EXPECT_EQ(index.insert(names[2], 2, at), 0u);  // "a" again: the first one's position
  EXPECT_EQ(index.insert(names[3], 3, at), NameIndex::npos);
  EXPECT_EQ(index.insert(names[4], 4, at), NameIndex::npos);  // case matters
  EXPECT_EQ(index.insert(names[5], 5, at), 3u);
  EXPECT_EQ(index.size(), 4u);
  EXPECT_EQ(index.find("b", at), 1u);
  EXPECT_EQ(index.find("c", at), NameIndex::npos);
}

TEST(NameIndex, agrees_with_unordered_map_through_growth) {
  std::vector<std::string> names;
  for (int i = 0; i < 50000; ++i) names.push_back("model.layers." + std::to_string(i % 37000) + ".w");
  auto at = [&](std::size_t i) -> std::string_view { return names[i]; };
  NameIndex index(100);
  std::unordered_map<std::string, std::size_t> reference;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto [it, inserted] = reference.try_emplace(names[i], i);
    EXPECT_EQ(index.insert(names[i], i, at), inserted ? NameIndex::npos : it->second) << names[i];
  }
  EXPECT_EQ(index.size(), reference.size());
  for (const auto& [name, pos] : reference) ASSERT_EQ(index.find(name, at), pos) << name;
  EXPECT_EQ(index.find("model.layers.37000.w", at), NameIndex::npos);
}

}  // namespace
}  // namespace ckptlint
