// SPDX-License-Identifier: Apache-2.0
// The only list of primitives. Keep it alphabetical.
#include "primitives/primitive.h"

namespace ckptlint {

std::unique_ptr<Primitive> make_config_assert(PrimitiveArgs&);
std::unique_ptr<Primitive> make_files_not_in_index(PrimitiveArgs&);
std::unique_ptr<Primitive> make_index_entry_missing_from_shard(PrimitiveArgs&);
std::unique_ptr<Primitive> make_index_total_size(PrimitiveArgs&);
std::unique_ptr<Primitive> make_load_problem(PrimitiveArgs&);
std::unique_ptr<Primitive> make_shard_metadata(PrimitiveArgs&);
std::unique_ptr<Primitive> make_shard_numbering(PrimitiveArgs&);
std::unique_ptr<Primitive> make_shards_without_index(PrimitiveArgs&);
std::unique_ptr<Primitive> make_tensor_count(PrimitiveArgs&);
std::unique_ptr<Primitive> make_tensor_in_several_shards(PrimitiveArgs&);
std::unique_ptr<Primitive> make_tensor_missing_from_index(PrimitiveArgs&);

const std::vector<std::pair<std::string, PrimitiveFactory>>& primitive_registry() {
  static const std::vector<std::pair<std::string, PrimitiveFactory>> registry = {
      {"config-assert", make_config_assert},
      {"files-not-in-index", make_files_not_in_index},
      {"index-entry-missing-from-shard", make_index_entry_missing_from_shard},
      {"index-total-size", make_index_total_size},
      {"load-problem", make_load_problem},
      {"shard-metadata", make_shard_metadata},
      {"shard-numbering", make_shard_numbering},
      {"shards-without-index", make_shards_without_index},
      {"tensor-count", make_tensor_count},
      {"tensor-in-several-shards", make_tensor_in_several_shards},
      {"tensor-missing-from-index", make_tensor_missing_from_index},
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
