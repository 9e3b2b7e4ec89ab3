// SPDX-License-Identifier: Apache-2.0
// Joins rules and primitives: select rules, check where they apply, run, Match -> Finding.
#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "ckptlint/lint.h"
#include "analysis/analysis.h"
#include "engine/causes.h"
#include "engine/storage_map.h"
#include "util/platform.h"
#include "rules/rule_packs.h"
#include "json/json_locate.h"
#include "util/glob.h"
#include "util/parallel.h"

namespace ckptlint {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A run answers to its target's kind, and a diff also to "diff" (the fused side is checked
// as a checkpoint besides).
bool applies(const CompiledRule& cr, const Checkpoint& ck, const std::string& key_layout, bool in_diff,
             const std::vector<std::string>& types, const Scope& scope) {
  const Rule& r = cr.rule;
  if (!r.kinds.empty() && !contains(r.kinds, ck.kind) && !(in_diff && contains(r.kinds, "diff"))) return false;
  if (!r.layouts.empty() && !contains(r.layouts, key_layout)) return false;
  if (!r.model_types.empty()) {
    bool any = false;
    for (const std::string& t : types) any = any || contains(r.model_types, t);
    if (!any) return false;
  }
  return cr.when.empty() || cr.when.test(scope);
}

// The JSON file a finding is in (config, adapter config, index, a JSON side file), if it is one.
const JsonFile* json_file_of(const Checkpoint& ck, const std::string& file) {
  if (ck.config && ck.config->file == file) return &*ck.config;
  if (ck.index && ck.index->file == file) return &*ck.index;
  return ck.side.json(file);
}

// The line and column of a finding's JSON pointer in its file (config, index), if there.
void locate_key(const Checkpoint& ck, Finding& f) {
  const JsonFile* json = json_file_of(ck, f.location.file);
  if (json == nullptr) return;
  if (auto at = locate_json_pointer(json->text, f.location.json_pointer)) {
    f.location.line = at->line;
    f.location.column = at->column;
  }
}

// Points a finding in a JSON file at its key: the rule's `key`, the primitive's pointer, or
// for the index the tensor's weight_map entry.
void locate(const CompiledRule& cr, const Checkpoint& ck, Finding& f) {
  const JsonFile* json = json_file_of(ck, f.location.file);
  if (json == nullptr) return;
  if (cr.key) f.location.json_pointer = dotted_to_pointer(cr.key->render(f.facts));
  if (f.location.json_pointer.empty() && json == &*ck.index && !f.location.tensor.empty()) {
    f.location.json_pointer = dotted_to_pointer("/weight_map/" + escape_pointer_token(f.location.tensor));
  }
  locate_key(ck, f);
}

Finding to_finding(const CompiledRule& cr, Match&& m) {
  Finding f;
  f.rule_id = cr.rule.id;
  f.severity = cr.rule.severity;
  f.failure_class = cr.rule.failure_class;
  f.message = cr.message.render(m.facts, true);
  f.help = cr.rule.help;
  if (cr.diagnosis) f.diagnosis = cr.diagnosis->render(m.facts, true);
  f.location = std::move(m.location);
  f.related = std::move(m.related);
  f.facts = std::move(m.facts);
  return f;
}

// (shard, index) of the tensors the selected rules want tested for all zeros.
std::vector<std::pair<std::size_t, std::size_t>> zero_checks(const Checkpoint& ck, const Analysis& analysis,
                                                             const std::vector<const CompiledRule*>& selected) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const CompiledRule* cr : selected) {
    for (const TensorInfo* t : cr->primitive->zero_checks(analysis)) {
      const Shard* s = ck.shard_of(*t);
      if (s != nullptr) out.emplace_back(static_cast<std::size_t>(s - ck.shards.data()), static_cast<std::size_t>(t - s->tensors.data()));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

bool rule_matches(const Rule& rule, const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    if (glob_match(p, rule.id) || p == to_string(rule.failure_class)) return true;
  }
  return false;
}

namespace {
Report run(const Checkpoint& ck, const RuleSet& rules, const RunOptions& options, const Checkpoint* base, const DiffRequest* diff);
}  // namespace

Report run_rules(const Checkpoint& ck, const RuleSet& rules, const RunOptions& options, const Checkpoint* base) {
  return run(ck, rules, options, base, nullptr);
}

Report run_diff(const Checkpoint& fused, const RuleSet& rules, const RunOptions& options, const DiffRequest& diff) {
  return run(fused, rules, options, nullptr, &diff);
}

namespace {
Report run(const Checkpoint& ck, const RuleSet& rules, const RunOptions& options, const Checkpoint* base, const DiffRequest* diff) {
  Report report;
  report.fail_on = options.fail_on;
  report.target.path = ck.display_path;
  report.target.kind = ck.kind;
  report.target.family = ck.family;
  for (const Shard& s : ck.shards) {
    report.files_read += s.readable ? 1 : 0;
    report.tensors_read += s.tensors.size();
  }
  const nlohmann::json* config = ck.config ? &ck.config->value : nullptr;
  const std::vector<std::string> types = (ck.config ? config_model_types(ck.config->value) : std::vector<std::string>{});
  // Adapter rules answer to the base's model_type (an adapter config has none), so that a
  // family pack's adapter rules apply; the family's checkpoint rules never see the adapter.
  const std::vector<std::string> base_types =
      (base != nullptr && base->config ? config_model_types(base->config->value) : std::vector<std::string>{});
  // A side read over HTTP is headers only, whatever was asked: changed values and the fuse
  // fit need the bytes of every side of a diff.
  const bool remote = ck.remote || (base != nullptr && base->remote) ||
                      (diff != nullptr && (diff->base->remote || (diff->adapter != nullptr && diff->adapter->remote)));
  auto started = std::chrono::steady_clock::now();
  auto retained = std::make_shared<Analysis>(analyze(ck, rules.packs().layouts, base, &rules.packs().token_facts));
  Analysis& analysis = *retained;
  if (diff != nullptr) {
    report.target.kind = "diff";
    const Analysis base_analysis = analyze(*diff->base, rules.packs().layouts);
    analysis.diff = build_diff(diff_side(*diff->base, base_analysis), diff_side(ck, analysis), diff->adapter,
                               DiffOptions{options.scan_values && !remote, diff->full, 32});
  }
  // `run`: what this run could read.
  VarList rule_vars = analysis.rule_vars();
  rule_vars.emplace_back("run", nlohmann::json{{"values_requested", options.scan_values}, {"remote", remote}, {"diff", diff != nullptr},
                                               {"single_file", ck.single_file}, {"target", ck.display_path},
                                               {"files", ck.files}});
  auto analyzed = std::chrono::steady_clock::now();
  report.target.layout = analysis.key_layout;
  if (options.storage_map) {
    report.units = storage_map(ck, analysis);
    report.side_files = side_file_list(ck, analysis);
  }
  std::vector<const CompiledRule*> selected;
  for (const auto& cr : rules.packs().rules()) {
    const Rule& r = cr->rule;
    bool chosen = options.select.empty() ? r.enabled_by_default : rule_matches(r, options.select);
    if (chosen && !rule_matches(r, options.ignore)) selected.push_back(cr.get());
  }
  // Value rules need the data scanned; the scan runs once, only when such a rule is selected.
  bool values_wanted = false;
  for (const CompiledRule* cr : selected) values_wanted = values_wanted || cr->primitive->needs_values();
  // An adapter is small: its values are always scanned.
  if ((options.scan_values || analysis.adapter) && values_wanted && !ck.remote) {
    analysis.values = scan_values(ck, ScanOptions{options.jobs, 16u << 20, options.progress, zero_checks(ck, analysis, selected), options.on_progress});
    spdlog::debug("scanned {} tensors, {:.2f} GB in {:.2f} s ({:.2f} GB/s)", analysis.values->tensors_scanned,
                  analysis.values->bytes / 1e9, analysis.values->seconds,
                  analysis.values->bytes / 1e9 / std::max(analysis.values->seconds, 1e-9));
  }
  // Rules are independent and read only shared, immutable state: run them on two threads,
  // each rule's findings in its own slot so the result does not depend on scheduling.
  std::vector<std::vector<Finding>> found(selected.size());
  std::vector<char> ran(selected.size(), 0);
  std::vector<std::vector<CappedFindings>> capped(selected.size());
  auto run_some = [&](std::size_t first, std::size_t step) {
    for (std::size_t i = first; i < selected.size(); i += step) {
      const CompiledRule& cr = *selected[i];
      Scope scope;
      scope.config = config;
      scope.bound = &rule_vars;
      for (const auto& [name, e] : cr.lets) scope.vars.emplace_back(name, e.eval(scope));
      bool adapter_rule = contains(cr.rule.kinds, "adapter");
      if (!applies(cr, ck, analysis.key_layout, analysis.diff != nullptr, adapter_rule && base != nullptr ? base_types : types, scope)) continue;
      if (cr.primitive->needs_values() && !analysis.values) continue;  // --no-values
      ran[i] = 1;
      MatchSink matches(kMaxFindingsPerRuleFile);
      cr.primitive->run(RunContext{ck, scope, analysis}, matches);
      for (Match& m : matches.kept()) {
        found[i].push_back(to_finding(cr, std::move(m)));
        locate(cr, ck, found[i].back());
      }
      aggregate_findings(cr, found[i], [&](Finding& f) { locate_key(ck, f); });
      for (const auto& [file, n] : matches.omitted()) capped[i].push_back(CappedFindings{cr.rule.id, file, n, cr.rule.severity});
    }
  };
  run_beside(
      [&] {
        // The report's quantization line too, beside the first thread's share of the rules.
        report.target.quantization = describe_quantization(analysis);
        run_some(1, 2);
      },
      [&] { run_some(0, 2); });
  for (std::size_t i = 0; i < selected.size(); ++i) {
    report.rules_run += ran[i];
    for (Finding& f : found[i]) report.findings.push_back(std::move(f));
    for (CappedFindings& c : capped[i]) report.capped.push_back(std::move(c));
  }
  std::vector<const CompiledRule*> ran_rules;
  for (std::size_t i = 0; i < selected.size(); ++i) {
    if (ran[i]) ran_rules.push_back(selected[i]);
  }
  fold_explained(ran_rules, report.findings);
  sort_findings(report.findings);
  report.retained = std::move(retained);
  spdlog::debug("analysis {:.1f} ms, {} rules {:.1f} ms", std::chrono::duration<double, std::milli>(analyzed - started).count(),
                report.rules_run, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - analyzed).count());
  return report;
}

}  // namespace

}  // namespace ckptlint
