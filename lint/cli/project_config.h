// SPDX-License-Identifier: Apache-2.0
// The project config file: `.ckptlint.yaml`, found from the working directory upward, or
// given with --config. Command-line options win over it.
//
//   select: [gemma4-*, mlx-*]          # as --select
//   ignore: [kv-shared-redundant]      # as --ignore
//   fail-on: warning                   # as --fail-on
//   baseline: ckptlint-baseline.json   # as --baseline (relative to this file)
//   rules: [team-rules/]               # as --rules (relative to this file)
//   severity:                          # severity overrides: rule ids, globs or classes
//     adapter-scale-ambiguous: error
//
// A checkpoint is untrusted: whoever uploaded it wrote every file in its directory, dotfiles
// included. So the search never reads a .ckptlint.yaml at or below a checked path (PRODUCT.md
// §3): a checkpoint cannot configure its own gate.
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
  int line_of_select = 0, line_of_ignore = 0, line_of_severity = 0;  ///< 1-based, for messages
};

/// The nearest .ckptlint.yaml in the working directory or above it, skipping every
/// directory at or below one of `checked` (local paths; remote ones are ignored); "" if none.
std::string find_project_config(const std::vector<std::string>& checked);

/// Reads a project config (a regular file of at most 1 MiB, YAML aliases bounded); on error
/// returns nothing and sets `error` (file:line:column: message).
std::optional<ProjectConfig> read_project_config(const std::string& path, std::string& error);

}  // namespace ckptlint
