// SPDX-License-Identifier: Apache-2.0
// What run_lint() hands back outlives the call (the Python module returns it, and its process
// may then fork or exit), so no thread of the run may still be going in it: the embedded
// packs' rules, compiled beside the run, are done even when the run stopped before asking
// for them.
#include <gtest/gtest.h>

#include <fstream>

#include "cli/lint_command.h"
#include "rules/rule_packs.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

using testing::ScratchDir;

Options check_of(const std::string& target) {
  Options o;
  o.command = "check";
  o.positional = {target};
  o.no_config = true;
  o.no_progress = true;
  return o;
}

TEST(LintOutcome, a_run_stopped_by_a_bad_rules_pack_leaves_no_compile_running) {
  ScratchDir target("outcome-target"), pack("outcome-pack");
  std::ofstream(pack.path() + "/broken-rule.yaml") << "id: broken-rule\nseverity: nonsense\n";
  Options o = check_of(target.path());
  o.rule_dirs = {pack.path()};
  LintOutcome out = run_lint(o);
  ASSERT_FALSE(out.rule_errors.empty());
  EXPECT_TRUE(out.rules.packs().rules_ready());
}

TEST(LintOutcome, a_run_stopped_by_a_missing_baseline_leaves_no_compile_running) {
  ScratchDir target("outcome-baseline");
  Options o = check_of(target.path());
  o.baseline = target.path() + "/no-such-baseline.json";
  LintOutcome out = run_lint(o);
  ASSERT_FALSE(out.usage_error.empty());
  EXPECT_TRUE(out.rules.packs().rules_ready());
}

}  // namespace
}  // namespace ckptlint
