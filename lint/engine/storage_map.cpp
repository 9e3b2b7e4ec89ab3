// SPDX-License-Identifier: Apache-2.0
#include "engine/storage_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "util/text.h"
#include "util/shape_text.h"

namespace ckptlint {
namespace {

std::string describe_tensor(const TensorInfo& t) {
  return typed_shape_text(to_string(t.dtype), t.shape);
}

// The mode and bits a quantized module was written with. The bits come from the packed
// width when the layout gives the float width (a hand-made file may disagree with its
// config); the mode from what is stored: biases mean affine, 8-bit (U8) scales without
// biases the microscaled float modes.
std::string quantized_storage(const std::string& module, const StoredModule& m, const Analysis& a) {
  std::optional<QuantParams> p = a.quant.params_for(module);
  int bits = p ? p->bits : 0;
  const LayoutEntry* e = a.entry_for_module(module);
  if (e != nullptr && !e->shape.empty() && e->shape.back() > 0 && m.weight != nullptr && !m.weight->shape.empty()) {
    std::uint64_t packed_bits = m.weight->shape.back() * static_cast<std::uint64_t>(bit_width(m.weight->dtype));
    if (packed_bits % e->shape.back() == 0 && packed_bits / e->shape.back() <= 16) bits = static_cast<int>(packed_bits / e->shape.back());
  }
  std::string mode = "affine";
  if (m.biases == nullptr) {
    if (p && p->mode != "affine") mode = p->mode;
    else if (m.scales->dtype == DType::U8) mode = bits == 8 ? "mxfp8" : p && p->group_size == 16 ? "nvfp4" : "mxfp4";
  }
  if (mode != "affine") return mode;
  return bits > 0 ? fmt::format("affine-{}", bits) : "affine";
}

StoredUnit module_unit(const std::string& name, const StoredModule& m, const Analysis& a) {
  StoredUnit u{name, "", ""};
  if (m.weight != nullptr) u.detail = describe_tensor(*m.weight);
  if (m.quantized()) {
    u.storage = quantized_storage(name, m, a);
    u.detail += (u.detail.empty() ? "no weight; scales " : " + scales ") + describe_tensor(*m.scales);
    if (m.biases != nullptr) u.detail += " + biases";
  } else {
    u.storage = m.weight != nullptr ? ascii_lower(to_string(m.weight->dtype)) : "other";
  }
  return u;
}

}  // namespace

std::vector<StoredUnit> storage_map(const Checkpoint& ck, const Analysis& a) {
  std::map<std::string, StoredUnit> units;
  if (a.adapter) {
    for (const LoraPair& p : a.adapter->pairs) {
      const TensorInfo* t = p.any();
      units.try_emplace(p.module, StoredUnit{p.module, "lora", t != nullptr ? describe_tensor(*t) : ""});
    }
    std::vector<StoredUnit> out;
    for (auto& [name, u] : units) out.push_back(std::move(u));
    return out;
  }
  for (const auto& [name, m] : a.modules) units.try_emplace(name, module_unit(name, m, a));
  for (const auto& [name, file] : a.file_of) {
    std::string module = module_of(std::string(name));
    if (a.modules.count(module) != 0) continue;
    const TensorInfo* t = ck.find(std::string(name));
    if (t != nullptr) units.try_emplace(std::string(name), StoredUnit{std::string(name), ascii_lower(to_string(t->dtype)), describe_tensor(*t)});
  }
  if (a.layout) {
    // Each expected unit, named as the stored ones are: a .weight by its module path (a
    // norm's too), any other tensor by its name.
    std::map<std::string, const LayoutEntry*> expected;
    for (const LayoutEntry& e : a.layout->entries) expected.try_emplace(module_of(e.name), &e);
    for (auto& [name, u] : units) {
      if (expected.count(name) == 0) {
        u.detail = u.storage + " " + u.detail;
        u.storage = "unexpected";
      }
    }
    for (const auto& [name, e] : expected) {
      if (units.count(name) != 0 || !a.part_expected(*e)) continue;
      std::string shape = typed_shape_text(e->dtype, e->shape);
      units.try_emplace(name, StoredUnit{name, e->optional ? "absent" : "missing", "expected " + shape});
    }
  }
  std::vector<StoredUnit> out;
  out.reserve(units.size());
  for (auto& [name, u] : units) out.push_back(std::move(u));
  return out;
}

std::vector<SideFileEntry> side_file_list(const Checkpoint& ck, const Analysis& analysis) {
  static const std::pair<const char*, const char*> kFiles[] = {
      {"tokenizer_config.json", "tokenizer class, special tokens, inline chat template"},
      {"tokenizer.json", "vocabulary and added tokens (fast tokenizers)"},
      {"tokenizer.model", "SentencePiece model (slow tokenizers, GGUF converters)"},
      {"special_tokens_map.json", "special tokens (older loaders)"},
      {"chat_template.jinja", "chat template (transformers since about v4.52)"},
      {"chat_template.json", "chat template (processors)"},
      {"generation_config.json", "stop ids and sampling settings"},
      {"processor_config.json", "image, audio and video processors"},
      {"preprocessor_config.json", "image processor"},
  };
  const SideFiles& s = ck.side;
  const Checkpoint* base = analysis.side_base();
  auto listed = [](const Checkpoint& c, const char* f) { return std::binary_search(c.files.begin(), c.files.end(), std::string(f)); };
  std::vector<SideFileEntry> out;
  for (const auto& [file, role] : kFiles) {
    SideFileEntry e{file, role, listed(ck, file), std::nullopt};
    if (!e.present && (base == nullptr || !listed(*base, file))) continue;
    const std::string name = file;
    if (const JsonFile* j = s.json(name)) e.bytes = j->text.size();
    else if (name == "tokenizer.json" && s.tokenizer) e.bytes = s.tokenizer->file_size;
    else if (name == "tokenizer.model") e.bytes = s.tokenizer_model_bytes;
    else if (name == "chat_template.jinja" && s.chat_template_jinja) e.bytes = s.chat_template_jinja->size();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ckptlint
