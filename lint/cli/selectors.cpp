// SPDX-License-Identifier: Apache-2.0
#include "cli/selectors.h"

#include <fmt/format.h>

#include "ckptlint/lint.h"
#include "util/spelling.h"

namespace ckptlint {
namespace {

bool is_glob(const std::string& p) { return p.find_first_of("*?[") != std::string::npos; }

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
    if (is_glob(p)) return fmt::format("{}: the glob '{}' matches no rule (ckptlint rules lists them)", where, p);
    return fmt::format("{}: no rule or class '{}'{} (ckptlint rules lists them)", where, p, suggest_rule(rules, p));
  }
  return "";
}

std::string check_rule_ids(const RuleSet& rules, const std::vector<std::string>& ids, const std::string& where) {
  for (const std::string& id : ids) {
    if (rules.find(id) == nullptr) {
      return fmt::format("{}: no rule '{}'{} (ckptlint rules lists them)", where, id, suggest_rule(rules, id, false));
    }
  }
  return "";
}

}  // namespace ckptlint
