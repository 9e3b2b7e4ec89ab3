// SPDX-License-Identifier: Apache-2.0
#include "cli/selectors.h"

#include <fmt/format.h>

#include <set>

#include "ckptlint/lint.h"
#include "util/spelling.h"

namespace ckptlint {
namespace {

bool is_glob(const std::string& p) { return p.find_first_of("*?[") != std::string::npos; }

// For a glob that matches nothing: the nearest prefix of a rule id ("idx-*" -> "index-*").
std::string suggest_glob(const RuleSet& rules, const std::string& glob) {
  std::string literal = glob.substr(0, glob.find_first_of("*?["));
  std::set<std::string> prefixes;
  for (const Rule* r : rules.rules()) {
    for (std::size_t dash = r->id.find('-'); dash != std::string::npos; dash = r->id.find('-', dash + 1)) prefixes.insert(r->id.substr(0, dash + 1));
  }
  std::vector<std::string_view> known(prefixes.begin(), prefixes.end());
  std::string best = nearest_spelling(literal, known);
  return best.empty() ? "" : " (did you mean '" + best + "*'?)";
}

}  // namespace

std::string suggest_rule(const RuleSet& rules, const std::string& typed, bool with_classes) {
  std::vector<std::string> classes = failure_class_names();
  std::vector<std::string_view> known;
  for (const Rule* r : rules.rules()) known.emplace_back(r->id);
  if (with_classes) known.insert(known.end(), classes.begin(), classes.end());
  return did_you_mean(typed, known);
}

std::string check_selectors(const RuleSet& rules, const std::vector<std::string>& patterns, const std::string& where) {
  for (const std::string& p : patterns) {
    bool matched = false;
    for (const Rule* r : rules.rules()) matched = matched || rule_matches(*r, {p});
    if (matched || failure_class_from_string(p)) continue;
    if (is_glob(p)) return fmt::format("{}: the glob '{}' matches no rule{} (ckptlint rules lists them)", where, p, suggest_glob(rules, p));
    return fmt::format("{}: no rule or class '{}'{} (ckptlint rules lists them)", where, p, suggest_rule(rules, p));
  }
  return "";
}

std::string check_rule_ids(const RuleSet& rules, const std::vector<std::string>& ids, const std::string& where) {
  for (const std::string& id : ids) {
    if (rules.find(id) == nullptr) {
      if (is_glob(id)) return fmt::format("{}: '{}' is a glob; a baseline entry names one rule id{}", where, id, suggest_glob(rules, id));
      return fmt::format("{}: no rule '{}'{} (ckptlint rules lists them)", where, id, suggest_rule(rules, id, false));
    }
  }
  return "";
}

}  // namespace ckptlint
