// SPDX-License-Identifier: Apache-2.0
// GitHub Actions workflow commands for a gate. GitHub shows ten annotations of a type per
// step, so a run writes one ::error or ::warning per rule (its first fold group, with how
// many findings the rule has), at the file (and line and column, where the finding's key was
// located) under the checked path, titled with the rule id and failure class. Info findings
// are not annotated: the job summary (markdown_summary.cpp) has the whole report. Values are
// escaped as the runner expects (%, CR and LF in the message; also : and , in properties),
// after the display escaping every untrusted string gets (util/display_text.h).
#include <fmt/format.h>

#include <map>

#include "ckptlint/reporters.h"
#include "report/fold.h"
#include "util/display_text.h"

namespace ckptlint {
namespace {

std::string escape_data(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escape_property(const std::string& s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

}  // namespace

void write_github(std::ostream& out, const Report& report) {
  std::string root = report.target.path;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  for (Severity level : {Severity::error, Severity::warning}) {
    auto [findings, per_rule] = findings_at(report.findings, level);
    std::map<std::string, bool> annotated;
    for (const FindingGroup& g : group_findings(findings)) {
      const Finding& f = *g.first;
      if (annotated[f.rule_id]) continue;
      annotated[f.rule_id] = true;
      const Location& l = f.location;
      // The checked path may be a single file, which is then the finding's file.
      std::string file = l.file.empty() || l.file == "." || root.ends_with("/" + l.file) || root == l.file ? root : root + "/" + l.file;
      std::string properties = "file=" + escape_property(display_text(file, 1024));
      if (l.line) properties += fmt::format(",line={}", *l.line);
      if (l.column) properties += fmt::format(",col={}", *l.column);
      properties += ",title=" + escape_property(fmt::format("{} ({})", f.rule_id, to_string(f.failure_class)));
      std::string message = group_message(g);
      if (!l.tensor.empty() && g.count() == 1 && message.find(display_text(l.tensor)) == std::string::npos) {
        message += " [tensor " + display_text(l.tensor, 1024) + "]";
      }
      std::size_t n = per_rule[f.rule_id];
      if (n > g.count()) message += fmt::format(" (and {} more finding{} of this rule: see the job summary)", n - g.count(), n - g.count() == 1 ? "" : "s");
      if (!f.help.empty()) message += "\n" + f.help;
      out << "::" << (level == Severity::error ? "error" : "warning") << " " << properties << "::" << escape_data(message) << "\n";
    }
  }
  std::size_t e = count(report, Severity::error), w = count(report, Severity::warning), i = count(report, Severity::info);
  out << fmt::format("ckptlint {}: {} error{}, {} warning{}, {} info ({} rules run): {}\n", display_text(report.target.path, 1024), e,
                     e == 1 ? "" : "s", w, w == 1 ? "" : "s", i, report.rules_run, fails(report) ? "fail" : "pass");
}

void write_github(std::ostream& out, const NotChecked& n) {
  out << "::error title=ckptlint::" << escape_data(display_text(n.path, 1024) + " was not checked: " + display_text(n.reason, 4096)) << "\n";
}

}  // namespace ckptlint
