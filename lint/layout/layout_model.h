// SPDX-License-Identifier: Apache-2.0
// Layout models: the tensors (name, dtype, shape) a config implies, declared in YAML
// (rules/<family>/<name>.layout.yaml) and expanded here by a generic engine. The family
// knowledge (key names, shapes, which layers are KV-shared) is all in the YAML.
#pragma once
#include <array>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>
#include "lang/doc_node.h"

#include "ckptlint/name_index.h"
#include "ckptlint/rule.h"
#include "lang/expr.h"
#include "mlx/quant_scheme.h"

namespace ckptlint {

/// An expression of a layout model. One that reads no loop variable and no group `let` has
/// one value per expansion: the loader gives it a `slot`, where the expander keeps that value,
/// so that it is evaluated once per config rather than once per tensor or loop iteration.
struct LayoutExpr {
  Expr expr;
  int slot = -1;  ///< >= 0: constant within an expansion
  bool empty() const { return expr.empty(); }
};

/// A run of a name template: literal text, then the placeholder after it ("" at the end).
struct NamePiece {
  std::string text;
  std::string var;
  bool bound = false;  ///< `var` is a loop variable or group `let` (else a model `let`)
};

/// One tensor template, or a group of them under a loop and/or `let`.
struct LayoutNode {
  bool is_group = false;
  // A tensor template.
  std::string name;                     ///< with {var} placeholders, relative to the part's prefix
  std::vector<NamePiece> name_pieces;   ///< `name` cut at its placeholders
  std::string part;                     ///< "text", "vision", ...: selects the key prefix
  std::vector<LayoutExpr> shape;        ///< one expression per dimension
  std::string module;                   ///< "linear", "embedding" (quantizable) or ""
  std::string group;                    ///< free label for rules: "attention", "ple", "norm", ...
  std::optional<LayoutExpr> dtype;      ///< expected dtype name; default: the model's `float`
  LayoutExpr when;                      ///< the tensor (a group: its tensors) exists in this config (empty: always)
  LayoutExpr optional;                  ///< the tensor may be left out (empty: never)
  std::vector<std::pair<std::string, LayoutExpr>> attrs;  ///< extra labels for rules (kv: true)
  VarList labels;                       ///< part, group, module, quantizable: constant per template
  bool float_bound = false;             ///< `float` is a loop variable or group let here
  bool layer_bound = false;             ///< `layer` is a loop variable or group let here
  // A group.
  std::string loop_var;                 ///< `for: {var: N or [items]}`; "" for no loop
  LayoutExpr loop_over;
  std::vector<std::pair<std::string, LayoutExpr>> lets;
  std::vector<LayoutNode> children;
  int line = 0;                         ///< in the YAML, for messages
};

/// What a layout model computes from a config: its variables, recipes and tensor templates
/// (the expressions, whose parsing is most of reading a model).
struct LayoutBody {
  std::vector<std::pair<std::string, Expr>> lets;     ///< config-derived variables, in order
  /// `default-variant:`, an expression over the config naming the key layout its published
  /// conversions use (MLX-quantized configs: the MLX keys); empty: the model's `default_variant`.
  Expr default_variant_expr;
  std::map<std::string, Expr> recipes;                ///< quantization recipes (`layout --recipe`)
  std::string default_recipe;
  Expr always_quantized;                              ///< over an entry: every recipe quantizes it
  std::vector<LayoutNode> tensors;
  int constant_slots = 0;                             ///< LayoutExpr slots in use
};

/// A parsed *.layout.yaml: the header (what it applies to, its key layouts) read when loaded,
/// what it computes in body().
struct LayoutModel {
  std::string name;                                   ///< `layout:`
  std::string source;                                 ///< the file
  std::vector<std::string> model_types;               ///< applies-to.model-type
  /// applies-to.when, over the config: the model describes this config (empty: any config of
  /// its model types). A drafter or a variant that shares a model_type with the model but not
  /// its tensors is left to no model rather than reported as every tensor wrong.
  Expr when;
  std::map<std::string, std::map<std::string, std::string>> prefixes;  ///< variant -> part -> key prefix
  std::string default_variant;                        ///< the first variant under `prefixes:`
  std::vector<std::string> optional_parts;            ///< parts a checkpoint may omit entirely
  std::vector<std::string> quant_entry_prefixes;      ///< prefixes a config's per-module entries may drop

  /// Variables, recipes and tensor templates. A run expands one family's model, so a model
  /// whose document was validated when the build embedded it compiles them on first use
  /// (compiling every family's model was most of loading the packs); safe from several threads.
  const LayoutBody& body() const {
    std::call_once(body_once_, [this] {
      if (compile_body_) body_ = compile_body_();
      compile_body_ = nullptr;
    });
    return body_;
  }
  /// For the loader: the body compiled now, or how to compile it on first use.
  void set_body(LayoutBody body) { body_ = std::move(body); }
  void defer_body(std::function<LayoutBody()> compile) { compile_body_ = std::move(compile); }

