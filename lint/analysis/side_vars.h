// SPDX-License-Identifier: Apache-2.0
// The side files as expression variables, so that the rules about them are YAML
// (rules/README.md lists them): each JSON side file as it is; `chat_template` (where each
// template is, and the one transformers uses); `tokenizer` (where its ids come from, its
// size, what was read of it); `tokens` (token string -> id, from the added tokens);
// `family_tokens` (the family's token facts); `files`; `unreadable_files` (side files there
// but not read); and `base_side`, the same for the base
// model of a diff or of `check --base`.
#pragma once
#include "analysis/token_facts.h"
#include "ckptlint/checkpoint.h"
#include "lang/expr.h"

namespace ckptlint {

/// The variables above for `ck`, with `base` (may be null) as `base_side`.
VarList side_vars(const Checkpoint& ck, const Checkpoint* base, const TokenFacts* facts);

/// The chat template transformers' AutoTokenizer uses: chat_template.jinja over the inline
/// one (a list of named templates gives its "default"); nullptr when there is none.
const std::string* tokenizer_template(const SideFiles& side);

/// The tokenizer's id of `token` from its added tokens (tokenizer.json's, then
/// tokenizer_config.json's), if it has one.
std::optional<std::uint64_t> added_token_id(const SideFiles& side, const std::string& token);

}  // namespace ckptlint
