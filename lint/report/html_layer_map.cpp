// SPDX-License-Identifier: Apache-2.0
#include "report/html_layer_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "report/html_util.h"
#include "util/display_text.h"
#include "util/tensor_names.h"

namespace ckptlint::html {
namespace {

// Where a unit sits on the map: the first all-digit path component is its layer, what comes
// before it the stack ("language_model.model.layers"), what comes after it the row. Later
// numbers (unstacked experts: "experts.17.gate_proj") become "*", so that they share a row.
struct Place {
  std::string stack;  ///< "" for tensors outside any layer
  long layer = -1;
  std::string kind;
};

// A layer or expert number (longer digit runs are names, not positions on the map).
bool all_digits(std::string_view s) { return s.size() <= 6 && is_all_digits(s); }

Place place_of(const std::string& name) {
  Place p;
  std::size_t begin = 0;
  while (begin <= name.size()) {
    std::size_t end = name.find('.', begin);
    if (end == std::string::npos) end = name.size();
    std::string_view part(name.data() + begin, end - begin);
    if (p.layer < 0 && all_digits(part) && begin > 0) {
      p.stack = name.substr(0, begin - 1);
      p.layer = std::stol(std::string(part));
    } else if (p.layer >= 0) {
      p.kind += (p.kind.empty() ? "" : ".") + (all_digits(part) ? std::string("*") : std::string(part));
    }
    begin = end + 1;
  }
  if (p.layer < 0) p.kind = name;
  return p;
}

struct Storage {
  const char* key;
  const char* fill;
  const char* label;
};

// Storage colours share no hue with the severity marks (red, amber, dark grey): floats in
// blues, affine quantization in purples (darker with fewer bits), microscaled formats in
// greens; what the layout expected and did not find, and what it did not expect, as grey
// patterns. A clean 4-bit model is a calm purple, never a wall of red.
constexpr Storage kStorages[] = {
    {"bf16", "#4e79a7", "BF16"},          {"f16", "#76b7d2", "F16"},
    {"f32", "#1f3f6e", "F32"},            {"affine-8", "#c5b0d5", "affine 8-bit"},
    {"affine-6", "#b39bd0", "affine 6-bit"}, {"affine-5", "#9a7cc4", "affine 5-bit"},
    {"affine-4", "#7b5ab0", "affine 4-bit"}, {"affine-3", "#5e3c99", "affine 3-bit"},
    {"affine-2", "#3f2470", "affine 2-bit"}, {"affine", "#ddd0ec", "affine, bits unknown"},
    {"mxfp8", "#2f7d32", "mxfp8"},        {"mxfp4", "#59a14f", "mxfp4"},
    {"nvfp4", "#8cd17d", "nvfp4"},        {"lora", "#9c755f", "LoRA pair"},
    {"unexpected", "url(#ckl-unexpected)", "unexpected (not in the layout)"},
    {"missing", "url(#ckl-missing)", "missing (expected by the layout)"},
    {"absent", "url(#ckl-absent)", "absent, optional (e.g. pruned by KV sharing)"},
    {"mixed", "url(#ckl-mixed)", "several storages in one cell"},
};
constexpr Storage kOther = {"other", "#bab0ac", "other dtype"};

const Storage& storage(const std::string& key) {
  for (const Storage& s : kStorages) {
    if (key == s.key) return s;
  }
  // Any other float dtype (F64, the F8 types) in a light blue; integer types grey.
  static const Storage other_float = {"float", "#a0cbe8", "other float"};
  if (!key.empty() && (key[0] == 'f')) return other_float;
  return kOther;
}

const char* severity_colour(Severity s) {
  switch (s) {
    case Severity::error: return "#d00000";
    case Severity::warning: return "#f5a000";
    case Severity::info: return "#444444";
  }
  return "#444444";
}

// The findings marked on each unit: a finding's tensor belongs to the unit named like it,
// or like its module, or like the nearest enclosing path (an adapter's "q_proj.lora_a").
std::map<std::string, std::vector<const Finding*>> findings_by_unit(const Report& report) {
  std::set<std::string> names;
  for (const StoredUnit& u : report.units) names.insert(u.name);
  std::map<std::string, std::vector<const Finding*>> out;
  auto unit_of = [&](std::string name) {
    for (int up = 0; !name.empty() && up < 3 && names.count(name) == 0; ++up) {
      std::size_t dot = name.rfind('.');
      name = dot == std::string::npos ? "" : name.substr(0, dot);
    }
    return names.count(name) != 0 ? name : "";
  };
  for (const Finding& f : report.findings) {
    // The finding's own tensor, and the related ones (the float modules of a mixed
    // quantization): each marked once.
    std::set<std::string> units;
    units.insert(unit_of(f.location.tensor));
    for (const Location& l : f.related) units.insert(unit_of(l.tensor));
    units.erase("");
    for (const std::string& u : units) out[u].push_back(&f);
  }
  return out;
}

struct Cell {
  std::vector<const StoredUnit*> units;
  std::vector<const Finding*> findings;
  std::string storage() const {
    for (const StoredUnit* u : units) {
      if (u->storage != units.front()->storage) return "mixed";
    }
    return units.front()->storage;
  }
};

std::string tooltip(const Cell& c) {
  std::string t;
  for (const StoredUnit* u : c.units) t += fmt::format("{}: {} — {}\n", display_text(u->name, 1024), u->storage, u->detail);
  std::size_t shown = 0;
  for (const Finding* f : c.findings) {
    if (++shown > 6) {
      t += fmt::format("… and {} more findings\n", c.findings.size() - 6);
      break;
    }
    t += fmt::format("{}[{}] {}\n", to_string(f->severity), f->rule_id, f->message);
  }
  if (!t.empty()) t.pop_back();
  return t;
}

std::optional<Severity> worst(const std::vector<const Finding*>& findings) {
  std::optional<Severity> w;
  for (const Finding* f : findings) w = std::max(w.value_or(f->severity), f->severity);
  return w;
}

constexpr std::size_t kMaxUnits = 20'000;     // units drawn on the map
constexpr std::size_t kMaxLooseChips = 2'000;  // tensors outside the layers shown as chips
constexpr int kStep = 16;   // cell pitch
constexpr int kSize = 14;   // cell side
constexpr int kTop = 30;    // layer numbers
constexpr double kCharWidth = 7.0;  // 12px monospace

void write_stack(std::ostream& out, const std::string& stack, const std::map<std::string, std::map<long, Cell>>& rows,
                 const std::set<long>& layers) {
  std::size_t longest = 0;
  for (const auto& [kind, cells] : rows) longest = std::max(longest, kind.size());
  const int left = static_cast<int>(std::min<double>(longest, 48) * kCharWidth) + 12;
  std::vector<long> columns(layers.begin(), layers.end());
  const int width = left + static_cast<int>(columns.size()) * kStep + 4;
  const int height = kTop + static_cast<int>(rows.size()) * kStep + 4;
  out << fmt::format("<summary><h3>{} <span class=\"dim\">({} layers × {} kinds)</span></h3></summary>\n", escape_raw(stack), columns.size(), rows.size());
  out << fmt::format("<div class=\"map-scroll\"><svg class=\"layer-map\" data-stack=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"layer map of {}\">\n",
                     escape_raw(stack), width, height, width, height, escape_raw(stack));
  for (std::size_t i = 0; i < columns.size(); ++i) {
    int x = left + static_cast<int>(i) * kStep + kSize / 2;
    out << fmt::format("<text class=\"col\" x=\"{}\" y=\"{}\" transform=\"rotate(-60 {} {})\">{}</text>", x, kTop - 4, x, kTop - 4, columns[i]);
  }
  out << "\n";
  int y = kTop;
  for (const auto& [kind, cells] : rows) {
    std::string shown = kind.size() > 48 ? "…" + kind.substr(kind.size() - 47) : kind;
    out << fmt::format("<text class=\"row\" x=\"{}\" y=\"{}\">{}</text>", left - 6, y + kSize - 3, escape_raw(shown));
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto it = cells.find(columns[i]);
      if (it == cells.end()) continue;
      const Cell& c = it->second;
      int x = left + static_cast<int>(i) * kStep;
      std::optional<Severity> w = worst(c.findings);
      out << fmt::format("<g class=\"cell\" data-unit=\"{}\" data-storage=\"{}\"{}><title>{}</title>", escape_raw(c.units.front()->name),
                         c.storage(), w ? fmt::format(" data-severity=\"{}\"", to_string(*w)) : "", escape(tooltip(c)));
      out << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", x, y, kSize, kSize, storage(c.storage()).fill);
      if (w) {
        // A finding: a ring in its severity's colour and a corner mark.
        out << fmt::format("<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" stroke=\"{}\"/>", x + 1, y + 1, kSize - 2, kSize - 2,
                           severity_colour(*w));
        out << fmt::format("<path d=\"M{} {}h6l-6 6z\" fill=\"{}\"/>", x, y, severity_colour(*w));
      }
      out << "</g>";
    }
    out << "\n";
    y += kStep;
  }
  out << "</svg></div>\n";
}

bool flagged(const std::map<std::string, std::map<long, Cell>>& rows) {
  for (const auto& [kind, cells] : rows) {
    for (const auto& [layer, c] : cells) {
      std::optional<Severity> w = worst(c.findings);
      if (w && *w >= Severity::warning) return true;
    }
  }
  return false;
}

void write_loose(std::ostream& out, const std::vector<Cell>& loose) {
  if (loose.empty()) return;
  out << fmt::format("<h3>outside the layers <span class=\"dim\">({} tensors or modules)</span></h3>\n<div class=\"loose\">", loose.size());
  std::size_t shown = 0;
  for (const Cell& c : loose) {
    // A hostile header of a million loose names must not make a page of a million chips.
    if (++shown > kMaxLooseChips) {
      out << fmt::format("<span class=\"dim\">… and {} more</span>", loose.size() - kMaxLooseChips);
      break;
    }
    std::optional<Severity> w = worst(c.findings);
    out << fmt::format("<span class=\"chip cell\" data-unit=\"{}\" data-storage=\"{}\"{} title=\"{}\"><svg width=\"12\" height=\"12\"><rect width=\"12\" height=\"12\" fill=\"{}\"/></svg>{}</span>",
                       escape_raw(c.units.front()->name), c.storage(), w ? fmt::format(" data-severity=\"{}\"", to_string(*w)) : "",
                       escape(tooltip(c)), storage(c.storage()).fill, escape_raw(c.units.front()->name));
  }
  out << "</div>\n";
}

void write_legend(std::ostream& out, const std::map<std::string, std::size_t>& used) {
  out << "<div class=\"legend\"><b>storage (cell colour, with the number of cells):</b>";
  std::set<std::string> shown;
  auto item = [&](const Storage& s, std::size_t n) {
    if (!shown.insert(s.label).second) return;
    out << fmt::format("<span><svg width=\"14\" height=\"14\"><rect width=\"14\" height=\"14\" fill=\"{}\"/></svg>{} <span class=\"dim\">{}</span></span>",
                       s.fill, escape(s.label), n);
  };
  std::map<std::string, std::size_t> by_label;
  for (const auto& [key, n] : used) by_label[storage(key).label] += n;
  for (const Storage& s : kStorages) {
    if (by_label.count(s.label)) item(s, by_label[s.label]);
  }
  for (const auto& [key, n] : used) item(storage(key), by_label[storage(key).label]);
  out << "</div>\n<div class=\"legend\"><b>findings (ring and corner mark):</b>";
  for (Severity s : {Severity::error, Severity::warning, Severity::info}) {
    out << fmt::format("<span><svg width=\"14\" height=\"14\"><rect x=\"1\" y=\"1\" width=\"12\" height=\"12\" fill=\"#fff\" stroke=\"{0}\" stroke-width=\"2\"/><path d=\"M0 0h6l-6 6z\" fill=\"{0}\"/></svg>{1} finding</span>",
                       severity_colour(s), to_string(s));
  }
  out << "</div>\n";
}

}  // namespace

