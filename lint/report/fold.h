// SPDX-License-Identifier: Apache-2.0
// Folding for human reports: findings of one rule whose messages differ only by a layer
// number (wherever they sit: in one shard or several) form one group, shown once with the
// layer ranges ("layers 24-41: ..."), as transformers' load report does.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ckptlint/finding.h"

namespace ckptlint {

struct FindingGroup {
  const Finding* first = nullptr;
  std::vector<const Finding*> members;  ///< every finding of the group, first included, in report order
  std::set<long> layers;
  std::size_t count() const { return members.size(); }
};

/// The findings of one severity in report order, and how many each rule has.
struct SeverityFindings {
  std::vector<const Finding*> findings;
  std::map<std::string, std::size_t> per_rule;
};
SeverityFindings findings_at(const std::vector<Finding>& all, Severity level);

/// The groups of `findings`, in the order of their first finding.
std::vector<FindingGroup> group_findings(const std::vector<const Finding*>& findings);

/// The group's one-line message: "layers 24-41: ..." when every member has its own layer,
/// else the first message and how many more are like it.
std::string group_message(const FindingGroup& group);

}  // namespace ckptlint
