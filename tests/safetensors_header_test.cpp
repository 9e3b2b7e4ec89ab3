// SPDX-License-Identifier: Apache-2.0
// The header reader on in-memory bytes: one test per LoadProblemCode it can raise, plus the
// inputs the reference accepts. The fixture suite covers the same cases from files on disk.
#include <gtest/gtest.h>

#include <algorithm>

#include "checkpoint/byte_source.h"
#include "checkpoint/safetensors_header.h"

namespace ckptlint {
namespace {

std::string file_with_header(const std::string& header, const std::string& data = "") {
  std::string out(8, '\0');
  std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + header + data;
}

struct Parsed {
  Shard shard;
  std::vector<LoadProblem> problems;
  /// Problems other than the opt-in notes about order and alignment.
  bool clean() const {
    return std::all_of(problems.begin(), problems.end(), [](const LoadProblem& p) {
      return p.code == LoadProblemCode::header_unsorted || p.code == LoadProblemCode::data_unaligned;
    });
  }
  bool has(LoadProblemCode code) const {
    return std::any_of(problems.begin(), problems.end(), [&](const LoadProblem& p) { return p.code == code; });
  }
  std::string fact(LoadProblemCode code, const std::string& name) const {
    for (const LoadProblem& p : problems) {
      if (p.code != code) continue;
      for (const auto& [k, v] : p.facts) {
        if (k == name) return v;
      }
    }
    return "<none>";
  }
};

Parsed parse(const std::string& bytes) {
  Parsed p;
  MemorySource source(bytes);
  p.shard = read_safetensors_header("model.safetensors", source, p.problems);
  return p;
}

TEST(SafetensorsHeader, valid_file_has_no_problems) {
  Parsed p = parse(file_with_header(R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                                    std::string(8, '\0')));
  EXPECT_TRUE(p.clean());
  ASSERT_TRUE(p.shard.readable);
  ASSERT_EQ(p.shard.tensors.size(), 1u);
  EXPECT_EQ(p.shard.tensors[0].dtype, DType::F32);
  EXPECT_EQ(p.shard.tensors[0].nbytes(), 8u);
  EXPECT_EQ(p.shard.metadata->at("format"), "pt");
}

TEST(SafetensorsHeader, file_too_small) {
  EXPECT_TRUE(parse("").has(LoadProblemCode::file_too_small));
  EXPECT_TRUE(parse("1234567").has(LoadProblemCode::file_too_small));
}

TEST(SafetensorsHeader, file_is_lfs_pointer) {
  Parsed p = parse("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n");
  EXPECT_TRUE(p.has(LoadProblemCode::file_is_lfs_pointer));
  EXPECT_EQ(p.fact(LoadProblemCode::file_is_lfs_pointer, "size"), "123");
  EXPECT_EQ(p.fact(LoadProblemCode::file_is_lfs_pointer, "oid"), "sha256:abc");
}

TEST(SafetensorsHeader, file_not_safetensors) {
  EXPECT_TRUE(parse(std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10)).has(LoadProblemCode::file_not_safetensors));
  EXPECT_TRUE(parse("<!DOCTYPE html><html>login</html>").has(LoadProblemCode::file_not_safetensors));
}

TEST(SafetensorsHeader, header_too_large_is_checked_before_allocation) {
  std::string bytes(8, '\xff');  // N = 2^64 - 1
  Parsed p = parse(bytes + "{}");
  EXPECT_TRUE(p.has(LoadProblemCode::header_too_large));
  EXPECT_FALSE(p.shard.readable);
}

TEST(SafetensorsHeader, header_exceeds_file) {
  std::string bytes = std::string("\xe8\x03\0\0\0\0\0\0", 8) + "{}";
  Parsed p = parse(bytes);
  ASSERT_TRUE(p.has(LoadProblemCode::header_exceeds_file));
  EXPECT_EQ(p.fact(LoadProblemCode::header_exceeds_file, "header_size"), "1000");
  EXPECT_EQ(p.fact(LoadProblemCode::header_exceeds_file, "available"), "2");
}

TEST(SafetensorsHeader, header_not_utf8_reports_the_byte_offset) {
  Parsed p = parse(file_with_header("{\"\xff\":{}}"));
  ASSERT_TRUE(p.has(LoadProblemCode::header_not_utf8));
  EXPECT_EQ(p.fact(LoadProblemCode::header_not_utf8, "offset"), "10");
}

TEST(SafetensorsHeader, overlong_and_surrogate_utf8_rejected) {
  EXPECT_TRUE(parse(file_with_header("{\"\xc0\xaf\":1}")).has(LoadProblemCode::header_not_utf8));
  EXPECT_TRUE(parse(file_with_header("{\"\xed\xa0\x80\":1}")).has(LoadProblemCode::header_not_utf8));
}

TEST(SafetensorsHeader, header_byte_order_mark) {
  EXPECT_TRUE(parse(file_with_header("\xef\xbb\xbf{}")).has(LoadProblemCode::header_byte_order_mark));
}

TEST(SafetensorsHeader, header_not_json) {
  EXPECT_TRUE(parse(file_with_header("")).has(LoadProblemCode::header_not_json));
  EXPECT_TRUE(parse(file_with_header("{")).has(LoadProblemCode::header_not_json));
  EXPECT_TRUE(parse(file_with_header(R"({"a":NaN})")).has(LoadProblemCode::header_not_json));
  EXPECT_TRUE(parse(file_with_header("{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}"))
                  .has(LoadProblemCode::header_not_json));
}

TEST(SafetensorsHeader, header_root_not_object) {
  Parsed p = parse(file_with_header("[]"));
  ASSERT_TRUE(p.has(LoadProblemCode::header_root_not_object));
  EXPECT_EQ(p.fact(LoadProblemCode::header_root_not_object, "json_type"), "array");
  EXPECT_TRUE(parse(file_with_header("42")).has(LoadProblemCode::header_root_not_object));
}

TEST(SafetensorsHeader, header_trailing_bytes_after_nul_and_garbage) {
  EXPECT_TRUE(parse(file_with_header(std::string("{}\0\0\0\0", 6))).has(LoadProblemCode::header_trailing_bytes));
  EXPECT_TRUE(parse(file_with_header("{} x")).has(LoadProblemCode::header_trailing_bytes));
  EXPECT_FALSE(parse(file_with_header("{}  \t\r\n")).has(LoadProblemCode::header_trailing_bytes));
}

TEST(SafetensorsHeader, header_leading_whitespace) {
  Parsed p = parse(file_with_header("\t\n{}"));
  EXPECT_TRUE(p.has(LoadProblemCode::header_leading_whitespace));
  EXPECT_TRUE(p.shard.readable);
}

TEST(SafetensorsHeader, metadata_not_string_map) {
  EXPECT_TRUE(parse(file_with_header(R"({"__metadata__":{"format":1}})")).has(LoadProblemCode::metadata_not_string_map));
  EXPECT_TRUE(parse(file_with_header(R"({"__metadata__":"pt"})")).has(LoadProblemCode::metadata_not_string_map));
}

TEST(SafetensorsHeader, tensor_duplicate_keeps_both_definitions) {
  Parsed p = parse(file_with_header(
      R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
      std::string(4, '\0')));
  ASSERT_TRUE(p.has(LoadProblemCode::tensor_duplicate));
  EXPECT_EQ(p.shard.tensors.size(), 2u);
  EXPECT_NE(p.fact(LoadProblemCode::tensor_duplicate, "first").find("U8"), std::string::npos);
  EXPECT_NE(p.fact(LoadProblemCode::tensor_duplicate, "second").find("F32"), std::string::npos);
  EXPECT_FALSE(p.has(LoadProblemCode::offsets_overlap));  // the duplicate is the root cause
}

TEST(SafetensorsHeader, tensor_field_duplicate) {
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"U8","dtype":"F32","shape":[4],"data_offsets":[0,4]}})",
                                     std::string(4, '\0')))
                  .has(LoadProblemCode::tensor_field_duplicate));
}

