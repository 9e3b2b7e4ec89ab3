// SPDX-License-Identifier: Apache-2.0
#include "report/diagnosis.h"

#include <algorithm>
#include <map>

namespace ckptlint {

// A class's line is the diagnosis of a rule that gives one (a summary rule, at any
// severity), else the message of its worst finding.
std::vector<DiagnosisLine> diagnose(const Report& report) {
  struct ClassState {
    Severity worst = Severity::info;
    std::size_t count = 0;
    const Finding* worst_finding = nullptr;
    const Finding* diagnosed = nullptr;
  };
  std::map<FailureClass, ClassState> classes;
  for (const Finding& f : report.findings) {
    ClassState& c = classes[f.failure_class];
    if (f.severity >= Severity::warning) {
      ++c.count;
      if (c.worst_finding == nullptr || f.severity > c.worst) {
        c.worst = f.severity;
        c.worst_finding = &f;
      }
    }
    if (!f.diagnosis.empty() && (c.diagnosed == nullptr || f.severity > c.diagnosed->severity)) c.diagnosed = &f;
  }
  std::vector<DiagnosisLine> lines;
  for (const auto& [cls, c] : classes) {
    if (c.count == 0) continue;
    lines.push_back({c.worst, cls, c.diagnosed != nullptr ? c.diagnosed->diagnosis : c.worst_finding->message, c.count});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const DiagnosisLine& a, const DiagnosisLine& b) {
    return std::pair(a.severity, a.count) > std::pair(b.severity, b.count);
  });
  return lines;
}

}  // namespace ckptlint
