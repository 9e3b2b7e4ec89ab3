// SPDX-License-Identifier: Apache-2.0
#include "report/diagnosis.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace ckptlint {

namespace {

// Which classes tend to cause the others: a broken container before everything, the index
// and the adapter's fit before what follows from them, quantization metadata before the
// config that describes it. Within one severity, a class whose finding folds consequences
// comes first, then this order.
int precedence(FailureClass c) {
  switch (c) {
    case FailureClass::corrupt_file: return 0;
    case FailureClass::shard_index: return 1;
    case FailureClass::adapter_mismatch: return 2;
    case FailureClass::quant_metadata: return 3;
    case FailureClass::mixed_quantization: return 4;
    case FailureClass::stale_config: return 5;
    case FailureClass::key_naming: return 6;
    case FailureClass::kv_sharing: return 7;
    case FailureClass::ple_quantized: return 8;
    case FailureClass::adapter_scale: return 9;
    case FailureClass::fuse_drift: return 10;
    case FailureClass::non_finite: return 11;
    default: return 12;
  }
}

}  // namespace

// A class's line is the diagnosis of a rule that gives one (a summary rule, at any
// severity), else the message of its worst finding (one that folds consequences first).
std::vector<DiagnosisLine> diagnose(const Report& report) {
  struct ClassState {
    Severity worst = Severity::info;
    std::size_t count = 0;
    bool cause = false;
    const Finding* worst_finding = nullptr;
    const Finding* diagnosed = nullptr;
  };
  std::map<FailureClass, ClassState> classes;
  for (const Finding& f : report.findings) {
    ClassState& c = classes[f.failure_class];
    if (f.severity >= Severity::warning) {
      ++c.count;
      const bool folds = f.folded > 0;
      if (c.worst_finding == nullptr || f.severity > c.worst || (f.severity == c.worst && folds && c.worst_finding->folded == 0)) {
        c.worst = f.severity;
        c.worst_finding = &f;
      }
      c.cause = c.cause || folds;
    }
    if (!f.diagnosis.empty() && (c.diagnosed == nullptr || f.severity > c.diagnosed->severity)) c.diagnosed = &f;
  }
  std::vector<DiagnosisLine> lines;
  for (const auto& [cls, c] : classes) {
    if (c.count == 0) continue;
    lines.push_back({c.worst, cls, c.diagnosed != nullptr ? c.diagnosed->diagnosis : c.worst_finding->message, c.count, c.cause});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const DiagnosisLine& a, const DiagnosisLine& b) {
    return std::tuple(b.severity, !b.cause, precedence(a.failure_class)) < std::tuple(a.severity, !a.cause, precedence(b.failure_class));
  });
  return lines;
}

}  // namespace ckptlint
