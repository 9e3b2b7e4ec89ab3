// SPDX-License-Identifier: Apache-2.0
// ckptlint._native, the extension module under the Python package (python/ckptlint/). It
// only translates: keyword arguments into the command line's Options, run_lint's outcome
// into reports rendered by the command line's own writers, so that Report.to_json() is the
// CLI's JSON byte for byte. The package turns the outcome's errors into typed exceptions.
// The GIL is released while a check runs; the progress callback takes it back for each call.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <sstream>

#include "cli/builtin_rules.h"
#include "cli/layout_command.h"
#include "cli/lint_command.h"
#include "ckptlint/reporters.h"

namespace py = pybind11;

namespace ckptlint {
namespace {

const Report& report_of(const LintOutcome& outcome) {
  for (const TargetOutcome& t : outcome.targets) {
    if (t.report) return *t.report;
  }
  throw std::out_of_range("no report: the target was not checked");
}

std::string render(const LintOutcome& outcome, const std::string& format, bool quiet, bool verbose) {
  const Report& report = report_of(outcome);
  std::ostringstream out;
  if (format == "json") write_json(out, report);
  else if (format == "sarif") write_sarif(out, report, outcome.rules);
  else if (format == "html") write_html(out, report);
  else if (format == "github") write_github(out, report);
  else if (format == "markdown") write_markdown_summary(out, report);
  else if (format == "text") write_text(out, report, TextOptions{quiet, verbose});
  else throw std::invalid_argument("unknown format '" + format + "' (json, sarif, html, github, markdown or text)");
  return out.str();
}

py::tuple rule_error_tuple(const RuleError& e) {
  return py::make_tuple(e.file, e.line, e.column, e.message, to_string(e));
}

// The options `ckptlint check|diff` would have parsed from the same request.
struct LintRequest {
  std::string command;
  std::vector<std::string> paths;
  std::string base, adapter;
  bool values = true, full = false, no_config = false;
  std::vector<std::string> select, ignore, rule_dirs;
  std::string fail_on, config;
  int jobs = 0;
  double timeout = 30;
};

Options options_of(const LintRequest& r) {
  Options o;
  o.command = r.command;
  o.positional = r.paths;
  o.base = r.base;
  o.adapter = r.adapter;
  o.no_values = !r.values;
  o.full = r.full;
  o.select = r.select;
  o.ignore = r.ignore;
  o.rule_dirs = r.rule_dirs;
  if (!r.fail_on.empty()) {
    o.fail_on = severity_from_string(r.fail_on);
    if (!o.fail_on) throw std::invalid_argument("unknown level '" + r.fail_on + "' for fail_on (error, warning or info)");
  }
  o.config = r.config;
  o.no_config = r.no_config;
  o.jobs = r.jobs;
  o.timeout_seconds = r.timeout;
  o.no_progress = true;
  // Any format may be asked of the report afterwards; the HTML page's layer map is filled
  // only while the rules run, as for `--format html`. No other output depends on it.
  o.format = "html";
  return o;
}

std::shared_ptr<LintOutcome> lint(const LintRequest& request, std::optional<py::function> progress) {
  Options options = options_of(request);
  // A callback that raises stops being called; its exception is raised once the run is over.
  std::optional<py::error_already_set> raised;
  ProgressCallback on_progress;
  if (progress) {
    on_progress = [&progress, &raised](std::uint64_t done, std::uint64_t total) {
      py::gil_scoped_acquire gil;
      if (raised) return;
      try {
        (*progress)(done, total);
      } catch (py::error_already_set& e) {
        raised.emplace(std::move(e));
      }
    };
  }
  auto outcome = std::make_shared<LintOutcome>();
  {
    py::gil_scoped_release release;
    *outcome = run_lint(options, on_progress);
  }
  if (raised) throw std::move(*raised);
  return outcome;
}

py::list rule_list(const RuleSet& rules) {
  py::list out;
  for (const Rule* r : rules.rules()) {
    py::dict d;
    d["id"] = r->id;
    d["severity"] = to_string(r->severity);
    d["cls"] = to_string(r->failure_class);
    d["summary"] = r->summary;
    d["message"] = r->message;
    d["help"] = r->help;
    d["references"] = r->references;
    d["enabled_by_default"] = r->enabled_by_default;
    d["primitive"] = r->primitive;
    d["source"] = r->source;
    out.append(std::move(d));
  }
  return out;
}

}  // namespace
}  // namespace ckptlint

