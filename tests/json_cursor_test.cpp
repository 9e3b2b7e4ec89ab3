// SPDX-License-Identifier: Apache-2.0
// The pull cursor (json/json_cursor.h): it reads what the tree reader reads, whatever the
// window cuts through (a string, an escape, a number, a literal), says where it failed, and
// tells a document cut short (a prefix) from a malformed one.
#include <gtest/gtest.h>

#include <algorithm>

#include "json/json_cursor.h"
#include "json/json_stream.h"

namespace ckptlint {
namespace {

// A reader over `text` handing out at most `step` bytes per call.
JsonCursor::Reader over(const std::string& text, std::size_t step) {
  auto at = std::make_shared<std::size_t>(0);
  return [&text, at, step](char* out, std::size_t max) {
    std::size_t n = std::min({step, max, text.size() - *at});
    std::copy_n(text.data() + *at, n, out);
    *at += n;
    return n;
  };
}

JsonCursor::Limits window(std::size_t bytes) {
  JsonCursor::Limits l;
  l.window = bytes;
  return l;
}

// The document as the tree reader renders it: every member's value, briefly and in full.
std::string render(const JValue& v) {
  switch (v.kind) {
    case JValue::Kind::object: {
      std::string out = "{";
      for (const auto& m : v.members) out += m.first + ":" + render(m.second) + ",";
      return out + "}";
    }
    case JValue::Kind::array: {
      std::string out = "[";
      for (const auto& i : v.items) out += render(i) + ",";
      return out + "]";
    }
    case JValue::Kind::string: return "\"" + v.text + "\"";
    default: return v.brief();
  }
}

std::string by_tree(const std::string& text) {
  std::string out;
  auto r = stream_object_members(text, [&](std::string&& k, JValue&& v) { out += k + ":" + render(v) + ","; });
  EXPECT_EQ(r.status, JsonStreamResult::Status::ok);
  return out;
}

std::string by_cursor(const std::string& text, std::size_t step, std::size_t window_bytes) {
  JsonCursor c(over(text, step), window(window_bytes));
  std::string out, key;
  EXPECT_TRUE(c.enter_object());
  while (c.next_member(&key)) {
    JValue v;
    EXPECT_TRUE(c.read(v)) << c.error().error << " at " << c.error().error_offset;
    out += key + ":" + render(v) + ",";
  }
  EXPECT_FALSE(c.failed()) << c.error().error << " at " << c.error().error_offset;
  EXPECT_TRUE(c.at_end());
  return out;
}

const std::string kDocument =
    R"({"version": "1.0", "added_tokens": [{"id": 106, "content": "<turn|>", "special": true},)"
    R"( {"id": 50, "content": "<|tool_response>", "special": false}], "escaped": "a\"b\\c\u00e9\ud83d\ude00\n",)"
    R"( "numbers": [0, -1, 18446744073709551615, 18446744073709551616, 1.5e-3, -0], "literals": [true, false, null],)"
    R"( "model": {"type": "BPE", "vocab": {"<pad>": 0, "<eos>": 1, "▁the": 262143}, "merges": [["a", "b"]]}})";

TEST(JsonCursor, reads_what_the_tree_reader_reads_whatever_the_window_cuts) {
  const std::string expected = by_tree(kDocument);
  for (std::size_t step : {1, 2, 3, 7, 64, 4096}) {
    for (std::size_t w : {1, 5, 16, 4096}) EXPECT_EQ(by_cursor(kDocument, step, w), expected) << step << "/" << w;
  }
}

TEST(JsonCursor, skips_and_counts_without_keeping) {
  JsonCursor c(over(kDocument, 5), window(8));
  ASSERT_TRUE(c.enter_object());
  std::string key;
  std::uint64_t entries = 0, max_id = 0;
  while (c.next_member(&key)) {
    if (key != "model") {
      ASSERT_TRUE(c.skip());
      continue;
    }
    ASSERT_TRUE(c.enter_object());
    while (c.next_member(&key)) {
      if (key != "vocab") {
        ASSERT_TRUE(c.skip());
        continue;
      }
      ASSERT_TRUE(c.enter_object());
      while (c.next_member(nullptr)) {
        std::uint64_t id = 0;
        ASSERT_TRUE(c.read_unsigned(id));
        ++entries;
        max_id = std::max(max_id, id);
      }
    }
  }
  EXPECT_FALSE(c.failed());
  EXPECT_EQ(entries, 3u);
  EXPECT_EQ(max_id, 262143u);
}

TEST(JsonCursor, a_value_of_another_type_is_not_an_unsigned_and_not_an_error) {
  std::string text = R"({"a": "1", "b": -1, "c": [1], "d": 7})";
  JsonCursor c(over(text, 3));
  ASSERT_TRUE(c.enter_object());
  std::vector<bool> got;
  std::uint64_t v = 0;
  while (c.next_member(nullptr)) got.push_back(c.read_unsigned(v));
  EXPECT_FALSE(c.failed());
  EXPECT_EQ(got, (std::vector<bool>{false, false, false, true}));
  EXPECT_EQ(v, 7u);
}

TEST(JsonCursor, a_prefix_is_truncated_not_malformed) {
  for (std::size_t cut = 1; cut < kDocument.size(); cut += 13) {
    std::string prefix = kDocument.substr(0, cut);
    JsonCursor c(over(prefix, 4), window(16));
    c.skip();
    EXPECT_TRUE(c.failed()) << cut;
    EXPECT_TRUE(c.truncated()) << cut << ": " << c.error().error;
  }
}

TEST(JsonCursor, malformed_input_fails_at_its_byte) {
  struct Case {
    std::string text;
    std::uint64_t offset;
    std::string error;
  };
  const std::vector<Case> cases = {
      {R"({"a": 1,})", 8, "expected a string"},
      {R"({"a" 1})", 5, "expected ':' after an object key"},
      {R"({"a": [1 2]})", 9, "expected ',' or ']'"},
      {R"({"a": tru})", 6, "invalid literal"},
      {"{\"a\": \"x\x01\"}", 8, "control character in a string"},
      {R"({"a": "\q"})", 8, "invalid escape"},
      {R"({"a": 01})", 7, "expected ',' or '}'"},
      {R"({"a": 1} x)", 9, "content after the closing brace"},
  };
  for (const Case& k : cases) {
    JsonCursor c(over(k.text, 2), window(3));
    if (c.skip()) c.at_end();
    ASSERT_TRUE(c.failed()) << k.text;
    EXPECT_FALSE(c.truncated()) << k.text;
    EXPECT_EQ(c.error().error, k.error) << k.text;
    EXPECT_EQ(c.error().error_offset, k.offset) << k.text;
  }
}

TEST(JsonCursor, depth_and_token_size_are_bounded) {
  std::string deep = std::string(100, '[') + std::string(100, ']');
  JsonCursor c(over(deep, 4096));
  EXPECT_FALSE(c.skip());
  EXPECT_EQ(c.error().status, JsonStreamResult::Status::too_deep);

  std::string long_string = "{\"a\": \"" + std::string(5000, 'x') + "\"}";
  JsonCursor::Limits l;
  l.window = 64;
  l.max_token_bytes = 1000;
  JsonCursor d(over(long_string, 4096), l);
  EXPECT_FALSE(d.skip());
  EXPECT_FALSE(d.truncated());
  EXPECT_NE(d.error().error.find("longer than 1000 bytes"), std::string::npos);
}

TEST(JsonCursor, reads_a_large_document_through_a_small_window) {
  std::string text = "{\"vocab\": {";
  for (int i = 0; i < 100000; ++i) text += (i ? "," : "") + std::string("\"tok") + std::to_string(i) + "\": " + std::to_string(i);
  text += "}}";
  JsonCursor c(over(text, 1 << 20), window(4096));
  ASSERT_TRUE(c.enter_object());
  ASSERT_TRUE(c.next_member(nullptr));
  ASSERT_TRUE(c.enter_object());
  std::uint64_t n = 0, id = 0;
  while (c.next_member(nullptr)) n += c.read_unsigned(id) ? 1 : 0;
  EXPECT_EQ(n, 100000u);
  EXPECT_EQ(id, 99999u);
  EXPECT_FALSE(c.next_member(nullptr));
  EXPECT_TRUE(c.at_end());
  EXPECT_EQ(c.bytes_read(), text.size());
}

}  // namespace
}  // namespace ckptlint
