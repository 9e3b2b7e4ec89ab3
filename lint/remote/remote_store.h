// SPDX-License-Identifier: Apache-2.0
// A checkpoint read over HTTP without its weights: the file list from the Hub API (or, for
// a plain URL, the well-known names probed), small JSON files whole, and of each shard only
// the first bytes and the header, with two range requests, shards concurrently.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "checkpoint/file_store.h"
#include "remote/http_client.h"
#include "remote/remote_target.h"

namespace ckptlint {

/// The files ckptlint reads from one remote repository at most (shards, JSON files and, for a
/// plain URL, the names probed): a listing or an index naming more stops the run (exit 2)
/// before any of them is requested. Published checkpoints have a few hundred shards at most.
inline constexpr std::size_t kMaxRemoteFiles = 2048;

class RemoteStore final : public FileStore {
 public:
  /// `endpoint` is the Hub's base URL (HF_ENDPOINT), used for hf:// targets.
  RemoteStore(RemoteTarget target, std::string endpoint, HttpClient& http);
  void list(std::vector<std::string>& files, std::set<std::string>& safetensors) override;
  bool exists(const std::string& name) override;
  std::optional<std::string> read_text(const std::string& name, std::uint64_t max_bytes, std::string& reason) override;
  std::vector<Shard> read_shards(const std::vector<std::string>& names, std::vector<LoadProblem>& problems) override;
  /// The first `remote_prefix` bytes of the file (at most kMaxPrefixBytes), in one range
  /// request: `readable()` says how much.
  std::unique_ptr<SequentialFile> open_sequential(const std::string& name, std::uint64_t remote_prefix, std::string& reason) override;
  std::filesystem::path local_root() const override { return {}; }

  /// The most open_sequential() fetches of a file.
  static constexpr std::uint64_t kMaxPrefixBytes = 4u << 20;

  /// The URL a file of the checkpoint is fetched from.
  std::string file_url(const std::string& name) const;

 private:
  void ensure_listing();
  [[noreturn]] void fail_status(const std::string& what, long status) const;
  Shard read_one(const std::string& name, std::vector<LoadProblem>& problems);
  // Counts `count` more files to read; throws StoreError past kMaxRemoteFiles.
  void reserve_files(std::size_t count);
  // Throws StoreError when `files` to read are more than kMaxRemoteFiles.
  void refuse_over_cap(std::size_t files) const;

  RemoteTarget target_;
  std::string endpoint_;
  HttpClient& http_;
  bool listed_ = false;
  std::set<std::string> names_;           ///< every file under the target (hub), relative to it
  std::map<std::string, bool> probed_;    ///< plain URL: name -> exists
  std::atomic<std::size_t> files_ = 0;    ///< files read or probed so far
  std::mutex mutex_;
};

/// The Hub endpoint (HF_ENDPOINT, default https://huggingface.co) without a trailing '/'.
std::string hub_endpoint();

/// The Hub token: HF_TOKEN, else the file huggingface_hub writes ($HF_HOME/token, HF_HOME
/// defaulting to ~/.cache/huggingface); "" when there is none.
std::string hub_token();

}  // namespace ckptlint
