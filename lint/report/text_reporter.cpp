// SPDX-License-Identifier: Apache-2.0
// Human output: the diagnosis first, then the findings by severity. Findings of one rule that
// differ only by a layer index are folded into one line with the layer ranges (as
// transformers' load report does): "layers 24-41: ...", across shards too.
#include <fmt/format.h>

#include <map>
#include <set>

#include "ckptlint/reporters.h"
#include "report/diagnosis.h"
#include "report/fold.h"
#include "util/display_text.h"

namespace ckptlint {
namespace {

void write_diagnosis(std::ostream& out, const Report& report) {
  std::vector<DiagnosisLine> lines = diagnose(report);
  if (lines.empty()) return;
  out << "diagnosis:\n";
  for (const DiagnosisLine& d : lines) {
    out << fmt::format("  {} {}: {}{}\n", d.severity == Severity::error ? "error  " : "warning", to_string(d.failure_class), d.text,
                       d.count > 1 ? fmt::format(" ({} findings)", d.count) : "");
  }
  out << "\n";
}

// --verbose: the findings folded into a cause, one line each (at most 50 per finding).
void write_members(std::ostream& out, const FindingGroup& g) {
  for (const Finding* f : g.members) {
    std::size_t shown = 0;
    for (const Finding& m : f->members) {
      if (++shown > 50) {
        out << fmt::format("    ... and {} more\n", f->members.size() - 50);
        break;
      }
      out << fmt::format("    - {}[{}] {}\n", to_string(m.severity), m.rule_id, m.message);
    }
  }
}

}  // namespace

void write_text(std::ostream& out, const Report& report, const TextOptions& options) {
  if (!options.quiet) {
    std::string what = report.target.kind;
    if (!report.target.family.empty()) what += ", " + display_text(report.target.family, 64);
    if (report.target.layout != "unknown" && !report.target.layout.empty()) what += ", " + report.target.layout + " layout";
    out << fmt::format("ckptlint {}: {} ({})\n\n", version(), display_text(report.target.path, 1024), what);
    write_diagnosis(out, report);
  }
  std::set<std::string> helped;  // each rule's help once
  for (Severity level : {Severity::error, Severity::warning, Severity::info}) {
    auto [findings, per_rule] = findings_at(report.findings, level);
    std::vector<FindingGroup> groups = group_findings(findings);
    if (level == Severity::info && !options.verbose) {
      // One line per info rule: its first group, and how many findings it has in all.
      std::set<std::string> shown;
      for (const FindingGroup& g : groups) {
        if (!shown.insert(g.first->rule_id).second) continue;
        std::size_t n = per_rule[g.first->rule_id];
        out << fmt::format("info[{}] {}: {}{}\n", g.first->rule_id, to_string(g.first->failure_class), group_message(g),
                           n > g.count() ? fmt::format(" [{} findings; --verbose lists them]", n) : "");
      }
      continue;
    }
    for (const FindingGroup& g : groups) {
      const Finding& f = *g.first;
      out << fmt::format("{}[{}] {}: {}\n", to_string(f.severity), f.rule_id, to_string(f.failure_class), group_message(g));
      if (!options.quiet && !f.help.empty() && helped.insert(f.rule_id).second) out << fmt::format("    help: {}\n", f.help);
      if (options.verbose) write_members(out, g);
    }
  }
  if (options.quiet) return;
  if (!report.findings.empty()) out << "\n";
  std::size_t e = count(report, Severity::error), w = count(report, Severity::warning), i = count(report, Severity::info);
  for (const CappedFindings& c : report.capped) {
    out << fmt::format("{} more finding{} of {} in {} counted, not listed (a rule keeps at most {} per file)\n", c.omitted,
                       c.omitted == 1 ? "" : "s", c.rule, display_text(c.file, 256), kMaxFindingsPerRuleFile);
  }
  out << fmt::format("{} error{}, {} warning{}, {} info in {} file{} ({} rules run): {}\n", e, e == 1 ? "" : "s", w,
                     w == 1 ? "" : "s", i, report.files_read, report.files_read == 1 ? "" : "s", report.rules_run,
                     fails(report) ? "fail" : "pass");
  if (report.suppressed > 0) out << fmt::format("{} finding{} accepted by the baseline\n", report.suppressed, report.suppressed == 1 ? "" : "s");
  for (const std::string& entry : report.baseline_unmatched) {
    out << fmt::format("baseline entry no longer matches anything (remove it): {}\n", display_text(entry, 1024));
  }
}

}  // namespace ckptlint
