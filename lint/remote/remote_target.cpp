// SPDX-License-Identifier: Apache-2.0
#include "remote/remote_target.h"

#include <fmt/format.h>

#include <algorithm>

#include "ckptlint/load.h"

namespace ckptlint {
namespace {

// Hub names: letters, digits, '-', '_', '.'; no "..", no leading '.' (huggingface_hub's
// validate_repo_id); revisions the same (a branch, tag or commit; no refs/pr/N).
bool hub_name(const std::string& s) {
  if (s.empty() || s.size() > 96 || s[0] == '.' || s.find("..") != std::string::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

bool safe_subdir(const std::string& s) {
  if (s.empty()) return true;
  std::size_t begin = 0;
  while (begin <= s.size()) {
    std::size_t end = s.find('/', begin);
    if (end == std::string::npos) end = s.size();
    std::string part = s.substr(begin, end - begin);
    if (!hub_name(part)) return false;
    begin = end + 1;
  }
  return true;
}

}  // namespace

bool is_remote_path(const std::string& path) {
  return path.starts_with("hf://") || path.starts_with("https://") || path.starts_with("http://");
}

std::optional<RemoteTarget> parse_remote_target(const std::string& path, std::string& error) {
  RemoteTarget t;
  t.given = path;
  if (path.starts_with("hf://")) {
    t.hub = true;
    std::string rest = path.substr(5);
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    std::size_t slash = rest.find('/');
    std::string org = rest.substr(0, slash);
    std::string after = slash == std::string::npos ? "" : rest.substr(slash + 1);
    std::size_t next = after.find('/');
    std::string repo = after.substr(0, next);
    t.subdir = next == std::string::npos ? "" : after.substr(next + 1);
    t.revision = "main";
    if (std::size_t at = repo.find('@'); at != std::string::npos) {
      t.revision = repo.substr(at + 1);
      repo = repo.substr(0, at);
    }
    if (!hub_name(org) || !hub_name(repo) || !hub_name(t.revision) || !safe_subdir(t.subdir)) {
      error = fmt::format("'{}' is not hf://ORG/REPO[@REVISION][/SUBDIR] (names of letters, digits, '-', '_' and '.')", path);
      return std::nullopt;
    }
    t.repo = org + "/" + repo;
    return t;
  }
  std::size_t host_end = path.find('/', path.find("://") + 3);
  if (host_end == std::string::npos || path.find_first_of(" \t\r\n?#") != std::string::npos) {
    error = fmt::format("'{}' is not a directory URL like https://host/path/ (without query or fragment)", path);
    return std::nullopt;
  }
  if (path.ends_with(".safetensors")) {
    std::size_t slash = path.rfind('/');
    t.base_url = path.substr(0, slash + 1);
    t.single_file = path.substr(slash + 1);
  } else {
    t.base_url = path.back() == '/' ? path : path + "/";
  }
  return t;
}

}  // namespace ckptlint
