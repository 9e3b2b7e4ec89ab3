// SPDX-License-Identifier: Apache-2.0
// The diagnosis every human report opens with: one line per failure class found at warning
// or above, worst first.
#pragma once
#include <string>
#include <vector>

#include "ckptlint/report.h"

namespace ckptlint {

struct DiagnosisLine {
  Severity severity = Severity::warning;  ///< the class's worst finding
  FailureClass failure_class = FailureClass::corrupt_file;
  std::string text;                       ///< a summary rule's diagnosis, else the worst finding's message
  std::size_t count = 0;                  ///< findings of the class at warning or above
  bool cause = false;                     ///< a finding of the class folds others (a root cause)
};

/// Worst severity first; within one, root causes (findings that fold others) first, then the
/// classes that cause others (a corrupt container, the index, the adapter's fit) before the
/// ones that follow. Classes with only info findings are left out.
std::vector<DiagnosisLine> diagnose(const Report& report);

}  // namespace ckptlint
