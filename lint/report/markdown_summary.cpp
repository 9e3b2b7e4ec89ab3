// SPDX-License-Identifier: Apache-2.0
// The report as Markdown for a CI job summary: the verdict, the diagnosis, and every finding
// folded as in the text report (one row per fold group; info one row per rule), so a gate's
// whole answer is on the run's page without opening the log.
#include <fmt/format.h>

#include <map>
#include <set>

#include "ckptlint/reporters.h"
#include "report/diagnosis.h"
#include "report/fold.h"
#include "util/display_text.h"

namespace ckptlint {
namespace {

// A table cell: display-escaped text, with the characters Markdown tables and inline HTML
// would take as syntax made literal.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '`' || c == '*' || c == '_' || c == '[' || c == ']') out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

}  // namespace

void write_markdown_summary(std::ostream& out, const Report& report) {
  std::size_t e = count(report, Severity::error), w = count(report, Severity::warning), i = count(report, Severity::info);
  const Target& t = report.target;
  std::string what = t.kind;
  if (!t.family.empty()) what += ", " + display_text(t.family, 64);
  if (!t.layout.empty() && t.layout != "unknown") what += ", " + t.layout + " layout";
  out << fmt::format("## ckptlint: {} — {}\n\n", fails(report) ? "❌ fail" : "✅ pass", cell(display_text(t.path, 512)));
  out << fmt::format("{} ({}): **{} error{}, {} warning{}**, {} info in {} file{}, {} tensors ({} rules run)\n\n", cell(what),
                     cell(display_text(t.quantization, 64)), e, e == 1 ? "" : "s", w, w == 1 ? "" : "s", i, report.files_read,
                     report.files_read == 1 ? "" : "s", report.tensors_read, report.rules_run);
  std::vector<DiagnosisLine> lines = diagnose(report);
  if (!lines.empty()) {
    out << "### Diagnosis\n\n";
    for (const DiagnosisLine& d : lines) {
      out << fmt::format("- **{}** `{}`: {}{}\n", to_string(d.severity), to_string(d.failure_class), cell(d.text),
                         d.count > 1 ? fmt::format(" ({} findings)", d.count) : "");
    }
    out << "\n";
  }
  if (report.findings.empty()) return;
  out << "### Findings\n\n| severity | rule | class | finding |\n|---|---|---|---|\n";
  for (Severity level : {Severity::error, Severity::warning, Severity::info}) {
    auto [findings, per_rule] = findings_at(report.findings, level);
    std::set<std::string> shown;
    for (const FindingGroup& g : group_findings(findings)) {
      const Finding& f = *g.first;
      if (level == Severity::info && !shown.insert(f.rule_id).second) continue;
      std::size_t n = per_rule[f.rule_id];
      std::string more = level == Severity::info && n > g.count() ? fmt::format(" ({} findings)", n) : "";
      out << fmt::format("| {} | `{}` | {} | {}{} |\n", to_string(level), f.rule_id, to_string(f.failure_class),
                         cell(group_message(g)), more);
    }
  }
  for (const CappedFindings& c : report.capped) {
    out << fmt::format("\n{} more findings of `{}` in {} were counted, not listed.\n", c.omitted, c.rule, cell(display_text(c.file, 256)));
  }
  out << "\n";
}

}  // namespace ckptlint
