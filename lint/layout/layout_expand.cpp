// SPDX-License-Identifier: Apache-2.0
// Expands a layout model for one config: loops, lets, name templates and shape expressions.
#include <fmt/format.h>

#include "layout/layout_model.h"

namespace ckptlint {
namespace {

// Bounds on hostile configs: num_hidden_layers = 10^12 must not expand into 10^12 entries.
constexpr std::int64_t kMaxLoop = 100'000;
constexpr std::size_t kMaxEntries = 2'000'000;

class Expander {
 public:
  Expander(const LayoutModel& model, const std::map<std::string, std::string>& prefixes, Layout& out)
      : model_(model), prefixes_(prefixes), out_(out) {}

  void nodes(const std::vector<LayoutNode>& list, const Scope& scope) {
    for (const LayoutNode& n : list) {
      if (out_.entries.size() >= kMaxEntries) return;
      if (n.is_group) group(n, scope);
      else tensor(n, scope);
    }
  }

 private:
  void group(const LayoutNode& n, const Scope& parent) {
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
      Scope scope;
      scope.parent = &parent;
      if (!n.loop_var.empty()) scope.vars.emplace_back(n.loop_var, v);
      for (const auto& [name, e] : n.lets) scope.vars.emplace_back(name, e.eval(scope));
      nodes(n.children, scope);
    }
  }

  // Every variable of the scopes below the model level, innermost last.
  static void collect(const Scope& scope, VarList& out) {
    if (scope.parent == nullptr) return;  // the model-level lets stay in Layout's globals
    collect(*scope.parent, out);
    out.insert(out.end(), scope.vars.begin(), scope.vars.end());
  }

  void tensor(const LayoutNode& n, const Scope& scope) {
    auto prefix = prefixes_.find(n.part);
    if (prefix == prefixes_.end()) return;  // this key layout has no such part
    if (!n.when.empty() && !n.when.test(scope)) return;
    LayoutEntry e;
    VarList inner;
    collect(scope, inner);
    std::string kind;
    e.name = prefix->second + substitute(n.name, scope, kind);
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
    e.kind = kind;
    e.optional = !n.optional.empty() && n.optional.test(scope);
    nlohmann::json dtype = n.dtype ? n.dtype->eval(scope) : nlohmann::json(scope.lookup("float") ? *scope.lookup("float") : "BF16");
    e.dtype = dtype.is_string() ? dtype.get<std::string>() : "BF16";
    for (const auto& [name, v] : inner) {
      if (name == "layer" && v.is_number_integer()) e.layer = v.get<std::int64_t>();
    }
    e.vars = std::move(inner);
    e.vars.emplace_back("name", e.name);
    e.vars.emplace_back("part", e.part);
    e.vars.emplace_back("group", e.group);
    e.vars.emplace_back("module", e.module_kind);
    e.vars.emplace_back("kind", e.kind);
    e.vars.emplace_back("quantizable", !e.module_kind.empty());
    e.vars.emplace_back("optional", e.optional);
    for (const auto& [name, x] : n.attrs) e.vars.emplace_back(name, x.eval(scope));
    auto [it, inserted] = out_.by_name.try_emplace(e.name, out_.entries.size());
    if (!inserted) {
      out_.problems.push_back(fmt::format("{}:{}: the layout names '{}' twice", model_.source, n.line, e.name));
      return;
    }
    out_.entries.push_back(std::move(e));
  }

  // Fills {var}; `kind` gets the same text with integer variables (layer numbers) dropped.
  static std::string substitute(const std::string& tmpl, const Scope& scope, std::string& kind) {
    std::string out;
    kind.clear();
    bool skip_dot = false;  // in `kind`, after a dropped number
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
      if (tmpl[i] != '{') {
        out += tmpl[i];
        if (!(skip_dot && tmpl[i] == '.')) kind += tmpl[i];
        skip_dot = false;
        continue;
      }
      std::size_t close = tmpl.find('}', i);
      const nlohmann::json* v = scope.lookup(tmpl.substr(i + 1, close - i - 1));
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
      i = close;
    }
    return out;
  }

  const LayoutModel& model_;
  const std::map<std::string, std::string>& prefixes_;
  Layout& out_;
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
  root.vars.emplace_back("variant", variant);
  for (const auto& [name, e] : model.lets) root.vars.emplace_back(name, e.eval(root));
  Expander(model, prefixes->second, out).nodes(model.tensors, root);
  out.globals = std::move(root.vars);
  return out;
}

std::string detect_variant(const LayoutModel& model, const std::vector<std::string>& names) {
  std::map<std::string, std::size_t> votes;
  for (const std::string& name : names) {
    // The longest matching prefix of any part wins: "model.vision_tower." (hf) over "model."
    // (text-only), "model.language_model." (hf) over "model.".
    std::string best;
    std::size_t best_len = 0;
    for (const auto& [variant, parts] : model.prefixes) {
      for (const auto& [part, prefix] : parts) {
        if (prefix.size() > best_len && name.compare(0, prefix.size(), prefix) == 0) {
          best = variant;
          best_len = prefix.size();
        }
      }
    }
    if (!best.empty()) ++votes[best];
  }
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
