// SPDX-License-Identifier: Apache-2.0
#include "adapter/adapter_patterns.h"

#include "util/safe_regex.h"

namespace ckptlint {

TargetRegexMatch match_target_regex(const std::string& pattern, const std::vector<LoraPair>& pairs) {
  TargetRegexMatch out;
  std::optional<SafeRegex> re = SafeRegex::compile(pattern, out.error);
  if (!re) return out;
  RegexBudget budget(kPatternWorkBudget);
  out.hits.reserve(pairs.size());
  for (const LoraPair& p : pairs) {
    std::optional<bool> hit = re->full_match(p.module, budget);
    if (!hit) {
      out.over_budget = true;
      out.hits.clear();
      return out;
    }
    out.hits.push_back(*hit ? 1 : 0);
  }
  return out;
}

RankPatternMatch match_rank_pattern(const nlohmann::json& patterns, const std::vector<LoraPair>& pairs) {
  RankPatternMatch out;
  out.ranks.assign(pairs.size(), nullptr);
  if (!patterns.is_object()) return out;
  RegexBudget budget(kPatternWorkBudget);
  // Key by key, every pair still without a rank: one compiled pattern at a time.
  std::vector<char> decided(pairs.size(), 0);
  for (const auto& [key, value] : patterns.items()) {
    if (!value.is_number_integer()) continue;
    std::string error;
    std::optional<SafeRegex> re = SafeRegex::compile("(.*\\.)?(" + key + ")", error);
    if (!budget.take(re ? re->states() : key.size())) break;
    if (!re) continue;
    for (std::size_t i = 0; i < pairs.size() && !budget.spent(); ++i) {
      if (decided[i]) continue;
      std::optional<bool> hit = re->full_match(pairs[i].module, budget);
      if (hit && *hit) {
        out.ranks[i] = value;
        decided[i] = 1;
      }
    }
    if (budget.spent()) break;
  }
  if (budget.spent()) {
    out.over_budget = true;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (!decided[i]) {
        out.ranks[i] = nullptr;
        ++out.undecided;
      }
    }
  }
  return out;
}

const TargetRegexMatch& PatternMatches::target_regex(const std::string& pattern, const std::vector<LoraPair>& pairs) {
  std::lock_guard lock(mutex_);
  auto it = targets_.find(pattern);
  if (it == targets_.end()) it = targets_.emplace(pattern, match_target_regex(pattern, pairs)).first;
  return it->second;
}

const RankPatternMatch& PatternMatches::rank_pattern(const nlohmann::json& patterns, const std::vector<LoraPair>& pairs) {
  std::lock_guard lock(mutex_);
  std::string key = patterns.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto it = ranks_.find(key);
  if (it == ranks_.end()) it = ranks_.emplace(std::move(key), match_rank_pattern(patterns, pairs)).first;
  return it->second;
}

}  // namespace ckptlint
