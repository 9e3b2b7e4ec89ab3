// SPDX-License-Identifier: Apache-2.0
// Parsing dotted tensor and module paths ("a.b.layers.3.self_attn.q_proj.weight"): the one
// place that knows how a layer number is spelt, so that no caller counts characters.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ckptlint {

/// True for a non-empty run of ASCII digits.
bool is_all_digits(std::string_view s);

/// True when some dotted component of `path` is all digits (a layer or expert number).
bool has_number_component(std::string_view path);

/// Where the first "layers.N" component pair sits in a dotted path (at the start or after a
/// dot; N all digits, followed by a dot or the end).
struct LayerSpan {
  std::size_t begin = 0;         ///< offset of "layers"
  std::size_t number_begin = 0;  ///< offset of N
  std::size_t number_end = 0;    ///< offset just past N
  long number = 0;
};
std::optional<LayerSpan> find_layer(std::string_view path);

/// The layer number of a path, if it names one.
std::optional<long> layer_of(std::string_view path);

/// `path` with its layer number replaced by `placeholder` ("layers.N.mlp"); unchanged when it
/// names no layer.
std::string with_layer_placeholder(std::string_view path, std::string_view placeholder);

/// "0000100_adapters.safetensors": a training checkpoint mlx-lm and mlx-vlm save every N
/// steps beside the final adapter weights (digits, an underscore, a .safetensors name).
bool is_training_checkpoint(std::string_view file);

/// `path` without `prefix` when it starts with it; else `path`.
std::string_view without_prefix(std::string_view path, std::string_view prefix);

}  // namespace ckptlint
