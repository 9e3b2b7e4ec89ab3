// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <ostream>

#include "ckptlint/report.h"
#include "ckptlint/rule.h"

namespace ckptlint {

/// The tool version, from the build.
const char* version();

/// Options of the human-readable output.
struct TextOptions {
  bool quiet = false;  ///< findings only: no header, no help lines, no summary
};

/// Human output: findings grouped by rule and message, repeated layers collapsed ("layers 24-41").
void write_text(std::ostream& out, const Report& report, const TextOptions& options = {});

/// The machine report of PRODUCT.md §4 (schema "ckptlint-report/1").
void write_json(std::ostream& out, const Report& report);

/// GitHub Actions workflow commands (::error/::warning/::notice), one per finding.
void write_github(std::ostream& out, const Report& report);

/// SARIF 2.1.0 (GitHub code scanning); `rules` describes the rules that fired.
void write_sarif(std::ostream& out, const Report& report, const RuleSet& rules);

}  // namespace ckptlint
