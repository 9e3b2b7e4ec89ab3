// SPDX-License-Identifier: Apache-2.0
// The only list of primitives. Keep it alphabetical.
#include "primitives/primitive.h"

namespace ckptlint {

std::unique_ptr<Primitive> make_adapter_base(PrimitiveArgs&);
std::unique_ptr<Primitive> make_adapter_extra_tensors(PrimitiveArgs&);
std::unique_ptr<Primitive> make_adapter_pairs(PrimitiveArgs&);
std::unique_ptr<Primitive> make_adapter_pattern_budget(PrimitiveArgs&);
std::unique_ptr<Primitive> make_adapter_summary(PrimitiveArgs&);
std::unique_ptr<Primitive> make_adapter_targets(PrimitiveArgs&);
std::unique_ptr<Primitive> make_config_assert(PrimitiveArgs&);
std::unique_ptr<Primitive> make_config_keys_required(PrimitiveArgs&);
std::unique_ptr<Primitive> make_cross_file_assert(PrimitiveArgs&);
std::unique_ptr<Primitive> make_diff_changes(PrimitiveArgs&);
std::unique_ptr<Primitive> make_diff_summary(PrimitiveArgs&);
std::unique_ptr<Primitive> make_files_not_in_index(PrimitiveArgs&);
std::unique_ptr<Primitive> make_fuse_fit(PrimitiveArgs&);
std::unique_ptr<Primitive> make_index_entry_missing_from_shard(PrimitiveArgs&);
std::unique_ptr<Primitive> make_index_total_size(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_config_problems(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_dtype_mismatch(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_fit(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_group_partial(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_layer_count(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_optional_present(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_shape_mismatch(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_tensor_missing(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_tensor_unexpected(PrimitiveArgs&);
std::unique_ptr<Primitive> make_layout_variants_mixed(PrimitiveArgs&);
std::unique_ptr<Primitive> make_load_problem(PrimitiveArgs&);
std::unique_ptr<Primitive> make_mixed_quantization(PrimitiveArgs&);
std::unique_ptr<Primitive> make_non_finite_values(PrimitiveArgs&);
std::unique_ptr<Primitive> make_quant_config_entries_unmatched(PrimitiveArgs&);
std::unique_ptr<Primitive> make_quant_config_presence(PrimitiveArgs&);
std::unique_ptr<Primitive> make_quant_config_values(PrimitiveArgs&);
std::unique_ptr<Primitive> make_quant_shapes(PrimitiveArgs&);
std::unique_ptr<Primitive> make_quant_triple_incomplete(PrimitiveArgs&);
std::unique_ptr<Primitive> make_quant_scheme_modules(PrimitiveArgs&);
std::unique_ptr<Primitive> make_quantized_modules(PrimitiveArgs&);
std::unique_ptr<Primitive> make_run_note(PrimitiveArgs&);
std::unique_ptr<Primitive> make_shard_metadata(PrimitiveArgs&);
std::unique_ptr<Primitive> make_shard_numbering(PrimitiveArgs&);
std::unique_ptr<Primitive> make_shards_without_index(PrimitiveArgs&);
std::unique_ptr<Primitive> make_side_file_drift(PrimitiveArgs&);
std::unique_ptr<Primitive> make_template_tokens(PrimitiveArgs&);
std::unique_ptr<Primitive> make_tensor_census(PrimitiveArgs&);
std::unique_ptr<Primitive> make_tensor_count(PrimitiveArgs&);
std::unique_ptr<Primitive> make_tensor_in_several_shards(PrimitiveArgs&);
std::unique_ptr<Primitive> make_tensor_missing_from_index(PrimitiveArgs&);
std::unique_ptr<Primitive> make_tensor_name_glob(PrimitiveArgs&);
std::unique_ptr<Primitive> make_token_ids_out_of_range(PrimitiveArgs&);

const std::vector<std::pair<std::string, PrimitiveFactory>>& primitive_registry() {
  static const std::vector<std::pair<std::string, PrimitiveFactory>> registry = {
      {"adapter-base", make_adapter_base},
      {"adapter-extra-tensors", make_adapter_extra_tensors},
      {"adapter-pairs", make_adapter_pairs},
      {"adapter-pattern-budget", make_adapter_pattern_budget},
      {"adapter-summary", make_adapter_summary},
      {"adapter-targets", make_adapter_targets},
      {"config-assert", make_config_assert},
      {"config-keys-required", make_config_keys_required},
      {"cross-file-assert", make_cross_file_assert},
      {"diff-changes", make_diff_changes},
      {"diff-summary", make_diff_summary},
      {"files-not-in-index", make_files_not_in_index},
      {"fuse-fit", make_fuse_fit},
      {"index-entry-missing-from-shard", make_index_entry_missing_from_shard},
      {"index-total-size", make_index_total_size},
      {"layout-config-problems", make_layout_config_problems},
      {"layout-dtype-mismatch", make_layout_dtype_mismatch},
      {"layout-fit", make_layout_fit},
      {"layout-group-partial", make_layout_group_partial},
      {"layout-layer-count", make_layout_layer_count},
      {"layout-optional-present", make_layout_optional_present},
      {"layout-shape-mismatch", make_layout_shape_mismatch},
      {"layout-tensor-missing", make_layout_tensor_missing},
      {"layout-tensor-unexpected", make_layout_tensor_unexpected},
      {"layout-variants-mixed", make_layout_variants_mixed},
      {"load-problem", make_load_problem},
      {"mixed-quantization", make_mixed_quantization},
      {"non-finite-values", make_non_finite_values},
      {"quant-config-entries-unmatched", make_quant_config_entries_unmatched},
      {"quant-config-presence", make_quant_config_presence},
      {"quant-config-values", make_quant_config_values},
      {"quant-shapes", make_quant_shapes},
      {"quant-triple-incomplete", make_quant_triple_incomplete},
      {"quant-scheme-modules", make_quant_scheme_modules},
      {"quantized-modules", make_quantized_modules},
      {"run-note", make_run_note},
      {"shard-metadata", make_shard_metadata},
      {"shard-numbering", make_shard_numbering},
      {"shards-without-index", make_shards_without_index},
      {"side-file-drift", make_side_file_drift},
      {"template-tokens", make_template_tokens},
      {"tensor-census", make_tensor_census},
      {"tensor-count", make_tensor_count},
      {"tensor-in-several-shards", make_tensor_in_several_shards},
      {"tensor-missing-from-index", make_tensor_missing_from_index},
      {"tensor-name-glob", make_tensor_name_glob},
      {"token-ids-out-of-range", make_token_ids_out_of_range},
  };
  return registry;
}

PrimitiveFactory find_primitive(const std::string& name) {
  for (const auto& [n, f] : primitive_registry()) {
    if (n == name) return f;
  }
  return nullptr;
}

}  // namespace ckptlint
