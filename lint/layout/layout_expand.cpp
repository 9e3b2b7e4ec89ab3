// SPDX-License-Identifier: Apache-2.0
// Expands a layout model for one config: loops, lets, name templates and shape expressions.
#include <fmt/format.h>

#include <algorithm>

#include "layout/layout_model.h"

namespace ckptlint {
namespace {

// Bounds on hostile configs: num_hidden_layers = 10^12 must not expand into 10^12 entries.
constexpr std::int64_t kMaxLoop = 4096;
constexpr std::size_t kMaxEntries = 200000;

class Expander {
 public:
  Expander(const LayoutModel& model, const std::map<std::string, std::string>& prefixes, Layout& out)
      : model_(model), prefixes_(prefixes), out_(out) {}

  void nodes(const std::vector<LayoutNode>& list, const Scope& scope, const std::shared_ptr<const VarFrame>& frame) {
    for (const LayoutNode& n : list) {
      if (out_.entries.size() >= kMaxEntries) return;
      if (n.is_group) group(n, scope, frame);
      else tensor(n, scope, frame);
    }
  }

 private:
  void group(const LayoutNode& n, const Scope& parent, const std::shared_ptr<const VarFrame>& parent_frame) {
    std::vector<nlohmann::json> values;
    if (n.loop_var.empty()) {
      values.emplace_back(nullptr);
    } else {
      nlohmann::json over = n.loop_over.eval(parent);
      if (over.is_array()) {
        values.assign(over.begin(), over.end());
      } else if (over.is_number_integer() && over.get<std::int64_t>() >= 0 && over.get<std::int64_t>() <= kMaxLoop) {
        for (std::int64_t i = 0; i < over.get<std::int64_t>(); ++i) values.emplace_back(i);
      } else {
        out_.problems.push_back(fmt::format("{}:{}: loop '{}' over {} is not a count from 0 to {} or a list",
                                            model_.source, n.line, n.loop_var, render_value(over), kMaxLoop));
        return;
      }
    }
    for (const nlohmann::json& v : values) {
      auto frame = std::make_shared<VarFrame>();
      frame->parent = parent_frame;
      Scope scope;
      scope.parent = &parent;
      scope.bound = &frame->vars;
      if (!n.loop_var.empty()) frame->vars.emplace_back(n.loop_var, v);
      for (const auto& [name, e] : n.lets) {
        nlohmann::json value = e.eval(scope);
        frame->vars.emplace_back(name, std::move(value));
      }
      nodes(n.children, scope, frame);
    }
  }

  void tensor(const LayoutNode& n, const Scope& scope, const std::shared_ptr<const VarFrame>& frame) {
    auto prefix = prefixes_.find(n.part);
    if (prefix == prefixes_.end()) return;  // this key layout has no such part
    if (!n.when.empty() && !n.when.test(scope)) return;
    LayoutEntry e;
    std::string kind;
    e.name = prefix->second;
    substitute(n.name, scope, e.name, kind);
    for (const Expr& d : n.shape) {
      nlohmann::json v = d.eval(scope);
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
        out_.problems.push_back(fmt::format("{}:{}: a dimension of '{}' ({}) is {}, not a size", model_.source, n.line,
                                            e.name, d.text(), render_value(v)));
        return;
      }
      e.shape.push_back(v.get<std::uint64_t>());
    }
    e.part = n.part;
    e.group = n.group;
    e.module_kind = n.module;
    const std::string suffix = ".weight";
    if (!n.module.empty() && e.name.size() > suffix.size() && e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      e.module = e.name.substr(0, e.name.size() - suffix.size());
    }
    if (kind.size() > suffix.size() && kind.compare(kind.size() - suffix.size(), suffix.size(), suffix) == 0) {
      kind.resize(kind.size() - suffix.size());
    }
    e.kind = std::move(kind);
    e.optional = !n.optional.empty() && n.optional.test(scope);
    if (n.dtype) {
      nlohmann::json dtype = n.dtype->eval(scope);
      e.dtype = dtype.is_string() ? dtype.get<std::string>() : "BF16";
    } else {
      static const std::string kFloat = "float";
      const nlohmann::json* f = scope.lookup(kFloat);
      e.dtype = f != nullptr && f->is_string() ? f->get<std::string>() : "BF16";
    }
    static const std::string kLayer = "layer";
    if (const nlohmann::json* layer = scope.lookup(kLayer); layer != nullptr && layer->is_number_integer() && frame) {
      e.layer = layer->get<std::int64_t>();
    }
    e.own.emplace_back("optional", e.optional);
    for (const auto& [name, x] : n.attrs) e.own.emplace_back(name, x.eval(scope));
    e.labels = &n.labels;
    e.frame = frame;
    auto [it, inserted] = out_.by_name.try_emplace(e.name, out_.entries.size());
    if (!inserted) {
      out_.problems.push_back(fmt::format("{}:{}: the layout names '{}' twice", model_.source, n.line, e.name));
      return;
    }
    out_.entries.push_back(std::move(e));
  }

