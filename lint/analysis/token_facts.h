// SPDX-License-Identifier: Apache-2.0
// A family's token facts (`<pack>/<family>.tokens.yaml`): which string ends a turn in its
// chat template, the ids its official release lists (as stop ids, and for its special
// tokens), what its tokenizer defines past the embedding that is never embedded, the
// transformers major it needs. Family knowledge, kept in YAML; the side-file rules read it
// as the expression variable `family_tokens`.
//
//   tokens: gemma4
//   applies-to: {model-type: [gemma4, gemma4_text]}
//   references: [...]
//   facts:
//     turn_end: "<turn|>"
//     stop_ids: [1, 106, 50]
//     stop_notes: {"50": "the tool-response marker: ..."}
//     ids: {"<eos>": 1, "<turn|>": 106}
//     unembedded: []
//     transformers_min: 5
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ckptlint/rule.h"
#include "lang/doc_node.h"

namespace ckptlint {

struct TokenFacts {
  std::string name;                      ///< the `tokens:` name
  std::string file;
  std::vector<std::string> model_types;  ///< config model_type values it applies to
  nlohmann::json facts;                  ///< the `facts:` mapping
};
using TokenFactsList = std::vector<std::shared_ptr<const TokenFacts>>;

/// True for a token facts file (`*.tokens.yaml`) rather than a rule.
bool is_tokens_document(const std::string& file);

/// Reads and checks one token facts file; problems go to `errors` with their positions.
std::shared_ptr<const TokenFacts> load_token_facts(const std::string& file, const DocNode& root, std::vector<RuleError>& errors);

/// The facts whose model types include one of `model_types`, or nullptr.
const TokenFacts* token_facts_for(const TokenFactsList& all, const std::vector<std::string>& model_types);

}  // namespace ckptlint
