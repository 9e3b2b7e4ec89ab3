// SPDX-License-Identifier: Apache-2.0
// Human output: the diagnosis first, then the findings by severity. Findings of one rule that
// differ only by a layer index are folded into one line with the layer ranges (as
// transformers' load report does): "layers 24-41: ...", across shards too.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "ckptlint/reporters.h"
#include "util/ranges.h"

namespace ckptlint {
namespace {

// A finding's message with its layer number abstracted: the first "layers.<N>." gives N,
// and every standalone N in the message becomes "N" ("layer 24 ... layers.24.k_proj").
struct Keyed {
  std::string key;
  long layer = -1;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Keyed layer_key(const std::string& text) {
  // The first "layer <N>" or "layers.<N>" gives N.
  std::size_t at = 0;
  std::string n;
  while ((at = text.find("layer", at)) != std::string::npos) {
    std::size_t p = at + 5;
    if (p < text.size() && text[p] == 's') ++p;
    if (p < text.size() && (text[p] == '.' || text[p] == ' ')) {
      std::size_t q = p + 1;
      while (q < text.size() && is_digit(text[q]) && q - p <= 6) ++q;
      if (q > p + 1 && (q == text.size() || !is_digit(text[q]))) {
        n = text.substr(p + 1, q - p - 1);
        break;
      }
    }
    at = p;
  }
  if (n.empty()) return {text, -1};
  // Every standalone occurrence of N becomes "N"; a part of a decimal number ("2.0", "0.5")
  // is no occurrence.
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t end = i + n.size();
    bool boundary_before = i == 0 || (!is_digit(text[i - 1]) && !(text[i - 1] == '.' && i >= 2 && is_digit(text[i - 2])));
    bool boundary_after = end >= text.size() || (!is_digit(text[end]) && !(text[end] == '.' && end + 1 < text.size() && is_digit(text[end + 1])));
    if (boundary_before && text.compare(i, n.size(), n) == 0 && boundary_after) {
      out += 'N';
      i += n.size();
    } else {
      out += text[i++];
    }
  }
  return {out, std::stol(n)};
}

struct Group {
  const Finding* first = nullptr;
  std::set<long> layers;
  std::size_t count = 0;
};

// Findings of one rule whose messages differ only by a layer number (wherever they sit: in
// one shard or several) form one group, in report order.
std::vector<Group> group_findings(const std::vector<const Finding*>& findings) {
  std::vector<Group> groups;
  std::map<std::string, std::size_t> index;
  for (const Finding* f : findings) {
    Keyed k = layer_key(f->message);
    auto [it, inserted] = index.try_emplace(f->rule_id + "\x1f" + k.key, groups.size());
    if (inserted) groups.push_back(Group{f, {}, 0});
    Group& g = groups[it->second];
    ++g.count;
    if (k.layer >= 0) g.layers.insert(k.layer);
  }
  return groups;
}

std::string group_message(const Group& g) {
  if (g.count > 1 && g.layers.size() == g.count) {
    return fmt::format("layers {}: {}", format_ranges(g.layers), layer_key(g.first->message).key);
  }
  if (g.count > 1) return fmt::format("{} (and {} more like it)", g.first->message, g.count - 1);
  return g.first->message;
}

// One line per failure class found at warning or above, worst first (then by count): the
// class's diagnosis from a rule that gives one (a summary rule, at any severity), else the
// message of its worst finding.
void write_diagnosis(std::ostream& out, const Report& report) {
  struct ClassState {
    Severity worst = Severity::info;
    std::size_t count = 0;
    const Finding* worst_finding = nullptr;
    const Finding* diagnosed = nullptr;
  };
  std::map<FailureClass, ClassState> classes;
  for (const Finding& f : report.findings) {
    ClassState& c = classes[f.failure_class];
    if (f.severity >= Severity::warning) {
      ++c.count;
      if (c.worst_finding == nullptr || f.severity > c.worst) {
        c.worst = f.severity;
        c.worst_finding = &f;
      }
    }
    if (!f.diagnosis.empty() && (c.diagnosed == nullptr || f.severity > c.diagnosed->severity)) c.diagnosed = &f;
  }
  std::vector<std::pair<FailureClass, const ClassState*>> found;
  for (const auto& [cls, c] : classes) {
    if (c.count > 0) found.emplace_back(cls, &c);
  }
  if (found.empty()) return;
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::pair(a.second->worst, a.second->count) > std::pair(b.second->worst, b.second->count);
  });
  out << "diagnosis:\n";
  for (const auto& [cls, c] : found) {
    std::string line = c->diagnosed != nullptr ? c->diagnosed->diagnosis : c->worst_finding->message;
    out << fmt::format("  {} {}: {}{}\n", c->worst == Severity::error ? "error  " : "warning", to_string(cls), line,
                       c->count > 1 ? fmt::format(" ({} findings)", c->count) : "");
  }
  out << "\n";
}

}  // namespace

void write_text(std::ostream& out, const Report& report, const TextOptions& options) {
  if (!options.quiet) {
    std::string what = report.target.kind;
    if (!report.target.family.empty()) what += ", " + report.target.family;
    if (report.target.layout != "unknown" && !report.target.layout.empty()) what += ", " + report.target.layout + " layout";
    out << fmt::format("ckptlint {}: {} ({})\n\n", version(), report.target.path, what);
    write_diagnosis(out, report);
  }
  std::set<std::string> helped;  // each rule's help once
  for (Severity level : {Severity::error, Severity::warning, Severity::info}) {
    std::vector<const Finding*> findings;
    for (const Finding& f : report.findings) {
      if (f.severity == level) findings.push_back(&f);
    }
    std::vector<Group> groups = group_findings(findings);
    if (level == Severity::info && !options.verbose) {
      // One line per info rule: its first group, and how many findings it has in all.
      std::map<std::string, std::size_t> per_rule;
      for (const Finding* f : findings) ++per_rule[f->rule_id];
      std::set<std::string> shown;
      for (const Group& g : groups) {
        if (!shown.insert(g.first->rule_id).second) continue;
        std::size_t n = per_rule[g.first->rule_id];
        out << fmt::format("info[{}] {}: {}{}\n", g.first->rule_id, to_string(g.first->failure_class), group_message(g),
                           n > g.count ? fmt::format(" [{} findings; --verbose lists them]", n) : "");
      }
      continue;
    }
    for (const Group& g : groups) {
      const Finding& f = *g.first;
      out << fmt::format("{}[{}] {}: {}\n", to_string(f.severity), f.rule_id, to_string(f.failure_class), group_message(g));
      if (!options.quiet && !f.help.empty() && helped.insert(f.rule_id).second) out << fmt::format("    help: {}\n", f.help);
    }
  }
  if (options.quiet) return;
  if (!report.findings.empty()) out << "\n";
  std::size_t e = count(report, Severity::error), w = count(report, Severity::warning), i = count(report, Severity::info);
  out << fmt::format("{} error{}, {} warning{}, {} info in {} file{} ({} rules run): {}\n", e, e == 1 ? "" : "s", w,
                     w == 1 ? "" : "s", i, report.files_read, report.files_read == 1 ? "" : "s", report.rules_run,
                     fails(report) ? "fail" : "pass");
  if (report.suppressed > 0) out << fmt::format("{} finding{} accepted by the baseline\n", report.suppressed, report.suppressed == 1 ? "" : "s");
  for (const std::string& entry : report.baseline_unmatched) {
    out << fmt::format("baseline entry no longer matches anything (remove it): {}\n", entry);
  }
}

}  // namespace ckptlint