void write_map_defs(std::ostream& out) {
  out << R"(<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
<pattern id="ckl-missing" width="14" height="14" patternUnits="userSpaceOnUse"><rect width="14" height="14" fill="#fff"/><path d="M2 2L12 12M12 2L2 12" stroke="#555" stroke-width="2"/></pattern>
<pattern id="ckl-unexpected" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#222"/><path d="M0 5L5 0" stroke="#fff" stroke-width="1.2"/></pattern>
<pattern id="ckl-absent" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#eee"/><path d="M0 4L4 0" stroke="#bbb"/></pattern>
<pattern id="ckl-mixed" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#4e79a7"/><path d="M0 6L6 0" stroke="#7b5ab0" stroke-width="2.5"/></pattern>
</defs></svg>
)";
}

void write_layer_map(std::ostream& out, const Report& report) {
  if (report.units.empty()) return;
  // The map of a real model is a few thousand units; past the cap it is no map but a flood
  // (a hostile header of hundreds of thousands of names), and the page says so.
  const std::size_t drawn = std::min(report.units.size(), kMaxUnits);
  std::map<std::string, std::vector<const Finding*>> marked = findings_by_unit(report);
  std::map<std::string, std::map<std::string, std::map<long, Cell>>> stacks;  // stack -> kind -> layer -> cell
  std::map<std::string, std::set<long>> stack_layers;
  std::vector<Cell> loose;
  std::map<std::string, std::size_t> used;
  for (std::size_t i = 0; i < drawn; ++i) {
    const StoredUnit& u = report.units[i];
    ++used[u.storage];
    Place p = place_of(u.name);
    const std::vector<const Finding*>* fs = marked.count(u.name) ? &marked[u.name] : nullptr;
    Cell* c;
    if (p.layer < 0) {
      c = &loose.emplace_back();
    } else {
      c = &stacks[p.stack][p.kind][p.layer];
      stack_layers[p.stack].insert(p.layer);
    }
    c->units.push_back(&u);
    if (fs != nullptr) c->findings.insert(c->findings.end(), fs->begin(), fs->end());
  }
  // The deepest stack (the decoder) first.
  std::vector<std::string> order;
  for (const auto& [stack, rows] : stacks) order.push_back(stack);
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    return std::pair(stack_layers[a].size(), stacks[a].size()) > std::pair(stack_layers[b].size(), stacks[b].size());
  });
  out << "<section id=\"map\"><h2>Layer map</h2>\n<p class=\"dim\">Each cell is one module (its weight with its scales and biases) or tensor of one layer, coloured by how it is stored. A blank cell: that layer has no such module. Hover for the tensors and findings; click to filter the findings.</p>\n";
  write_legend(out, used);
  if (drawn < report.units.size()) {
    out << fmt::format("<p class=\"dim\">The map shows the first {} of {} modules and tensors.</p>\n", drawn, report.units.size());
  }
  // The other stacks (vision, audio towers) stay folded unless a warning or error sits in them.
  for (const std::string& stack : order) {
    bool open = stack == order.front() || flagged(stacks[stack]);
    out << (open ? "<details open>" : "<details>");
    write_stack(out, stack, stacks[stack], stack_layers[stack]);
    out << "</details>\n";
  }
  write_loose(out, loose);
  out << "</section>\n";
}

}  // namespace ckptlint::html