 private:
  mutable std::once_flag body_once_;
  mutable LayoutBody body_;
  mutable std::function<LayoutBody()> compile_body_;
};

/// Named tensor lists of `*.blocks.yaml` files (a decoder layer, an MoE block, a vision
/// tower), written once and placed into layout models with `{use: NAME}`.
struct LayoutBlock {
  std::string file;   ///< where it is defined, for messages
  DocNode tensors;    ///< the block's `tensors:` list, read where it is used
};
using LayoutBlocks = std::map<std::string, LayoutBlock, std::less<>>;

/// The layout models of the loaded packs, with the quantization schemes (`*.scheme.yaml`)
/// every model's quantized modules may be stored in.
struct LayoutModels {
  std::vector<std::shared_ptr<const LayoutModel>> models;  ///< in load order
  QuantSchemes schemes;                                    ///< in load order
  auto begin() const { return models.begin(); }
  auto end() const { return models.end(); }
  std::size_t size() const { return models.size(); }
  bool empty() const { return models.empty(); }
};

/// The first layout model that applies to one of `model_types` (and, with a `config`, whose
/// applies-to.when holds for it), or nullptr.
const LayoutModel* layout_for(const LayoutModels& models, const std::vector<std::string>& model_types,
                              const nlohmann::json* config = nullptr);

/// The variables of one loop iteration (loop variable and the group's lets), shared by
/// every entry expanded inside it; `parent` is the enclosing iteration.
struct VarFrame {
  VarList vars;
  std::shared_ptr<const VarFrame> parent;
};

/// One expected tensor after expansion. It points into the LayoutModel it was expanded
/// from, which must outlive it.
struct LayoutEntry {
  std::string name;        ///< full key, prefix included
  std::string module;      ///< module path (name without ".weight") for quantizable tensors, else ""
  std::string_view kind;   ///< the template with integer loop variables dropped: "layers.self_attn.q_proj" (in Layout::kinds)
  std::string part;
  std::string group;
  std::string module_kind; ///< "linear", "embedding" or ""
  std::string dtype;       ///< expected float dtype
  std::vector<std::uint64_t> shape;
  bool optional = false;
  std::optional<std::int64_t> layer;  ///< the `layer` loop variable, when the template has one
  // What rules' `where` filters see: the entry's own values (optional, attrs), the
  // template's labels (part, group, module, quantizable), then the loop frames.
  VarList own;
  const VarList* labels = nullptr;
  std::shared_ptr<const VarFrame> frame;

  /// A variable visible at the entry (own, labels, frames), or nullptr.
  const nlohmann::json* var(const std::string& name) const;
};

/// Scopes for evaluating an expression at a layout entry: own values, labels, every loop
/// frame, then `root`; `extra` variables are searched first.
/// Built for every `where` filter a rule tests on every entry, so it allocates nothing for
/// the usual nesting (a few loops); it links to itself, so it stays where it was made.
class EntryScope {
 public:
  EntryScope(const LayoutEntry& entry, const Scope& root, const VarList* extra = nullptr);
  EntryScope(const EntryScope&) = delete;
  EntryScope& operator=(const EntryScope&) = delete;
  const Scope& scope() const { return *top_; }

 private:
  static constexpr std::size_t kInline = 8;
  std::array<Scope, kInline> inline_;  // outermost first; each links to the one before it
  std::vector<Scope> deeper_;          // instead, for entries nested deeper than that
  const Scope* top_ = nullptr;
};

/// A layout model expanded for one config and one key layout. Movable, not copyable: its
/// entries view its own `kinds`.
struct Layout {
  Layout() = default;
  Layout(Layout&&) = default;
  Layout& operator=(Layout&&) = default;
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;

  std::string model;                                  ///< the layout model's name
  std::string variant;                                ///< "mlx", "hf", "text-only"
  std::vector<LayoutEntry> entries;
  NameIndex by_name{0};                               ///< entries by name (positions in `entries`)
  /// Each distinct entry kind once (a few dozen for thousands of entries); entries view them.
  /// A deque, so that adding one (and moving the Layout) moves none.
  std::deque<std::string> kinds;
  std::vector<std::string> optional_parts;
  std::vector<std::string> problems;                  ///< config values that made no sense
  std::unordered_map<std::string, nlohmann::json> globals;  ///< the model-level `let` values for this config
  const LayoutEntry* find(std::string_view name) const {
    std::size_t at = by_name.find(name, [this](std::size_t i) -> std::string_view { return entries[i].name; });
    return at == NameIndex::npos ? nullptr : &entries[at];
  }
};

/// Reads one *.layout.yaml document; problems go to `errors` with file:line:column.
/// `{use: NAME}` items take their tensors from `blocks`.
std::shared_ptr<const LayoutModel> load_layout_model(const std::string& file, const DocNode& root,
                                                     std::vector<RuleError>& errors, const LayoutBlocks& blocks = {});

/// The same for a document already validated (the build's embedded packs): the header is
/// read now, the rest on first body(), with the `tensors:` value `read_tensors` gives; they
/// keep `root`, `read_tensors` and `blocks`.
std::shared_ptr<const LayoutModel> load_validated_layout_model(const std::string& file, std::shared_ptr<const DocNode> root,
                                                               std::function<DocNode()> read_tensors, std::vector<RuleError>& errors,
                                                               std::shared_ptr<const LayoutBlocks> blocks);

/// Reads one *.blocks.yaml document (`blocks: {NAME: {tensors: [...]}}`) into `blocks`.
void load_layout_blocks(const std::string& file, const DocNode& root, std::vector<RuleError>& errors,
                        LayoutBlocks& blocks);

/// The key layout `ckptlint layout` expands `config` in by default: `default-variant` when it
/// names one of the model's key layouts, else the first under `prefixes`.
std::string default_variant_for(const LayoutModel& model, const nlohmann::json& config);

/// Expands `model` for `config` in key layout `variant`.
Layout expand_layout(const LayoutModel& model, const nlohmann::json& config, const std::string& variant);

/// For each key layout, how many tensor names fall under its prefixes (each name votes for
/// the layout with the longest matching prefix of any part).
std::map<std::string, std::size_t> count_variants(const LayoutModel& model, const std::vector<std::string_view>& names);

/// The key layout with the most votes ("" when no name matched).
std::string detect_variant(const std::map<std::string, std::size_t>& votes);

}  // namespace ckptlint
