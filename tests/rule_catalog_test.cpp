// SPDX-License-Identifier: Apache-2.0
// Build-time facts about the rule catalog: every rule loads, has a summary, help, a trigger
// and a near-miss fixture; every failure class is from PRODUCT.md §5; every fixture
// directory belongs to a rule; every load-problem code is reported by exactly one rule.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "ckptlint/checkpoint.h"

#include "ckptlint/load.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

namespace fs = std::filesystem;

TEST(RuleCatalog, every_rule_file_loads_without_errors) {
  std::vector<RuleError> errors;
  RuleSet rules = load_rules({testing::rules_dir()}, errors);
  for (const RuleError& e : errors) ADD_FAILURE() << to_string(e);
  EXPECT_GT(rules.size(), 40u);
}

TEST(RuleCatalog, every_rule_has_wording_and_both_fixtures) {
  std::vector<RuleError> errors;
  RuleSet rules = load_rules({testing::rules_dir()}, errors);
  for (const Rule* r : rules.rules()) {
    SCOPED_TRACE(r->id);
    EXPECT_FALSE(r->summary.empty());
    EXPECT_FALSE(r->help.empty());
    EXPECT_EQ(fs::path(r->source).stem().string(), r->id);
    fs::path dir = fs::path(testing::fixtures_dir()) / r->id;
    bool trigger = false, pass = false;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      trigger = trigger || name.rfind("trigger", 0) == 0;
      pass = pass || name.rfind("pass", 0) == 0;
    }
    EXPECT_TRUE(trigger) << "missing " << dir.string() << "/trigger.yaml";
    EXPECT_TRUE(pass) << "missing " << dir.string() << "/pass.yaml";
  }
}

TEST(RuleCatalog, every_load_problem_code_is_reported_by_exactly_one_rule) {
  std::vector<RuleError> errors;
  RuleSet rules = load_rules({testing::rules_dir()}, errors);
  std::map<std::string, std::vector<std::string>> users;
  static const std::regex kCode(R"(code:\s*([a-z0-9-]+))");
  for (const Rule* r : rules.rules()) {
    std::smatch m;
    if (r->primitive == "load-problem" && std::regex_search(r->with, m, kCode)) users[m[1].str()].push_back(r->id);
  }
  for (int i = 0; i < load_problem_code_count; ++i) {
    const std::string code = to_string(static_cast<LoadProblemCode>(i));
    auto it = users.find(code);
    EXPECT_TRUE(it != users.end() && it->second.size() == 1u)
        << code << " is reported by " << (it == users.end() ? 0u : it->second.size()) << " rules";
  }
}

TEST(RuleCatalog, every_fixture_directory_names_a_rule) {
  std::vector<RuleError> errors;
  RuleSet rules = load_rules({testing::rules_dir()}, errors);
  const std::set<std::string> helpers = {"gen", "baseline", "demo", "models"};
  for (const auto& e : fs::directory_iterator(testing::fixtures_dir())) {
    if (!e.is_directory()) continue;
    std::string name = e.path().filename().string();
    if (helpers.count(name) != 0) continue;
    EXPECT_NE(rules.find(name), nullptr) << "fixtures/" << name << " belongs to no rule";
  }
}

}  // namespace
}  // namespace ckptlint
