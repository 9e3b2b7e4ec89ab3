// SPDX-License-Identifier: Apache-2.0
#include "engine/causes.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "json/json_locate.h"
#include "mlx/module_table.h"
#include "util/ranges.h"
#include "util/tensor_names.h"

namespace ckptlint {
namespace {

const std::string* fact(const Finding& f, std::string_view name) {
  for (const auto& [k, v] : f.facts) {
    if (k == name) return &v;
  }
  return nullptr;
}

// The module a finding is about: its "module" fact, else its tensor's module.
std::string module_of_finding(const Finding& f) {
  if (const std::string* m = fact(f, "module"); m != nullptr && !m->empty()) return *m;
  return f.location.tensor.empty() ? "" : module_of(f.location.tensor);
}

// "self_attn.q_proj in layers 0-28; mlp.down_proj in layers 0-41" for the members' modules
// (the path after "layers.N.", or the whole path), the first kinds and how many more.
std::string summarize_modules(const std::set<std::string>& modules) {
  std::map<std::string, std::set<long>> kinds;
  for (const std::string& m : modules) {
    auto span = find_layer(m);
    if (!span) {
      kinds[m];
      continue;
    }
    std::string kind = span->number_end < m.size() ? m.substr(span->number_end + 1) : m;
    kinds[kind].insert(span->number);
  }
  std::string out;
  std::size_t shown = 0;
  for (const auto& [kind, layers] : kinds) {
    if (++shown > 8) {
      out += fmt::format("; and {} more kinds", kinds.size() - 8);
      break;
    }
    out += (out.empty() ? "" : "; ") + kind;
    if (!layers.empty()) out += fmt::format(" in layer{} {}", layers.size() == 1 ? "" : "s", format_ranges(layers));
  }
  return out;
}

// The key an explained finding must share with the finding that explains it.
std::string scope_key(const Finding& f, Explains::Scope scope) {
  switch (scope) {
    case Explains::Scope::tensor: return f.location.file + '\n' + f.location.tensor;
    case Explains::Scope::module: return module_of_finding(f);
    case Explains::Scope::file: return f.location.file;
    case Explains::Scope::run: return "";
  }
  return "";
}

}  // namespace

void aggregate_findings(const CompiledRule& rule, std::vector<Finding>& findings, const std::function<void(Finding&)>& locate) {
  if (!rule.aggregate || findings.size() < rule.aggregate->at_least) return;
  const Aggregate& a = *rule.aggregate;
  std::map<std::string, std::vector<std::size_t>> groups;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    std::string key = a.by.render(findings[i].facts);
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(i);
  }
  std::vector<Finding> out;
  std::vector<char> taken(findings.size(), 0);
  std::map<std::size_t, Finding> folded_at;  // first member's index -> the folded finding
  for (const std::string& key : order) {
    const std::vector<std::size_t>& members = groups[key];
    if (members.size() < a.at_least) continue;
    const Finding& first = findings[members.front()];
    std::set<std::string> modules;
    for (std::size_t i : members) {
      std::string m = module_of_finding(findings[i]);
      if (!m.empty()) modules.insert(m);
    }
    Finding f;
    f.rule_id = first.rule_id;
    f.severity = first.severity;
    f.failure_class = first.failure_class;
    f.help = first.help;
    f.facts = first.facts;
    f.facts.emplace_back("count", std::to_string(members.size()));
    f.facts.emplace_back("module_count", std::to_string(modules.size()));
    f.facts.emplace_back("modules", summarize_modules(modules));
    f.message = a.message.render(f.facts, true);
    if (a.diagnosis) f.diagnosis = a.diagnosis->render(f.facts, true);
    else if (rule.diagnosis) f.diagnosis = rule.diagnosis->render(f.facts, true);
    f.location.file = a.file.empty() ? first.location.file : a.file;
    if (a.key) f.location.json_pointer = dotted_to_pointer(a.key->render(f.facts));
    for (std::size_t i : members) {
      f.related.push_back(location_at(findings[i].location.file, findings[i].location.tensor));
      taken[i] = 1;
    }
    f.folded = members.size();
    for (std::size_t i : members) f.members.push_back(std::move(findings[i]));
    locate(f);
    folded_at.emplace(members.front(), std::move(f));
  }
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (auto it = folded_at.find(i); it != folded_at.end()) out.push_back(std::move(it->second));
    else if (!taken[i]) out.push_back(std::move(findings[i]));
  }
  findings = std::move(out);
}

void fold_explained(const std::vector<const CompiledRule*>& rules, std::vector<Finding>& findings) {
  std::map<std::string, std::vector<std::size_t>> by_rule;
  for (std::size_t i = 0; i < findings.size(); ++i) by_rule[findings[i].rule_id].push_back(i);
  std::vector<char> gone(findings.size(), 0);
  for (const CompiledRule* cr : rules) {
    if (cr->explains.empty()) continue;
    auto causes = by_rule.find(cr->rule.id);
    if (causes == by_rule.end()) continue;
    for (const Explains& e : cr->explains) {
      auto effects = by_rule.find(e.rule);
      if (effects == by_rule.end() || e.rule == cr->rule.id) continue;
      // Each effect folds into the first cause that shares its scope key.
      std::map<std::string, std::size_t> cause_of;
      for (std::size_t c : causes->second) {
        if (!gone[c]) cause_of.try_emplace(scope_key(findings[c], e.same), c);
      }
      for (std::size_t x : effects->second) {
        if (gone[x]) continue;
        auto it = cause_of.find(scope_key(findings[x], e.same));
        if (it == cause_of.end()) continue;
        Finding& cause = findings[it->second];
        cause.related.push_back(location_at(findings[x].location.file, findings[x].location.tensor));
        cause.folded += std::max<std::size_t>(findings[x].folded, 1);
        cause.members.push_back(std::move(findings[x]));
        gone[x] = 1;
      }
    }
  }
  std::vector<Finding> kept;
  kept.reserve(findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (!gone[i]) kept.push_back(std::move(findings[i]));
  }
  findings = std::move(kept);
}

}  // namespace ckptlint
