// SPDX-License-Identifier: Apache-2.0
// The changed-value comparison of `diff`: identical, changed and unreadable tensors give the
// answer a front-to-back read gives, whatever the chunk size, and a file that shrank under
// the comparison is unreadable, not a crash (a difference before the cut still counts).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ckptlint/load.h"
#include "diff/byte_compare.h"
#include "recipe.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

// Four 1,000-element F32 tensors, zero except for the planted values; `tail` is last in the file.
std::string checkpoint_recipe(const std::string& values) {
  return "files:\n  model.safetensors:\n    tensors:\n"
         "      - {name: same, dtype: F32, shape: [1000]}\n"
         "      - {name: first, dtype: F32, shape: [1000]}\n"
         "      - {name: last, dtype: F32, shape: [1000]}\n"
         "      - {name: short, dtype: F32, shape: [10]}\n"
         "      - {name: tail, dtype: F32, shape: [1000]}\n"
         "    values:\n" + values;
}

Checkpoint make(const testing::ScratchDir& dir, const std::string& name, const std::string& values, std::uint64_t cut) {
  std::string recipe_path = dir.path() + "/" + name + ".yaml", error;
  std::ofstream(recipe_path) << checkpoint_recipe(values);
  auto recipe = fixtures::read_recipe(recipe_path, error);
  EXPECT_TRUE(recipe) << error;
  std::string root = dir.path() + "/" + name;
  EXPECT_TRUE(fixtures::materialize(*recipe, root, error)) << error;
  Checkpoint ck;
  EXPECT_TRUE(load_checkpoint(root, ck, error)) << error;
  // Cut the file after loading: the header promised bytes that are no longer there.
  std::filesystem::path file = root + "/model.safetensors";
  if (cut > 0) std::filesystem::resize_file(file, std::filesystem::file_size(file) - cut);
  return ck;
}

TEST(ByteCompare, every_chunk_size_gives_the_front_to_back_answer) {
  testing::ScratchDir dir("compare");
  const std::string nothing = "      - {tensor: same, index: 0, hex: \"00000000\"}\n";
  Checkpoint a = make(dir, "a", nothing, 0);
  // b: a change at the first element, at the last, and at element 5 of the tail, whose last
  // 100 elements are then cut off. c: no change at all, but the same cut.
  Checkpoint b = make(dir, "b",
                      "      - {tensor: first, index: 0, hex: \"0000803f\"}\n"
                      "      - {tensor: last, index: 999, hex: \"0000803f\"}\n"
                      "      - {tensor: tail, index: 5, hex: \"0000803f\"}\n",
                      400);
  Checkpoint c = make(dir, "c", nothing, 400);
  auto pair = [](const Checkpoint& x, const Checkpoint& y, const char* name, const char* other = nullptr) {
    return TensorPair{&x, x.find(name), &y, y.find(other != nullptr ? other : name)};
  };
  std::vector<TensorPair> pairs = {pair(a, b, "same"), pair(a, b, "first"), pair(a, b, "last"),
                                   pair(a, b, "tail"), pair(a, c, "tail"),  pair(a, c, "same", "short"),
                                   pair(a, a, "tail"), pair(c, a, "first")};
  for (const TensorPair& p : pairs) ASSERT_TRUE(p.ta != nullptr && p.tb != nullptr);
  const std::vector<SameBytes> expected = {
      SameBytes::same,        // identical
      SameBytes::different,   // first byte
      SameBytes::different,   // last byte
      SameBytes::different,   // a change before the cut decides
      SameBytes::unreadable,  // nothing changed before the cut: the cut decides
      SameBytes::different,   // sizes differ: nothing read
      SameBytes::same,        // one tensor against itself
      SameBytes::same,        // the cut file, where it is whole
  };
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{64}, std::size_t{4096}, std::size_t{4} << 20}) {
    // A pool of two descriptors for three files: reads wait for no file and lose none.
    for (std::size_t capacity : {std::size_t{2}, std::size_t{64}}) {
      FilePool files(capacity);
      EXPECT_EQ(compare_bytes(pairs, files, chunk), expected) << "chunk " << chunk << ", pool of " << capacity;
      EXPECT_LE(files.open_count(), capacity);
    }
  }
}

