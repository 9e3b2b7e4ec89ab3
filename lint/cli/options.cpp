// SPDX-License-Identifier: Apache-2.0
#include "cli/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

#include "util/spelling.h"

namespace ckptlint {
namespace {

void split_into(const std::string& value, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

}  // namespace

const char* usage() {
  return R"(ckptlint - checkpoint consistency linter for safetensors models and LoRA adapters

Usage:
  ckptlint check PATH... [options]    lint checkpoint directories, .safetensors files or adapters;
                                      PATH may be remote: hf://ORG/REPO[@REV][/DIR] or https://host/dir/
  ckptlint check ADAPTER --base DIR   lint an adapter and check it against its base model
  ckptlint check FUSED --base DIR     lint a checkpoint and the side files it lost or changed from its base
  ckptlint check DIR --adapter DIR    the same, the other way round
  ckptlint diff BASE FUSED [options]  what a fuse changed (--adapter DIR: verify it merged that adapter)
  ckptlint fix PATH [options]         repair what is metadata (config, index, adapter and side files):
                                      show the diff; --write applies it (FILE.orig kept)
  ckptlint rules [ID] [options]       list the rules, or explain one
  ckptlint layout CONFIG.json         the tensors (name, dtype, shape) a config implies
  ckptlint --version | --help

Options:
  --base DIR             check: the base model the adapter PATH is meant for, or that the
                         checkpoint PATH was made from (its tokenizer, template and generation files)
                         fix: the model PATH came from (files and values are restored from it)
  --adapter DIR          check: lint this adapter against the checkpoint PATH;
                         diff: the adapter that was fused (fits each target's change to s * B.A)
  --full                 diff: compare every row of each target (default: a sample of 32 rows)
  --write                fix: apply the changes (default: print them as a unified diff)
  --unsafe-fixes         fix: also the fixes that change behaviour (stop ids, a template, a scale)
  --no-backup            fix: do not keep the old file as FILE.orig
  --format FORMAT        check, diff: text, json, sarif, github (Actions annotations) or
                         html (one self-contained page with a layer map; use --output);
                         rules: text or markdown (default: text)
  --output FILE          write the report to FILE instead of standard output
  --json-output FILE     also write the JSON report of this run to FILE (likewise --sarif-output,
                         --html-output, --text-output: every report from one run)
  --rules DIR            load extra YAML rule packs from DIR (repeatable)
  --select RULES         run only these rules: ids, globs ('index-*') or classes (repeatable, comma-separated)
  --ignore RULES         leave these rules out (same forms as --select)
  --fail-on LEVEL        exit 1 when a finding is at or above LEVEL: error, warning, info (default: error)
  --exit-zero            exit 0 even when findings reach --fail-on (report only)
  --baseline FILE        accepted findings (ckptlint-baseline/1): counted, not shown; stale entries reported
  --write-baseline FILE  write every finding of this run as an accepted entry
  --config FILE          project config (default: the nearest .ckptlint.yaml in the working
                         directory or above it, never one inside a checked path)
  --no-config            do not read a project config
  --no-values            header checks only (skip value scans)
  --no-progress          never draw a progress bar
  --timeout SECONDS      remote paths: the limit for each HTTP request (default: 30)
  --jobs N               worker threads (default: all cores)
  --variant KEYS         layout: key layout, e.g. mlx | hf | text-only (default: the
                         layout model's first, mlx for Gemma 4)
  --recipe NAME          layout: which modules a quantized config quantizes, e.g. mlx-vlm, mlx-lm,
                         ple-safe (default: the layout model's)
  --quiet                findings only, without help lines or summary
  --verbose              every info finding in text reports; diagnostics on standard error
  --version              print the version
  --help                 print this help

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error (an unknown rule in a selector included), bad rule file, an output that
     cannot be written, internal error, or nothing to check (no safetensors file read)

Options take their value as --name VALUE or --name=VALUE.
)";
}

namespace {

const std::vector<std::string_view> kCommands = {"check", "diff", "fix", "rules", "layout"};
const std::vector<std::string_view> kOptions = {
    "--adapter", "--base", "--baseline", "--config", "--exit-zero", "--fail-on", "--format", "--full",
    "--help", "--html-output", "--ignore", "--jobs", "--json-output", "--no-backup", "--no-config", "--no-progress",
    "--no-values", "--output", "--quiet", "--recipe", "--rules", "--sarif-output", "--select",
    "--text-output", "--timeout", "--unsafe-fixes", "--variant", "--verbose", "--version", "--write",
    "--write-baseline"};

// Options that take a value: `--name VALUE` or `--name=VALUE`.
const std::vector<std::string_view> kValued = {
    "--adapter", "--base", "--baseline", "--config", "--fail-on", "--format", "--html-output", "--ignore",
    "--jobs", "--json-output", "--output", "--recipe", "--rules", "--sarif-output", "--select",
    "--text-output", "--timeout", "--variant", "--write-baseline", "-o", "-j"};

bool takes_value(std::string_view name) {
  return std::find(kValued.begin(), kValued.end(), name) != kValued.end();
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, std::string& error) {
  Options o;
  // `--name=VALUE` is `--name VALUE` (for the options that take a value); `--` ends the options.
  std::vector<std::string> args;
  bool options_ended = false;
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    std::size_t eq = a.find('=');
    if (!options_ended && a.starts_with("--") && eq != std::string::npos && takes_value(std::string_view(a).substr(0, eq))) {
      args.push_back(a.substr(0, eq));
      args.push_back(a.substr(eq + 1));
    } else {
      args.push_back(std::move(a));
    }
    options_ended = options_ended || args.back() == "--";
  }
  options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        error = fmt::format("{} needs a value", name);
        return std::nullopt;
      }
      return args[++i];
    };
    if (options_ended || a == "-" || a.empty() || a[0] != '-') {
      if (o.command.empty()) o.command = a;
      else o.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_ended = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      o.command = "help";
      return o;
    }
    if (a == "--version" || a == "-V") {
      o.command = "version";
      return o;
    }
    if (a == "--format") {
      auto v = value("--format");
      if (!v) return std::nullopt;
      if (*v != "text" && *v != "json" && *v != "sarif" && *v != "github" && *v != "html" && *v != "markdown") {
        error = fmt::format("unknown format '{}' (text, json, sarif, github, html, or markdown for rules)", *v);
        return std::nullopt;
      }
      o.format = *v;
    } else if (a == "--output" || a == "-o") {
      auto v = value("--output");
      if (!v) return std::nullopt;
      o.output = *v;
    } else if (a == "--json-output" || a == "--sarif-output" || a == "--html-output" || a == "--text-output") {
      auto v = value(a.c_str());
      if (!v) return std::nullopt;
      o.extra_outputs.emplace_back(a.substr(2, a.find('-', 2) - 2), *v);
    } else if (a == "--rules") {
      auto v = value("--rules");
      if (!v) return std::nullopt;
      o.rule_dirs.push_back(*v);
    } else if (a == "--select" || a == "--ignore") {
      auto v = value(a.c_str());
      if (!v) return std::nullopt;
      std::vector<std::string>& list = a == "--select" ? o.select : o.ignore;
      std::size_t before = list.size();
      split_into(*v, list);
      if (list.size() == before) {  // '' or ',': selecting nothing by accident selects everything
        error = fmt::format("{} needs rule ids, globs or classes, not '{}'", a, *v);
        return std::nullopt;
      }
    } else if (a == "--fail-on") {
      auto v = value("--fail-on");
      if (!v) return std::nullopt;
      auto s = severity_from_string(*v);
      if (!s) {
        error = fmt::format("unknown level '{}' for --fail-on (error, warning or info)", *v);
        return std::nullopt;
      }
      o.fail_on = *s;
    } else if (a == "--jobs" || a == "-j") {
      auto v = value("--jobs");
      if (!v) return std::nullopt;
      auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), o.jobs);
      if (ec != std::errc() || ptr != v->data() + v->size() || o.jobs < 1) {
        error = fmt::format("--jobs needs a positive integer, not '{}'", *v);
        return std::nullopt;
      }
    } else if (a == "--timeout") {
      auto v = value("--timeout");
      if (!v) return std::nullopt;
      char* end = nullptr;
      o.timeout_seconds = std::strtod(v->c_str(), &end);
      if (end != v->c_str() + v->size() || !(o.timeout_seconds > 0) || o.timeout_seconds > 86400) {
        error = fmt::format("--timeout needs a number of seconds (0 < s <= 86400), not '{}'", *v);
        return std::nullopt;
      }
    } else if (a == "--baseline" || a == "--write-baseline" || a == "--config") {
      auto v = value(a.c_str());
      if (!v) return std::nullopt;
      (a == "--baseline" ? o.baseline : a == "--config" ? o.config : o.write_baseline) = *v;
    } else if (a == "--full") {
      o.full = true;
    } else if (a == "--write") {
      o.write = true;
    } else if (a == "--unsafe-fixes") {
      o.unsafe_fixes = true;
    } else if (a == "--no-backup") {
      o.no_backup = true;
    } else if (a == "--exit-zero") {
      o.exit_zero = true;
    } else if (a == "--no-config") {
      o.no_config = true;
    } else if (a == "--variant" || a == "--recipe" || a == "--base" || a == "--adapter") {
      auto v = value(a.c_str());
      if (!v) return std::nullopt;
      (a == "--variant" ? o.variant : a == "--recipe" ? o.recipe : a == "--base" ? o.base : o.adapter) = *v;
    } else if (a == "--quiet" || a == "-q") {
      o.quiet = true;
    } else if (a == "--verbose" || a == "-v") {
      o.verbose = true;
    } else if (a == "--no-values") {
      o.no_values = true;
    } else if (a == "--no-progress") {
      o.no_progress = true;
    } else {
      error = fmt::format("unknown option '{}'{}", a, did_you_mean(a.substr(0, a.find('=')), kOptions));
      return std::nullopt;
    }
  }
  if (o.command.empty()) {
    error = "no command given";
    return std::nullopt;
  }
  if (o.command != "check" && o.command != "diff" && o.command != "fix" && o.command != "rules" && o.command != "layout") {
    error = fmt::format("unknown command '{}'{}", o.command, did_you_mean(o.command, kCommands));
    return std::nullopt;
  }
  if (o.command == "fix" && o.positional.size() != 1) {
    error = "fix takes exactly one PATH (a checkpoint or adapter directory)";
    return std::nullopt;
  }
  if ((o.write || o.unsafe_fixes || o.no_backup) && o.command != "fix") {
    error = "--write, --unsafe-fixes and --no-backup belong to fix";
    return std::nullopt;
  }
  if (o.command == "check" && o.positional.empty()) {
    error = "check takes a PATH (a checkpoint directory, a .safetensors file or an adapter directory)";
    return std::nullopt;
  }
  if (o.command == "check" && o.positional.size() > 1 && (!o.base.empty() || !o.adapter.empty())) {
    error = "--base and --adapter take one PATH";
    return std::nullopt;
  }
  if (o.command == "check" && o.positional.size() > 1 && o.format == "html") {
    error = "--format html writes one page per PATH: check them one at a time";
    return std::nullopt;
  }
  if (!o.extra_outputs.empty() && o.command != "check" && o.command != "diff") {
    error = fmt::format("--{}-output belongs to check and diff", o.extra_outputs.front().first);
    return std::nullopt;
  }
  if (!o.base.empty() && !o.adapter.empty()) {
    error = "give either --base (PATH is the adapter) or --adapter (PATH is the base), not both";
    return std::nullopt;
  }
  if (o.command == "diff" && o.positional.size() != 2) {
    error = "diff takes BASE and FUSED";
    return std::nullopt;
  }
  if (o.command == "diff" && !o.base.empty()) {
    error = "diff takes the base as its first argument, not --base";
    return std::nullopt;
  }
  if ((!o.base.empty() || !o.adapter.empty()) && o.command != "check" && o.command != "diff" && o.command != "fix") {
    error = "--base and --adapter belong to check, diff and fix";
    return std::nullopt;
  }
  bool markdown = o.format == "markdown";
  if (markdown != (o.command == "rules" && markdown)) {
    error = "--format markdown belongs to rules";
    return std::nullopt;
  }
  if (o.command == "rules" && o.format != "text" && !markdown) {
    error = "rules prints text or markdown";
    return std::nullopt;
  }
  if (o.command == "layout" && o.positional.size() != 1) {
    error = "layout takes exactly one CONFIG.json";
    return std::nullopt;
  }
  if (o.command == "rules" && o.positional.size() > 1) {
    error = "rules takes at most one rule id";
    return std::nullopt;
  }
  return o;
}

}  // namespace ckptlint
