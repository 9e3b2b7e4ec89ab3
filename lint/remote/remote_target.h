// SPDX-License-Identifier: Apache-2.0
// What a remote path names: `hf://ORG/REPO[@REVISION][/SUBDIR]` on the Hub, or a plain
// `https://host/path/` directory (or `.../file.safetensors`) whose files are fetched by name.
#pragma once
#include <optional>
#include <string>

namespace ckptlint {

struct RemoteTarget {
  std::string given;      ///< as the user wrote it
  bool hub = false;       ///< hf:// (listing and resolve routes) or a plain URL
  std::string repo;       ///< "ORG/REPO" (hub)
  std::string revision;   ///< "main" unless @REVISION (hub)
  std::string subdir;     ///< "" or "dir/sub" inside the repository (hub)
  std::string base_url;   ///< plain URL: the directory, ending in '/'
  std::string single_file;///< plain URL naming one .safetensors file: its name
};

/// Parses a remote path; nothing, with a reason, when it is malformed.
std::optional<RemoteTarget> parse_remote_target(const std::string& path, std::string& error);

}  // namespace ckptlint
