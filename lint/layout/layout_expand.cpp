// SPDX-License-Identifier: Apache-2.0
// Expands a layout model for one config: loops, lets, name templates and shape expressions.
#include <fmt/format.h>

#include <algorithm>

#include "layout/layout_model.h"
#include "util/checked.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

// Bounds on hostile configs: num_hidden_layers = 10^12 must not expand into 10^12 entries.
constexpr std::int64_t kMaxLoop = 4096;
constexpr std::size_t kMaxEntries = 200000;
constexpr std::uint64_t kMaxElements = 1ull << 48;

// Problems name the config value and the tensor it sizes, not the pack's file:line: the fault
// is the config's, and `check` reports them on config.json (config-values-unusable).
// A config value as the config wrote it, for a message: the string "12" quoted, so it does not
// read as the number, and cut short (a hostile config may hold megabytes there).
std::string quoted_value(const nlohmann::json& v) {
  constexpr std::size_t kMaxShown = 64;
  std::string text = v.is_string() ? fmt::format("'{}'", render_value(v)) : render_value(v);
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return text;
}

// A loop variable or group let, innermost frame first (later names shadow earlier ones, as in
// Scope::lookup).
const nlohmann::json* frame_lookup(const VarFrame* frame, std::string_view name) {
  for (; frame != nullptr; frame = frame->parent.get()) {
    for (auto it = frame->vars.rbegin(); it != frame->vars.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
  }
  return nullptr;
}

bool ends_with_weight(const std::string& s) { return s.ends_with(".weight") && s.size() > 7; }

class Expander {
 public:
  Expander(const LayoutModel& model, const std::map<std::string, std::string>& prefixes, const Scope& root, Layout& out)
      : model_(model), prefixes_(prefixes), out_(out),
        constants_(static_cast<std::size_t>(model.body().constant_slots)),
        known_(static_cast<std::size_t>(model.body().constant_slots), false) {
    // What `float` and `layer` are where no loop or group let binds them: one lookup each.
    root_float_ = root.lookup("float");
    root_layer_ = root.lookup("layer");
  }

  void nodes(const std::vector<LayoutNode>& list, const Scope& scope, const std::shared_ptr<const VarFrame>& frame) {
    for (const LayoutNode& n : list) {
      if (out_.entries.size() >= kMaxEntries) {
        // A cut-off list would read as the whole model (and every tensor past it as unexpected).
        if (!truncated_) out_.problems.push_back(fmt::format("the config implies more than {} tensors", kMaxEntries));
        truncated_ = true;
        return;
      }
      if (n.is_group) group(n, scope, frame);
      else tensor(n, scope, frame);
    }
  }

 private:
  // The value of `e` at `scope`: a constant is evaluated on first use and kept; anything else
  // lands in `tmp`.
  const nlohmann::json& value(const LayoutExpr& e, const Scope& scope, nlohmann::json& tmp) {
    if (e.slot < 0) return tmp = e.expr.eval(scope);
    const auto slot = static_cast<std::size_t>(e.slot);
    if (!known_[slot]) {
      constants_[slot] = e.expr.eval(scope);
      known_[slot] = true;
    }
    return constants_[slot];
  }

  void group(const LayoutNode& n, const Scope& parent, const std::shared_ptr<const VarFrame>& parent_frame) {
    if (n.loop_var.empty()) {
      iteration(n, parent, parent_frame, nullptr);
      return;
    }
    nlohmann::json tmp;
    const nlohmann::json& over = value(n.loop_over, parent, tmp);
    if (over.is_array()) {
      for (const nlohmann::json& v : over) iteration(n, parent, parent_frame, &v);
    } else if (over.is_number_integer() && over.get<std::int64_t>() >= 0 && over.get<std::int64_t>() <= kMaxLoop) {
      const std::int64_t count = over.get<std::int64_t>();
      for (std::int64_t i = 0; i < count; ++i) {
        const nlohmann::json v = i;
        iteration(n, parent, parent_frame, &v);
      }
    } else {
      out_.problems.push_back(fmt::format("loop '{}' over {} is not a count from 0 to {} or a list", n.loop_var,
                                          quoted_value(over), kMaxLoop));
    }
  }

  // One pass over a group's children: the loop value (nullptr when the group has no loop),
  // then the group's lets, in a new frame.
  void iteration(const LayoutNode& n, const Scope& parent, const std::shared_ptr<const VarFrame>& parent_frame,
                 const nlohmann::json* loop_value) {
    auto frame = std::make_shared<VarFrame>();
    frame->parent = parent_frame;
    frame->vars.reserve(n.lets.size() + 1);
    Scope scope;
    scope.parent = &parent;
    scope.bound = &frame->vars;
    if (loop_value != nullptr) frame->vars.emplace_back(n.loop_var, *loop_value);
    for (const auto& [name, e] : n.lets) {
      nlohmann::json tmp;
      const nlohmann::json& v = value(e, scope, tmp);
      frame->vars.emplace_back(name, &v == &tmp ? std::move(tmp) : v);
    }
    if (!n.when.empty()) {
      nlohmann::json tmp;
      if (!truthy(value(n.when, scope, tmp))) return;
    }
    nodes(n.children, scope, frame);
  }

  // A placeholder's value: a loop variable or group let from the frames, else a model let.
  const nlohmann::json* placeholder(const NamePiece& p, const VarFrame* frame) const {
    if (p.bound) return frame_lookup(frame, p.var);
    auto it = out_.globals.find(p.var);
    return it == out_.globals.end() ? nullptr : &it->second;
  }

  void tensor(const LayoutNode& n, const Scope& scope, const std::shared_ptr<const VarFrame>& frame) {
    auto prefix = prefixes_.find(n.part);
    if (prefix == prefixes_.end()) return;  // this key layout has no such part
    nlohmann::json tmp;
    if (!n.when.empty() && !truthy(value(n.when, scope, tmp))) return;
    LayoutEntry e;
    std::string& kind = kind_;
    kind.clear();
    e.name = prefix->second;
    fill_name(n, frame.get(), e.name, kind);
    e.shape.reserve(n.shape.size());
    std::uint64_t elements = 1;
    for (const LayoutExpr& d : n.shape) {
      const nlohmann::json& v = value(d, scope, tmp);
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
        out_.problems.push_back(fmt::format("a dimension of '{}' ({}) is {}, not a size", e.name, d.expr.text(),
                                            quoted_value(v)));
        return;
      }
      e.shape.push_back(v.get<std::uint64_t>());
      elements = checked_mul(elements, e.shape.back()).value_or(UINT64_MAX);
    }
    // No safetensors file holds a tensor of 2^48 elements or more (256 TiB at one byte each):
    // a config that implies one holds a wrong size, and totals over it would wrap.
    if (elements >= kMaxElements) {
      out_.problems.push_back(fmt::format("'{}' would have the shape {}: 2^48 elements or more, past any checkpoint",
                                          e.name, shape_text(e.shape)));
      return;
    }
    e.part = n.part;
    e.group = n.group;
    e.module_kind = n.module;
    if (!n.module.empty() && ends_with_weight(e.name)) e.module.assign(e.name, 0, e.name.size() - 7);
    if (ends_with_weight(kind)) kind.resize(kind.size() - 7);
    e.kind = intern_kind(kind);
    e.optional = !n.optional.empty() && truthy(value(n.optional, scope, tmp));
    const nlohmann::json* dtype = n.dtype ? &value(*n.dtype, scope, tmp)
                                  : n.float_bound ? frame_lookup(frame.get(), "float")
                                                  : root_float_;
    e.dtype = dtype != nullptr && dtype->is_string() ? dtype->get<std::string>() : "BF16";
    const nlohmann::json* layer = n.layer_bound ? frame_lookup(frame.get(), "layer") : root_layer_;
    if (layer != nullptr && layer->is_number_integer() && frame) e.layer = layer->get<std::int64_t>();
    e.own.reserve(n.attrs.size() + 1);
    e.own.emplace_back("optional", e.optional);
    for (const auto& [name, x] : n.attrs) e.own.emplace_back(name, value(x, scope, tmp));
    e.labels = &n.labels;
    e.frame = frame;
    auto name_at = [this](std::size_t i) -> std::string_view { return out_.entries[i].name; };
    if (out_.by_name.insert(e.name, out_.entries.size(), name_at) != NameIndex::npos) {
      out_.problems.push_back(fmt::format("{}:{}: the layout names '{}' twice", model_.source, n.line, e.name));
      return;
    }
    out_.entries.push_back(std::move(e));
  }

  // The one copy of `kind` in the layout's kinds.
  std::string_view intern_kind(const std::string& kind) {
    auto kind_at = [this](std::size_t i) -> std::string_view { return out_.kinds[i]; };
    std::size_t at = kind_index_.find(kind, kind_at);
    if (at == NameIndex::npos) {
      at = out_.kinds.size();
      out_.kinds.push_back(kind);
      kind_index_.insert(kind, at, kind_at);
    }
    return out_.kinds[at];
  }

  // Appends the name with its placeholders filled to `out`; `kind` gets the same text with
  // integer variables (layer numbers) dropped.
  void fill_name(const LayoutNode& n, const VarFrame* frame, std::string& out, std::string& kind) const {
    kind.reserve(n.name.size());
    out.reserve(out.size() + n.name.size() + 8);
    bool skip_dot = false;  // in `kind`, after a dropped number
    for (const NamePiece& p : n.name_pieces) {
      if (!p.text.empty()) {
        out += p.text;
        kind.append(p.text, skip_dot && p.text.front() == '.' ? 1 : 0);
        skip_dot = false;
      }
      if (p.var.empty()) continue;
      const nlohmann::json* v = placeholder(p, frame);
      // "layers.{layer}.x" has the kind "x": a number is dropped with its dot and the list
      // segment before it, so q_proj of every layer shares one kind.
      if (v != nullptr && v->is_number_integer()) {
        out += render_value(*v);
        std::size_t cut = kind.size() > 1 ? kind.rfind('.', kind.size() - 2) : std::string::npos;
        kind.resize(cut == std::string::npos ? 0 : cut + 1);
        skip_dot = true;
      } else {
        const std::string text = v != nullptr ? render_value(*v) : "?";
        out += text;
        kind += text;
      }
    }
  }

  const LayoutModel& model_;
  const std::map<std::string, std::string>& prefixes_;
  Layout& out_;
  std::vector<nlohmann::json> constants_;  // by LayoutExpr slot
  std::vector<bool> known_;
  NameIndex kind_index_{64};  // positions in out_.kinds
  std::string kind_;          // the kind being built, reused across tensors
  const nlohmann::json* root_float_ = nullptr;
  const nlohmann::json* root_layer_ = nullptr;
  bool truncated_ = false;
};

}  // namespace

