// SPDX-License-Identifier: Apache-2.0
// No false positives: every default rule stays below warning on clean checkpoints of every
// supported Gemma 4 variant (E2B, E4B, 26B-A4B, 31B), scaled down and full size, and on clean
// adapters (fixtures/baseline); a baseline's `expect` lists the only findings it accepts.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "recipe.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> baselines() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(testing::fixtures_dir()) / "baseline")) {
    out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Baseline : public ::testing::TestWithParam<std::string> {};

TEST_P(Baseline, no_finding_at_warning_or_above) {
  const RuleSet& rules = testing::source_rules();
  std::string error;
  auto recipe = fixtures::read_recipe(testing::fixtures_dir() + "/baseline/" + GetParam() + ".yaml", error);
  ASSERT_TRUE(recipe) << error;
  testing::ScratchDir dir(GetParam());
  testing::LoadedRecipe loaded;
  testing::load_recipe(*recipe, dir.path(), loaded);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const Checkpoint& ck = loaded.target;
  RunOptions options;
  // Scanning a full-size checkpoint's holes takes seconds: values are scanned on the small ones.
  options.scan_values = GetParam().rfind("tiny-", 0) == 0;
  Report report = loaded.run(rules, options);
  if (recipe->adapter) {
    // Clean adapters: the adapter pack applies, and against a base its base checks too.
    EXPECT_EQ(ck.kind, "adapter");
    EXPECT_GT(report.rules_run, recipe->base ? 20u : 15u) << "the adapter pack must apply";
    ASSERT_FALSE(report.findings.empty());
    EXPECT_TRUE(std::any_of(report.findings.begin(), report.findings.end(), [](const Finding& f) { return f.rule_id == "adapter-summary"; }));
  } else {
    EXPECT_FALSE(ck.family.empty());
    EXPECT_GT(report.rules_run, 60u) << "the Gemma 4 pack must apply";
  }
  // A baseline may list findings it accepts (a legacy adapter's scale is ambiguous however
  // clean it is); every other finding stays below warning.
  for (const Finding& f : report.findings) {
    bool accepted = std::any_of(recipe->expect.begin(), recipe->expect.end(),
                                [&](const fixtures::ExpectedFinding& e) { return e.rule == f.rule_id; });
    if (!accepted) EXPECT_LT(f.severity, Severity::warning) << f.rule_id << ": " << f.message;
  }
  for (const fixtures::ExpectedFinding& e : recipe->expect) {
    EXPECT_TRUE(std::any_of(report.findings.begin(), report.findings.end(), [&](const Finding& f) { return f.rule_id == e.rule; }))
        << "accepted finding " << e.rule << " did not occur";
  }
}

INSTANTIATE_TEST_SUITE_P(Clean, Baseline, ::testing::ValuesIn(baselines()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return testing::test_name(info.param); });

}  // namespace
}  // namespace ckptlint