TEST(ByteCompare, a_shard_that_cannot_be_opened_is_unreadable_and_empty_tensors_are_same) {
  testing::ScratchDir dir("compare_gone");
  std::string recipe_path = dir.path() + "/r.yaml", error;
  std::ofstream(recipe_path) << "files:\n  model.safetensors:\n    tensors:\n"
                                "      - {name: empty, dtype: F32, shape: [0]}\n"
                                "      - {name: full, dtype: F32, shape: [4]}\n";
  auto recipe = fixtures::read_recipe(recipe_path, error);
  ASSERT_TRUE(recipe) << error;
  ASSERT_TRUE(fixtures::materialize(*recipe, dir.path() + "/ck", error)) << error;
  Checkpoint a, b;
  ASSERT_TRUE(load_checkpoint(dir.path() + "/ck", a, error)) << error;
  ASSERT_TRUE(load_checkpoint(dir.path() + "/ck", b, error)) << error;
  std::filesystem::remove(dir.path() + "/ck/model.safetensors");
  FilePool files;
  auto result = compare_bytes({{&a, a.find("empty"), &b, b.find("empty")}, {&a, a.find("full"), &b, b.find("full")}}, files);
  EXPECT_EQ(result, (std::vector<SameBytes>{SameBytes::same, SameBytes::unreadable}));
}

// -0.0 and +0.0 are one value in a float tensor (a fuse that writes -0.0 changed nothing);
// the same bits in an integer tensor, or a non-zero that differs only in sign, are a change.
TEST(ByteCompare, a_signed_zero_is_the_same_value_in_a_float_tensor) {
  testing::ScratchDir dir("compare_zero");
  auto make_one = [&](const std::string& name, const std::string& sign) {
    std::string recipe_path = dir.path() + "/" + name + ".yaml", error;
    std::ofstream(recipe_path) << "files:\n  model.safetensors:\n    tensors:\n"
                                  "      - {name: f32, dtype: F32, shape: [8]}\n"
                                  "      - {name: bf16, dtype: BF16, shape: [8]}\n"
                                  "      - {name: i32, dtype: I32, shape: [8]}\n"
                                  "      - {name: one, dtype: F32, shape: [8]}\n"
                                  "    values:\n"
                                  "      - {tensor: f32, index: 3, hex: \"000000" + sign + "\"}\n"
                                  "      - {tensor: bf16, index: 7, hex: \"00" + sign + "\"}\n"
                                  "      - {tensor: i32, index: 1, hex: \"000000" + sign + "\"}\n"
                                  "      - {tensor: one, index: 0, hex: \"0000" + (sign == "80" ? std::string("80bf") : std::string("803f")) + "\"}\n";
    auto recipe = fixtures::read_recipe(recipe_path, error);
    EXPECT_TRUE(recipe) << error;
    EXPECT_TRUE(fixtures::materialize(*recipe, dir.path() + "/" + name, error)) << error;
    Checkpoint ck;
    EXPECT_TRUE(load_checkpoint(dir.path() + "/" + name, ck, error)) << error;
    return ck;
  };
  Checkpoint plus = make_one("plus", "00"), minus = make_one("minus", "80");
  std::vector<TensorPair> pairs;
  for (const char* t : {"f32", "bf16", "i32", "one"}) pairs.push_back({&plus, plus.find(t), &minus, minus.find(t)});
  const std::vector<SameBytes> expected = {SameBytes::same, SameBytes::same, SameBytes::different, SameBytes::different};
  FilePool files;
  for (std::size_t chunk : {std::size_t{2}, std::size_t{4}, std::size_t{4096}}) EXPECT_EQ(compare_bytes(pairs, files, chunk), expected) << chunk;
}

}  // namespace
}  // namespace ckptlint