std::string default_variant_for(const LayoutModel& model, const nlohmann::json& config) {
  const Expr& chosen = model.body().default_variant_expr;
  if (chosen.empty()) return model.default_variant;
  Scope scope;
  scope.config = &config;
  nlohmann::json v = chosen.eval(scope);
  return v.is_string() && model.prefixes.count(v.get<std::string>()) != 0 ? v.get<std::string>() : model.default_variant;
}

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
  for (const auto& [name, e] : model.body().lets) {
    nlohmann::json value = e.eval(root);
    out.globals[name] = std::move(value);
  }
  Expander(model, prefixes->second, root, out).nodes(model.body().tensors, root, nullptr);
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

const LayoutModel* layout_for(const LayoutModels& models, const std::vector<std::string>& model_types, const nlohmann::json* config) {
  // The config's own model_type first, then text_config's: a drafter (gemma4_assistant) whose
  // text_config says gemma4_text gets the drafter's model, not the decoder's.
  Scope scope;
  scope.config = config;
  for (const std::string& t : model_types) {
    for (const auto& l : models.models) {
      if (std::find(l->model_types.begin(), l->model_types.end(), t) == l->model_types.end()) continue;
      if (config != nullptr && !l->when.empty() && !l->when.test(scope)) continue;
      return l.get();
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
