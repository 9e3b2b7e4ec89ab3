// SPDX-License-Identifier: Apache-2.0
// CLI only: parse arguments, call load/run/write, return the exit code.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/baseline.h"
#include "cli/builtin_rules.h"
#include "cli/layout_command.h"
#include "cli/options.h"
#include "cli/project_config.h"
#include "cli/rules_markdown.h"
#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "ckptlint/reporters.h"
#include "util/parallel.h"
#include "util/platform.h"

namespace ckptlint {
namespace {

constexpr int kToolError = 2;

int write_report(const Options& o, const Report& report, const RuleSet& rules) {
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output);
    if (!file) {
      fmt::print(stderr, "ckptlint: cannot write '{}'\n", o.output);
      return kToolError;
    }
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  if (o.format == "json") write_json(out, report);
  else if (o.format == "sarif") write_sarif(out, report, rules);
  else if (o.format == "github") write_github(out, report);
  else if (o.format == "html") write_html(out, report);
  else write_text(out, report, TextOptions{o.quiet, o.verbose});
  out.flush();
  return out ? 0 : kToolError;
}

void explain_rule(const Rule& r) {
  fmt::print("{}\n  class:     {}\n  severity:  {}\n  summary:   {}\n  message:   {}\n  help:      {}\n  primitive: {}{}\n",
             r.id, to_string(r.failure_class), to_string(r.severity), r.summary, r.message, r.help, r.primitive,
             r.with.empty() ? "" : " " + r.with);
  if (!r.model_types.empty() || !r.layouts.empty() || !r.kinds.empty() || !r.when.empty()) {
    fmt::print("  applies to:");
    if (!r.model_types.empty()) fmt::print(" model_type {}", fmt::join(r.model_types, "|"));
    if (!r.layouts.empty()) fmt::print(" layout {}", fmt::join(r.layouts, "|"));
    if (!r.kinds.empty()) fmt::print(" kind {}", fmt::join(r.kinds, "|"));
    if (!r.when.empty()) fmt::print(" when {}", r.when);
    fmt::print("\n");
  }
  if (!r.enabled_by_default) fmt::print("  enabled:   only when selected (--select {})\n", r.id);
  for (const std::string& ref : r.references) fmt::print("  see:       {}\n", ref);
  fmt::print("  source:    {}\n", r.source);
}

int run(int argc, char** argv) {
  std::string error;
  std::optional<Options> parsed = parse_options(argc, argv, error);
  if (!parsed) {
    // One line, not the whole help: what was wrong, the nearest right spelling, where to look.
    fmt::print(stderr, "ckptlint: {}; see ckptlint --help\n", error);
    return kToolError;
  }
  const Options& o = *parsed;
  if (o.command == "help") {
    fmt::print("{}", usage());
    return 0;
  }
  if (o.command == "version") {
    fmt::print("ckptlint {}\n", version());
    return 0;
  }
  auto logger = spdlog::stderr_color_mt("ckptlint");
  spdlog::set_default_logger(logger);
  spdlog::set_level(o.verbose ? spdlog::level::debug : spdlog::level::warn);

  // The project config (.ckptlint.yaml): command-line options win over it.
  std::optional<ProjectConfig> project;
  if (!o.no_config && (o.command == "check" || o.command == "diff" || !o.config.empty())) {
    // A remote target's project is the one the command runs in.
    std::string path = !o.config.empty() ? o.config : find_project_config(is_remote_path(o.target()) ? "." : o.target());
    if (!path.empty()) {
      project = read_project_config(path, error);
      if (!project) {
        fmt::print(stderr, "ckptlint: {}\n", error);
        return kToolError;
      }
      spdlog::debug("project config {}", path);
    }
  }
  std::vector<std::string> rule_dirs = o.rule_dirs;
  if (project) rule_dirs.insert(rule_dirs.begin(), project->rule_dirs.begin(), project->rule_dirs.end());

  auto start = std::chrono::steady_clock::now();
  // The rule packs load on a second thread while the checkpoint's headers are read.
  std::vector<RuleError> rule_errors;
  std::string rules_from;
  RuleSet rules;
  double rules_ms = 0;
  Checkpoint ck, base, adapter;
  const bool lints = o.command == "check" || o.command == "diff";
  const bool with_base = lints && !o.base_path().empty();
  const bool diff_adapter = o.command == "diff" && !o.adapter.empty();
  bool loaded = true;
  double checkpoint_ms = 0;
  run_beside(
      [&] {
        rules = load_cli_rules(rule_dirs, rule_errors, rules_from, o.command == "layout");
        rules_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      },
      [&] {
        const LoadOptions load_options{static_cast<long>(o.timeout_seconds * 1000)};
        loaded = !lints || load_checkpoint(o.target(), ck, error, load_options);
        if (loaded && with_base) loaded = load_checkpoint(o.base_path(), base, error, load_options);
        if (loaded && diff_adapter) loaded = load_checkpoint(o.adapter, adapter, error, load_options);
        checkpoint_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      });
  for (const Checkpoint* c : {&ck, &base, &adapter}) {
    if (c->remote) spdlog::debug("remote {}: {} requests, {} bytes", c->display_path, c->remote_requests, c->remote_bytes);
  }
  if (!rule_errors.empty()) {
    for (const RuleError& e : rule_errors) fmt::print(stderr, "{}\n", to_string(e));
    fmt::print(stderr, "ckptlint: {} problem{} in rule files\n", rule_errors.size(), rule_errors.size() == 1 ? "" : "s");
    return kToolError;
  }
  spdlog::debug("loaded {} rules from {} in {:.1f} ms", rules.size(), rules_from, rules_ms);

  if (o.command == "layout") return run_layout_command(o, rules);
  if (o.command == "rules") {
    if (o.format == "markdown") {
      write_rules_markdown(std::cout, rules);
      return 0;
    }
    if (o.positional.empty()) {
      for (const Rule* r : rules.rules()) {
        fmt::print("{:<34} {:<8} {:<18} {}{}\n", r->id, to_string(r->severity), to_string(r->failure_class), r->summary,
                   r->enabled_by_default ? "" : " (opt-in)");
      }
      return 0;
    }
    const Rule* r = rules.find(o.positional[0]);
    if (r == nullptr) {
      fmt::print(stderr, "ckptlint: no rule '{}'\n", o.positional[0]);
      return kToolError;
    }
    explain_rule(*r);
    return 0;
  }

  if (!loaded) {
    fmt::print(stderr, "ckptlint: {}\n", error);
    return kToolError;
  }
  spdlog::debug("read {} safetensors file(s) in {:.1f} ms, {} load problem(s)", ck.shards.size(), checkpoint_ms,
                ck.problems.size());
  RunOptions run;
  run.select = !o.select.empty() || !project ? o.select : project->select;
  run.ignore = o.ignore;
  if (project) run.ignore.insert(run.ignore.end(), project->ignore.begin(), project->ignore.end());
  run.fail_on = o.fail_on.value_or(project && project->fail_on ? *project->fail_on : Severity::error);
  run.scan_values = !o.no_values;
  run.jobs = o.jobs;
  run.storage_map = o.format == "html";
  run.progress = !o.no_progress && !o.quiet && ::isatty(STDERR_FILENO) == 1;
  if (o.command == "check" && with_base && ck.kind != "adapter") {
    fmt::print(stderr, "ckptlint: '{}' is not an adapter (no adapter_config.json, adapters.safetensors or adapter_model.safetensors)\n",
               o.target());
    return kToolError;
  }
  Report report = o.command == "diff"
                      ? run_diff(ck, rules, run, DiffRequest{&base, diff_adapter ? &adapter : nullptr, o.full})
                      : run_rules(ck, rules, run, with_base ? &base : nullptr);
  if (project && !project->severity.empty()) {
    for (Finding& f : report.findings) {
      if (auto it = project->severity.find(f.rule_id); it != project->severity.end()) f.severity = it->second;
    }
  }
  if (!o.write_baseline.empty() && !write_baseline(o.write_baseline, report, error)) {
    fmt::print(stderr, "ckptlint: {}\n", error);
    return kToolError;
  }
  std::string baseline_path = !o.baseline.empty() ? o.baseline : project ? project->baseline : "";
  if (!baseline_path.empty() && o.write_baseline.empty()) {
    auto entries = read_baseline(baseline_path, error);
    if (!entries) {
      fmt::print(stderr, "ckptlint: {}\n", error);
      return kToolError;
    }
    apply_baseline(report, *entries);
  }
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  spdlog::debug("{} rules run, {} findings, {:.1f} ms", report.rules_run, report.findings.size(), ms);
  if (int rc = write_report(o, report, rules); rc != 0) return rc;
  int code = o.exit_zero ? 0 : exit_code(report);
#ifndef CKPTLINT_FREE_AT_EXIT
  // The process ends here: returning the memory of a large checkpoint piece by piece costs
  // milliseconds for nothing (compilers skip it the same way). Sanitizer builds define
  // CKPTLINT_FREE_AT_EXIT so that leak checking sees every allocation released.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
#endif
  return code;
}

}  // namespace
}  // namespace ckptlint

int main(int argc, char** argv) {
  // Before the first allocation of substance (platform.h says why and where it applies).
  ckptlint::platform::prepare_heap();
  try {
    return ckptlint::run(argc, argv);
  } catch (const std::exception& e) {
    // Input never throws by design; reaching this is a bug in ckptlint, reported as exit 2.
    fmt::print(stderr, "ckptlint: internal error: {}\n", e.what());
    return 2;
  }
}