PYBIND11_MODULE(_native, m) {
  using namespace ckptlint;
  m.doc() = "ckptlint's native core; use the ckptlint package, not this module.";
  // Warnings of the core go to stderr, as the command line's do; nothing below that.
  if (!spdlog::get("ckptlint")) spdlog::set_default_logger(spdlog::stderr_color_mt("ckptlint"));
  spdlog::set_level(spdlog::level::warn);

  m.def("version", [] { return std::string(version()); });

  py::class_<LintRequest>(m, "LintRequest")
      .def(py::init<>())
      .def_readwrite("command", &LintRequest::command)
      .def_readwrite("paths", &LintRequest::paths)
      .def_readwrite("base", &LintRequest::base)
      .def_readwrite("adapter", &LintRequest::adapter)
      .def_readwrite("values", &LintRequest::values)
      .def_readwrite("full", &LintRequest::full)
      .def_readwrite("no_config", &LintRequest::no_config)
      .def_readwrite("select", &LintRequest::select)
      .def_readwrite("ignore", &LintRequest::ignore)
      .def_readwrite("rule_dirs", &LintRequest::rule_dirs)
      .def_readwrite("fail_on", &LintRequest::fail_on)
      .def_readwrite("config", &LintRequest::config)
      .def_readwrite("jobs", &LintRequest::jobs)
      .def_readwrite("timeout", &LintRequest::timeout);

  py::class_<LintOutcome, std::shared_ptr<LintOutcome>>(m, "Outcome")
      .def_readonly("usage_error", &LintOutcome::usage_error)
      .def_readonly("project_config", &LintOutcome::project_config)
      .def_property_readonly("rule_errors",
                             [](const LintOutcome& o) {
                               py::list out;
                               for (const RuleError& e : o.rule_errors) out.append(rule_error_tuple(e));
                               return out;
                             })
      .def_property_readonly("target_errors",
                             [](const LintOutcome& o) {
                               std::vector<std::pair<std::string, std::string>> out;
                               for (const TargetOutcome& t : o.targets) {
                                 if (!t.error.empty()) out.emplace_back(t.path, t.error);
                               }
                               return out;
                             })
      .def("exit_code", &LintOutcome::exit_code, py::arg("exit_zero") = false)
      .def("passed", [](const LintOutcome& o) { return !fails(report_of(o)); })
      .def("render", &render, py::arg("format"), py::arg("quiet") = false, py::arg("verbose") = false,
           py::call_guard<py::gil_scoped_release>());

  m.def("lint", &lint, py::arg("request"), py::arg("progress") = py::none());

  m.def("rules", [](const std::vector<std::string>& rule_dirs) {
    std::vector<RuleError> errors;
    std::string from;
    RuleSet rules;
    {
      py::gil_scoped_release release;
      rules = load_cli_rules(rule_dirs, errors, from, false);
    }
    py::list error_list;
    for (const RuleError& e : errors) error_list.append(rule_error_tuple(e));
    return py::make_tuple(errors.empty() ? rule_list(rules) : py::list(), error_list);
  });

  m.def("layout", [](const std::string& config, const std::string& variant, const std::string& recipe,
                     const std::vector<std::string>& rule_dirs) {
    std::vector<RuleError> rule_errors;
    std::vector<std::string> errors;
    std::optional<std::string> listing;
    {
      py::gil_scoped_release release;
      std::string from;
      RuleSet rules = load_cli_rules(rule_dirs, rule_errors, from, true);
      if (rule_errors.empty()) {
        Options o;
        o.command = "layout";
        o.positional = {config};
        o.variant = variant;
        o.recipe = recipe;
        o.format = "json";
        listing = render_layout(o, rules, errors);
      }
    }
    py::list error_list;
    for (const RuleError& e : rule_errors) error_list.append(rule_error_tuple(e));
    return py::make_tuple(listing, errors, error_list);
  });
}
