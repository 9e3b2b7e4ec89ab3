// SPDX-License-Identifier: Apache-2.0
#include "remote/remote_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "checkpoint/byte_source.h"
#include "checkpoint/problem_builder.h"
#include "checkpoint/safetensors_header.h"
#include "remote/hub_listing.h"
#include "util/parallel.h"

namespace ckptlint {
namespace {

// The Hub's file listing of a large repository is tens of KB; 32 MB is far beyond any.
constexpr std::uint64_t kMaxListingBytes = 32ull << 20;
// The first read of a shard: what the header reader asks for to recognise foreign content.
constexpr std::uint64_t kHeadBytes = 512;
constexpr std::size_t kMaxParallel = 8;

// The names a plain directory URL is probed for, having no listing.
constexpr const char* kWellKnown[] = {"config.json", "adapter_config.json", "model.safetensors.index.json",
                                      "model.safetensors", "adapters.safetensors", "adapter_model.safetensors"};

// A shard's bytes over range requests. The first read is fetched on construction (it gives
// the size); later reads fetch only what is not cached, from the URL the first one was
// redirected to, so that a CDN redirect is followed once per shard.
class RemoteSource final : public ByteSource {
 public:
  RemoteSource(HttpClient& http, std::string url, std::uint64_t size, std::string head)
      : http_(http), url_(std::move(url)), size_(size), cache_(std::move(head)) {}
  std::uint64_t size() const override { return size_; }
  bool read(std::uint64_t offset, std::size_t length, char* out) const override {
    if (offset > size_ || length > size_ - offset) return false;
    if (offset + length > cache_.size()) {
      // Only the part past the cache, in one request.
      std::uint64_t from = cache_.size();
      HttpError error;
      auto r = http_.get_range(url_, from, offset + length - from, error);
      if (!r || r->status != 206 || r->body.size() != offset + length - from) {
        error_ = r ? fmt::format("{}: the server answered {} to a range request", url_, r->status) : error.message;
        return false;
      }
      cache_ += r->body;
    }
    std::copy_n(cache_.data() + offset, length, out);
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  HttpClient& http_;
  std::string url_;
  std::uint64_t size_;
  mutable std::string cache_;
  mutable std::string error_;
};

// The prefix of a file fetched in one range request, handed out front to back.
class PrefixFile final : public SequentialFile {
 public:
  PrefixFile(std::string bytes, std::uint64_t size) : bytes_(std::move(bytes)), size_(size) {}
  std::uint64_t size() const override { return size_; }
  std::uint64_t readable() const override { return bytes_.size(); }
  std::size_t read(char* out, std::size_t max) override {
    std::size_t n = std::min(max, bytes_.size() - at_);
    std::copy_n(bytes_.data() + at_, n, out);
    at_ += n;
    return n;
  }
  std::string tail(std::size_t n) override {
    if (bytes_.size() < size_) return "";  // the end was not fetched
    return bytes_.substr(bytes_.size() - std::min(n, bytes_.size()));
  }

