// SPDX-License-Identifier: Apache-2.0
// The project config file: `.ckptlint.yaml`, found from the checkpoint's directory upward, or
// given with --config. Command-line options win over it.
//
//   select: [gemma4-*, mlx-*]          # as --select
//   ignore: [kv-shared-redundant]      # as --ignore
//   fail-on: warning                   # as --fail-on
//   baseline: ckptlint-baseline.json   # as --baseline (relative to this file)
//   rules: [team-rules/]               # as --rules (relative to this file)
//   severity:                          # per-rule severity overrides
//     adapter-scale-ambiguous: error
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ckptlint/finding.h"

namespace ckptlint {

struct ProjectConfig {
  std::string path;  ///< the file read
  std::vector<std::string> select, ignore, rule_dirs;
  std::optional<Severity> fail_on;
  std::string baseline;
  std::map<std::string, Severity> severity;
};

/// The nearest .ckptlint.yaml at or above `start` (a file's directory, or a directory), or "".
std::string find_project_config(const std::string& start);

/// Reads a project config; on error returns nothing and sets `error` (file:line:column).
std::optional<ProjectConfig> read_project_config(const std::string& path, std::string& error);

}  // namespace ckptlint
