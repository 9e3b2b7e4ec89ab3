// SPDX-License-Identifier: Apache-2.0
// The Hub's file listing (GET /api/models/{repo}/revision/{revision}), read from a hostile
// server: {"siblings": [{"rfilename": "config.json", ...}, ...], ...}. Parsed as a stream of
// events without building a document, nesting stops at 64 levels, and only the file names
// are kept: 32 MiB of nested '[' once cost 2.5 GB as a DOM.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace ckptlint {

/// Nesting deeper than this ends the parse (as the JSON reader of checkpoint files).
inline constexpr int kMaxListingDepth = 64;

/// Calls `on_name` with every `siblings[*].rfilename` string, in listing order. False, with a
/// reason in `error`, when `body` is not JSON, nests deeper than kMaxListingDepth, or has no
/// `siblings` array (names seen before the problem may have been passed on).
bool parse_hub_listing(std::string_view body, const std::function<void(std::string&&)>& on_name, std::string& error);

}  // namespace ckptlint
