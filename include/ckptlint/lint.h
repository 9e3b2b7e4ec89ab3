// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ckptlint/checkpoint.h"
#include "ckptlint/report.h"
#include "ckptlint/rule.h"

namespace ckptlint {

/// Which rules run and what fails the run.
struct RunOptions {
  std::vector<std::string> select;    ///< ids, globs or class names; empty: every default-on rule
  std::vector<std::string> ignore;    ///< ids, globs or class names to leave out
  Severity fail_on = Severity::error; ///< findings at or above this fail the run
  bool scan_values = false;           ///< read tensor data for the value rules (NaN/Inf)
  int jobs = 0;                       ///< threads for the value scan; 0 = all cores
  bool progress = false;              ///< progress bar on stderr during a long value scan
  /// Called with (bytes scanned, bytes to scan) from the thread that runs the check, about
  /// ten times a second during the value scan and once at its end (embedders: the Python
  /// package's progress=). Empty: not called.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
  bool storage_map = false;           ///< fill Report::units (the HTML report's layer map)
};

/// True when a rule id or class name matches one of `patterns` (exact, glob, or class).
bool rule_matches(const Rule& rule, const std::vector<std::string>& patterns);

/// Runs every selected, applicable rule on the checkpoint or adapter; findings come back
/// sorted. For an adapter, `base` (optional) is the model it is checked against. Reading
/// tensor data (the value scan, diff) throws EnvironmentError when the process runs out of
/// file descriptors (ckptlint/environment_error.h): no report is better than a false one.
Report run_rules(const Checkpoint& checkpoint, const RuleSet& rules, const RunOptions& options,
                 const Checkpoint* base = nullptr);

/// `ckptlint diff`: what changed from `base` to `fused` and, with an adapter, whether the fuse
/// applied it as its config says. The fused side also gets every checkpoint rule.
struct DiffRequest {
  const Checkpoint* base = nullptr;
  const Checkpoint* adapter = nullptr;  ///< optional
  bool full = false;                    ///< every row instead of a sample
};
Report run_diff(const Checkpoint& fused, const RuleSet& rules, const RunOptions& options, const DiffRequest& diff);

}  // namespace ckptlint
