// SPDX-License-Identifier: Apache-2.0
// Reading the small JSON files of a checkpoint (config, index, adapter config) with the
// same strict, duplicate-preserving reader as the safetensors header.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "json/json_stream.h"

namespace ckptlint {

/// A JSON object read from disk: its members in order (duplicates kept) and a DOM for queries.
struct ParsedJson {
  std::string text;                                    ///< raw file text
  std::vector<std::pair<std::string, JValue>> members; ///< top-level members, duplicates kept
  nlohmann::json dom;                                  ///< the same document; the first of duplicates wins
};

/// Why a JSON file could not be used.
struct JsonFileError {
  std::uint64_t offset = 0;
  std::string error;
};

/// Reads `path` (at most `max_bytes`) as a JSON object. On failure returns nothing and fills
/// `error`. Members named in `no_dom` are kept in `members` only, not converted to the DOM.
std::optional<ParsedJson> read_json_object(const std::string& path, std::uint64_t max_bytes, JsonFileError& error,
                                           const std::vector<std::string>& no_dom = {});

/// Parses text already in memory as a JSON object (fuzz targets and tests).
std::optional<ParsedJson> parse_json_object(std::string text, JsonFileError& error,
                                            const std::vector<std::string>& no_dom = {});

/// Converts a streamed value to a DOM; for duplicate keys the first one wins (as `by_name` does).
nlohmann::json to_json(const JValue& value);

}  // namespace ckptlint
