// SPDX-License-Identifier: Apache-2.0
#include "report/fold.h"

#include <fmt/format.h>

#include <map>

#include "util/ranges.h"
#include "util/tensor_names.h"

namespace ckptlint {
namespace {

// A finding's message with its layer number abstracted. The layer is the one in the
// finding's tensor name ("...layers.24.self_attn..."), else the first "layers.<N>" or
// "layer <N>" of the message; only those spellings of it become "N" — never a digit
// elsewhere in the text ("group size 32", "4-bit", "B·A = 0" stay as they are).
struct Keyed {
  std::string key;
  long layer = -1;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The number right after "layers." or "layer " at `at` (the start of "layer"), or "".
std::string_view number_after_layer(std::string_view text, std::size_t at) {
  std::size_t p = at + 5;
  if (p < text.size() && text[p] == 's') ++p;
  if (p >= text.size() || (text[p] != '.' && text[p] != ' ')) return {};
  std::size_t q = p + 1;
  while (q < text.size() && is_digit(text[q]) && q - p <= 6) ++q;
  if (q == p + 1 || (q < text.size() && is_digit(text[q]))) return {};
  return text.substr(p + 1, q - p - 1);
}

Keyed layer_key(const Finding& f) {
  const std::string& text = f.message;
  std::string n;
  if (std::optional<long> layer = layer_of(f.location.tensor)) n = std::to_string(*layer);
  for (std::size_t at = 0; n.empty() && (at = text.find("layer", at)) != std::string::npos; at += 5) {
    n = std::string(number_after_layer(text, at));
  }
  if (n.empty()) return {text, -1};
  std::string out;
  std::size_t copied = 0;
  for (std::size_t at = 0; (at = text.find("layer", at)) != std::string::npos; at += 5) {
    std::string_view number = number_after_layer(text, at);
    if (number != n) continue;
    std::size_t begin = static_cast<std::size_t>(number.data() - text.data());
    out.append(text, copied, begin - copied);
    out += 'N';
    copied = begin + number.size();
  }
  out.append(text, copied, std::string::npos);
  return {out, std::stol(n)};
}

}  // namespace

SeverityFindings findings_at(const std::vector<Finding>& all, Severity level) {
  SeverityFindings out;
  for (const Finding& f : all) {
    if (f.severity != level) continue;
    out.findings.push_back(&f);
    ++out.per_rule[f.rule_id];
  }
  return out;
}

std::vector<FindingGroup> group_findings(const std::vector<const Finding*>& findings) {
  std::vector<FindingGroup> groups;
  std::map<std::string, std::size_t> index;
  for (const Finding* f : findings) {
    Keyed k = layer_key(*f);
    auto [it, inserted] = index.try_emplace(f->rule_id + "\x1f" + k.key, groups.size());
    if (inserted) groups.push_back(FindingGroup{f, {}, {}});
    FindingGroup& g = groups[it->second];
    g.members.push_back(f);
    if (k.layer >= 0) g.layers.insert(k.layer);
  }
  return groups;
}

std::string group_message(const FindingGroup& g) {
  if (g.count() > 1 && g.layers.size() == g.count()) {
    return fmt::format("layers {}: {}", format_ranges(g.layers), layer_key(*g.first).key);
  }
  if (g.count() > 1) return fmt::format("{} (and {} more like it)", g.first->message, g.count() - 1);
  return g.first->message;
}

}  // namespace ckptlint
