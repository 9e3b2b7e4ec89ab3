// SPDX-License-Identifier: Apache-2.0
#include "cli/target_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>
#include <string_view>

#include "util/text.h"

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

// Weight formats ckptlint does not read, by file name ending, with what they are.
struct OtherFormat {
  std::string_view suffix;
  std::string_view what;
};
constexpr std::array<OtherFormat, 10> kOtherFormats = {{
    {".bin", "a PyTorch pickle"},  {".pt", "a PyTorch pickle"},  {".pth", "a PyTorch pickle"},
    {".ckpt", "a PyTorch checkpoint"}, {".gguf", "a GGUF file"},   {".ggml", "a GGML file"},
    {".npz", "a NumPy archive"},    {".h5", "a Keras/HDF5 file"}, {".msgpack", "a Flax msgpack file"},
    {".onnx", "an ONNX model"},
}};

const OtherFormat* other_format(std::string_view name) {
  std::string lower = ascii_lower(name);
  for (const OtherFormat& f : kOtherFormats) {
    if (lower.ends_with(f.suffix)) return &f;
  }
  return nullptr;
}

std::string listing(const std::vector<std::string>& names, std::size_t most) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < most; ++i) out += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > most) out += fmt::format(" and {} more", names.size() - most);
  return out;
}

// Subdirectories of a local directory (a parent of model folders, a Hugging Face cache).
std::vector<std::string> subdirectories(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  std::size_t seen = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end && ++seen < 10'000; it.increment(ec)) {
    std::error_code dec;
    if (it->is_directory(dec)) out.push_back(it->path().filename().string() + "/");
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string wrong_file_target(const std::string& path) {
  std::error_code ec;
  if (path.find("://") != std::string::npos || !fs::is_regular_file(path, ec)) return "";
  std::string name = fs::path(path).filename().string();
  if (ascii_lower(name).ends_with(".json")) {
    return fmt::format("'{}' is a JSON file, not a checkpoint: pass the directory that holds it (ckptlint check {})",
                       path, fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string());
  }
  if (const OtherFormat* f = other_format(name)) {
    return fmt::format("'{}' is {}: ckptlint reads safetensors (convert it, e.g. with save_pretrained(..., safe_serialization=True))",
                       path, f->what);
  }
  return "";
}

std::string nothing_to_check(const Checkpoint& ck, const std::string& path) {
  if (ck.kind == "adapter") return "";
  for (const Shard& s : ck.shards) {
    if (s.exists) return "";
  }
  std::vector<std::string> others, json;
  for (const std::string& f : ck.files) {
    if (other_format(f) != nullptr) others.push_back(f);
    else if (ascii_lower(f).ends_with(".json")) json.push_back(f);
  }
  const std::string prefix = fmt::format("nothing to check: '{}'", path);
  if (!others.empty()) {
    return fmt::format("{} holds {} but no .safetensors file; ckptlint reads safetensors (convert first, e.g. with "
                       "save_pretrained(..., safe_serialization=True))", prefix, listing(others, 3));
  }
  std::set<std::string_view> named;
  for (const auto& [tensor, file] : ck.weight_map) named.insert(file);
  if (!named.empty()) {
    return fmt::format("{} has {} naming {} shard file(s), none of them present: the weights are not downloaded "
                       "(git lfs pull, or hf download)", prefix, listing(json, 3), named.size());
  }
  // Names listed as .safetensors with nothing readable behind them: broken links of an
  // interrupted download (a Hugging Face cache snapshot links every file to a blob).
  std::vector<std::string> absent;
  for (const Shard& s : ck.shards) absent.push_back(s.file);
  if (!absent.empty()) {
    return fmt::format("{} has {} but no readable file behind the name (a broken link or not a file): the weights are "
                       "not downloaded (hf download again)", prefix, listing(absent, 3));
  }
  if (!json.empty()) {
    return fmt::format("{} has {} but no .safetensors file: the weights are missing or not downloaded "
                       "(git lfs pull, or hf download)", prefix, listing(json, 3));
  }
  std::vector<std::string> dirs = ck.remote ? std::vector<std::string>{} : subdirectories(ck.root);
  if (!ck.files.empty()) {
    return fmt::format("{} holds no .safetensors file (only {}){}", prefix, listing(ck.files, 5),
                       dirs.empty() ? "" : fmt::format("; it has subdirectories: {}", listing(dirs, 5)));
  }
  if (!dirs.empty()) return fmt::format("{} holds no file, only the directories {}: pass one of them", prefix, listing(dirs, 5));
  return fmt::format("{} is empty: a wrong path, or the model is not downloaded yet", prefix);
}

}  // namespace ckptlint
