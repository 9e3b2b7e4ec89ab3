// SPDX-License-Identifier: Apache-2.0
#include "cli/hub_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "util/small_file.h"

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

// The characters the Hub allows in an organisation or repository name.
bool is_name_part(std::string_view s) {
  if (s.empty() || s.size() > 96 || s.front() == '.' || s.front() == '-' || s.find("..") != std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// A branch, tag or commit: a relative path under refs/ without '..' components.
bool is_revision(std::string_view s) {
  if (s.empty() || s.size() > 256 || s.front() == '/' || s.back() == '/') return false;
  if (s == ".." || s.starts_with("../") || s.ends_with("/..") || s.find("/../") != std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

bool is_commit(std::string_view s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

struct HubName {
  std::string org, repo, revision;  ///< revision "" when not given (main)
};

std::optional<HubName> split(const std::string& text) {
  std::string_view s = text;
  HubName out;
  if (std::size_t at = s.find('@'); at != std::string_view::npos) {
    out.revision = s.substr(at + 1);
    if (!is_revision(out.revision)) return std::nullopt;
    s = s.substr(0, at);
  }
  std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  out.org = s.substr(0, slash);
  out.repo = s.substr(slash + 1);
  if (!is_name_part(out.org) || !is_name_part(out.repo)) return std::nullopt;
  return out;
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

bool looks_like_hub_name(const std::string& path) {
  if (!split(path)) return false;
  std::error_code ec;
  return !fs::exists(fs::symlink_status(path, ec));
}

std::string hub_cache_dir() {
  // huggingface_hub's order (constants.py); HUGGINGFACE_HUB_CACHE is its older name.
  for (const char* name : {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"}) {
    if (std::string dir = env(name); !dir.empty()) return dir;
  }
  if (std::string home = env("HF_HOME"); !home.empty()) return (fs::path(home) / "hub").string();
  if (std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty()) return (fs::path(xdg) / "huggingface" / "hub").string();
  if (std::string home = env("HOME"); !home.empty()) return (fs::path(home) / ".cache" / "huggingface" / "hub").string();
  return "";
}

std::optional<std::string> resolve_hub_name(const std::string& name, std::string& error) {
  std::optional<HubName> hub = split(name);
  if (!hub) {
    error = fmt::format("'{}' is not a repository name (ORG/REPO[@REVISION])", name);
    return std::nullopt;
  }
  const std::string remote = fmt::format("hf://{}/{}{}", hub->org, hub->repo, hub->revision.empty() ? "" : "@" + hub->revision);
  const std::string cache = hub_cache_dir();
  const fs::path repo_dir = fs::path(cache) / fmt::format("models--{}--{}", hub->org, hub->repo);
  std::error_code ec;
  if (cache.empty() || !fs::is_directory(repo_dir, ec)) {
    error = fmt::format("'{}' is neither a local path nor a model in the Hugging Face cache ({}); to check it on the Hub "
                        "without downloading the weights: ckptlint check {} --no-values",
                        name, cache.empty() ? "no HF_HUB_CACHE, HF_HOME or HOME" : cache, remote);
    return std::nullopt;
  }
  const std::string revision = hub->revision.empty() ? "main" : hub->revision;
  std::string commit = revision;
  if (!is_commit(revision)) {
    // refs/<branch or tag> holds the commit it pointed to when the files were downloaded.
    std::string reason;
    std::optional<std::string> ref = read_small_file((repo_dir / "refs" / revision).string(), 256, reason);
    if (ref) {
      commit = *ref;
      while (!commit.empty() && (commit.back() == '\n' || commit.back() == '\r' || commit.back() == ' ')) commit.pop_back();
    }
    if (!ref || !is_commit(commit)) {
      error = fmt::format("'{}' is in the Hugging Face cache ({}), but revision '{}' is not ({}: {}); check it on the Hub: "
                          "ckptlint check {} --no-values",
                          name, repo_dir.string(), revision, ("refs/" + revision), ref ? "not a commit" : reason, remote);
      return std::nullopt;
    }
  }
  const fs::path snapshot = repo_dir / "snapshots" / commit;
  if (!fs::is_directory(snapshot, ec)) {
    error = fmt::format("'{}' is in the Hugging Face cache ({}), but not its snapshot {}; check it on the Hub: ckptlint check {} --no-values",
                        name, repo_dir.string(), commit, remote);
    return std::nullopt;
  }
  return snapshot.string();
}

}  // namespace ckptlint
