// SPDX-License-Identifier: Apache-2.0
// What the rules need of a Hugging Face tokenizer.json, read without building a tree of it:
// the added tokens (where every special token has its id) and the size of the vocabulary.
// A Gemma tokenizer.json is ~33 MB, most of it the merges after the vocabulary; the scan
// stops once it has both (tokenizers writes added_tokens first and model.vocab before
// model.merges), and checks the file's last bytes for a cut-off download instead.
#pragma once
#include <string>
#include <vector>

#include "checkpoint/file_store.h"
#include "ckptlint/checkpoint.h"
#include "json/json_stream.h"

namespace ckptlint {

/// The most of a tokenizer.json that is read looking for its vocabulary.
inline constexpr std::uint64_t kTokenizerScanBytes = 512ull << 20;
/// The most added tokens kept (Gemma 3n has 6,670; beyond this a file is hostile).
inline constexpr std::size_t kMaxAddedTokens = 100000;

/// Scans `file` (named `name` in problems). What is malformed becomes a side-file-unreadable
/// problem; a prefix read over HTTP is `partial`, not a problem.
TokenizerSummary scan_tokenizer_json(SequentialFile& file, const std::string& name, std::vector<LoadProblem>& problems);

/// An added token from one `added_tokens_decoder` member ("106": {"content": "<turn|>", ...});
/// false when the key is no id or the value has no string `content`.
bool added_token_from(const std::string& key, const JValue& value, AddedToken& out);

}  // namespace ckptlint
