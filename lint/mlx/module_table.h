// SPDX-License-Identifier: Apache-2.0
// A checkpoint's modules as MLX stores them: each module path with its .weight and, when
// quantized, .scales and .biases; and the shard of every tensor name. Built once per
// checkpoint; the analysis, the diff and the storage map read it.
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "ckptlint/checkpoint.h"
#include "mlx/quant_scheme.h"

namespace ckptlint {

/// A module as stored: its .weight and, when quantized, .scales and .biases (MLX), or the
/// tensors of another quantization scheme (`parts`).
struct StoredModule {
  const TensorInfo* weight = nullptr;
  const TensorInfo* scales = nullptr;
  const TensorInfo* biases = nullptr;
  std::string file;  ///< the weight's shard; without a weight, the scales', then the biases'
  /// The tensors named after a non-MLX scheme's suffixes ("qzeros", "weight.absmax"), in name order.
  std::vector<std::pair<std::string, const TensorInfo*>> parts;
  /// The scheme the module is stored in: one whose marker tensor it has (the one the config
  /// declares when several match); else the MLX scheme when it has .scales; else nullptr (float).
  const QuantScheme* scheme = nullptr;
  /// Stored as MLX writes modules (float, or the .weight/.scales/.biases triple): what the
  /// MLX quant-* rules check. False for a module of another scheme.
  bool mlx() const { return scheme == nullptr || scheme->mlx; }
  /// MLX-quantized: MLX loaders treat a module as quantized exactly when its .scales exists
  /// (a GPTQ module's .scales is no MLX triple's).
  bool quantized() const { return scales != nullptr && mlx(); }
  /// Stored in a quantization scheme other than MLX's (its marker tensor is there).
  bool other_scheme() const { return !mlx(); }
  /// The tensor of `suffix` (weight, scales, biases or a scheme part), or nullptr.
  const TensorInfo* part(std::string_view suffix) const;
};

/// Tensor name -> shard file (the first definition, as Checkpoint::by_name), answered from
/// by_name rather than a second table of every name. The Checkpoint must outlive it.
/// In shard order, not name order: whoever emits in this order must sort.
class TensorFiles {
 public:
  class iterator {
   public:
    iterator(TensorIndex::const_iterator at, const Checkpoint* ck) : at_(at), ck_(ck) {}
    /// (tensor name, shard file)
    std::pair<std::string_view, std::string_view> operator*() const {
      return {at_->first, ck_->shards[at_->second.shard].file};
    }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator==(const iterator& other) const { return at_ == other.at_; }

   private:
    TensorIndex::const_iterator at_;
    const Checkpoint* ck_;
  };

  TensorFiles() = default;
  explicit TensorFiles(const Checkpoint& ck) : ck_(&ck) {}
  iterator begin() const { return ck_ ? iterator(ck_->by_name.begin(), ck_) : iterator({}, nullptr); }
  iterator end() const { return ck_ ? iterator(ck_->by_name.end(), ck_) : iterator({}, nullptr); }
  std::size_t size() const { return ck_ ? ck_->by_name.size() : 0; }
  std::size_t count(const std::string& name) const { return ck_ ? ck_->by_name.count(name) : 0; }
  /// The shard file of `name`, or nullptr.
  const std::string* find(const std::string& name) const;
  /// The tensor `name` (its first definition), or nullptr.
  const TensorInfo* tensor(std::string_view name) const { return ck_ ? ck_->find(name) : nullptr; }

 private:
  const Checkpoint* ck_ = nullptr;
};

struct ModuleTable {
  std::map<std::string, StoredModule, std::less<>> modules;  ///< module path -> tensors, for every *.weight/.scales/.biases
  TensorFiles file_of;                          ///< tensor name -> shard file
};

/// The table of `ck`'s tensors (the first definition of a name wins, as in Checkpoint::by_name).
/// Tensors named after a scheme's suffixes join their module; `config` breaks ties between
/// schemes with the same marker (GPTQ and AWQ) by what it declares.
ModuleTable index_modules(const Checkpoint& ck, const QuantSchemes& schemes = {}, const nlohmann::json* config = nullptr);

/// The module path of a tensor: its name without ".weight", ".scales" or ".biases" (the name
/// itself for other tensors).
std::string module_of(const std::string& tensor);

}  // namespace ckptlint
