// SPDX-License-Identifier: Apache-2.0
#include "analysis/token_facts.h"

#include <fmt/format.h>

#include <algorithm>

#include "lang/doc_reader.h"

namespace ckptlint {
namespace {

using json = nlohmann::json;

// The facts a family may state, and the shape each must have (rules read them by name: a
// misspelt key would silently turn a rule off).
enum class Shape { string, integer, integers, strings, string_map, id_map };
const std::vector<std::pair<std::string, Shape>> kFacts = {
    {"turn_end", Shape::string},         // the string the chat template ends each turn with
    {"turn_start", Shape::string},       // ...and starts it with
    {"stop_ids", Shape::integers},       // the ids the official release stops generation on
    {"stop_notes", Shape::string_map},   // id -> what stopping on it is for
    {"ids", Shape::id_map},              // special token -> its id in the official tokenizer
    {"unembedded", Shape::strings},      // tokens defined past vocab_size that are never embedded
    {"transformers_min", Shape::integer},  // the transformers major the family's configs need
};

bool is_integer(const std::string& s) {
  return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos;
}

// A scalar as JSON: integers as numbers (embedded packs do not keep quoting), the rest as text.
json scalar(const DocNode& n) { return is_integer(n.scalar()) ? json(std::stoll(n.scalar())) : json(n.scalar()); }

json read_fact(DocReader& reader, const std::string& key, Shape shape, const DocNode& value) {
  auto fail = [&](const char* what) {
    reader.error(value, fmt::format("'{}' must be {}", key, what));
    return json();
  };
  switch (shape) {
    case Shape::string:
      return value.is_scalar() ? json(value.scalar()) : fail("a string");
    case Shape::integer:
      return value.is_scalar() && is_integer(value.scalar()) ? scalar(value) : fail("an integer");
    case Shape::integers:
    case Shape::strings: {
      if (!value.is_sequence()) return fail(shape == Shape::integers ? "a list of integers" : "a list of strings");
      json out = json::array();
      for (const DocNode& item : value.items()) {
        if (!item.is_scalar() || (shape == Shape::integers && !is_integer(item.scalar()))) {
          return fail(shape == Shape::integers ? "a list of integers" : "a list of strings");
        }
        out.push_back(shape == Shape::integers ? scalar(item) : json(item.scalar()));
      }
      return out;
    }
    case Shape::string_map:
    case Shape::id_map: {
      if (!value.is_map()) return fail(shape == Shape::id_map ? "a mapping of token strings to ids" : "a mapping of strings");
      json out = json::object();
      for (const auto& m : value.members()) {
        if (!m.second.is_scalar() || (shape == Shape::id_map && !is_integer(m.second.scalar()))) {
          return fail(shape == Shape::id_map ? "a mapping of token strings to ids" : "a mapping of strings");
        }
        out[m.first.scalar()] = shape == Shape::id_map ? scalar(m.second) : json(m.second.scalar());
      }
      return out;
    }
  }
  return json();
}

}  // namespace

bool is_tokens_document(const std::string& file) {
  constexpr std::string_view kSuffix = ".tokens.yaml";
  return file.size() > kSuffix.size() && file.ends_with(kSuffix);
}

std::shared_ptr<const TokenFacts> load_token_facts(const std::string& file, const DocNode& root, std::vector<RuleError>& errors) {
  DocReader reader(file, errors);
  const std::size_t before = errors.size();
  if (!root.is_map()) {
    reader.error(root, "a token facts file must be a mapping");
    return nullptr;
  }
  for (const auto& m : root.members()) {
    const std::string& k = m.first.scalar();
    if (k != "tokens" && k != "applies-to" && k != "references" && k != "facts") {
      reader.error(m.first, fmt::format("unknown key '{}' (tokens, applies-to, references, facts)", k));
    }
  }
  auto facts = std::make_shared<TokenFacts>();
  facts->file = file;
  if (!root["tokens"].is_scalar() || root["tokens"].scalar().empty()) reader.error(root, "missing required key 'tokens' (the family's name)");
  else facts->name = root["tokens"].scalar();
  const DocNode& applies = root["applies-to"];
  if (!applies.is_map() || !applies["model-type"].defined()) {
    reader.error(applies.defined() ? applies : root, "'applies-to' must give 'model-type' (the config model_type values)");
  } else {
    for (const auto& m : applies.members()) {
      if (m.first.scalar() != "model-type") reader.error(m.first, fmt::format("unknown key '{}' in applies-to (model-type)", m.first.scalar()));
    }
    facts->model_types = reader.strings(applies["model-type"], "'model-type'");
  }
  facts->facts = json::object();
  const DocNode& values = root["facts"];
  if (!values.is_map()) {
    reader.error(values.defined() ? values : root, "'facts' must be a mapping");
  } else {
    for (const auto& m : values.members()) {
      const std::string& k = m.first.scalar();
      auto it = std::find_if(kFacts.begin(), kFacts.end(), [&](const auto& f) { return f.first == k; });
      if (it == kFacts.end()) {
        std::string known;
        for (const auto& f : kFacts) known += (known.empty() ? "" : ", ") + f.first;
        reader.error(m.first, fmt::format("unknown fact '{}' (known: {})", k, known));
        continue;
      }
      facts->facts[k] = read_fact(reader, k, it->second, m.second);
    }
  }
  if (errors.size() != before) return nullptr;
  return facts;
}

const TokenFacts* token_facts_for(const TokenFactsList& all, const std::vector<std::string>& model_types) {
  for (const auto& f : all) {
    for (const std::string& t : model_types) {
      if (std::find(f->model_types.begin(), f->model_types.end(), t) != f->model_types.end()) return f.get();
    }
  }
  return nullptr;
}

}  // namespace ckptlint
