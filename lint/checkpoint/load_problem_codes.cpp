// SPDX-License-Identifier: Apache-2.0
// The vocabulary of load problems: their rule-facing names and the facts each one carries.
#include <array>

#include "ckptlint/checkpoint.h"

namespace ckptlint {
namespace {

struct CodeRow {
  LoadProblemCode code;
  const char* name;
  std::vector<std::string> facts;
};

// In enum order. What other readers do with such a file (the reference Rust reader and MLX's
// C++ reader often disagree, bad-input.md A.7) is said by each rule's message, not here.
const std::array<CodeRow, load_problem_code_count>& rows() {
  static const std::array<CodeRow, load_problem_code_count> kRows = {{
      {LoadProblemCode::file_unreadable, "file-unreadable", {"file", "reason"}},
      {LoadProblemCode::file_too_small, "file-too-small", {"file", "file_size", "cause"}},
      {LoadProblemCode::file_is_lfs_pointer, "file-is-lfs-pointer", {"file", "oid", "size"}},
      {LoadProblemCode::file_not_safetensors, "file-not-safetensors", {"file", "format"}},
      {LoadProblemCode::header_too_large, "header-too-large", {"file", "header_size", "limit"}},
      {LoadProblemCode::header_at_mlx_limit, "header-at-mlx-limit", {"file", "header_size"}},
      {LoadProblemCode::header_exceeds_file, "header-exceeds-file", {"file", "header_size", "available"}},
      {LoadProblemCode::header_not_utf8, "header-not-utf8", {"file", "offset"}},
      {LoadProblemCode::header_byte_order_mark, "header-byte-order-mark", {"file"}},
      {LoadProblemCode::header_not_json, "header-not-json", {"file", "offset", "error"}},
      {LoadProblemCode::header_root_not_object, "header-root-not-object", {"file", "json_type"}},
      {LoadProblemCode::header_trailing_bytes, "header-trailing-bytes", {"file", "offset", "count", "what"}},
      {LoadProblemCode::header_leading_whitespace, "header-leading-whitespace", {"file", "count"}},
      {LoadProblemCode::metadata_not_string_map, "metadata-not-string-map", {"file", "observed"}},
      {LoadProblemCode::metadata_null, "metadata-null", {"file"}},
      {LoadProblemCode::tensor_duplicate, "tensor-duplicate", {"file", "tensor", "first", "second"}},
      {LoadProblemCode::tensor_field_duplicate, "tensor-field-duplicate", {"file", "tensor", "field", "count"}},
      {LoadProblemCode::tensor_entry_malformed, "tensor-entry-malformed", {"file", "tensor", "problem"}},
      {LoadProblemCode::tensor_unknown_field, "tensor-unknown-field", {"file", "tensor", "field", "count"}},
      {LoadProblemCode::tensor_name_suspicious, "tensor-name-suspicious", {"file", "tensor", "problem"}},
      {LoadProblemCode::tensor_name_case_collision, "tensor-name-case-collision", {"file", "tensor", "other", "count"}},
      {LoadProblemCode::dtype_unknown, "dtype-unknown", {"file", "tensor", "dtype", "suggestion"}},
      {LoadProblemCode::shape_malformed, "shape-malformed", {"file", "tensor", "value"}},
      {LoadProblemCode::offsets_malformed, "offsets-malformed", {"file", "tensor", "value"}},
      {LoadProblemCode::offsets_reversed, "offsets-reversed", {"file", "tensor", "begin", "end"}},
      {LoadProblemCode::shape_overflow, "shape-overflow", {"file", "tensor", "shape", "dtype"}},
      {LoadProblemCode::subbyte_misaligned, "subbyte-misaligned", {"file", "tensor", "dtype", "elements", "bits"}},
      {LoadProblemCode::size_mismatch, "size-mismatch", {"file", "tensor", "dtype", "shape", "expected_bytes", "actual_bytes"}},
      {LoadProblemCode::offsets_gap, "offsets-gap", {"file", "tensor", "begin", "expected_begin", "gap"}},
      {LoadProblemCode::offsets_overlap, "offsets-overlap", {"file", "tensor", "other", "begin", "overlap"}},
      {LoadProblemCode::zero_size_shared_offset, "zero-size-shared-offset", {"file", "tensor", "other", "offset"}},
      {LoadProblemCode::data_truncated, "data-truncated", {"file", "tensor", "end", "data_size", "missing"}},
      {LoadProblemCode::trailing_bytes, "trailing-bytes", {"file", "count", "offset", "what"}},
      {LoadProblemCode::header_unsorted, "header-unsorted", {"file", "tensor", "previous"}},
      {LoadProblemCode::data_unaligned, "data-unaligned", {"file", "tensor", "offset", "alignment"}},
      {LoadProblemCode::index_not_json, "index-not-json", {"file", "offset", "error"}},
      {LoadProblemCode::index_malformed, "index-malformed", {"file", "problem"}},
      {LoadProblemCode::index_unsafe_path, "index-unsafe-path", {"file", "shard", "reason", "tensors"}},
      {LoadProblemCode::index_shard_missing, "index-shard-missing", {"file", "shard", "tensors"}},
      {LoadProblemCode::config_not_json, "config-not-json", {"file", "offset", "error"}},
      {LoadProblemCode::adapter_config_not_json, "adapter-config-not-json", {"file", "offset", "error"}},
      {LoadProblemCode::adapter_config_missing, "adapter-config-missing", {"file"}},
      {LoadProblemCode::adapter_weights_missing, "adapter-weights-missing", {"file", "files"}},
      {LoadProblemCode::side_file_unreadable, "side-file-unreadable", {"file", "error"}},
  }};
  return kRows;
}

}  // namespace

const char* to_string(LoadProblemCode code) { return rows()[static_cast<std::size_t>(code)].name; }

std::optional<LoadProblemCode> load_problem_code_from_string(const std::string& name) {
  for (const CodeRow& r : rows()) {
    if (name == r.name) return r.code;
  }
  return std::nullopt;
}

const std::vector<std::string>& load_problem_fact_names(LoadProblemCode code) {
  return rows()[static_cast<std::size_t>(code)].facts;
}

}  // namespace ckptlint