 private:
  std::string bytes_;
  std::uint64_t size_;
  std::size_t at_ = 0;
};

std::string join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

// A file path as a URL path: every byte but unreserved characters and '/' percent-encoded
// (as huggingface_hub's quote(path, safe="/")), so that a name with '?', '#', '%' or a space
// from an index names that file and nothing else.
std::string escape_path(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
        c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string hub_endpoint() {
  std::string e = "https://huggingface.co";
  if (const char* v = std::getenv("HF_ENDPOINT"); v != nullptr && *v != '\0') e = v;
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

std::string hub_token() {
  if (const char* v = std::getenv("HF_TOKEN"); v != nullptr && *v != '\0') return v;
  std::string home;
  if (const char* h = std::getenv("HF_HOME"); h != nullptr && *h != '\0') home = h;
  else if (const char* u = std::getenv("HOME"); u != nullptr && *u != '\0') home = std::string(u) + "/.cache/huggingface";
  if (home.empty()) return "";
  std::ifstream in(home + "/token");
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

RemoteStore::RemoteStore(RemoteTarget target, std::string endpoint, HttpClient& http)
    : target_(std::move(target)), endpoint_(std::move(endpoint)), http_(http) {}

std::string RemoteStore::file_url(const std::string& name) const {
  if (!target_.hub) return target_.base_url + escape_path(name);
  return fmt::format("{}/{}/resolve/{}/{}", endpoint_, target_.repo, target_.revision, escape_path(join(target_.subdir, name)));
}

void RemoteStore::fail_status(const std::string& what, long status) const {
  const bool token = !http_.settings().token.empty();
  if (status == 401 || status == 403) {
    throw StoreError(fmt::format("{}: {} answered {}: a private or gated repository; {}", target_.given, what, status,
                                 token ? "the token (HF_TOKEN or the huggingface_hub token file) has no access to it"
                                       : "set HF_TOKEN to a token with access (or log in with `hf auth login`)"));
  }
  if (status == 404) {
    throw StoreError(fmt::format("{}: {} answered 404: no such repository or revision{}", target_.given, what,
                                 token ? "" : " (or a private one: set HF_TOKEN)"));
  }
  throw StoreError(fmt::format("{}: {} answered {}", target_.given, what, status));
}

void RemoteStore::refuse_over_cap(std::size_t files) const {
  if (files <= kMaxRemoteFiles) return;
  throw StoreError(fmt::format("{}: {} files to read, more than the {} that ckptlint reads from one remote repository "
                               "(shards, JSON files and probed names); refused before requesting them",
                               target_.given, files, kMaxRemoteFiles));
}

void RemoteStore::reserve_files(std::size_t count) { refuse_over_cap(files_.fetch_add(count) + count); }

void RemoteStore::ensure_listing() {
  std::lock_guard lock(mutex_);
  if (listed_ || !target_.hub) return;
  const std::string url = fmt::format("{}/api/models/{}/revision/{}", endpoint_, target_.repo, target_.revision);
  HttpError error;
  auto r = http_.get(url, kMaxListingBytes, error);
  if (!r) throw StoreError(error.message);
  if (r->status != 200) fail_status("the Hub API", r->status);
  const std::string prefix = target_.subdir.empty() ? "" : target_.subdir + "/";
  std::string why;
  const bool parsed = parse_hub_listing(
      r->body,
      [&](std::string&& f) {
        if (f.starts_with(prefix) && f.size() > prefix.size()) names_.insert(f.substr(prefix.size()));
      },
      why);
  if (!parsed) throw StoreError(fmt::format("{}: the Hub API answered a file listing {}", target_.given, why));
  listed_ = true;
}

void RemoteStore::list(std::vector<std::string>& files, std::set<std::string>& safetensors) {
  if (target_.hub) {
    ensure_listing();
    // The top level only, as on disk; every .safetensors file there is read: refused here when
    // they are too many, before the listing is copied.
    auto top_level = [](const std::string& n) { return n.find('/') == std::string::npos; };
    refuse_over_cap(files_ + static_cast<std::size_t>(std::count_if(names_.begin(), names_.end(), [&](const std::string& n) {
                      return top_level(n) && n.ends_with(".safetensors");
                    })));
    for (const std::string& n : names_) {
      if (!top_level(n)) continue;
      files.push_back(n);
      if (n.ends_with(".safetensors")) safetensors.insert(n);
    }
    return;
  }
  for (const char* n : kWellKnown) {
    if (!exists(n)) continue;
    files.emplace_back(n);
    if (std::string_view(n).ends_with(".safetensors")) safetensors.insert(n);
  }
}

bool RemoteStore::exists(const std::string& name) {
  if (target_.hub) {
    ensure_listing();
    return names_.count(name) != 0;
  }
  {
    std::lock_guard lock(mutex_);
    if (auto it = probed_.find(name); it != probed_.end()) return it->second;
  }
  // No listing: one byte says whether it is there.
  reserve_files(1);
  HttpError error;
  auto r = http_.get_range(file_url(name), 0, 1, error);
  bool found;
  if (!r) throw StoreError(error.message);
  if (r->status == 206 || r->status == 416) found = true;  // 416: an empty file
  else if (r->status == 404) found = false;
  else fail_status(file_url(name), r->status);
  std::lock_guard lock(mutex_);
  probed_[name] = found;
  return found;
}

std::optional<std::string> RemoteStore::read_text(const std::string& name, std::uint64_t max_bytes, std::string& reason) {
  reserve_files(1);
  HttpError error;
  auto r = http_.get(file_url(name), max_bytes, error);
  if (!r) {
    // Larger than allowed is the file's problem (a finding); anything else stops the run.
    if (error.too_large) {
      reason = fmt::format("file is above the {}-byte limit", max_bytes);
      return std::nullopt;
    }
    throw StoreError(error.message);
  }
  if (r->status == 404) {
    reason = "not found on the server";
    return std::nullopt;
  }
  if (r->status != 200) fail_status(file_url(name), r->status);
  return std::move(r->body);
}

std::unique_ptr<SequentialFile> RemoteStore::open_sequential(const std::string& name, std::uint64_t remote_prefix, std::string& reason) {
  HttpError error;
  const std::string url = file_url(name);
  auto r = http_.get_range(url, 0, std::max<std::uint64_t>(1, std::min(remote_prefix, kMaxPrefixBytes)), error);
  if (!r) throw StoreError(error.message);
  if (r->status == 404) {
    reason = "not found on the server";
    return nullptr;
  }
  if (r->status == 416) return std::make_unique<PrefixFile>("", 0);  // no byte 0: an empty file
  if (r->status != 206 || !r->total) fail_status(url, r->status);
  return std::make_unique<PrefixFile>(std::move(r->body), *r->total);
}

Shard RemoteStore::read_one(const std::string& name, std::vector<LoadProblem>& problems) {
  HttpError error;
  const std::string url = file_url(name);
  auto r = http_.get_range(url, 0, kHeadBytes, error);
  if (!r) throw StoreError(error.message);
  if (r->status == 404) {
    Shard shard;
    shard.file = name;
    shard.exists = false;
    add_problem(problems, LoadProblemCode::file_unreadable, name, "", {{"reason", "not found on the server (404)"}});
    return shard;
  }
  if (r->status == 416) {  // no byte 0: an empty file
    MemorySource empty("");
    return read_safetensors_header(name, empty, problems);
  }
  if (r->status != 206 || !r->total) fail_status(url, r->status);
  RemoteSource source(http_, r->url, *r->total, std::move(r->body));
  Shard shard = read_safetensors_header(name, source, problems);
  if (!source.error().empty()) throw StoreError(source.error());
  return shard;
}

std::vector<Shard> RemoteStore::read_shards(const std::vector<std::string>& names, std::vector<LoadProblem>& problems) {
  reserve_files(names.size());
  std::vector<Shard> shards(names.size());
  std::vector<std::vector<LoadProblem>> found(names.size());
  std::vector<std::string> errors(names.size());
  parallel_for(names.size(), kMaxParallel, [&](std::size_t i) {
    try {
      shards[i] = read_one(names[i], found[i]);
    } catch (const StoreError& e) {
      errors[i] = e.what();
    }
  });
  for (const std::string& e : errors) {
    if (!e.empty()) throw StoreError(e);
  }
  for (auto& f : found) {
    for (LoadProblem& p : f) problems.push_back(std::move(p));
  }
  return shards;
}

}  // namespace ckptlint
