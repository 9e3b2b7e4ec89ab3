// SPDX-License-Identifier: Apache-2.0
// SafeRegex: Python re.fullmatch semantics on the syntax PEFT target_modules use, and bounded
// cost on patterns that make backtracking engines explode.
#include <gtest/gtest.h>

#include <chrono>

#include "util/safe_regex.h"

namespace ckptlint {
namespace {

bool full(const std::string& pattern, const std::string& text) {
  std::string error;
  auto re = SafeRegex::compile(pattern, error);
  EXPECT_TRUE(re) << pattern << ": " << error;
  return re && re->full_match(text);
}

TEST(SafeRegex, peft_default_gemma4_target) {
  const std::string p = R"(.*language_model\..*\.(q_proj|v_proj))";
  EXPECT_TRUE(full(p, "model.language_model.layers.0.self_attn.q_proj"));
  EXPECT_TRUE(full(p, "model.language_model.layers.41.self_attn.v_proj"));
  EXPECT_FALSE(full(p, "model.language_model.layers.0.self_attn.k_proj"));
  EXPECT_FALSE(full(p, "model.vision_tower.encoder.layers.0.self_attn.q_proj"));
  EXPECT_FALSE(full(p, "model.language_model.layers.0.self_attn.q_proj.linear"));  // full match, not search
}

TEST(SafeRegex, syntax) {
  EXPECT_TRUE(full("a+b*c?", "aac"));
  EXPECT_FALSE(full("a+b*c?", "bc"));
  EXPECT_TRUE(full("layers\\.\\d+\\.mlp", "layers.12.mlp"));
  EXPECT_FALSE(full("layers\\.\\d+\\.mlp", "layers.x.mlp"));
  EXPECT_TRUE(full("[a-c_]{2,3}", "a_c"));
  EXPECT_FALSE(full("[a-c_]{2,3}", "abca"));
  EXPECT_TRUE(full("[^.]+", "q_proj"));
  EXPECT_FALSE(full("[^.]+", "a.b"));
  EXPECT_TRUE(full("(?:ab|cd){2}", "abcd"));
  EXPECT_TRUE(full("^x.*?y$", "xzzy"));
  EXPECT_TRUE(full("\\w+\\s?", "abc "));
  EXPECT_TRUE(full("", ""));
  EXPECT_FALSE(full("", "a"));
}

TEST(SafeRegex, unsupported_or_malformed_patterns_are_errors) {
  for (const char* p : {"(?=a)", "(a", "a)", "[ab", "a{3,2}", "*a", "\\1", "a{99999}", "\\"}) {
    std::string error;
    EXPECT_FALSE(SafeRegex::compile(p, error)) << p;
    EXPECT_FALSE(error.empty()) << p;
  }
}

TEST(SafeRegex, state_limit_bounds_repetition_blowup) {
  std::string error;
  EXPECT_FALSE(SafeRegex::compile("(x{1000}){1000}", error));
  EXPECT_NE(error.find("states"), std::string::npos) << error;
}

// (a*)*b on "aaa...a" takes exponential time with backtracking; here it is one pass.
TEST(SafeRegex, nested_stars_match_in_linear_passes) {
  std::string error;
  auto re = SafeRegex::compile("(a*)*(a*)*(a*)*b", error);
  ASSERT_TRUE(re) << error;
  std::string text(5000, 'a');
  EXPECT_FALSE(re->full_match(text));
  EXPECT_TRUE(re->full_match(text + "b"));
}

// One budget for every name a pattern is matched against: a pattern of a few dozen bytes
// that makes each character visit 15,000 states stops when the budget is spent, and every
// match after that answers nothing at once.
TEST(SafeRegex, a_budget_bounds_the_work_over_many_names) {
  std::string error;
  auto re = SafeRegex::compile("(.?){0,999}(.?){0,999}(.?){0,999}(.?){0,999}(.?){0,999}x", error);
  ASSERT_TRUE(re) << error;
  RegexBudget budget(10'000'000);
  const std::string name = "model.language_model.layers.0.self_attn.q_proj";
  std::size_t answered = 0;
  for (int i = 0; i < 2000; ++i) answered += re->full_match(name, budget).has_value() ? 1 : 0;
  EXPECT_TRUE(budget.spent());
  EXPECT_GT(answered, 0u);
  EXPECT_LT(answered, 20u) << "each name takes about 1.5 million steps";
  EXPECT_FALSE(re->full_match("short", budget).has_value()) << "a spent budget answers nothing";
  // The usual pattern costs about a thousand steps a name.
  auto usual = SafeRegex::compile(R"(.*language_model\..*\.(q_proj|v_proj))", error);
  ASSERT_TRUE(usual) << error;
  RegexBudget enough(2'000'000);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(usual->full_match(name, enough), std::optional<bool>(true));
  EXPECT_FALSE(enough.spent());
}

}  // namespace
}  // namespace ckptlint
