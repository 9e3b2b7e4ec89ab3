// SPDX-License-Identifier: Apache-2.0
// Quantization schemes as data (rules/quantization/*.scheme.yaml): which tensors a quantized
// module stores beside (or instead of) its float `.weight`, their dtypes and shapes as
// expressions over the float weight's shape, and which config keys declare the scheme. The
// MLX triple (.weight U32 + .scales [+ .biases]) is one scheme; bitsandbytes, FP8 block
// scales, GPTQ/AWQ, compressed-tensors and vendor NVFP4 are others. The C++ knows no scheme.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ckptlint/rule.h"
#include "lang/doc_node.h"
#include "lang/expr.h"

namespace ckptlint {

/// One tensor of a quantized module: `<module>.<suffix>`.
struct SchemeTensor {
  std::string suffix;        ///< "weight", "scales", "qzeros", "weight.absmax"
  std::optional<Expr> dtype; ///< the expected dtype name; none: any
  std::vector<Expr> shape;   ///< the last dimensions (leading ones are the float weight's)
  bool has_shape = false;    ///< `shape:` given ([] is a scalar); without it, any shape
  Expr when;                 ///< the module has this tensor (empty: always), e.g. biases in affine mode
  bool optional = false;     ///< may be left out (GPTQ's g_idx without act-order)
  bool marker = false;       ///< its presence says the module is stored in this scheme
  /// `marker: by-dtype`: a tensor of this (constant) dtype says so, under a config that
  /// declares the scheme. For a weight whose dtype is the only trace left when the others
  /// were lost (an F8 weight without its block scales); not alone, since several schemes
  /// store F8 or U8 weights. Empty: not such a marker.
  std::string marker_dtype;
};

struct QuantScheme {
  std::string name;      ///< `scheme:`
  std::string source;    ///< the file
  std::string summary;
  /// Over config.json: the config declares this scheme (quant_method, an MLX section).
  Expr declared;
  /// True for the MLX family: the config's `quantization` section decides bits, group size
  /// and mode per module (quant_config.h), and the MLX quant-* rules check it.
  bool mlx = false;
  /// Per-module variables, in order, over `in`, `out`, `float`, `bits`, `group_size`, `mode`
  /// and the config.
  std::vector<std::pair<std::string, Expr>> lets;
  /// Over a layout entry (module, module_kind, part, group), the lets and the config: the
  /// converter quantizes this module (`ckptlint layout`); empty: every linear but the head.
  Expr quantizes;
  /// The quantization_config a converter writes (`example-config`): fixtures generate
  /// checkpoints in the scheme with it. Null when not given.
  nlohmann::json example_config;
  std::vector<SchemeTensor> tensors;

  /// The tensor of `suffix`, or nullptr.
  const SchemeTensor* find(std::string_view suffix) const;
};

using QuantSchemes = std::vector<std::shared_ptr<const QuantScheme>>;

/// Reads one *.scheme.yaml document; problems go to `errors` with file:line:column.
std::shared_ptr<const QuantScheme> load_quant_scheme(const std::string& file, const DocNode& root,
                                                     std::vector<RuleError>& errors);

/// The schemes `config` declares (usually one; none for a float model).
std::vector<const QuantScheme*> declared_schemes(const QuantSchemes& schemes, const nlohmann::json& config);

/// The first non-MLX scheme `config` declares (GPTQ, bitsandbytes, a vendor NVFP4), which
/// decides from its own `quantizes` which modules are stored how; nullptr when none.
const QuantScheme* declared_other_scheme(const QuantSchemes& schemes, const nlohmann::json& config);

/// What the tensors of one module are expected to be: name suffix, dtype, full shape.
struct SchemeExpectation {
  const SchemeTensor* tensor = nullptr;
  bool present = false;                ///< `when` holds for this module
  std::string dtype;                   ///< "" when the scheme does not fix it (or it did not evaluate)
  std::optional<std::vector<std::uint64_t>> shape;  ///< nullopt when not fixed or not computable
};

/// A module as `expect_scheme` sees it: its float weight's shape and dtype, its MLX settings
/// (bits, group_size, mode; null when none) and, for `quantizes`, its layout labels.
struct SchemeModule {
  const std::vector<std::uint64_t>* shape = nullptr;
  std::string dtype;
  nlohmann::json mlx;
  VarList labels;  ///< module, module_kind, part, group
};

/// Evaluates `scheme` for one module with the config. Dimensions that are no non-negative
/// integer come back as nullopt. `quantizes`, when given, receives the scheme's verdict.
std::vector<SchemeExpectation> expect_scheme(const QuantScheme& scheme, const SchemeModule& module,
                                             const nlohmann::json* config, bool* quantizes = nullptr);

}  // namespace ckptlint
