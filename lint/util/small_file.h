// SPDX-License-Identifier: Apache-2.0
// Reads a small file whole, the way shards are opened: without blocking (a FIFO planted
// under the name must not hang the run), regular files only (a directory, a device such as
// /dev/zero or a socket is refused), and capped in size before anything is allocated.
// Every file ckptlint reads by a path from an option or a config goes through here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace ckptlint {

/// The whole text of `path` when it is a regular file of at most `max_bytes`; otherwise
/// nothing, and `reason` says why in a few words ("a FIFO", "a directory", "not found",
/// "1,234 bytes, above the 1,048,576-byte limit").
std::optional<std::string> read_small_file(const std::string& path, std::uint64_t max_bytes, std::string& reason);

}  // namespace ckptlint
