// SPDX-License-Identifier: Apache-2.0
#include "analysis/side_vars.h"

#include <algorithm>
#include <set>

namespace ckptlint {
namespace {

using json = nlohmann::json;

json doc(const std::optional<JsonFile>& f) { return f ? f->value : json(nullptr); }

// tokenizer_config.json "chat_template": a string, or a list of {name, template} whose
// "default" is the one used without tools.
const std::string* inline_template(const SideFiles& side) {
  if (!side.tokenizer_config) return nullptr;
  auto it = side.tokenizer_config->value.find("chat_template");
  if (it == side.tokenizer_config->value.end()) return nullptr;
  if (it->is_string()) return &it->get_ref<const std::string&>();
  if (!it->is_array()) return nullptr;
  const std::string* first = nullptr;
  for (const json& t : *it) {
    if (!t.is_object() || !t.contains("template") || !t["template"].is_string()) continue;
    const std::string* text = &t["template"].get_ref<const std::string&>();
    if (t.value("name", "") == "default") return text;
    if (first == nullptr) first = text;
  }
  return first;
}

const std::string* json_template(const SideFiles& side) {
  if (!side.chat_template_json) return nullptr;
  auto it = side.chat_template_json->value.find("chat_template");
  return it != side.chat_template_json->value.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

json text_or_null(const std::string* s) { return s != nullptr ? json(*s) : json(nullptr); }

// A special token as tokenizer configs write it: "<eos>" or {"content": "<eos>", ...}.
json token_string(const json& v) {
  if (v.is_string()) return v;
  if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"];
  return nullptr;
}

json tokenizer_var(const SideFiles& side) {
  json t = json::object();
  const TokenizerSummary* tj = side.tokenizer ? &*side.tokenizer : nullptr;
  t["source"] = tj != nullptr ? json("tokenizer.json") : !side.config_added.empty() ? json("tokenizer_config.json") : json(nullptr);
  std::optional<std::uint64_t> largest;
  auto raise = [&](std::uint64_t id) { largest = std::max(largest.value_or(0), id); };
  std::size_t added = 0;
  if (tj != nullptr) {
    for (const AddedToken& a : tj->added) raise(a.id);
    if (tj->vocab_max_id) raise(*tj->vocab_max_id);
    if (tj->vocab_entries && *tj->vocab_entries > 0) raise(*tj->vocab_entries - 1);
    added = tj->added.size();
  }
  for (const AddedToken& a : side.config_added) raise(a.id);
  added = std::max(added, side.config_added.size());
  const bool complete = tj != nullptr && tj->vocab_entries.has_value() && tj->added_complete;
  t["vocab"] = tj != nullptr && tj->vocab_entries ? json(*tj->vocab_entries) : json(nullptr);
  t["added"] = added;
  t["largest_id"] = largest ? json(*largest) : json(nullptr);
  // The number of ids: known when the whole vocabulary and every added token were read.
  t["size"] = complete && largest ? json(*largest + 1) : json(nullptr);
  t["complete"] = complete;
  t["partial"] = tj != nullptr && tj->partial;
  t["bytes_read"] = tj != nullptr ? tj->bytes_read : 0;
  t["file_bytes"] = tj != nullptr ? tj->file_size : 0;
  json eos = side.tokenizer_config ? token_string(side.tokenizer_config->value.value("eos_token", json())) : json(nullptr);
  if (eos.is_null() && side.special_tokens_map) eos = token_string(side.special_tokens_map->value.value("eos_token", json()));
  t["eos"] = eos;
  return t;
}

json tokens_var(const SideFiles& side) {
  json t = json::object();
  if (side.tokenizer) {
    for (const AddedToken& a : side.tokenizer->added) {
      if (!t.contains(a.content)) t[a.content] = a.id;
    }
  }
  for (const AddedToken& a : side.config_added) {
    if (!t.contains(a.content)) t[a.content] = a.id;
  }
  return t;
}

// Token id (as decimal text) -> token text: the tokenizer's added tokens, then the family's
// token facts for ids the tokenizer does not name (a tokenizer_config.json without its list).
json token_names_var(const SideFiles& side, const TokenFacts* facts) {
  json t = json::object();
  auto name = [&](std::uint64_t id, const std::string& content) {
    std::string key = std::to_string(id);
    if (!t.contains(key)) t[key] = content;
  };
  if (side.tokenizer) {
    for (const AddedToken& a : side.tokenizer->added) name(a.id, a.content);
  }
  for (const AddedToken& a : side.config_added) name(a.id, a.content);
  if (facts != nullptr && facts->facts.contains("ids") && facts->facts["ids"].is_object()) {
    for (const auto& [token, id] : facts->facts["ids"].items()) {
      if (id.is_number_integer() && id.get<std::int64_t>() >= 0) name(id.get<std::uint64_t>(), token);
    }
  }
  return t;
}

json chat_template_var(const SideFiles& side) {
  return json{{"inline", text_or_null(inline_template(side))},
              {"jinja", side.chat_template_jinja ? json(*side.chat_template_jinja) : json(nullptr)},
              {"json", text_or_null(json_template(side))},
              {"tokenizer", text_or_null(tokenizer_template(side))}};
}

// The side files that are there but could not be read (wholly or in part): a rule that
// looks for what such a file holds cannot tell "absent" from "not read".
json unreadable_files(const Checkpoint& ck) {
  std::set<std::string> names;
  for (const LoadProblem& p : ck.problems) {
    if (p.code == LoadProblemCode::side_file_unreadable) names.insert(p.location.file);
  }
  return json(names);
}

// What the rules read of one checkpoint's side files, as one object (for base_side).
json side_object(const Checkpoint& ck) {
  const SideFiles& s = ck.side;
  return json{{"files", ck.files},
              {"config", ck.config ? ck.config->value : json(nullptr)},
              {"generation_config", doc(s.generation_config)},
              {"tokenizer_config", doc(s.tokenizer_config)},
              {"special_tokens_map", doc(s.special_tokens_map)},
              {"chat_template", chat_template_var(s)},
              {"tokenizer", tokenizer_var(s)}};
}

}  // namespace

const std::string* tokenizer_template(const SideFiles& side) {
  return side.chat_template_jinja ? &*side.chat_template_jinja : inline_template(side);
}

std::optional<std::uint64_t> added_token_id(const SideFiles& side, const std::string& token) {
  if (side.tokenizer) {
    for (const AddedToken& a : side.tokenizer->added) {
      if (a.content == token) return a.id;
    }
  }
  for (const AddedToken& a : side.config_added) {
    if (a.content == token) return a.id;
  }
  return std::nullopt;
}

VarList side_vars(const Checkpoint& ck, const Checkpoint* base, const TokenFacts* facts) {
  const SideFiles& s = ck.side;
  return {{"files", ck.files},
          {"unreadable_files", unreadable_files(ck)},
          {"generation_config", doc(s.generation_config)},
          {"tokenizer_config", doc(s.tokenizer_config)},
          {"special_tokens_map", doc(s.special_tokens_map)},
          {"processor_config", doc(s.processor_config)},
          {"preprocessor_config", doc(s.preprocessor_config)},
          {"chat_template", chat_template_var(s)},
          {"tokenizer", tokenizer_var(s)},
          {"tokens", tokens_var(s)},
          {"token_names", token_names_var(s, facts)},
          {"family_tokens", facts != nullptr ? facts->facts : json(nullptr)},
          {"base_side", base != nullptr ? side_object(*base) : json(nullptr)}};
}

}  // namespace ckptlint
