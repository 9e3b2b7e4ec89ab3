// SPDX-License-Identifier: Apache-2.0
// PEFT's module patterns matched against an adapter's module paths, with bounded work. PEFT
// reads a string `target_modules` as a regular expression matched against the whole module
// path (re.fullmatch), and each key of `rank_pattern` as one the path must end with
// (re.match(rf"(.*\.)?({key})$", path)). The patterns come from the file: a few dozen bytes
// can make every character of every path visit 20,000 states, so each function charges all
// of its work (compiling and matching, over every pair) to one budget of
// kPatternWorkBudget steps, and says when the budget ran out rather than guessing. A run
// matches each pattern once (PatternMatches), whichever rule asks first.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapter/adapter_model.h"

namespace ckptlint {

/// Steps of work (states visited, states compiled) one pattern may take over all pairs of a
/// run: about a quarter of a second. A usual target pattern takes 500 to 1,200 steps per
/// module path, so this is ample for adapters of 40,000 pairs; a 57-byte pattern can take 1.8
/// million per path.
inline constexpr std::uint64_t kPatternWorkBudget = 50'000'000;

struct TargetRegexMatch {
  std::string error;         ///< the pattern does not compile (unsupported syntax, too many states)
  bool over_budget = false;  ///< matching ran out of work before every pair was decided
  std::vector<char> hits;    ///< per pair (AdapterModel::pairs order): matched; only when neither of the above
};

/// `target_modules` given as a regular expression, against every pair's module path.
TargetRegexMatch match_target_regex(const std::string& pattern, const std::vector<LoraPair>& pairs);

struct RankPatternMatch {
  bool over_budget = false;            ///< the budget ran out: some pairs are undecided
  std::size_t undecided = 0;           ///< pairs left without an answer
  std::vector<nlohmann::json> ranks;   ///< per pair: the rank of the first key that matches it, or null
};

/// `rank_pattern` (an object of module pattern -> rank) against every pair's module path; keys
/// in the object's order, those without an integer rank and those that do not compile skipped.
RankPatternMatch match_rank_pattern(const nlohmann::json& patterns, const std::vector<LoraPair>& pairs);

/// The matches of one run, each pattern matched once against the run's pairs whichever rule
/// asks first (the rules run on two threads; each pattern's answer, budget included, does
/// not depend on which). Answers stay valid as long as this object.
class PatternMatches {
 public:
  const TargetRegexMatch& target_regex(const std::string& pattern, const std::vector<LoraPair>& pairs);
  const RankPatternMatch& rank_pattern(const nlohmann::json& patterns, const std::vector<LoraPair>& pairs);

 private:
  std::mutex mutex_;
  std::map<std::string, TargetRegexMatch> targets_;
  std::map<std::string, RankPatternMatch> ranks_;  // by the object's JSON text
};

}  // namespace ckptlint
