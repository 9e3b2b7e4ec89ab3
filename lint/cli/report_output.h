// SPDX-License-Identifier: Apache-2.0
// Writes the reports of one `check` or `diff` run: the --format report to --output (or
// standard output) and every --<format>-output file from the same run (a CI step derives
// SARIF, text and its job summary without checking twice); with --format github, the
// Markdown job summary goes to $GITHUB_STEP_SUMMARY when that is set.
#pragma once
#include <string>

#include "cli/lint_command.h"
#include "cli/options.h"

namespace ckptlint {

/// Writes `text` whole to `file` ("" = standard output), appending with `append`; "" when
/// it was written and flushed, else why not ("cannot write 'x': No space left on device").
std::string write_output(const std::string& file, const std::string& text, bool append = false);

/// "" when every report was written whole; else why not (a tool error, exit 2): an output
/// that cannot be written (a full disk, a directory), or one that would overwrite a file of
/// a checked checkpoint.
std::string write_reports(const Options& options, const LintOutcome& outcome);

}  // namespace ckptlint
