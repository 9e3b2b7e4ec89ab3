// SPDX-License-Identifier: Apache-2.0
// `ckptlint check` and `ckptlint diff` as one call, for the command line and for embedders
// (the Python package): the project config, the rule packs, the selectors checked, each
// target loaded and refused when it gives nothing to check, the rules run, severity
// overrides and the baseline applied. Nothing is printed here; the caller writes the reports
// (cli/report_output.h) and the errors.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "ckptlint/checkpoint.h"
#include "ckptlint/report.h"
#include "ckptlint/rule.h"

namespace ckptlint {

/// One PATH of `check` (or the BASE FUSED pair of `diff`): its report, or why it could not
/// be checked at all (a tool error, exit 2).
struct TargetOutcome {
  std::string path;
  std::optional<Report> report;
  std::string error;  ///< one line, without the "ckptlint: " prefix
};

struct LintOutcome {
  std::vector<RuleError> rule_errors;  ///< bad rule files: nothing ran
  std::string usage_error;             ///< found before anything ran (a selector, a config, a baseline)
  std::string project_config;          ///< the .ckptlint.yaml read, or ""
  RuleSet rules;                       ///< the rules loaded (SARIF describes them)
  std::vector<TargetOutcome> targets;
  /// What the reports were derived from; kept as long as they are.
  std::vector<std::shared_ptr<const Checkpoint>> inputs;

  /// 2 for any tool error; else 1 when a report fails its threshold (0 with `exit_zero`); else 0.
  int exit_code(bool exit_zero) const;
  /// The reports of the targets that ran, in order.
  std::vector<const Report*> reports() const;
};

/// (bytes scanned, bytes to scan) of the value scan; see RunOptions::on_progress.
using ProgressCallback = std::function<void(std::uint64_t done, std::uint64_t total)>;

/// Runs `options.command` ("check" or "diff"). A PATH, --base or --adapter written as
/// ORG/REPO[@REVISION] that is not a local path is read from its snapshot in the local
/// Hugging Face cache (cli/hub_cache.h), or is a usage error that names hf://ORG/REPO.
LintOutcome run_lint(const Options& options, const ProgressCallback& on_progress = {});

}  // namespace ckptlint
