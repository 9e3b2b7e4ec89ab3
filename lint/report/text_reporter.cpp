// SPDX-License-Identifier: Apache-2.0
// Human output. Findings of one rule that differ only by a layer index are folded into one
// line with the layer ranges (as transformers' load report does): "layers 24-41: ...".
#include <fmt/format.h>

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
  // Every standalone occurrence of N becomes "N".
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool boundary_before = i == 0 || !is_digit(text[i - 1]);
    if (boundary_before && text.compare(i, n.size(), n) == 0 &&
        (i + n.size() == text.size() || !is_digit(text[i + n.size()]))) {
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

}  // namespace

void write_text(std::ostream& out, const Report& report, const TextOptions& options) {
  if (!options.quiet) {
    std::string what = report.target.kind;
    if (!report.target.family.empty()) what += ", " + report.target.family;
    if (report.target.layout != "unknown" && !report.target.layout.empty()) what += ", " + report.target.layout + " layout";
    out << fmt::format("ckptlint {}: {} ({})\n\n", version(), report.target.path, what);
  }
  // Group in report order; the group shows where its first finding is.
  std::vector<std::string> order;
  std::map<std::string, Group> groups;
  for (const Finding& f : report.findings) {
    Keyed k = layer_key(f.message);
    std::string key = f.rule_id + "\x1f" + f.location.file + "\x1f" + k.key;
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) {
      order.push_back(key);
      it->second.first = &f;
    }
    ++it->second.count;
    if (k.layer >= 0) it->second.layers.insert(k.layer);
  }
  for (const std::string& key : order) {
    const Group& g = groups[key];
    const Finding& f = *g.first;
    std::string message = f.message;
    if (g.count > 1 && g.layers.size() == g.count) {
      message = fmt::format("layers {}: {}", format_ranges(g.layers), layer_key(f.message).key);
    } else if (g.count > 1) {
      message = fmt::format("{} (and {} more like it)", f.message, g.count - 1);
    }
    out << fmt::format("{}[{}] {}: {}\n", to_string(f.severity), f.rule_id, to_string(f.failure_class), message);
    if (!options.quiet && !f.help.empty()) out << fmt::format("    help: {}\n", f.help);
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
