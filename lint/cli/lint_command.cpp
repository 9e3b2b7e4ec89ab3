// SPDX-License-Identifier: Apache-2.0
#include "cli/lint_command.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

#include "cli/baseline.h"
#include "cli/builtin_rules.h"
#include "cli/hub_cache.h"
#include "cli/project_config.h"
#include "cli/selectors.h"
#include "cli/target_check.h"
#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "rules/rule_packs.h"
#include "util/parallel.h"
#include "util/tensor_names.h"

namespace ckptlint {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// What one target needs read before its rules run.
struct Loaded {
  std::string path;                   ///< as reported
  std::shared_ptr<Checkpoint> ck, base, adapter;
  std::string error;                  ///< could not be read at all
};

// Every path the run reads: PATHs, --base, --adapter, BASE and FUSED.
std::vector<std::string> checked_paths(const Options& o) {
  std::vector<std::string> out = o.positional;
  if (!o.base.empty()) out.push_back(o.base);
  if (!o.adapter.empty()) out.push_back(o.adapter);
  return out;
}

std::shared_ptr<Checkpoint> load(const std::string& path, const LoadOptions& options, std::string& error) {
  if (std::string wrong = wrong_file_target(path); !wrong.empty()) {
    error = wrong;
    return nullptr;
  }
  auto ck = std::make_shared<Checkpoint>();
  if (!load_checkpoint(path, *ck, error, options)) return nullptr;
  return ck;
}

// Reads one target of `o` (a check PATH, or the diff pair), stopping at the first side that
// cannot be read.
Loaded load_target(const Options& o, const LoadOptions& options) {
  Loaded t;
  t.path = o.target();
  const bool diff = o.command == "diff";
  const std::string base_path = o.base_path();
  if (!(t.ck = load(o.target(), options, t.error))) return t;
  if (!base_path.empty() && !(t.base = load(base_path, options, t.error))) return t;
  if (diff && !o.adapter.empty() && !(t.adapter = load(o.adapter, options, t.error))) return t;
  return t;
}

// Why a loaded target cannot be checked (exit 2), or "".
std::string refusal(const Options& o, const Loaded& t) {
  if (!t.error.empty()) return t.error;
  if (std::string why = nothing_to_check(*t.ck, t.path); !why.empty()) return why;
  if (t.base) {
    if (std::string why = nothing_to_check(*t.base, o.base_path()); !why.empty()) return why;
  }
  // A fuse verified against no adapter would pass on nothing.
  if (t.adapter) {
    bool weights = false;
    for (const Shard& s : t.adapter->shards) weights = weights || (s.exists && !is_training_checkpoint(s.file));
    if (t.adapter->kind != "adapter") {
      return fmt::format("'{}' is not an adapter (no adapter_config.json, adapters.safetensors or adapter_model.safetensors): the fuse cannot be verified against it", o.adapter);
    }
    if (!weights) return fmt::format("nothing to check: the adapter '{}' has no weights file, so the fuse cannot be verified", o.adapter);
  }
  // check FUSED --base BASE on a checkpoint compares its side files with the base's.
  return "";
}

// The selectors of the command line, the project config and the baseline, all checked
// before anything runs.
std::string check_all_selectors(const Options& o, const ProjectConfig* project, const RuleSet& rules,
                                const std::vector<BaselineEntry>& baseline, const std::string& baseline_path) {
  std::string error = check_selectors(rules, o.select, "--select");
  if (error.empty()) error = check_selectors(rules, o.ignore, "--ignore");
  if (error.empty() && project != nullptr) {
    error = check_selectors(rules, project->select, fmt::format("{}:{}: select", project->path, project->line_of_select));
    if (error.empty()) error = check_selectors(rules, project->ignore, fmt::format("{}:{}: ignore", project->path, project->line_of_ignore));
    std::vector<std::string> keys;
    for (const auto& [key, level] : project->severity) keys.push_back(key);
    if (error.empty()) error = check_selectors(rules, keys, fmt::format("{}:{}: severity", project->path, project->line_of_severity));
  }
  std::vector<std::string> accepted;
  for (const BaselineEntry& e : baseline) accepted.push_back(e.rule);
  if (error.empty()) error = check_rule_ids(rules, accepted, fmt::format("baseline '{}'", baseline_path));
  return error;
}

// The project config's severity for a rule: its id's entry, else the first glob or class that
// selects it.
std::optional<Severity> severity_override(const ProjectConfig& project, const RuleSet& rules, const std::string& id) {
  if (auto it = project.severity.find(id); it != project.severity.end()) return it->second;
  const Rule* rule = rules.find(id);
  for (const auto& [key, level] : project.severity) {
    if (rule != nullptr && rule_matches(*rule, {key})) return level;
  }
  return std::nullopt;
}

// Replaces each PATH, --base and --adapter written as ORG/REPO[@REVISION] (and not a local
// path) by its snapshot in the local Hugging Face cache; "" or why one cannot be.
std::string resolve_hub_names(Options& o) {
  std::vector<std::string*> paths{&o.base, &o.adapter};
  for (std::string& p : o.positional) paths.push_back(&p);
  for (std::string* path : paths) {
    if (!looks_like_hub_name(*path)) continue;
    std::string error;
    std::optional<std::string> snapshot = resolve_hub_name(*path, error);
    if (!snapshot) return error;
    spdlog::debug("{}: the cached snapshot {}", *path, *snapshot);
    *path = *snapshot;
  }
  return "";
}

}  // namespace

