// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ckptlint {

/// How urgent a finding is. Ordered: later values are more severe.
enum class Severity : std::uint8_t { info, warning, error };

/// The diagnosis vocabulary of PRODUCT.md §5. Independent of severity.
enum class FailureClass : std::uint8_t {
  corrupt_file,        ///< a container the reference reader rejects, or an ambiguous one (duplicate keys)
  shard_index,         ///< the index and the shards disagree
  quant_metadata,      ///< a quantized module is incomplete or inconsistent
  mixed_quantization,  ///< a checkpoint partly dequantized by hand
  stale_config,        ///< config.json disagrees with the tensors
  key_naming,          ///< keys in no known layout, mixed or doubled prefixes, missing/unexpected tensors
  kv_sharing,          ///< Gemma 4 KV-shared layers carry the wrong k/v set
  ple_quantized,       ///< the per-layer-embedding path is quantized
  adapter_scale,       ///< LoRA scale differs from alpha/rank or is ambiguous
  adapter_mismatch,    ///< adapter does not fit its base or itself
  non_finite,          ///< NaN or Inf in a float tensor
  fuse_drift,          ///< fused vs base disagree with the adapter
  loader_compat,       ///< a valid file that a named loader refuses or reads differently
  stop_tokens,         ///< generation will not stop, or stops wrongly
  chat_template,       ///< the chat template is missing where loaders look, or disagrees
  vocabulary,          ///< token ids, vocab_size and embedding / lm_head rows (and their tying) disagree
};

/// Kebab-case names, as written in rule files and reports.
const char* to_string(Severity severity);
const char* to_string(FailureClass failure_class);
std::optional<Severity> severity_from_string(const std::string& name);
std::optional<FailureClass> failure_class_from_string(const std::string& name);
/// What a failure class means for the user (PRODUCT.md §5), one sentence.
const char* describe(FailureClass failure_class);
/// Every failure class name, in enum order (for error messages and docs).
std::vector<std::string> failure_class_names();

/// Where a finding points. Only `file` is always set (may be "." for the checkpoint itself).
struct Location {
  std::string file;                          ///< relative to the checkpoint root
  std::string tensor;                        ///< tensor name, when the finding is about one
  std::string json_pointer;                  ///< RFC 6901 pointer into a JSON file, e.g. "/weight_map/x"
  std::optional<std::uint64_t> byte_offset;  ///< for header and data problems
  std::optional<std::uint32_t> line;         ///< 1-based line of json_pointer in a JSON file, when found
  std::optional<std::uint32_t> column;       ///< 1-based column of that key
};

/// A location naming a file, (or "") a tensor, and (or "") a JSON pointer into the file.
inline Location location_at(std::string file, std::string tensor, std::string json_pointer = "") {
  Location l;
  l.file = std::move(file);
  l.tensor = std::move(tensor);
  l.json_pointer = std::move(json_pointer);
  return l;
}

/// Named values a primitive found, in the order it reported them ("tensor" -> "lm_head.weight").
using Facts = std::vector<std::pair<std::string, std::string>>;

/// One rule firing at one place.
struct Finding {
  std::string rule_id;            ///< "header-too-large"
  Severity severity = Severity::error;
  FailureClass failure_class = FailureClass::corrupt_file;
  std::string message;            ///< rendered from the rule template: subject, observed, expected
  std::string help;               ///< the likely cause or the remedy
  std::string diagnosis;          ///< the rule's one-line diagnosis of its class, when it has one
  Location location;
  std::vector<Location> related;  ///< secondary places: the other tensor, the index entry, the consequences folded in
  Facts facts;                    ///< the primitive's facts, for machine consumers
  std::size_t folded = 0;         ///< findings of this cause folded into this one (aggregated or explained)
  /// The findings folded into this one, whole, for detail views (text --verbose, the HTML
  /// report); machine formats carry them as `related` locations.
  std::vector<Finding> members;
};

}  // namespace ckptlint
