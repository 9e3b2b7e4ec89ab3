// SPDX-License-Identifier: Apache-2.0
#include "analysis/analysis.h"

#include <algorithm>
#include <array>
#include <set>

#include "analysis/side_vars.h"
#include "util/parallel.h"

namespace ckptlint {

bool Analysis::part_present(const std::string& part) const {
  return std::find(parts_present.begin(), parts_present.end(), part) != parts_present.end();
}

Scope Analysis::root_scope() const {
  Scope root;
  root.config = config;
  if (layout) root.table = &layout->globals;
  return root;
}

bool Analysis::where(const Expr& filter, const LayoutEntry& entry, const VarList& extra) const {
  if (filter.empty()) return true;
  const Scope root = root_scope();
  return filter.test(EntryScope(entry, root, &extra).scope());
}

bool Analysis::part_expected(const LayoutEntry& entry) const {
  if (part_present(entry.part)) return true;
  return !layout || std::find(layout->optional_parts.begin(), layout->optional_parts.end(), entry.part) ==
                        layout->optional_parts.end();
}

const TensorInfo* Analysis::tensor_of(const LayoutEntry& entry) const {
  if (layout && !layout->entries.empty() && &entry >= &layout->entries.front() && &entry <= &layout->entries.back()) {
    return entry_tensors[static_cast<std::size_t>(&entry - layout->entries.data())];
  }
  return file_of.tensor(entry.name);  // an entry of another analysis' layout
}

bool Analysis::has(const LayoutEntry& entry) const {
  if (tensor_of(entry) != nullptr) return true;
  // A module stored in a scheme without a .weight (GPTQ's qweight, compressed-tensors'
  // weight_packed) is there all the same.
  if (entry.module.empty()) return false;
  auto m = modules.find(entry.module);
  return m != modules.end() && m->second.other_scheme();
}

const StoredModule* Analysis::scheme_module(const LayoutEntry& entry) const {
  if (entry.module.empty()) return nullptr;
  auto m = modules.find(entry.module);
  return m != modules.end() && m->second.other_scheme() ? &m->second : nullptr;
}

const LayoutEntry* Analysis::entry_for_module(std::string_view module) const {
  if (!layout) return nullptr;
  // Called for every module by several rules: the key is built on the stack when it fits.
  constexpr std::string_view kWeight = ".weight";
  std::array<char, 256> key;
  if (module.size() + kWeight.size() > key.size()) return layout->find(std::string(module) + ".weight");
  std::copy(module.begin(), module.end(), key.begin());
  std::copy(kWeight.begin(), kWeight.end(), key.begin() + static_cast<std::ptrdiff_t>(module.size()));
  return layout->find(std::string_view(key.data(), module.size() + kWeight.size()));
}

VarList Analysis::rule_vars() const {
  const Checkpoint* diff_adapter = diff ? diff->adapter_checkpoint : nullptr;
  VarList vars = {{"adapter", adapter ? adapter->vars() : diff && diff->adapter ? diff->adapter->vars() : nlohmann::json(nullptr)},
                  {"base", base && base->config ? *base->config : nlohmann::json(nullptr)},
                  {"adapter_config", diff_adapter && diff_adapter->config ? diff_adapter->config->value : nlohmann::json(nullptr)},
                  {"layout_model", layout_model != nullptr ? nlohmann::json(layout_model->name) : nlohmann::json(nullptr)}};
  if (checkpoint != nullptr) {
    for (auto& v : side_vars(*checkpoint, side_base(), token_facts)) vars.push_back(std::move(v));
  }
  return vars;
}

namespace {

// How many of `layout`'s entries `ck` stores with the shape the layout gives them (a packed
// quantized weight: its leading dimensions).
std::size_t shapes_matched(const Layout& layout, const Checkpoint& ck) {
  std::size_t n = 0;
  for (const LayoutEntry& e : layout.entries) {
    const TensorInfo* t = ck.find(e.name);
    if (t == nullptr || t->shape.size() != e.shape.size()) continue;
    bool packed = t->dtype == DType::U32 && !e.shape.empty();
    if (std::equal(e.shape.begin(), e.shape.end() - (packed ? 1 : 0), t->shape.begin())) ++n;
  }
  return n;
}

// Key layouts with the same prefixes (LFM2: mlx-lm keeps the Hugging Face keys but stores the
// conv weight in MLX axis order and the experts stacked) cannot be told apart by the names'
// votes, which all go to the first of them. Of those, the checkpoint's is the one whose
// expansion matches more stored names and shapes; on a further tie, the config's default key
// layout, else the first by name. Returns that expansion, or nothing when `winner` shares its
// prefixes with no other key layout.
std::optional<Layout> break_variant_tie(const LayoutModel& model, const Checkpoint& ck, std::string& winner) {
  std::vector<std::string> tied;
  for (const auto& [variant, parts] : model.prefixes) {
    if (parts == model.prefixes.at(winner)) tied.push_back(variant);
  }
  if (tied.size() < 2) return std::nullopt;
  const std::string preferred = default_variant_for(model, ck.config->value);
  std::optional<Layout> best;
  std::size_t most = 0;
  for (const std::string& variant : tied) {
    Layout layout = expand_layout(model, ck.config->value, variant);
    std::size_t n = shapes_matched(layout, ck);
    if (!best || n > most || (n == most && variant == preferred)) {
      winner = variant;
      most = n;
      best = std::move(layout);
    }
  }
  return best;
}

// The key layout of `ck`'s names and, when a layout model applies to its config, that model
// expanded for the config in that key layout.
void detect_layout(Analysis& a, const Checkpoint& ck, const LayoutModels& layouts) {
  std::vector<std::string_view> names;
  names.reserve(a.file_of.size());
  for (const auto& [name, file] : a.file_of) names.push_back(name);
  const LayoutModel* model = ck.config ? layout_for(layouts, config_model_types(ck.config->value), &ck.config->value) : nullptr;
  if (model == nullptr) {
    // No model applies: the key layout is still named, after the layout whose prefixes most
    // names use (a single file, an adapter, an unknown model_type).
    std::size_t most = 0;
    for (const auto& m : layouts) {
      auto votes = count_variants(*m, names);
      std::string variant = detect_variant(votes);
      if (!variant.empty() && votes[variant] > most) {
        most = votes[variant];
        a.key_layout = variant;
      }
    }
    return;
  }
  a.variant_votes = count_variants(*model, names);
  std::string variant = detect_variant(a.variant_votes);
  if (variant.empty()) return;
  std::optional<Layout> tie_broken = break_variant_tie(*model, ck, variant);
  a.key_layout = variant;
  a.layout_model = model;
  a.quant.entry_prefixes = model->quant_entry_prefixes;
  a.layout = tie_broken ? std::move(*tie_broken) : expand_layout(*model, ck.config->value, variant);
}

}  // namespace

namespace {

std::unordered_set<std::string_view> declared_in_unread_shards(const Checkpoint& ck) {
  std::unordered_set<std::string_view> out;
  if (ck.weight_map.empty()) return out;
  std::set<std::string_view> read;
  for (const Shard& s : ck.shards) {
    if (s.readable) read.insert(s.file);
  }
  for (const auto& [tensor, file] : ck.weight_map) {
    if (read.count(file) == 0 && ck.find(tensor) == nullptr) out.insert(tensor);
  }
  return out;
}

}  // namespace

Analysis analyze(const Checkpoint& ck, const LayoutModels& layouts, const Checkpoint* base, const TokenFactsList* token_facts) {
  Analysis a;
  a.checkpoint = &ck;
  a.base_checkpoint = base;
  if (ck.kind == "adapter") {
    a.adapter = read_adapter(ck);
    if (base != nullptr) a.base = std::make_shared<const Analysis>(analyze(*base, layouts));
  }
  if (token_facts != nullptr) {
    // An adapter's family is its base's (an adapter config names none).
    const Checkpoint& family = ck.kind == "adapter" && base != nullptr ? *base : ck;
    if (family.config) a.token_facts = token_facts_for(*token_facts, config_model_types(family.config->value));
  }
  if (ck.config) {
    a.config = &ck.config->value;
    a.quant = QuantConfig::from(ck.config->value);
  }
  // The module table is built beside the key-layout detection and the layout expansion,
  // which need only the names; the parts present need both.
  a.file_of = TensorFiles(ck);
  a.declared_unread = declared_in_unread_shards(ck);
  std::map<std::string, StoredModule, std::less<>> modules;
  const nlohmann::json* config = ck.config ? &ck.config->value : nullptr;
  run_beside([&] { modules = index_modules(ck, layouts.schemes, config).modules; }, [&] { detect_layout(a, ck, layouts); });
  a.schemes = &layouts.schemes;
  a.modules = std::move(modules);
  if (a.layout) {
    std::set<std::string> parts;
    a.entry_tensors.reserve(a.layout->entries.size());
    for (const LayoutEntry& e : a.layout->entries) {
      a.entry_tensors.push_back(ck.find(e.name));
      bool present = a.entry_tensors.back() != nullptr || (!e.module.empty() && a.modules.count(e.module) != 0);
      if (present) parts.insert(e.part);
    }
    a.parts_present.assign(parts.begin(), parts.end());
  }
  return a;
}

std::string describe_quantization(const Analysis& a) {
  std::set<std::string> kinds;
  bool any_float_quantizable = false;
  const bool has_always = a.layout_model != nullptr && !a.layout_model->body().always_quantized.empty();
  std::optional<QuantParams> last;  // most modules share the global settings: describe each once
  bool last_known = false;
  for (const auto& [path, m] : a.modules) {
    if (m.other_scheme()) {
      kinds.insert(m.scheme->name);
      continue;
    }
    if (!m.quantized()) {
      // One float module that should be quantized settles it; the rest need no look.
      if (any_float_quantizable || !has_always) continue;
      const LayoutEntry* e = a.entry_for_module(path);
      if (e != nullptr && a.where(a.layout_model->body().always_quantized, *e)) any_float_quantizable = true;
      continue;
    }
    std::optional<QuantParams> p = a.quant.params_for(path);
    if (last_known && p == last) continue;
    last = p;
    last_known = true;
    kinds.insert(p ? describe(*p) : "unknown");
  }
  if (kinds.empty()) return "none";
  if (kinds.size() > 1) return "mixed";
  return any_float_quantizable ? "mixed" : *kinds.begin();
}

DiffSide diff_side(const Checkpoint& ck, const Analysis& analysis) {
  return {&ck, &analysis, &analysis.quant, describe_quantization(analysis)};
}

}  // namespace ckptlint
