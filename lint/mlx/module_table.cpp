// SPDX-License-Identifier: Apache-2.0
#include "mlx/module_table.h"

namespace ckptlint {

namespace {
constexpr std::string_view kSuffixes[] = {".weight", ".scales", ".biases"};
}  // namespace

ModuleTable index_modules(const Checkpoint& ck) {
  ModuleTable table;
  std::size_t total = 0;
  for (const Shard& shard : ck.shards) total += shard.tensors.size();
  table.file_of.reserve(total);
  for (const Shard& shard : ck.shards) {
    for (const TensorInfo& t : shard.tensors) {
      if (!table.file_of.try_emplace(t.name, shard.file).second) continue;  // first definition wins, as by_name
      for (std::string_view suffix : kSuffixes) {
        if (t.name.size() <= suffix.size() || !t.name.ends_with(suffix)) continue;
        StoredModule& m = table.modules[t.name.substr(0, t.name.size() - suffix.size())];
        if (suffix[1] == 'w') m.weight = &t;
        else if (suffix[1] == 's') m.scales = &t;
        else m.biases = &t;
        if (m.file.empty() || suffix[1] == 'w') m.file = shard.file;
      }
    }
  }
  return table;
}

std::string module_of(const std::string& tensor) {
  for (std::string_view suffix : kSuffixes) {
    if (tensor.size() > suffix.size() && tensor.ends_with(suffix)) return tensor.substr(0, tensor.size() - suffix.size());
  }
  return tensor;
}

}  // namespace ckptlint
