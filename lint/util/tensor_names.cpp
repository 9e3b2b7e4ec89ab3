// SPDX-License-Identifier: Apache-2.0
#include "util/tensor_names.h"

#include <algorithm>

namespace ckptlint {

namespace {
constexpr std::string_view kLayers = "layers.";
// Longer numbers are no layer index (and would overflow `long` arithmetic on hostile names).
constexpr std::size_t kMaxLayerDigits = 6;
}  // namespace

bool is_all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_number_component(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = std::min(path.find('.', start), path.size());
    if (is_all_digits(path.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

std::optional<LayerSpan> find_layer(std::string_view path) {
  for (std::size_t at = path.find(kLayers); at != std::string_view::npos; at = path.find(kLayers, at + 1)) {
    if (at != 0 && path[at - 1] != '.') continue;
    std::size_t begin = at + kLayers.size();
    std::size_t end = std::min(path.find('.', begin), path.size());
    std::string_view number = path.substr(begin, end - begin);
    if (!is_all_digits(number) || number.size() > kMaxLayerDigits) continue;
    long n = 0;
    for (char c : number) n = n * 10 + (c - '0');
    return LayerSpan{at, begin, end, n};
  }
  return std::nullopt;
}

std::optional<long> layer_of(std::string_view path) {
  auto span = find_layer(path);
  return span ? std::optional<long>(span->number) : std::nullopt;
}

std::string with_layer_placeholder(std::string_view path, std::string_view placeholder) {
  auto span = find_layer(path);
  if (!span) return std::string(path);
  std::string out(path.substr(0, span->number_begin));
  out += placeholder;
  out += path.substr(span->number_end);
  return out;
}

std::string_view without_prefix(std::string_view path, std::string_view prefix) {
  return path.starts_with(prefix) ? path.substr(prefix.size()) : path;
}

bool is_training_checkpoint(std::string_view file) {
  std::size_t digits = 0;
  while (digits < file.size() && file[digits] >= '0' && file[digits] <= '9') ++digits;
  return digits >= 1 && digits < file.size() && file[digits] == '_' && file.ends_with(".safetensors");
}

}  // namespace ckptlint