  // Appends `tmpl` with {var} filled to `out`; `kind` gets the same text with integer
  // variables (layer numbers) dropped. Runs once per tensor: no temporary strings.
  void substitute(const std::string& tmpl, const Scope& scope, std::string& out, std::string& kind) {
    kind.clear();
    kind.reserve(tmpl.size());
    out.reserve(out.size() + tmpl.size() + 8);
    bool skip_dot = false;  // in `kind`, after a dropped number
    std::size_t i = 0;
    while (i < tmpl.size()) {
      // The literal run up to the next placeholder, in one append.
      std::size_t open = tmpl.find('{', i);
      std::size_t end = open == std::string::npos ? tmpl.size() : open;
      if (end > i) {
        out.append(tmpl, i, end - i);
        std::size_t from = skip_dot && tmpl[i] == '.' ? i + 1 : i;
        kind.append(tmpl, from, end - from);
        skip_dot = false;
      }
      if (open == std::string::npos) break;
      std::size_t close = tmpl.find('}', open);  // the loader rejects an unterminated '{'
      var_name_.assign(tmpl, open + 1, close - open - 1);
      const nlohmann::json* v = scope.lookup(var_name_);
      std::string text = v ? render_value(*v) : "?";
      out += text;
      // "layers.{layer}.x" has the kind "x": a number is dropped with its dot and the list
      // segment before it, so q_proj of every layer shares one kind.
      skip_dot = v && v->is_number_integer();
      if (skip_dot) {
        std::size_t cut = kind.size() > 1 ? kind.rfind('.', kind.size() - 2) : std::string::npos;
        kind.resize(cut == std::string::npos ? 0 : cut + 1);
      } else {
        kind += text;
      }
      i = close + 1;
    }
  }

  const LayoutModel& model_;
  const std::map<std::string, std::string>& prefixes_;
  Layout& out_;
  std::string var_name_;  // the placeholder being filled, reused across tensors
};

}  // namespace

Layout expand_layout(const LayoutModel& model, const nlohmann::json& config, const std::string& variant) {
  Layout out;
  out.model = model.name;
  out.variant = variant;
  out.optional_parts = model.optional_parts;
  auto prefixes = model.prefixes.find(variant);
  if (prefixes == model.prefixes.end()) {
    out.problems.push_back(fmt::format("layout '{}' has no key layout '{}'", model.name, variant));
    return out;
  }
  Scope root;
  root.config = &config;
  root.table = &out.globals;
  out.globals["variant"] = variant;
  // Each let sees the ones before it; a name defined twice keeps its last value.
  for (const auto& [name, e] : model.lets) {
    nlohmann::json value = e.eval(root);
    out.globals[name] = std::move(value);
  }
  Expander(model, prefixes->second, out).nodes(model.tensors, root, nullptr);
  return out;
}

const nlohmann::json* LayoutEntry::var(const std::string& name) const {
  for (const VarList* list : {&own, labels}) {
    if (list == nullptr) continue;
    for (const auto& [k, v] : *list) {
      if (k == name) return &v;
    }
  }
  for (const VarFrame* f = frame.get(); f != nullptr; f = f->parent.get()) {
    for (const auto& [k, v] : f->vars) {
      if (k == name) return &v;
    }
  }
  return nullptr;
}

EntryScope::EntryScope(const LayoutEntry& entry, const Scope& root, const VarList* extra) {
  std::size_t frames = 0;
  for (const VarFrame* f = entry.frame.get(); f != nullptr; f = f->parent.get()) ++frames;
  const std::size_t count = frames + 2 + (extra != nullptr ? 1 : 0);  // frames, labels, own, extra
  Scope* chain = inline_.data();
  if (count > kInline) {
    deeper_.resize(count);
    chain = deeper_.data();
  }
  // Frames outermost first: the innermost frame is the last of them.
  std::size_t at = frames;
  for (const VarFrame* f = entry.frame.get(); f != nullptr; f = f->parent.get()) chain[--at].bound = &f->vars;
  chain[frames].bound = entry.labels;
  chain[frames + 1].bound = &entry.own;
  if (extra != nullptr) chain[frames + 2].bound = extra;
  const Scope* parent = &root;
  for (std::size_t i = 0; i < count; ++i) {
    chain[i].parent = parent;
    parent = &chain[i];
  }
  top_ = parent;
}

const LayoutModel* layout_for(const LayoutModels& models, const std::vector<std::string>& model_types) {
  for (const auto& l : models) {
    for (const std::string& t : model_types) {
      if (std::find(l->model_types.begin(), l->model_types.end(), t) != l->model_types.end()) return l.get();
    }
  }
  return nullptr;
}

std::map<std::string, std::size_t> count_variants(const LayoutModel& model, const std::vector<std::string_view>& names) {
  // Every (prefix, variant) once, longest prefix first: the first that a name starts with is
  // its longest match, "model.vision_tower." (hf) before "model." (text-only). Votes are
  // counted per variant index and named at the end, not looked up per name.
  std::vector<std::string> variants;
  std::vector<std::pair<std::string_view, std::size_t>> prefixes;
  for (const auto& [variant, parts] : model.prefixes) {
    variants.push_back(variant);
    for (const auto& [part, prefix] : parts) prefixes.emplace_back(prefix, variants.size() - 1);
  }
  // Stable: of equal prefixes, the first variant in name order wins, as it always did.
  std::stable_sort(prefixes.begin(), prefixes.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::vector<std::size_t> counts(variants.size(), 0);
  for (std::string_view name : names) {
    for (const auto& [prefix, variant] : prefixes) {
      if (name.starts_with(prefix)) {
        ++counts[variant];
        break;
      }
    }
  }
  std::map<std::string, std::size_t> votes;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    if (counts[i] > 0) votes[variants[i]] = counts[i];
  }
  return votes;
}

std::string detect_variant(const std::map<std::string, std::size_t>& votes) {
  std::string winner;
  std::size_t most = 0;
  for (const auto& [variant, n] : votes) {
    if (n > most) {
      winner = variant;
      most = n;
    }
  }
  return winner;
}

}  // namespace ckptlint
