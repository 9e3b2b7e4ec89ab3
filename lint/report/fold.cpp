// SPDX-License-Identifier: Apache-2.0
#include "report/fold.h"

#include <fmt/format.h>

#include <map>

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

}  // namespace

std::vector<FindingGroup> group_findings(const std::vector<const Finding*>& findings) {
  std::vector<FindingGroup> groups;
  std::map<std::string, std::size_t> index;
  for (const Finding* f : findings) {
    Keyed k = layer_key(f->message);
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
    return fmt::format("layers {}: {}", format_ranges(g.layers), layer_key(g.first->message).key);
  }
  if (g.count() > 1) return fmt::format("{} (and {} more like it)", g.first->message, g.count() - 1);
  return g.first->message;
}

}  // namespace ckptlint
