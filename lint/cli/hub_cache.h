// SPDX-License-Identifier: Apache-2.0
// Models named as their users name them: `ORG/REPO` or `ORG/REPO@REVISION`, as mlx-lm, the
// `hf` CLI and transformers take them, resolved to the snapshot huggingface_hub keeps in its
// local cache. Never the network: a name that is not cached is an error that says how to
// check the repository remotely (hf://ORG/REPO), which reads only headers.
//
// The cache, as huggingface_hub writes it:
//   $HF_HUB_CACHE (else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub,
//   else ~/.cache/huggingface/hub)/
//     models--ORG--REPO/refs/main                   the commit a branch or tag names
//     models--ORG--REPO/snapshots/<commit>/...      links into ../../blobs/<hash>
#pragma once
#include <optional>
#include <string>

namespace ckptlint {

/// True when `path` is written like a repository name (ORG/REPO[@REVISION]: one slash, no
/// leading dot or slash, Hub name characters) and no local file or directory of that name
/// exists: a local path always wins over a repository name.
bool looks_like_hub_name(const std::string& path);

/// The cache directory huggingface_hub uses, from the environment ("" when none can be
/// formed: no HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME or HOME).
std::string hub_cache_dir();

/// The snapshot directory of `name` (ORG/REPO[@REVISION]; the revision defaults to main and
/// is a branch or tag under refs/, or a commit) in the local cache; nothing, with `error` set
/// to one line that says what to do, when it is not cached.
std::optional<std::string> resolve_hub_name(const std::string& name, std::string& error);

}  // namespace ckptlint
