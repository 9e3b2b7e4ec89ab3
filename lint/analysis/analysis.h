// SPDX-License-Identifier: Apache-2.0
// What every rule of one run shares, computed once: the expected layout (when a layout model
// applies), the MLX quantization settings, and the checkpoint's modules.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <optional>
#include <string>

#include "adapter/adapter_model.h"
#include "adapter/adapter_patterns.h"
#include "analysis/token_facts.h"
#include "ckptlint/checkpoint.h"
#include "diff/diff_model.h"
#include "layout/layout_model.h"
#include "mlx/module_table.h"
#include "mlx/quant_config.h"
#include "values/value_scan.h"

namespace ckptlint {

/// What primitives derive from an analysis that another rule with the same parameters would
/// derive again (several rules count the same tensors): computed once per key, from any of
/// the threads rules run on (a second asker of a key waits for the first; a computation may
/// ask for another key).
class AnalysisMemo {
 public:
  template <class T, class Compute>
  const T& get(const std::string& key, Compute&& compute) {
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard<std::mutex> hold(lock_);
      std::shared_ptr<Entry>& slot = entries_[key];
      if (slot == nullptr) slot = std::make_shared<Entry>();
      entry = slot;
    }
    std::call_once(entry->once, [&] { entry->value = std::make_shared<const T>(compute()); });
    return *std::static_pointer_cast<const T>(entry->value);
  }

 private:
  struct Entry {
    std::once_flag once;
    std::shared_ptr<const void> value;
  };
  std::mutex lock_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

/// The stored modules and tensor files (ModuleTable: `modules`, `file_of`) and what is
/// derived from the config and the layout models.
struct Analysis : ModuleTable {
  std::shared_ptr<AnalysisMemo> memo = std::make_shared<AnalysisMemo>();
  const LayoutModel* layout_model = nullptr;    ///< the layout model that applies, if any
  std::optional<Layout> layout;                 ///< expanded for this config, when a model applies
  QuantConfig quant;                            ///< the config's MLX quantization section
  std::vector<std::string> parts_present;       ///< layout parts with at least one tensor
  std::map<std::string, std::size_t> variant_votes;  ///< key layout -> tensor names using its prefixes
  /// The key layout: the variant of the applicable layout model (else of any layout model)
  /// whose prefixes most tensor names use; "unknown" when none.
  std::string key_layout = "unknown";
  const nlohmann::json* config = nullptr;       ///< config.json, when parsed
  /// Tensor names the index maps to a shard whose header was not read (not in the directory,
  /// a broken link, an LFS pointer, not safetensors): declared, not absent. That shard's own
  /// finding is the cause; the layer count and the layout take these names as there.
  std::unordered_set<std::string_view> declared_unread;
  std::optional<ValueScan> values;              ///< the NaN/Inf scan, when values were scanned
  std::optional<AdapterModel> adapter;          ///< the LoRA structure, when the target is an adapter
  /// PEFT module patterns matched against `adapter`'s pairs, once per run (any rule may ask).
  std::shared_ptr<PatternMatches> patterns = std::make_shared<PatternMatches>();
  /// The base model given with `--base`: an adapter's (analysed like a checkpoint, in
  /// `base`), or a checkpoint's (its side files compared).
  const Checkpoint* base_checkpoint = nullptr;
  std::shared_ptr<const Analysis> base;
  std::shared_ptr<const DiffModel> diff;        ///< `ckptlint diff`: base vs this (fused) checkpoint
  const Checkpoint* checkpoint = nullptr;       ///< the checkpoint analysed
  const TokenFacts* token_facts = nullptr;      ///< its family's token facts, if a pack has them

  /// The checkpoint whose side files this one's are compared with: a diff's base, or the
  /// `--base` model; nullptr without one.
  const Checkpoint* side_base() const { return diff ? diff->base : base_checkpoint; }

  /// Config values and the layout's model-level variables, for expressions over the layout.
  Scope root_scope() const;

  /// Evaluates a rule's `where` for one layout entry, with `extra` variables bound on top.
  bool where(const Expr& filter, const LayoutEntry& entry, const VarList& extra = {}) const;
  /// True when the entry's part is in the checkpoint, or the layout does not let it be omitted.
  bool part_expected(const LayoutEntry& entry) const;
  /// Per entry of `layout`, in its order: the checkpoint's tensor of that name (the first
  /// definition), or nullptr. Looked up once here, not by every rule that walks the entries.
  std::vector<const TensorInfo*> entry_tensors;
  /// The checkpoint's tensor of a layout entry (for a quantizable module: its .weight).
  const TensorInfo* tensor_of(const LayoutEntry& entry) const;
  /// True when the checkpoint has the entry's tensor (for a module stored in a scheme
  /// without a .weight, the module).
  bool has(const LayoutEntry& entry) const;
  /// The stored module of a layout entry when it is stored in a non-MLX scheme, else nullptr.
  const StoredModule* scheme_module(const LayoutEntry& entry) const;
  /// The quantization schemes of the packs (their owner outlives the analysis' rules).
  const QuantSchemes* schemes = nullptr;

  bool part_present(const std::string& part) const;
  /// The layout entry of a module path (its ".weight" entry), or nullptr.
  const LayoutEntry* entry_for_module(std::string_view module) const;

  /// Variables every rule sees besides the config: `adapter` (dialect, weights, pairs),
  /// `base` (the base's config.json), `layout_model` (the name of the layout model that
  /// applies), null when they do not apply, and the side files' (analysis/side_vars.h).
  VarList rule_vars() const;
};

/// Builds the analysis of `ck` with the packs' layout models (and token facts, when given);
/// for an adapter with a `base`, the base is analysed too (it must outlive the analysis).
Analysis analyze(const Checkpoint& ck, const LayoutModels& layouts, const Checkpoint* base = nullptr,
                 const TokenFactsList* token_facts = nullptr);

/// A one-line description of the checkpoint's quantization: none, affine-8, mxfp4, mixed.
std::string describe_quantization(const Analysis& analysis);

/// One side of a diff, as the diff model reads it; `ck` and `analysis` must outlive it.
DiffSide diff_side(const Checkpoint& ck, const Analysis& analysis);

}  // namespace ckptlint