TEST(SafetensorsHeader, tensor_entry_malformed) {
  EXPECT_TRUE(parse(file_with_header(R"({"a":[1]})")).has(LoadProblemCode::tensor_entry_malformed));
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"shape":[1],"data_offsets":[0,1]}})")).has(LoadProblemCode::tensor_entry_malformed));
}

TEST(SafetensorsHeader, tensor_unknown_field) {
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"quant":"q4"}})", "x"))
                  .has(LoadProblemCode::tensor_unknown_field));
}

TEST(SafetensorsHeader, tensor_name_suspicious) {
  EXPECT_TRUE(parse(file_with_header(R"({"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", "x"))
                  .has(LoadProblemCode::tensor_name_suspicious));
}

TEST(SafetensorsHeader, tensor_name_case_collision) {
  auto parsed = parse(file_with_header(R"({"A":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})", "xy"));
  EXPECT_TRUE(parsed.has(LoadProblemCode::tensor_name_case_collision));
  EXPECT_FALSE(parsed.has(LoadProblemCode::tensor_name_suspicious));
}

// Entries that do not become tensors keep their names and places: the name checks, the tensor
// count and the index's "declared by the shard" see every key in header order.
TEST(SafetensorsHeader, other_entries_keep_their_place_among_all_names) {
  auto parsed = parse(file_with_header(
      R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"B":{"dtype":"U8","shape":[-1],"data_offsets":[1,2]},)"
      R"("__metadata__":{},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"c":{"dtype":"U8","shape":[1],"data_offsets":[2,3]},"X":7})",
      "xyz"));
  ASSERT_EQ(parsed.shard.tensors.size(), 3u);
  EXPECT_EQ(parsed.shard.other_entries, (std::vector<std::pair<std::size_t, std::string>>{{1, "B"}, {4, "X"}}));
  EXPECT_EQ(parsed.shard.entry_count(), 5u);
  std::string order;
  parsed.shard.for_each_entry_name([&](std::size_t pos, const std::string& name) { order += std::to_string(pos) + name; });
  EXPECT_EQ(order, "0a1B2b3c4X");
  // The malformed "B" is the first spelling of its class: the finding names "b" beside it.
  EXPECT_EQ(parsed.fact(LoadProblemCode::tensor_name_case_collision, "other"), "B");
}

TEST(SafetensorsHeader, metadata_null_is_no_metadata) {
  auto parsed = parse(file_with_header(R"({"__metadata__":null,"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", "x"));
  EXPECT_TRUE(parsed.has(LoadProblemCode::metadata_null));
  EXPECT_FALSE(parsed.has(LoadProblemCode::metadata_not_string_map));
}

TEST(SafetensorsHeader, dtype_unknown_suggests_the_nearest_name) {
  Parsed p = parse(file_with_header(R"({"a":{"dtype":"F8_E4M3FN","shape":[1],"data_offsets":[0,1]}})", "x"));
  ASSERT_TRUE(p.has(LoadProblemCode::dtype_unknown));
  EXPECT_EQ(p.fact(LoadProblemCode::dtype_unknown, "suggestion"), "F8_E4M3");
  EXPECT_EQ(parse(file_with_header(R"({"a":{"dtype":"bf16","shape":[1],"data_offsets":[0,2]}})", "xx"))
                .fact(LoadProblemCode::dtype_unknown, "suggestion"),
            "BF16");
}

TEST(SafetensorsHeader, every_dtype_name_round_trips) {
  for (int i = 0; i < dtype_count; ++i) {
    auto d = static_cast<DType>(i);
    EXPECT_EQ(dtype_from_string(to_string(d)), d);
  }
  EXPECT_FALSE(dtype_from_string("f32"));
  EXPECT_FALSE(dtype_from_string("E8M0"));
}

TEST(SafetensorsHeader, shape_malformed_never_coerces) {
  for (const char* dim : {"-1", "1.0", "1.9", "\"1\"", "18446744073709551616"}) {
    SCOPED_TRACE(dim);
    std::string h = std::string(R"({"a":{"dtype":"F32","shape":[)") + dim + R"(],"data_offsets":[0,4]}})";
    EXPECT_TRUE(parse(file_with_header(h, "abcd")).has(LoadProblemCode::shape_malformed));
  }
}

TEST(SafetensorsHeader, offsets_malformed_and_reversed) {
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})", "abcd"))
                  .has(LoadProblemCode::offsets_malformed));
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"F32","shape":[1]}})")).has(LoadProblemCode::offsets_malformed));
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", "abcd"))
                  .has(LoadProblemCode::offsets_reversed));
}

