// SPDX-License-Identifier: Apache-2.0
// Command-line parsing: the whole grammar of `ckptlint` in one place.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/finding.h"

namespace ckptlint {

struct Options {
  std::string command;                 ///< check, rules, help, version
  std::vector<std::string> positional; ///< PATH for check, ID for rules
  std::string format = "text";         ///< text | json | sarif (check); text | markdown (rules)
  std::string output;                  ///< file to write the report to ("" = stdout)
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
  /// check: the path linted (the adapter when --adapter is given) and its base, if any.
  /// check: the path linted (the adapter with --adapter); diff: the fused checkpoint.
  const std::string& target() const {
    if (command == "diff") return positional[1];
    return adapter.empty() ? positional[0] : adapter;
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
