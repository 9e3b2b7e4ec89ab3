// SPDX-License-Identifier: Apache-2.0
// Joins rules and primitives: select rules, check where they apply, run, Match -> Finding.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "ckptlint/lint.h"
#include "engine/analysis.h"
#include "engine/compiled_rule.h"
#include "util/glob.h"

namespace ckptlint {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The model_type values a checkpoint answers to: the top-level one and text_config's.
std::vector<std::string> model_types(const Checkpoint& ck) {
  std::vector<std::string> out;
  if (!ck.family.empty()) out.push_back(ck.family);
  if (ck.config && ck.config->value.is_object()) {
    auto tc = ck.config->value.find("text_config");
    if (tc != ck.config->value.end() && tc->is_object()) {
      auto mt = tc->find("model_type");
      if (mt != tc->end() && mt->is_string()) out.push_back(mt->get<std::string>());
    }
  }
  return out;
}

bool applies(const CompiledRule& cr, const Checkpoint& ck, const std::vector<std::string>& types, const Scope& scope) {
  const Rule& r = cr.rule;
  if (!r.kinds.empty() && !contains(r.kinds, ck.kind)) return false;
  if (!r.layouts.empty() && !contains(r.layouts, ck.layout)) return false;
  if (!r.model_types.empty()) {
    bool any = false;
    for (const std::string& t : types) any = any || contains(r.model_types, t);
    if (!any) return false;
  }
  return cr.when.empty() || cr.when.test(scope);
}

}  // namespace

bool rule_matches(const Rule& rule, const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    if (glob_match(p, rule.id) || p == to_string(rule.failure_class)) return true;
  }
  return false;
}

Report run_rules(const Checkpoint& ck, const RuleSet& rules, const RunOptions& options) {
  Report report;
  report.fail_on = options.fail_on;
  report.target.path = ck.display_path;
  report.target.kind = ck.kind;
  report.target.family = ck.family;
  report.target.layout = ck.layout;
  for (const Shard& s : ck.shards) report.files_read += s.readable ? 1 : 0;
  const nlohmann::json* config = ck.config ? &ck.config->value : nullptr;
  const std::vector<std::string> types = model_types(ck);
  const Analysis analysis = analyze(ck, rules);
  report.target.quantization = describe_quantization(analysis);
  if (analysis.layout) report.target.layout = analysis.layout->variant;
  for (const auto& cr : rules.compiled()) {
    const Rule& r = cr->rule;
    bool selected = options.select.empty() ? r.enabled_by_default : rule_matches(r, options.select);
    if (!selected || rule_matches(r, options.ignore)) continue;
    Scope scope;
    scope.config = config;
    for (const auto& [name, e] : cr->lets) scope.vars.emplace_back(name, e.eval(scope));
    if (!applies(*cr, ck, types, scope)) continue;
    ++report.rules_run;
    std::vector<Match> matches;
    cr->primitive->run(RunContext{ck, scope, analysis}, matches);
    for (Match& m : matches) {
      Finding f;
      f.rule_id = r.id;
      f.severity = r.severity;
      f.failure_class = r.failure_class;
      f.message = cr->message.render(m.facts);
      f.help = r.help;
      f.location = std::move(m.location);
      f.related = std::move(m.related);
      f.facts = std::move(m.facts);
      report.findings.push_back(std::move(f));
    }
  }
  sort_findings(report.findings);
  return report;
}

std::string default_rules_dir(const char* argv0) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("CKPTLINT_RULES_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec && argv0 != nullptr) exe = fs::absolute(argv0, ec);
  if (!exe.empty()) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "ckptlint" / "rules";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  if (fs::is_directory(CKPTLINT_INSTALLED_RULES_DIR, ec)) return CKPTLINT_INSTALLED_RULES_DIR;
  return CKPTLINT_SOURCE_RULES_DIR;
}

}  // namespace ckptlint
