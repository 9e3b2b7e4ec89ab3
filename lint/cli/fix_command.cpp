// SPDX-License-Identifier: Apache-2.0
#include "cli/fix_command.h"

#include <fmt/format.h>

#include <cstdlib>
#include <map>

#include "cli/lint_command.h"
#include "ckptlint/load.h"
#include "fix/fix_plan.h"
#include "fix/write_files.h"
#include "util/display_text.h"
#include "util/unified_diff.h"

namespace ckptlint {
namespace {

constexpr int kToolError = 2;

// Findings at warning or above, by rule, for the before / after summary.
std::map<std::string, std::size_t> serious(const Report& r) {
  std::map<std::string, std::size_t> out;
  for (const Finding& f : r.findings) {
    if (f.severity >= Severity::warning) ++out[f.rule_id];
  }
  return out;
}

void print_unfixed(const FixPlan& plan) {
  std::map<std::string, std::pair<std::string, std::size_t>> by_rule;  // rule -> (why, count)
  for (const Unfixed& u : plan.unfixed) {
    auto& [why, n] = by_rule[u.finding->rule_id];
    why = u.why;
    ++n;
  }
  for (const auto& [rule, entry] : by_rule) {
    fmt::print("not fixed: {} ({} finding{}): {}\n", rule, entry.second, entry.second == 1 ? "" : "s", display_text(entry.first, 1024));
  }
}

}  // namespace

int run_fix_command(const Options& o) {
  if (is_remote_path(o.target()) || (!o.base.empty() && is_remote_path(o.base))) {
    fmt::print(stderr, "ckptlint: fix edits local files: download the model first (hf download ORG/REPO --local-dir DIR), then ckptlint fix DIR\n");
    return kToolError;
  }
  Options check = o;
  check.command = "check";
  // --base names the model this one came from: the checks see it (check FUSED --base BASE:
  // the side files it lost or changed), and copy-from-base edits read from it.
  const std::string base_path = o.base;
  LintOutcome outcome = run_lint(check);
  if (!outcome.rule_errors.empty() || !outcome.usage_error.empty() || outcome.targets.empty() || !outcome.targets[0].report) {
    std::string why = !outcome.usage_error.empty() ? outcome.usage_error
                      : !outcome.targets.empty() ? outcome.targets[0].error
                                                 : "the rule packs could not be loaded";
    for (const RuleError& e : outcome.rule_errors) fmt::print(stderr, "{}\n", to_string(e));
    fmt::print(stderr, "ckptlint: {}\n", display_text(why, 4096));
    return kToolError;
  }
  const Report& report = *outcome.targets[0].report;
  const Checkpoint& target = *outcome.inputs.front();
  Checkpoint base;
  if (!base_path.empty()) {
    std::string error;
    if (!load_checkpoint(base_path, base, error)) {
      fmt::print(stderr, "ckptlint: {}\n", display_text(error, 4096));
      return kToolError;
    }
  }
  FixPlan plan = plan_fixes({&report, &outcome.rules, &target, base_path.empty() ? nullptr : &base, o.unsafe_fixes});
  for (const FileChange& c : plan.changes) {
    fmt::print("{}", unified_diff(c.before, c.after, c.file, !c.exists));
    fmt::print("# {} {} ({}{})\n", c.exists ? "changes" : "creates", c.file, fmt::join(c.rules, ", "), c.unsafe ? "; unsafe" : "");
  }
  print_unfixed(plan);
  if (!o.write) {
    fmt::print("{} file{} would change{}\n", plan.changes.size(), plan.changes.size() == 1 ? "" : "s",
               plan.changes.empty() ? "" : "; run again with --write to apply");
    return outcome.exit_code(o.exit_zero);
  }
  if (plan.changes.empty()) {
    fmt::print("nothing to write\n");
    return outcome.exit_code(o.exit_zero);
  }
  std::vector<NewFile> files;
  for (const FileChange& c : plan.changes) files.push_back({target.root / c.file, c.after});
  WriteOptions write;
  write.backup = !o.no_backup;
  const char* fail = std::getenv("CKPTLINT_FIX_FAIL_BEFORE_RENAME");
  write.fail_before_rename = fail != nullptr && std::string(fail) == "1";
  if (std::string error = write_files_atomically(files, write); !error.empty()) {
    fmt::print(stderr, "ckptlint: {}\n", display_text(error, 4096));
    return kToolError;
  }
  // The checks again, on the files as they are now.
  LintOutcome after = run_lint(check);
  if (after.targets.empty() || !after.targets[0].report) {
    fmt::print(stderr, "ckptlint: the fixed checkpoint could not be checked again\n");
    return kToolError;
  }
  std::map<std::string, std::size_t> was = serious(report), now = serious(*after.targets[0].report);
  for (const auto& [rule, n] : was) {
    if (now.count(rule) == 0) fmt::print("fixed: {} ({} finding{})\n", rule, n, n == 1 ? "" : "s");
  }
  for (const auto& [rule, n] : now) fmt::print("remains: {} ({} finding{})\n", rule, n, n == 1 ? "" : "s");
  fmt::print("wrote {} file{}{}\n", files.size(), files.size() == 1 ? "" : "s", write.backup ? " (the old ones kept as FILE.orig)" : "");
  return after.exit_code(o.exit_zero);
}

}  // namespace ckptlint
