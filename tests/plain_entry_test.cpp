// SPDX-License-Identifier: Apache-2.0
// The fast path for tensor entries (checkpoint/plain_entry.h): what it takes, what it
// declines, and that an entry gives the same tensors and problems whichever path read it.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "checkpoint/byte_source.h"
#include "checkpoint/plain_entry.h"
#include "checkpoint/safetensors_header.h"

namespace ckptlint {
namespace {

std::size_t scan(std::string_view text, PlainEntry& e) { return scan_plain_entry(text, 4096, e); }

TEST(PlainEntry, takes_the_three_fields_in_any_order_with_any_json_space) {
  PlainEntry e;
  std::string text = R"({"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}, "next": 1)";
  std::size_t used = scan(text, e);
  EXPECT_EQ(used, text.find('}') + 1);
  EXPECT_EQ(e.dtype, "BF16");
  EXPECT_EQ(e.shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(e.data_begin, 0u);
  EXPECT_EQ(e.data_end, 12u);

  PlainEntry f;
  std::string spaced = "{ \"data_offsets\" :\n[ 7 ,\t18446744073709551615 ] ,\r\"shape\": [ ] , \"dtype\" : \"U8\" }";
  EXPECT_EQ(scan(spaced, f), spaced.size());
  EXPECT_TRUE(f.shape.empty());
  EXPECT_EQ(f.data_begin, 7u);
  EXPECT_EQ(f.data_end, UINT64_MAX);
  EXPECT_EQ(f.dtype, "U8");
}

TEST(PlainEntry, declines_every_other_shape_for_the_general_parser) {
  const std::vector<std::string> declined = {
      R"({"dtype":"B\u004616","shape":[2],"data_offsets":[0,4]})",     // an escape
      R"({"dtype":"BF16","shape":[2],"data_offsets":[0,4],"x":1})",    // a fourth field
      R"({"dtype":"BF16","dtype":"F32","shape":[2],"data_offsets":[0,4]})",  // a repeated one
      R"({"dtype":"BF16","shape":[2]})",                               // a missing one
      R"({"dtype":"BF16","shape":[-2],"data_offsets":[0,4]})",         // a sign
      R"({"dtype":"BF16","shape":[2.0],"data_offsets":[0,4]})",        // a fraction
      R"({"dtype":"BF16","shape":[2e0],"data_offsets":[0,4]})",        // an exponent
      R"({"dtype":"BF16","shape":[02],"data_offsets":[0,4]})",         // a leading zero
      R"({"dtype":"BF16","shape":[18446744073709551616],"data_offsets":[0,4]})",  // 2^64
      R"({"dtype":"BF16","shape":[[2]],"data_offsets":[0,4]})",        // nesting
      R"({"dtype":"BF16","shape":[2,],"data_offsets":[0,4]})",         // a trailing comma
      R"({"dtype":"BF16","shape":[2],"data_offsets":[0]})",            // one offset
      R"({"dtype":"BF16","shape":[2],"data_offsets":[0,4,8]})",        // three
      R"({"dtype":"BF16","shape":[2],"data_offsets":[0,4])",           // no closing brace
      R"({"dtype":16,"shape":[2],"data_offsets":[0,4]})",              // a number for the dtype
      "{\"dtype\":\"BF\t16\",\"shape\":[2],\"data_offsets\":[0,4]}",   // a control character
      R"(["dtype","shape"])",                                          // not an object
  };
  for (const std::string& text : declined) {
    PlainEntry e;
    EXPECT_EQ(scan(text, e), 0u) << text;
  }
  PlainEntry e;
  std::string dims = "[" + std::string(4096 * 2 - 1, ',') + "]";
  for (std::size_t i = 1; i < dims.size(); i += 2) dims[i] = '1';
  std::string at_cap = fmt::format(R"({{"dtype":"U8","shape":{},"data_offsets":[0,1]}})", dims);
  EXPECT_EQ(scan(at_cap, e), at_cap.size());
  std::string past_cap = fmt::format(R"({{"dtype":"U8","shape":[1,{}],"data_offsets":[0,1]}})", dims.substr(1));
  PlainEntry g;
  EXPECT_EQ(scan(past_cap, g), 0u);
}

// `pad` spaces after the entry give both spellings the same header length, so that absolute
// offsets in the problems compare equal.
std::string file_with_entry(const std::string& entry, std::size_t pad, std::size_t data_size) {
  std::string header = R"({"t":)" + entry + std::string(pad, ' ') + "}";
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  return out + header + std::string(data_size, '\0');
}

std::string describe(const Shard& shard, const std::vector<LoadProblem>& problems) {
  std::string out;
  for (const TensorInfo& t : shard.tensors) {
    out += fmt::format("tensor {} {} [{}] {}..{}\n", t.name, static_cast<int>(t.dtype), fmt::join(t.shape, ","),
                       t.data_begin, t.data_end);
  }
  for (const LoadProblem& p : problems) {
    out += fmt::format("problem {} {} {}", static_cast<int>(p.code), p.location.tensor, p.location.byte_offset.value_or(0));
    for (const auto& [k, v] : p.facts) out += fmt::format(" {}={}", k, v);
    out += "\n";
  }
  return out;
}

// The same entry with its dtype's first letter escaped (\u00XX) goes through the general
// parser and means the same JSON: both reads must agree exactly, problems included.
TEST(PlainEntry, both_paths_give_the_same_tensors_and_problems) {
  struct Case {
    std::string dtype, shape, offsets;
    std::size_t data_size;
  };
  const std::vector<Case> cases = {
      {"BF16", "[2,3]", "[0,12]", 12},              // clean
      {"BF61", "[2]", "[0,4]", 4},                   // unknown dtype, with a suggestion
      {"F32", "[2]", "[8,0]", 8},                    // reversed offsets
      {"F32", "[2]", "[0,4]", 4},                    // size mismatch
      {"F32", "[4294967296,4294967296]", "[0,4]", 4},  // element count overflow
      {"F4", "[3]", "[0,2]", 2},                     // sub-byte, misaligned
      {"U8", "[]", "[0,1]", 1},                      // a scalar
      {"U8", "[0,5]", "[0,0]", 0},                   // empty
      {"I64", "[1]", "[0,8]", 4},                    // data truncated
      {"I8", "[2]", "[2,4]", 6},                     // a gap and trailing bytes
  };
  for (const Case& c : cases) {
    const std::string plain = fmt::format(R"({{"shape":{},"dtype":"{}","data_offsets":{}}})", c.shape, c.dtype, c.offsets);
    const std::string escaped = fmt::format(R"({{"shape":{},"dtype":"\u{:04x}{}","data_offsets":{}}})", c.shape,
                                            static_cast<int>(c.dtype[0]), c.dtype.substr(1), c.offsets);
    PlainEntry e;
    ASSERT_GT(scan(plain, e), 0u) << plain;
    ASSERT_EQ(scan(escaped, e), 0u) << escaped;
    std::string results[2];
    for (int i = 0; i < 2; ++i) {
      std::string bytes = file_with_entry(i == 0 ? plain : escaped, i == 0 ? escaped.size() - plain.size() : 0, c.data_size);
      MemorySource source(bytes);
      std::vector<LoadProblem> problems;
      Shard shard = read_safetensors_header("m.safetensors", source, problems);
      results[i] = describe(shard, problems);
    }
    EXPECT_EQ(results[0], results[1]) << plain;
    EXPECT_NE(results[0], "") << plain;  // every case gives a tensor or a problem to compare
  }
}

}  // namespace
}  // namespace ckptlint