TEST(SafetensorsHeader, shape_overflow_uses_checked_arithmetic) {
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", "abcd"))
                  .has(LoadProblemCode::shape_overflow));
  // 2^62 elements of F32 overflow in the bit count, not in the element count.
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}})", "abcd"))
                  .has(LoadProblemCode::shape_overflow));
}

TEST(SafetensorsHeader, subbyte_misaligned) {
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}})", "ab"))
                  .has(LoadProblemCode::subbyte_misaligned));
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"F4","shape":[1,2],"data_offsets":[0,1]}})", "a")).clean());
}

TEST(SafetensorsHeader, size_mismatch) {
  Parsed p = parse(file_with_header(R"({"a":{"dtype":"I32","shape":[2,2],"data_offsets":[0,4]}})", "abcd"));
  ASSERT_TRUE(p.has(LoadProblemCode::size_mismatch));
  EXPECT_EQ(p.fact(LoadProblemCode::size_mismatch, "expected_bytes"), "16");
}

TEST(SafetensorsHeader, offsets_gap_and_overlap) {
  EXPECT_TRUE(parse(file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", "abcdefgh"))
                  .has(LoadProblemCode::offsets_gap));
  Parsed p = parse(file_with_header(
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
      std::string(12, 'x')));
  ASSERT_TRUE(p.has(LoadProblemCode::offsets_overlap));
  EXPECT_EQ(p.fact(LoadProblemCode::offsets_overlap, "other"), "a");
  EXPECT_EQ(p.fact(LoadProblemCode::offsets_overlap, "overlap"), "4");
}

TEST(SafetensorsHeader, zero_size_shared_offset_and_legal_empty_tensors) {
  EXPECT_TRUE(parse(file_with_header(
                        R"({"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"r":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                        "abcd"))
                  .has(LoadProblemCode::zero_size_shared_offset));
  EXPECT_TRUE(parse(file_with_header(
                        R"({"r":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":{"dtype":"F32","shape":[2,0],"data_offsets":[4,4]}})",
                        "abcd"))
                  .clean());
}

