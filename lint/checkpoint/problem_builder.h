// SPDX-License-Identifier: Apache-2.0
// Small helpers to record a LoadProblem in one statement.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "ckptlint/checkpoint.h"
#include "ckptlint/report.h"

namespace ckptlint {

/// Appends a problem about `file` (and `tensor`, when not empty) with the given facts.
/// "file" and "tensor" facts are added first, so messages can always name them.
inline LoadProblem& add_problem(std::vector<LoadProblem>& problems, LoadProblemCode code,
                                const std::string& file, const std::string& tensor, Facts facts) {
  LoadProblem p;
  p.code = code;
  p.location.file = file;
  p.location.tensor = tensor;
  p.facts.emplace_back("file", file);
  if (!tensor.empty() || code == LoadProblemCode::tensor_name_suspicious ||
      code == LoadProblemCode::tensor_name_case_collision) {
    p.facts.emplace_back("tensor", tensor);
  }
  for (auto& f : facts) p.facts.push_back(std::move(f));
  problems.push_back(std::move(p));
  return problems.back();
}

/// add_problem() for a reader of one file that may find a problem per entry (the tensor
/// entries of a header, the weight_map of an index): at most kMaxFindingsPerRuleFile of each
/// code are kept, what a report lists of one rule in one file, and the rest are counted on
/// the last one kept (LoadProblem::omitted). A header of 1.5 million aliasing tensors kept
/// 1.5 million overlap problems, some 900 bytes each.
class CappedProblems {
 public:
  explicit CappedProblems(std::vector<LoadProblem>& out) : out_(out) {}
  /// Records the problem, or only counts it when its code has its share; returns the problem
  /// recorded, or nullptr.
  LoadProblem* add(LoadProblemCode code, const std::string& file, const std::string& tensor, Facts facts) {
    const auto c = static_cast<std::size_t>(code);
    if (kept_[c] == kMaxFindingsPerRuleFile) {
      ++out_[last_[c]].omitted;
      return nullptr;
    }
    ++kept_[c];
    last_[c] = out_.size();
    return &add_problem(out_, code, file, tensor, std::move(facts));
  }

 private:
  std::vector<LoadProblem>& out_;
  std::array<std::size_t, load_problem_code_count> kept_{};  // per code: problems kept
  std::array<std::size_t, load_problem_code_count> last_{};  // per code: where the last one kept is in out_
};

}  // namespace ckptlint
