// SPDX-License-Identifier: Apache-2.0
#include "lang/expr.h"

#include <gtest/gtest.h>

namespace ckptlint {
namespace {

using json = nlohmann::json;

json eval(const std::string& text, const json& config = json::object(),
          std::vector<std::pair<std::string, json>> vars = {}) {
  std::string error;
  int column = 0;
  auto e = Expr::parse(text, error, column);
  EXPECT_TRUE(e) << text << ": " << error;
  if (!e) return nullptr;
  Scope scope;
  scope.config = &config;
  scope.vars = std::move(vars);
  return e->eval(scope);
}

int parse_error_column(const std::string& text) {
  std::string error;
  int column = -1;
  EXPECT_FALSE(Expr::parse(text, error, column)) << text;
  return column;
}

const json kConfig = json::parse(R"({"text_config": {"num_hidden_layers": 42, "num_kv_shared_layers": 18,
  "layer_types": ["sliding_attention", "full_attention"], "rms_norm_eps": 1e-6, "hidden_size": 2560},
  "model_type": "gemma4", "quantization": {"bits": 4, "group_size": 64}})");

TEST(Expr, list_and_minus_read_ids_written_either_way) {
  const json ids = json::parse(R"({"eos_token_id": [1, 106, 50], "text_config": {"eos_token_id": 1}})");
  EXPECT_EQ(eval("list(text_config.eos_token_id)", ids), json::parse("[1]"));
  EXPECT_EQ(eval("list(eos_token_id)", ids), json::parse("[1, 106, 50]"));
  EXPECT_TRUE(eval("list(pad_token_id)", ids).is_null());
  EXPECT_EQ(eval("106 in list(eos_token_id)", ids), true);
  EXPECT_EQ(eval("minus([1, 106, 50], list(text_config.eos_token_id))", ids), json::parse("[106, 50]"));
  EXPECT_EQ(eval("len(minus(list(eos_token_id), [50, 1, 106]))", ids), 0);
  EXPECT_TRUE(eval("minus(pad_token_id, [1])", ids).is_null());  // unknown stays unknown
  EXPECT_EQ(eval("type(eos_token_id)", ids), "list");
  EXPECT_EQ(eval("type(text_config)", ids), "object");
  EXPECT_EQ(eval("type(pad_token_id)", ids), "null");
  EXPECT_EQ(eval("type(text_config.eos_token_id)", ids), "number");
}

TEST(Expr, lists_join_and_lookup_reads_an_id_keyed_map) {
  const json ids = json::parse(R"({"eos_token_id": [1, 106], "names": {"1": "<eos>", "106": "<turn|>", "50": "<|tool_response>"}})");
  // A stop list with the ids it lacks appended, in order (what ckptlint fix writes).
  EXPECT_EQ(eval("eos_token_id + minus([1, 106, 50], eos_token_id)", ids), json::parse("[1, 106, 50]"));
  EXPECT_EQ(eval("[] + []", ids), json::array());
  EXPECT_TRUE(eval("[1] + 2", ids).is_null());
  EXPECT_EQ(eval("lookup(names, eos_token_id)", ids), json::parse(R"(["<eos>", "<turn|>"])"));
  EXPECT_EQ(eval("lookup(names, [7, '50', 1.5])", ids), json::parse(R"(["<|tool_response>"])")) << "missing keys and non-keys are left out";
  EXPECT_TRUE(eval("lookup(pad, [1])", ids).is_null());
}

TEST(Expr, arithmetic_and_precedence) {
  EXPECT_EQ(eval("1 + 2 * 3"), 7);
  EXPECT_EQ(eval("(1 + 2) * 3"), 9);
  EXPECT_EQ(eval("7 / 2"), 3);
  EXPECT_EQ(eval("7 % 4"), 3);
  EXPECT_EQ(eval("-3 + 1"), -2);
}

TEST(Expr, config_lookup_and_the_kv_shared_predicate) {
  const std::string shared = "layer >= text_config.num_hidden_layers - text_config.num_kv_shared_layers";
  EXPECT_EQ(eval(shared, kConfig, {{"layer", 24}}), true);
  EXPECT_EQ(eval(shared, kConfig, {{"layer", 23}}), false);
  EXPECT_EQ(eval("len(text_config.layer_types)", kConfig), 2);
  EXPECT_EQ(eval("text_config.layer_types[1] == 'full_attention'", kConfig), true);
  EXPECT_EQ(eval("text_config.layer_types[-1]", kConfig), "full_attention");
  EXPECT_EQ(eval("quantization['bits']", kConfig), 4);
}