TEST(SafetensorsHeader, data_truncated_and_trailing_bytes) {
  const std::string h = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  Parsed shorter = parse(file_with_header(h, "abcdef"));
  ASSERT_TRUE(shorter.has(LoadProblemCode::data_truncated));
  EXPECT_EQ(shorter.fact(LoadProblemCode::data_truncated, "missing"), "2");
  Parsed longer = parse(file_with_header(h, std::string("abcdefgh") + "PK\x03\x04junk"));
  ASSERT_TRUE(longer.has(LoadProblemCode::trailing_bytes));
  EXPECT_NE(longer.fact(LoadProblemCode::trailing_bytes, "what").find("zip"), std::string::npos);
}

TEST(SafetensorsHeader, header_unsorted_and_data_unaligned) {
  Parsed p = parse(file_with_header(
      R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
      "abcdefgh"));
  EXPECT_TRUE(p.has(LoadProblemCode::header_unsorted));
  EXPECT_TRUE(p.has(LoadProblemCode::data_unaligned));  // 8 + header length is odd here
}

TEST(SafetensorsHeader, header_at_mlx_limit) {
  std::string header = "{}" + std::string(kMaxHeaderSize - 2, ' ');
  Parsed p = parse(file_with_header(header));
  EXPECT_TRUE(p.has(LoadProblemCode::header_at_mlx_limit));
  EXPECT_TRUE(p.shard.readable);
}

TEST(SafetensorsHeader, never_reads_past_a_short_source) {
  // Every prefix of a valid file: a finding or a clean parse, never a crash.
  std::string full = file_with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", "abcdefgh");
  for (std::size_t n = 0; n < full.size(); ++n) {
    Parsed p = parse(full.substr(0, n));
    EXPECT_FALSE(p.problems.empty()) << "prefix of " << n << " bytes";
  }
}

}  // namespace
}  // namespace ckptlint
