// SPDX-License-Identifier: Apache-2.0
// CLI only: parse arguments, call load/run/write, return the exit code.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/builtin_rules.h"
#include "cli/fix_command.h"
#include "cli/layout_command.h"
#include "cli/lint_command.h"
#include "cli/options.h"
#include "cli/project_config.h"
#include "cli/report_output.h"
#include "cli/rules_command.h"
#include "cli/selectors.h"
#include "ckptlint/environment_error.h"
#include "ckptlint/reporters.h"
#include "util/display_text.h"
#include "util/platform.h"

namespace ckptlint {
namespace {

constexpr int kToolError = 2;

int report_rule_errors(const std::vector<RuleError>& errors) {
  for (const RuleError& e : errors) fmt::print(stderr, "{}\n", to_string(e));
  fmt::print(stderr, "ckptlint: {} problem{} in rule files\n", errors.size(), errors.size() == 1 ? "" : "s");
  return kToolError;
}

int run(int argc, char** argv) {
  std::string error;
  std::optional<Options> parsed = parse_options(argc, argv, error);
  if (!parsed) {
    // One line, not the whole help: what was wrong, the nearest right spelling, where to look.
    fmt::print(stderr, "ckptlint: {}; see ckptlint --help\n", error);
    return kToolError;
  }
  const Options& o = *parsed;
  if (o.command == "help" || o.command == "version") {
    std::string text = o.command == "help" ? usage() : fmt::format("ckptlint {}\n", version());
    if (std::string error = write_output("", text); !error.empty()) {
      fmt::print(stderr, "ckptlint: {}\n", error);
      return kToolError;
    }
    return 0;
  }
  auto logger = spdlog::stderr_color_mt("ckptlint");
  spdlog::set_default_logger(logger);
  spdlog::set_level(o.verbose ? spdlog::level::debug : spdlog::level::warn);

  if (o.command == "layout" || o.command == "rules") {
    std::vector<RuleError> rule_errors;
    std::string rules_from;
    std::vector<std::string> rule_dirs = o.rule_dirs;
    if (!o.config.empty() && !o.no_config) {  // a project's own packs, when its config is named
      std::optional<ProjectConfig> project = read_project_config(o.config, error);
      if (!project) {
        fmt::print(stderr, "ckptlint: {}\n", error);
        return kToolError;
      }
      rule_dirs.insert(rule_dirs.begin(), project->rule_dirs.begin(), project->rule_dirs.end());
    }
    RuleSet rules = load_cli_rules(rule_dirs, rule_errors, rules_from, o.command == "layout");
    if (!rule_errors.empty()) return report_rule_errors(rule_errors);
    spdlog::debug("loaded {} rules from {}", rules.size(), rules_from);
    return o.command == "layout" ? run_layout_command(o, rules) : run_rules_command(o, rules);
  }

  if (o.command == "fix") return run_fix_command(o);
  LintOutcome outcome = run_lint(o);
  if (!outcome.rule_errors.empty()) return report_rule_errors(outcome.rule_errors);
  // These lines can quote what a checkpoint or a server holds (file names, a listing):
  // escaped like every report.
  if (!outcome.usage_error.empty()) {
    fmt::print(stderr, "ckptlint: {}\n", display_text(outcome.usage_error, 4096));
    return kToolError;
  }
  for (const TargetOutcome& t : outcome.targets) {
    if (!t.error.empty()) fmt::print(stderr, "ckptlint: {}\n", display_text(t.error, 4096));
  }
  if (std::string error = write_reports(o, outcome); !error.empty()) {
    fmt::print(stderr, "ckptlint: {}\n", error);
    return kToolError;
  }
  int code = outcome.exit_code(o.exit_zero);
#ifndef CKPTLINT_FREE_AT_EXIT
  // The process ends here: returning the memory of a large checkpoint piece by piece costs
  // milliseconds for nothing (compilers skip it the same way). Sanitizer builds define
  // CKPTLINT_FREE_AT_EXIT so that leak checking sees every allocation released.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
#endif
  return code;
}

}  // namespace
}  // namespace ckptlint

int main(int argc, char** argv) {
  // Before the first allocation of substance (platform.h says why and where it applies).
  ckptlint::platform::prepare_heap();
  try {
    return ckptlint::run(argc, argv);
  } catch (const ckptlint::EnvironmentError& e) {
    // The machine stopped the run (out of file descriptors), not the checkpoint: one line, exit 2.
    fmt::print(stderr, "ckptlint: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    // Input never throws by design; reaching this is a bug in ckptlint, reported as exit 2.
    fmt::print(stderr, "ckptlint: internal error: {}\n", e.what());
    return 2;
  }
}
