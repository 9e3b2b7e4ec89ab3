// SPDX-License-Identifier: Apache-2.0
// Command-line parsing: the whole grammar of `ckptlint` in one place.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ckptlint/finding.h"

namespace ckptlint {

struct Options {
  std::string command;                 ///< check, diff, rules, layout, help, version
  std::vector<std::string> positional; ///< PATH... for check, BASE FUSED for diff, ID for rules
  std::string format = "text";         ///< text | json | sarif | github | html (check, diff); text | markdown (rules)
  std::string output;                  ///< file to write the report to ("" = stdout)
  /// --json-output, --sarif-output, ...: more reports of the same run, as (format, file).
  std::vector<std::pair<std::string, std::string>> extra_outputs;
  std::vector<std::string> rule_dirs;  ///< --rules DIR (repeatable), added to the built-in packs
  std::vector<std::string> select;     ///< --select (repeatable, comma-separated)
  std::vector<std::string> ignore;     ///< --ignore (repeatable, comma-separated)
  std::optional<Severity> fail_on;     ///< --fail-on (default: the project config's, else error)
  bool exit_zero = false;              ///< --exit-zero: exit 0 even with failing findings
  std::string baseline;                ///< --baseline FILE
  std::string write_baseline;          ///< --write-baseline FILE
  std::string config;                  ///< --config FILE (default: .ckptlint.yaml found upward)
  bool no_config = false;              ///< --no-config: ignore .ckptlint.yaml
  bool full = false;                   ///< diff: fit every row instead of a sample
  bool write = false;                  ///< fix: apply the changes (default: show them)
  bool unsafe_fixes = false;           ///< fix: also the fixes that change behaviour
  bool no_backup = false;              ///< fix: do not keep FILE.orig
  bool quiet = false;
  bool verbose = false;
  bool no_values = false;
  bool no_progress = false;
  int jobs = 0;                        ///< 0 = all cores
  double timeout_seconds = 30;         ///< --timeout: per HTTP request of a remote path
  std::string variant;                 ///< layout: key layout (a variant of the layout model; "": its first)
  std::string recipe;                  ///< layout: quantization recipe ("" = the model's default)
  std::string base;                    ///< check: the base model of the adapter PATH
  std::string adapter;                 ///< check: an adapter to check against the checkpoint PATH
  /// check: the path linted (the adapter with --adapter); diff: the fused checkpoint.
  /// `check` with several PATHs: the first (see with_target()).
  const std::string& target() const {
    if (command == "diff") return positional[1];
    return adapter.empty() ? positional[0] : adapter;
  }
  /// These options for one of several `check` PATHs.
  Options with_target(const std::string& path) const {
    Options one = *this;
    one.positional = {path};
    return one;
  }
  /// The adapter's base for check, the base checkpoint for diff.
  std::string base_path() const {
    if (command == "diff") return positional[0];
    return adapter.empty() ? base : positional[0];
  }
};

/// Parses argv; on a usage error returns nothing and sets `error`.
std::optional<Options> parse_options(int argc, char** argv, std::string& error);

/// The text of `ckptlint --help`.
const char* usage();

}  // namespace ckptlint