int LintOutcome::exit_code(bool exit_zero) const {
  if (!rule_errors.empty() || !usage_error.empty()) return 2;
  bool failed = false;
  for (const TargetOutcome& t : targets) {
    if (!t.report) return 2;
    failed = failed || fails(*t.report);
  }
  return failed && !exit_zero ? 1 : 0;
}

std::vector<const Report*> LintOutcome::reports() const {
  std::vector<const Report*> out;
  for (const TargetOutcome& t : targets) {
    if (t.report) out.push_back(&*t.report);
  }
  return out;
}

namespace {

LintOutcome lint_targets(const Options& options, const ProgressCallback& on_progress) {
  LintOutcome out;
  const auto start = Clock::now();
  Options o = options;
  // Before anything reads a path: the project config is looked for outside the snapshot.
  out.usage_error = resolve_hub_names(o);
  if (!out.usage_error.empty()) return out;
  // The project config: from the working directory upward (never from inside a checked
  // path), or --config; the command line wins over it.
  std::optional<ProjectConfig> project;
  if (!o.no_config) {
    std::string path = !o.config.empty() ? o.config : find_project_config(checked_paths(o));
    if (!path.empty()) {
      project = read_project_config(path, out.usage_error);
      if (!project) return out;
      out.project_config = path;
      spdlog::debug("project config {}", path);
    }
  }
  std::vector<std::string> rule_dirs = o.rule_dirs;
  if (project) rule_dirs.insert(rule_dirs.begin(), project->rule_dirs.begin(), project->rule_dirs.end());

  // The rule packs load on a second thread while the targets' headers are read.
  std::vector<Options> runs;
  if (o.command == "check") {
    for (const std::string& path : o.positional) runs.push_back(o.with_target(path));
  } else {
    runs.push_back(o);
  }
  std::vector<Loaded> loaded(runs.size());
  std::string rules_from;
  double rules_ms = 0, load_ms = 0;
  run_beside(
      [&] {
        out.rules = load_cli_rules(rule_dirs, out.rule_errors, rules_from, false);
        rules_ms = ms_since(start);
      },
      [&] {
        // --timeout bounds each request and the run's remote reads together: one deadline for every target and side.
        const long timeout_ms = static_cast<long>(o.timeout_seconds * 1000);
        const LoadOptions load_options{timeout_ms, start + std::chrono::milliseconds(timeout_ms)};
        for (std::size_t i = 0; i < runs.size(); ++i) loaded[i] = load_target(runs[i], load_options);
        load_ms = ms_since(start);
      });
  if (!out.rule_errors.empty()) return out;
  // The count of rule files, not of compiled rules: asking for those would wait for them.
  spdlog::debug("loaded {} rules from {} in {:.1f} ms", out.rules.packs().rule_files, rules_from, rules_ms);
  spdlog::debug("read the targets in {:.1f} ms", load_ms);

  std::string baseline_path = !o.baseline.empty() ? o.baseline : project ? project->baseline : "";
  std::vector<BaselineEntry> baseline;
  if (!baseline_path.empty() && o.write_baseline.empty()) {
    auto entries = read_baseline(baseline_path, out.usage_error);
    if (!entries) return out;
    baseline = std::move(*entries);
  }
  out.usage_error = check_all_selectors(o, project ? &*project : nullptr, out.rules, baseline, baseline_path);
  if (!out.usage_error.empty()) return out;

  RunOptions run;
  run.select = !o.select.empty() || !project ? o.select : project->select;
  run.ignore = o.ignore;
  if (project) run.ignore.insert(run.ignore.end(), project->ignore.begin(), project->ignore.end());
  run.fail_on = o.fail_on.value_or(project && project->fail_on ? *project->fail_on : Severity::error);
  run.scan_values = !o.no_values;
  run.jobs = o.jobs;
  run.storage_map = o.format == "html" || std::any_of(o.extra_outputs.begin(), o.extra_outputs.end(),
                                                      [](const auto& e) { return e.first == "html"; });
  run.progress = !o.no_progress && !o.quiet && ::isatty(STDERR_FILENO) == 1;
  run.on_progress = on_progress;

  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Options& one = runs[i];
    Loaded& t = loaded[i];
    TargetOutcome& target = out.targets.emplace_back();
    target.path = t.path;
    if (std::string why = refusal(one, t); !why.empty()) {
      target.error = why;
      continue;
    }
    const auto started = Clock::now();
    Report report = one.command == "diff"
                        ? run_diff(*t.ck, out.rules, run, DiffRequest{t.base.get(), t.adapter.get(), one.full})
                        : run_rules(*t.ck, out.rules, run, t.base.get());
    if (project) {
      for (Finding& f : report.findings) {
        if (auto level = severity_override(*project, out.rules, f.rule_id)) f.severity = *level;
      }
      for (CappedFindings& c : report.capped) {
        if (auto level = severity_override(*project, out.rules, c.rule)) c.severity = *level;
      }
    }
    if (!baseline.empty()) apply_baseline(report, baseline);
    spdlog::debug("{}: {} rules run, {} findings, {:.1f} ms", t.path, report.rules_run, report.findings.size(), ms_since(started));
    // A selection that leaves no rule for this kind of target checked nothing: no pass.
    if (report.rules_run == 0) {
      target.error = fmt::format("no rule ran on '{}': the selection leaves none that applies to a{} {} (ckptlint rules lists them)",
                                 t.path, report.target.kind == "adapter" ? "n" : "", report.target.kind);
      continue;
    }
    for (const auto& side : {t.ck, t.base, t.adapter}) {
      if (side && side->remote) spdlog::debug("remote {}: {} requests, {} bytes", side->display_path, side->remote_requests, side->remote_bytes);
    }
    target.report = std::move(report);
    for (const auto& side : {t.ck, t.base, t.adapter}) {
      if (side) out.inputs.push_back(side);
    }
  }
  if (!o.write_baseline.empty()) {
    Report all;
    for (const Report* r : out.reports()) {
      all.findings.insert(all.findings.end(), r->findings.begin(), r->findings.end());
      all.capped.insert(all.capped.end(), r->capped.begin(), r->capped.end());
    }
    std::string error;
    if (!write_baseline(o.write_baseline, all, error)) out.usage_error = error;
  }
  return out;
}

}  // namespace

LintOutcome run_lint(const Options& options, const ProgressCallback& on_progress) {
  LintOutcome out = lint_targets(options, on_progress);
  // An outcome outlives this call (the Python module hands it back, and its process may then
  // fork or exit): the embedded rules must not still be compiling in it. A run that returns
  // before asking for them (a bad --rules pack, a bad baseline) would leave that thread going.
  out.rules.packs().wait_for_rules();
  return out;
}

}  // namespace ckptlint
