// SPDX-License-Identifier: Apache-2.0
// Small helpers to record a LoadProblem in one statement.
#pragma once
#include <string>
#include <vector>

#include "ckptlint/checkpoint.h"

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

}  // namespace ckptlint
