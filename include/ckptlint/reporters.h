// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <ostream>
#include <vector>

#include "ckptlint/report.h"
#include "ckptlint/rule.h"

namespace ckptlint {

/// The tool version, from the build.
const char* version();

/// Options of the human-readable output.
struct TextOptions {
  bool quiet = false;    ///< findings only: no header, no diagnosis, no help lines, no summary
  bool verbose = false;  ///< every info group, instead of one line per info rule
};

/// Human output: a diagnosis block (one line per failure class at warning or above, worst
/// first), then errors, warnings and info; findings of one rule folded across shards and
/// layers ("layers 24-41"), each rule's help once.
void write_text(std::ostream& out, const Report& report, const TextOptions& options = {});

/// The machine report of PRODUCT.md §4 (schema "ckptlint-report/1").
void write_json(std::ostream& out, const Report& report);
/// One report as write_json() writes it; several (`check A B C`) as
/// {"schema": "ckptlint-reports/1", "reports": [report, ...], "summary": {...}}.
void write_json(std::ostream& out, const std::vector<const Report*>& reports);

/// A path of a run that could not be checked at all, and why (it has no report).
struct NotChecked {
  std::string path;
  std::string reason;
};
/// Several reports as above, with the paths that could not be checked listed beside them
/// ("not_checked") and a summary verdict of "error": a document that leaves a path out
/// never reads as a pass.
void write_json(std::ostream& out, const std::vector<const Report*>& reports, const std::vector<NotChecked>& not_checked);

/// GitHub Actions workflow commands for a gate: one ::error or ::warning annotation per rule
/// and cause (a rule's findings folded, with their count), never one per finding (GitHub
/// shows ten per type per step); info findings are not annotated.
void write_github(std::ostream& out, const Report& report);
/// One ::error annotation for a path that could not be checked.
void write_github(std::ostream& out, const NotChecked& not_checked);

/// The report as Markdown for a CI job summary ($GITHUB_STEP_SUMMARY): verdict, diagnosis,
/// and a table of the findings at warning or above, folded as in the text report.
void write_markdown_summary(std::ostream& out, const Report& report);

/// One self-contained HTML page (inline CSS, JS and SVG): the diagnosis, the layer map (when
/// the report carries Report::units), the fuse fits, where NaN/Inf are, and a filterable
/// table of every finding.
void write_html(std::ostream& out, const Report& report);

/// SARIF 2.1.0 (GitHub code scanning); `rules` describes the rules that fired.
void write_sarif(std::ostream& out, const Report& report, const RuleSet& rules);
/// One SARIF log with a run per report.
void write_sarif(std::ostream& out, const std::vector<const Report*>& reports, const RuleSet& rules);
/// The same, with one run per path that could not be checked: an invocation that did not
/// succeed, with the reason as its notification (a code-scanning upload shows it).
void write_sarif(std::ostream& out, const std::vector<const Report*>& reports, const RuleSet& rules,
                 const std::vector<NotChecked>& not_checked);

}  // namespace ckptlint
