// SPDX-License-Identifier: Apache-2.0
#include "mlx/module_table.h"

namespace ckptlint {

namespace {
constexpr std::string_view kSuffixes[] = {".weight", ".scales", ".biases"};
}  // namespace

const std::string* TensorFiles::find(const std::string& name) const {
  if (ck_ == nullptr) return nullptr;
  const TensorRef* ref = ck_->by_name.find(name);
  return ref == nullptr ? nullptr : &ck_->shards[ref->shard].file;
}

ModuleTable index_modules(const Checkpoint& ck) {
  ModuleTable table;
  table.file_of = TensorFiles(ck);
  for (const auto& [name, ref] : ck.by_name) {  // the first definition of every name
    const TensorInfo& t = ck.tensor(ref);
    const std::string& file = ck.shards[ref.shard].file;
    for (std::string_view suffix : kSuffixes) {
      if (name.size() <= suffix.size() || !name.ends_with(suffix)) continue;
      const std::string_view path = name.substr(0, name.size() - suffix.size());
      auto at = table.modules.lower_bound(path);
      if (at == table.modules.end() || at->first != path) at = table.modules.emplace_hint(at, std::string(path), StoredModule{});
      StoredModule& m = at->second;
      // The module's file is its weight's shard, else its scales', else its biases', in
      // whichever order the names come.
      if (suffix[1] == 'w') {
        m.weight = &t;
        m.file = file;
      } else if (suffix[1] == 's') {
        m.scales = &t;
        if (m.weight == nullptr) m.file = file;
      } else {
        m.biases = &t;
        if (m.weight == nullptr && m.scales == nullptr) m.file = file;
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
