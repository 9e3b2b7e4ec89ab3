// SPDX-License-Identifier: Apache-2.0
#include "mlx/module_table.h"

#include <algorithm>
#include <unordered_map>

namespace ckptlint {

namespace {
constexpr std::string_view kSuffixes[] = {".weight", ".scales", ".biases"};

// The suffixes of the schemes' tensors other than weight/scales/biases, by their last
// component: a name is looked up once by its last component, not against every suffix.
using SuffixTable = std::unordered_map<std::string_view, std::vector<std::string_view>>;

SuffixTable scheme_suffixes(const QuantSchemes& schemes) {
  SuffixTable table;
  for (const auto& s : schemes) {
    for (const SchemeTensor& t : s->tensors) {
      if (t.suffix == "weight" || t.suffix == "scales" || t.suffix == "biases") continue;
      std::string_view suffix = t.suffix;
      std::size_t dot = suffix.rfind('.');
      auto& list = table[dot == std::string_view::npos ? suffix : suffix.substr(dot + 1)];
      if (std::find(list.begin(), list.end(), suffix) == list.end()) list.push_back(suffix);
    }
  }
  return table;
}

// The scheme a module with scheme parts is stored in: one whose marker it has, preferring
// one the config declares. A by-dtype marker counts for a declared scheme only.
const QuantScheme* classify(const StoredModule& m, const QuantSchemes& schemes,
                            const std::vector<const QuantScheme*>& declared) {
  const QuantScheme* first = nullptr;
  for (const auto& s : schemes) {
    if (s->mlx) continue;
    const bool is_declared = std::find(declared.begin(), declared.end(), s.get()) != declared.end();
    bool marked = false;
    for (const SchemeTensor& t : s->tensors) {
      const TensorInfo* stored = m.part(t.suffix);
      if (stored == nullptr) continue;
      marked = marked || t.marker || (is_declared && !t.marker_dtype.empty() && to_string(stored->dtype) == t.marker_dtype);
    }
    if (!marked) continue;
    if (is_declared) return s.get();
    if (first == nullptr) first = s.get();
  }
  return first;
}

// A declared scheme can mark a module by a tensor's dtype alone (marker: by-dtype).
bool marks_by_dtype(const std::vector<const QuantScheme*>& declared) {
  for (const QuantScheme* s : declared) {
    for (const SchemeTensor& t : s->tensors) {
      if (!t.marker_dtype.empty()) return true;
    }
  }
  return false;
}
}  // namespace

const TensorInfo* StoredModule::part(std::string_view suffix) const {
  if (suffix == "weight") return weight;
  if (suffix == "scales") return scales;
  if (suffix == "biases") return biases;
  for (const auto& [name, t] : parts) {
    if (name == suffix) return t;
  }
  return nullptr;
}

const std::string* TensorFiles::find(const std::string& name) const {
  if (ck_ == nullptr) return nullptr;
  const TensorRef* ref = ck_->by_name.find(name);
  return ref == nullptr ? nullptr : &ck_->shards[ref->shard].file;
}

ModuleTable index_modules(const Checkpoint& ck, const QuantSchemes& schemes, const nlohmann::json* config) {
  ModuleTable table;
  table.file_of = TensorFiles(ck);
  const SuffixTable suffixes = scheme_suffixes(schemes);
  for (const auto& [name, ref] : ck.by_name) {  // the first definition of every name
    const TensorInfo& t = ck.tensor(ref);
    const std::string& file = ck.shards[ref.shard].file;
    if (!suffixes.empty()) {
      std::size_t dot = name.rfind('.');
      auto candidates = suffixes.find(dot == std::string::npos ? std::string_view(name) : std::string_view(name).substr(dot + 1));
      if (candidates != suffixes.end()) {
        for (std::string_view suffix : candidates->second) {
          if (name.size() <= suffix.size() + 1 || !name.ends_with(suffix) || name[name.size() - suffix.size() - 1] != '.') continue;
          const std::string_view path = std::string_view(name).substr(0, name.size() - suffix.size() - 1);
          auto at = table.modules.lower_bound(path);
          if (at == table.modules.end() || at->first != path) at = table.modules.emplace_hint(at, std::string(path), StoredModule{});
          at->second.parts.emplace_back(std::string(suffix), &t);
          if (at->second.file.empty()) at->second.file = file;
          break;
        }
      }
    }
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
  const QuantScheme* mlx = nullptr;
  for (const auto& s : schemes) mlx = mlx == nullptr && s->mlx ? s.get() : mlx;
  std::vector<const QuantScheme*> declared;
  if (config != nullptr && config->is_object() && config->contains("quantization_config")) declared = declared_schemes(schemes, *config);
  const bool by_dtype = marks_by_dtype(declared);
  for (auto& [path, m] : table.modules) {
    if (!m.parts.empty()) std::sort(m.parts.begin(), m.parts.end());
    // A module without parts is a scheme's only by its weight's dtype (a float or MLX one never is).
    if (!m.parts.empty() || (by_dtype && m.scales == nullptr && m.weight != nullptr)) {
      m.scheme = classify(m, schemes, declared);
    }
    if (m.scheme == nullptr && m.scales != nullptr) m.scheme = mlx;
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
