// SPDX-License-Identifier: Apache-2.0
// The pull cursor (json/json_cursor.h): it reads what the tree reader reads, whatever the
// window cuts through (a string, an escape, a number, a literal), says where it failed, and
// tells a document cut short (a prefix) from a malformed one.
#include <gtest/gtest.h>

#include <algorithm>

#include "json/json_cursor.h"
#include "json/json_skim.h"
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

namespace ckptlint {
namespace {

// count_members (the block skim of json_skim.h, and the lexer where it stops) against the
// general path, on objects of every shape the skim must accept or leave to the lexer:
// numbers of 1 to 20 digits, zeros, fractions, escapes, multi-byte keys, compact and
// pretty spacing, members cut by every window size.
TEST(JsonSkim, counts_what_the_general_path_counts) {
  std::uint64_t seed = 12345;
  auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
  for (int round = 0; round < 200; ++round) {
    std::string text = "{";
    const int n = static_cast<int>(next() % 400);
    const bool pretty = next() % 2 == 0;
    for (int i = 0; i < n; ++i) {
      text += i ? "," : "";
      text += pretty ? "\n      " : (next() % 5 == 0 ? " " : "");
      std::string key = "k" + std::to_string(i);
      switch (next() % 12) {
        case 0: key += "\\\"q"; break;
        case 1: key += "\xe2\x96\x81"; break;
        case 2: key += ":,{}[] 123"; break;
        default: break;
      }
      text += "\"" + key + "\"" + (pretty ? ": " : ":");
      switch (next() % 20) {
        case 0: text += "0"; break;
        case 1: text += "1.5"; break;
        case 2: text += "12345678901234567890"; break;  // beyond 64 bits
        case 3: text += std::to_string(next() % 1000000000000000000ull); break;
        case 4: text += "\"str\""; break;
        default: text += std::to_string(next() % (1u << (next() % 31))); break;
      }
    }
    text += pretty ? "\n}" : "}";
    // The general path: every member read as a value.
    std::uint64_t want_members = 0, want_max = 0, want_others = 0;
    {
      JsonCursor c(over(text, 1 << 20));
      ASSERT_TRUE(c.enter_object());
      while (c.next_member(nullptr)) {
        std::uint64_t v = 0;
        ++want_members;
        if (c.read_unsigned(v)) want_max = std::max(want_max, v);
        else ++want_others;
      }
      ASSERT_FALSE(c.failed()) << c.error().error;
    }
    for (std::size_t w : {64, 100, 4096}) {
      JsonCursor c(over(text, 1 << 20), window(w));
      std::uint64_t members = 0, max = 0, others = 0;
      ASSERT_TRUE(c.count_members(members, max, others)) << c.error().error << " at " << c.error().error_offset << "\n" << text;
      EXPECT_EQ(members, want_members) << round << "/" << w;
      EXPECT_EQ(max, want_max) << round << "/" << w;
      EXPECT_EQ(others, want_others) << round << "/" << w;
      EXPECT_TRUE(c.at_end());
    }
  }
}

TEST(JsonSkim, malformed_objects_fail_where_the_lexer_fails) {
  // Each breaks the `"key": digits` shape somewhere in the middle of a long run.
  std::string body;
  for (int i = 0; i < 200; ++i) body += (i ? ",\n  \"k" : "\n  \"k") + std::to_string(i) + "\": " + std::to_string(i);
  const std::vector<std::pair<std::string, std::string>> breaks = {
      {"\"x\" 1", "expected ':' after an object key"}, {"\"x\": 01", "expected ',' or '}'"}, {"\"x\":: 1", "invalid number"},
      {"\"x\": 1 2", "expected ',' or '}'"},            {"\"x\"\x01: 1", "expected ':' after an object key"},
      {"\"x\x01\": 1", "control character in a string"}, {"\"x\": 1,,", "expected a string"}, {"x: 1", "expected a string"},
  };
  for (const auto& [bad, error] : breaks) {
    std::string text = "{" + body + ",\n  " + bad + ",\n  " + body.substr(1) + "\n}";
    JsonCursor c(over(text, 1 << 20), window(4096));
    std::uint64_t members = 0, max = 0, others = 0;
    EXPECT_FALSE(c.count_members(members, max, others)) << bad;
    EXPECT_EQ(c.error().error, error) << bad;
    // The general path fails at the same byte.
    JsonCursor general(over(text, 1 << 20));
    general.skip();
    EXPECT_EQ(c.error().error_offset, general.error().error_offset) << bad;
    EXPECT_EQ(general.error().error, error) << bad;
  }
}

TEST(JsonSkim, the_fast_classifier_agrees_with_the_portable_one) {
  std::uint64_t seed = 99;
  unsigned char block[64];
  for (int round = 0; round < 20000; ++round) {
    for (unsigned char& c : block) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      // Mostly the bytes that matter, and every other byte value too.
      static const char kBytes[] = "\"\\ \n\t\r:,0123456789}a\x01\x1f\x7f\x80\xff";
      c = (seed >> 33) % 4 == 0 ? static_cast<unsigned char>(seed >> 40) : static_cast<unsigned char>(kBytes[(seed >> 40) % (sizeof(kBytes) - 1)]);
    }
    json_skim::BlockMasks a = json_skim::classify(block), b = json_skim::classify_portable(block);
    ASSERT_EQ(a.quote, b.quote);
    ASSERT_EQ(a.backslash, b.backslash);
    ASSERT_EQ(a.space, b.space);
    ASSERT_EQ(a.colon, b.colon);
    ASSERT_EQ(a.comma, b.comma);
    ASSERT_EQ(a.digit, b.digit);
    ASSERT_EQ(a.control, b.control);
  }
}

TEST(JsonSkim, takes_whole_blocks_of_plain_members_and_stops_at_the_last_value) {
  std::string text = "\"k0\": 7";
  for (int i = 1; i < 10000; ++i) text += ",\n      \"\xe2\x96\x81k" + std::to_string(i) + "\": " + std::to_string(i * 37);
  text += "\n}";
  const auto* q = reinterpret_cast<const unsigned char*>(text.data()) + text.find('7') + 1;
  std::uint64_t members = 0, max = 0;
  const unsigned char* resume = json_skim::plain_members(q, reinterpret_cast<const unsigned char*>(text.data()) + text.size(), members, max);
  // It stops at the block holding the closing brace, just after a value it counted.
  EXPECT_GT(members, 9990u);
  EXPECT_LT(members, 10000u);
  EXPECT_EQ(max, members * 37);
  EXPECT_TRUE(resume[-1] >= '0' && resume[-1] <= '9');
  EXPECT_EQ(*resume, ',');
}

}  // namespace
}  // namespace ckptlint
