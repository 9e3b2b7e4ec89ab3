// SPDX-License-Identifier: Apache-2.0
// Reports pinned by golden files (tests/golden/): text, JSON and SARIF of `check` on one
// multi-finding checkpoint (report.*), JSON and SARIF of `diff --adapter` on a raw-alpha fuse
// (diff.*), and the GitHub annotations of `check` (report.github). UPDATE_GOLDEN=1 rewrites them after an intended change.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "ckptlint/reporters.h"
#include "recipe.h"
#include "support/golden.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

Report golden_report(const std::string& dir) {
  std::string error;
  auto recipe = fixtures::read_recipe(testing::golden_dir() + "/report-input.yaml", error);
  EXPECT_TRUE(recipe) << error;
  EXPECT_TRUE(fixtures::materialize(*recipe, dir, error)) << error;
  Checkpoint ck;
  EXPECT_TRUE(load_checkpoint(dir, ck, error)) << error;
  Report report = run_rules(ck, testing::source_rules(), {});
  report.target.path = "golden-checkpoint";  // the temp dir would differ on every run
  return report;
}

Report golden_diff(const std::string& dir) {
  std::string error;
  auto recipe = fixtures::read_recipe(testing::golden_dir() + "/diff-input.yaml", error);
  EXPECT_TRUE(recipe) << error;
  testing::LoadedRecipe loaded;
  testing::load_recipe(*recipe, dir, loaded);
  RunOptions options;
  options.scan_values = true;  // changed values and the fuse fit need the data
  Report report = loaded.run(testing::source_rules(), options);
  report.target.path = "golden-fused";
  return report;
}

void compare_with_golden(const std::string& actual, const std::string& name) {
  testing::expect_matches_golden(actual, testing::golden_dir() + "/" + name);
}

TEST(Reporters, text_report_matches_golden) {
  testing::ScratchDir dir("golden-text");
  std::ostringstream out;
  write_text(out, golden_report(dir.path()));
  compare_with_golden(out.str(), "report.txt");
}

TEST(Reporters, json_report_matches_golden) {
  testing::ScratchDir dir("golden-json");
  std::ostringstream out;
  write_json(out, golden_report(dir.path()));
  compare_with_golden(out.str(), "report.json");
}

TEST(Reporters, sarif_report_matches_golden) {
  testing::ScratchDir dir("golden-sarif");
  std::ostringstream out;
  write_sarif(out, golden_report(dir.path()), testing::source_rules());
  compare_with_golden(out.str(), "report.sarif");
}

TEST(Reporters, github_annotations_match_golden) {
  testing::ScratchDir dir("golden-github");
  std::ostringstream out;
  Report report = golden_report(dir.path());
  write_github(out, report);
  // One workflow command per rule with a finding at warning or above, none spanning lines,
  // then the verdict on a plain line; info findings are in the job summary, not annotated.
  std::set<std::string> rules;
  for (const Finding& f : report.findings) {
    if (f.severity >= Severity::warning) rules.insert(f.rule_id);
  }
  std::size_t lines = 0, commands = 0;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line); ++lines) commands += line.starts_with("::") ? 1 : 0;
  EXPECT_EQ(commands, rules.size());
  EXPECT_EQ(lines, rules.size() + 1);
  compare_with_golden(out.str(), "report.github");
}

TEST(Reporters, diff_json_report_matches_golden) {
  testing::ScratchDir dir("golden-diff-json");
  std::ostringstream out;
  write_json(out, golden_diff(dir.path()));
  compare_with_golden(out.str(), "diff.json");
}

TEST(Reporters, diff_sarif_report_matches_golden) {
  testing::ScratchDir dir("golden-diff-sarif");
  std::ostringstream out;
  write_sarif(out, golden_diff(dir.path()), testing::source_rules());
  compare_with_golden(out.str(), "diff.sarif");
}

// Every failure class at warning or above is named in the diagnosis block, before the first
// finding line.
void expect_diagnosis_first(const Report& report, const std::string& text) {
  std::size_t first_finding = std::min({text.find("\nerror["), text.find("\nwarning["), text.find("\ninfo[")});
  ASSERT_NE(text.find("diagnosis:\n"), std::string::npos) << text;
  for (const Finding& f : report.findings) {
    if (f.severity < Severity::warning) continue;
    std::size_t at = text.find(std::string(" ") + to_string(f.failure_class) + ": ");
    EXPECT_LT(at, first_finding) << to_string(f.failure_class) << " is not in the diagnosis:\n" << text;
  }
}

TEST(Reporters, text_diagnosis_names_every_class_first) {
  testing::ScratchDir dir("golden-diagnosis");
  Report report = golden_report(dir.path());
  std::ostringstream out;
  write_text(out, report);
  expect_diagnosis_first(report, out.str());
}

TEST(Reporters, raw_alpha_diff_reads_in_under_40_lines) {
  testing::ScratchDir dir("golden-diff-text");
  Report report = golden_diff(dir.path());
  std::ostringstream out;
  write_text(out, report);
  std::string text = out.str();
  expect_diagnosis_first(report, text);
  EXPECT_NE(text.find("fuse-drift: 0 of 6 LoRA pairs merged as expected, 6 wrong (6 wrong scale); overall measured scale 16.0 (expected 2.0)"),
            std::string::npos) << text;
  EXPECT_LE(std::count(text.begin(), text.end(), '\n'), 40) << text;
  // Each rule's help once, however many of its findings are shown.
  std::size_t helps = 0;
  for (std::size_t at = text.find("help: the merge multiplied"); at != std::string::npos; at = text.find("help: the merge multiplied", at + 1)) ++helps;
  EXPECT_EQ(helps, 1u) << text;
  compare_with_golden(text, "diff.txt");
}

TEST(Reporters, quiet_text_has_one_line_per_group) {
  testing::ScratchDir dir("golden-quiet");
  std::ostringstream out;
  write_text(out, golden_report(dir.path()), TextOptions{true});
  std::string text = out.str();
  EXPECT_EQ(text.find("help:"), std::string::npos);
  EXPECT_EQ(text.find("ckptlint 0.1.0"), std::string::npos);
  EXPECT_NE(text.find("error[mixed-quantization]"), std::string::npos);
}

}  // namespace
}  // namespace ckptlint
