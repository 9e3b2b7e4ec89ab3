// SPDX-License-Identifier: Apache-2.0
// load_checkpoint(): a path on disk or a remote one, into the same loader.
#include <fmt/format.h>

#include <filesystem>

#include "checkpoint/load_from_store.h"
#include "ckptlint/load.h"
#include "remote/remote_store.h"

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

bool load_remote(const std::string& path, Checkpoint& ck, std::string& error, const LoadOptions& options) {
  std::optional<RemoteTarget> target = parse_remote_target(path, error);
  if (!target) return false;
  const std::string endpoint = hub_endpoint();
  // The token belongs to the Hub endpoint; a plain URL elsewhere never gets it.
  const auto deadline = options.deadline.value_or(std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms));
  HttpClient http(HttpSettings{options.timeout_ms, deadline, hub_token(), endpoint});
  RemoteStore store(*target, endpoint, http);
  try {
    load_from_store(store, StoreTarget{path, target->single_file}, ck);
  } catch (const StoreError& e) {
    error = e.what();
    return false;
  }
  ck.remote = true;
  ck.remote_requests = http.requests();
  ck.remote_bytes = http.bytes();
  return true;
}

}  // namespace

bool load_checkpoint(const std::string& path, Checkpoint& ck, std::string& error, const LoadOptions& options) {
  if (is_remote_path(path)) return load_remote(path, ck, error, options);
  std::error_code ec;
  fs::path p(path);
  fs::file_status status = fs::status(p, ec);
  if (ec || !fs::exists(status)) {
    error = fmt::format("'{}': no such file or directory", path);
    return false;
  }
  if (fs::is_directory(status)) {
    LocalStore store(p);
    load_from_store(store, StoreTarget{path, ""}, ck);
  } else {
    LocalStore store(p.parent_path().empty() ? fs::path(".") : p.parent_path());
    load_from_store(store, StoreTarget{path, p.filename().string()}, ck);
  }
  return true;
}

}  // namespace ckptlint
