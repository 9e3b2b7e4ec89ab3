// SPDX-License-Identifier: Apache-2.0
#include "cli/rules_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <iterator>
#include <sstream>

#include "cli/builtin_rules.h"
#include "cli/report_output.h"
#include "cli/rules_markdown.h"
#include "cli/selectors.h"

namespace ckptlint {
namespace {

// `ckptlint rules ID`: what the rule finds, why it matters, an example, how to fix it, and
// how it is built.
std::string explain_rule(const Rule& r) {
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out, "{} ({}, {})\n  what:      {}\n", r.id, to_string(r.severity), to_string(r.failure_class), r.summary);
  if (r.severity == Severity::info) fmt::format_to(out, "  why:       for reference (info never fails a run); its class: {}\n", describe(r.failure_class));
  else fmt::format_to(out, "  why:       {}\n", describe(r.failure_class));
  if (std::string example = builtin_example(r.id); !example.empty()) fmt::format_to(out, "  example:   {}\n", example);
  fmt::format_to(out, "  fix:       {}\n  message:   {}\n  primitive: {}{}\n", r.help, r.message, r.primitive, r.with.empty() ? "" : " " + r.with);
  if (!r.model_types.empty() || !r.layouts.empty() || !r.kinds.empty() || !r.when.empty()) {
    s += "  applies to:";
    if (!r.model_types.empty()) fmt::format_to(out, " model_type {}", fmt::join(r.model_types, "|"));
    if (!r.layouts.empty()) fmt::format_to(out, " layout {}", fmt::join(r.layouts, "|"));
    if (!r.kinds.empty()) fmt::format_to(out, " kind {}", fmt::join(r.kinds, "|"));
    if (!r.when.empty()) fmt::format_to(out, " when {}", r.when);
    s += "\n";
  }
  if (!r.aggregate.empty()) fmt::format_to(out, "  one cause: findings of one cause fold into \"{}\"\n", r.aggregate);
  for (const std::string& e : r.explains) fmt::format_to(out, "  explains:  {}\n", e);
  if (!r.fix.empty()) fmt::format_to(out, "  autofix:   ckptlint fix: {}\n", r.fix);
  if (!r.enabled_by_default) fmt::format_to(out, "  enabled:   only when selected (--select {})\n", r.id);
  for (const std::string& ref : r.references) fmt::format_to(out, "  see:       {}\n", ref);
  fmt::format_to(out, "  source:    {}\n", r.source);
  return s;
}

}  // namespace

std::optional<std::string> render_rules(const Options& o, const RuleSet& rules, std::string& error) {
  if (o.format == "markdown") {
    std::ostringstream md;
    write_rules_markdown(md, rules);
    return md.str();
  }
  std::string s;
  auto out = std::back_inserter(s);
  if (o.positional.empty()) {
    for (const Rule* r : rules.rules()) {
      fmt::format_to(out, "{:<34} {:<8} {:<18} {}{}\n", r->id, to_string(r->severity), to_string(r->failure_class), r->summary,
                     r->enabled_by_default ? "" : " (opt-in)");
    }
    return s;
  }
  if (const Rule* r = rules.find(o.positional[0])) return explain_rule(*r);
  // A class name lists the rules of that class.
  if (failure_class_from_string(o.positional[0])) {
    for (const Rule* c : rules.rules()) {
      if (to_string(c->failure_class) == o.positional[0]) fmt::format_to(out, "{:<34} {:<8} {}\n", c->id, to_string(c->severity), c->summary);
    }
    return s;
  }
  error = fmt::format("no rule '{}'{}; ckptlint rules lists them", o.positional[0], suggest_rule(rules, o.positional[0], false));
  return std::nullopt;
}

int run_rules_command(const Options& o, const RuleSet& rules) {
  std::string error;
  std::optional<std::string> listing = render_rules(o, rules, error);
  if (listing) error = write_output(o.output, *listing);
  if (error.empty()) return 0;
  fmt::print(stderr, "ckptlint: {}\n", error);
  return 2;
}

}  // namespace ckptlint
