// SPDX-License-Identifier: Apache-2.0
// Edits `ckptlint fix` makes to JSON files: one value changed, inserted or removed, and every
// other byte (order, indentation, number spelling, the final newline) as it was.
#include <gtest/gtest.h>

#include "json/json_edit.h"

namespace ckptlint {
namespace {

std::string edit(const std::string& text, std::vector<JsonEdit> edits) {
  std::string error;
  auto out = apply_json_edits(text, edits, error);
  EXPECT_TRUE(out) << error;
  return out.value_or("");
}

JsonEdit set(std::vector<std::string> path, std::string value) { return {JsonEdit::Op::set, std::move(path), std::move(value)}; }
JsonEdit remove(std::vector<std::string> path) { return {JsonEdit::Op::remove, std::move(path), ""}; }

const std::string kConfig = R"({
    "model_type": "gemma4",
    "quantization": {
        "group_size": 64,
        "bits": 8
    },
    "eos_token_id": [1, 106],
    "scale": 2.0e0
}
)";

TEST(JsonEdit, a_changed_value_keeps_every_other_byte) {
  EXPECT_EQ(edit(kConfig, {set({"quantization", "bits"}, "4")}),
            R"({
    "model_type": "gemma4",
    "quantization": {
        "group_size": 64,
        "bits": 4
    },
    "eos_token_id": [1, 106],
    "scale": 2.0e0
}
)");
  EXPECT_EQ(edit(kConfig, {set({"eos_token_id", "1"}, "50")}).find("[1, 50]"), kConfig.find("[1, 106]"));
}

TEST(JsonEdit, an_inserted_member_follows_the_objects_style) {
  std::string out = edit(kConfig, {set({"quantization", "language_model.model.layers.0.mlp.up_proj"}, "false")});
  EXPECT_EQ(out, R"({
    "model_type": "gemma4",
    "quantization": {
        "group_size": 64,
        "bits": 8,
        "language_model.model.layers.0.mlp.up_proj": false
    },
    "eos_token_id": [1, 106],
    "scale": 2.0e0
}
)");
  // Compact files stay compact; an empty object gets a member on its own line.
  EXPECT_EQ(edit(R"({"a":1})", {set({"b"}, "2")}), "{\"a\":1,\"b\":2}");
  EXPECT_EQ(edit("{\n  \"q\": {}\n}\n", {set({"q", "x"}, "true")}), "{\n  \"q\": {\n    \"x\": true\n  }\n}\n");
}

TEST(JsonEdit, a_removed_member_takes_its_comma) {
  EXPECT_EQ(edit(kConfig, {remove({"eos_token_id"})}).find("eos_token_id"), std::string::npos);
  std::string out = edit(kConfig, {remove({"quantization"})});
  EXPECT_EQ(out, "{\n    \"model_type\": \"gemma4\",\n    \"eos_token_id\": [1, 106],\n    \"scale\": 2.0e0\n}\n");
  EXPECT_EQ(edit(R"({"a": 1, "b": 2})", {remove({"a"})}), R"({"b": 2})");
  EXPECT_EQ(edit(R"({"a": 1})", {remove({"a"})}), "{}");
  EXPECT_EQ(edit(kConfig, {remove({"not_there"})}), kConfig);
}

TEST(JsonEdit, keys_are_compared_decoded_and_paths_must_exist) {
  EXPECT_EQ(edit(R"({"a\u002fb": 1})", {set({"a/b"}, "2")}), R"({"a\u002fb": 2})");
  std::string error;
  EXPECT_FALSE(apply_json_edits(kConfig, {set({"missing", "x"}, "1")}, error));
  EXPECT_FALSE(apply_json_edits("{not json", {set({"x"}, "1")}, error));
  EXPECT_EQ(json_value_text(kConfig, {"quantization", "group_size"}), "64");
  EXPECT_EQ(json_value_text(kConfig, {"eos_token_id"}), "[1, 106]");
  EXPECT_FALSE(json_value_text(kConfig, {"nope"}));
}

}  // namespace
}  // namespace ckptlint