TEST(Expr, missing_values_are_null_and_coalesce) {
  EXPECT_TRUE(eval("text_config.nope", kConfig).is_null());
  EXPECT_TRUE(eval("nope.deeper[3]", kConfig).is_null());
  EXPECT_EQ(eval("text_config.nope ?? 7", kConfig), 7);
  EXPECT_TRUE(eval("text_config.nope + 1", kConfig).is_null());
  EXPECT_EQ(eval("text_config.nope == null", kConfig), true);
}

TEST(Expr, logic_and_comparison) {
  EXPECT_EQ(eval("1 < 2 and not (2 < 1)"), true);
  EXPECT_EQ(eval("false or 3 >= 3"), true);
  EXPECT_EQ(eval("model_type in ['gemma4', 'gemma4_text']", kConfig), true);
  EXPECT_EQ(eval("'b' in 'abc'"), true);
  EXPECT_EQ(eval("1 == 1.0"), true);
  EXPECT_EQ(eval("text_config.rms_norm_eps < 0.001", kConfig), true);
  EXPECT_EQ(eval("2 > 1 ? 'yes' : 'no'"), "yes");
  // "or" inside a name is not the operator.
  EXPECT_EQ(eval("order", json{{"order", 5}}), 5);
}

TEST(Expr, functions) {
  EXPECT_EQ(eval("min(3, 1, 2)"), 1);
  EXPECT_EQ(eval("max(3, 1, 2)"), 3);
  EXPECT_EQ(eval("abs(-4)"), 4);
  EXPECT_EQ(eval("int(2.9)"), 2);
  EXPECT_EQ(eval("str(12)"), "12");
  EXPECT_EQ(eval("len('abc')"), 3);
}

TEST(Expr, overflow_and_division_by_zero_are_undefined) {
  EXPECT_TRUE(eval("9223372036854775807 + 1").is_null());
  EXPECT_TRUE(eval("9223372036854775807 * 2").is_null());
  EXPECT_TRUE(eval("1 / 0").is_null());
  EXPECT_TRUE(eval("1 % 0").is_null());
  EXPECT_TRUE(eval("-9223372036854775807 - 1 - 1").is_null());
}

TEST(Expr, parse_errors_carry_their_column) {
  EXPECT_EQ(parse_error_column("1 +"), 3);
  EXPECT_EQ(parse_error_column("(1 + 2"), 6);
  EXPECT_EQ(parse_error_column("bogus(1)"), 0);
  EXPECT_EQ(parse_error_column("a ? b"), 5);
  EXPECT_EQ(parse_error_column("'open"), 0);
  EXPECT_EQ(parse_error_column("1 2"), 2);
  EXPECT_EQ(parse_error_column("99999999999999999999"), 0);
}

TEST(Expr, nesting_is_bounded) {
  std::string deep(10000, '(');
  std::string error;
  int column = 0;
  EXPECT_FALSE(Expr::parse(deep + "1" + std::string(10000, ')'), error, column));
  EXPECT_NE(error.find("nested"), std::string::npos);
}

// The parse memo shares the trees of the short texts the packs repeat, and keeps no long
// text: it outlives every rule set, and a hostile pack's long unique expressions would stay.
TEST(Expr, parses_of_a_short_text_share_a_tree_and_long_texts_are_not_kept) {
  std::string error;
  int column = 0;
  auto parse = [&](const std::string& text) {
    auto e = Expr::parse(text, error, column);
    EXPECT_TRUE(e) << text << ": " << error;
    return e.value_or(Expr{});
  };
  const std::string short_text = "hidden_size * 2 + 7";
  EXPECT_TRUE(parse(short_text).same_tree(parse(short_text)));
  std::string long_text = "1";
  while (long_text.size() <= 300) long_text += " + 1";  // 76 terms, past the memo's 256 bytes
  Expr first = parse(long_text), second = parse(long_text);
  EXPECT_FALSE(first.same_tree(second));
  EXPECT_EQ(first.eval(Scope{}), second.eval(Scope{}));
  EXPECT_EQ(second.eval(Scope{}), 76);
}

}  // namespace
}  // namespace ckptlint
