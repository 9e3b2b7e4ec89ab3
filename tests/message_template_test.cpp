// SPDX-License-Identifier: Apache-2.0
#include "lang/message_template.h"

#include <gtest/gtest.h>

namespace ckptlint {
namespace {

TEST(MessageTemplate, fills_placeholders_and_groups_digits) {
  std::string error;
  int column = 0;
  auto t = MessageTemplate::parse("'{file}' declares {n:n} bytes {{literal}}", error, column);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->render({{"file", "a.safetensors"}, {"n", "100000001"}}), "'a.safetensors' declares 100,000,001 bytes {literal}");
  ASSERT_EQ(t->placeholders().size(), 2u);
  EXPECT_EQ(t->placeholders()[1].first, "n");
}

TEST(MessageTemplate, missing_fact_renders_as_question_mark) {
  std::string error;
  int column = 0;
  auto t = MessageTemplate::parse("x={x}", error, column);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->render({}), "x=?");
}

TEST(MessageTemplate, rejects_bad_placeholders_with_columns) {
  std::string error;
  int column = 0;
  EXPECT_FALSE(MessageTemplate::parse("abc {unterminated", error, column));
  EXPECT_EQ(column, 4);
  EXPECT_FALSE(MessageTemplate::parse("a } b", error, column));
  EXPECT_EQ(column, 2);
  EXPECT_FALSE(MessageTemplate::parse("{x:q}", error, column));
  EXPECT_FALSE(MessageTemplate::parse("{a b}", error, column));
}

TEST(MessageTemplate, group_digits) {
  EXPECT_EQ(group_digits("0"), "0");
  EXPECT_EQ(group_digits("999"), "999");
  EXPECT_EQ(group_digits("1000"), "1,000");
  EXPECT_EQ(group_digits("12345"), "12,345");
  EXPECT_EQ(group_digits("15992314836"), "15,992,314,836");
  EXPECT_EQ(group_digits("-12"), "-12");
  EXPECT_EQ(group_digits("+4"), "+4");
}

}  // namespace
}  // namespace ckptlint
