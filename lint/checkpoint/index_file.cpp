// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/index_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "checkpoint/file_store.h"
#include "checkpoint/json_file.h"
#include "checkpoint/problem_builder.h"
#include "ckptlint/name_index.h"

namespace ckptlint {
namespace fs = std::filesystem;
namespace {

// huggingface.js caps index files at 250 MB; an E4B index is 280 KB.
constexpr std::uint64_t kMaxIndexBytes = 256ull << 20;

}  // namespace

std::string unsafe_path_reason(const std::string& name) {
  if (name.empty()) return "an empty file name";
  if (name.find('\0') != std::string::npos) return "a NUL byte in the name";
  if (name.find("://") != std::string::npos) return "a URL";
  if (name[0] == '/' || name[0] == '\\' || (name.size() > 1 && name[1] == ':')) return "an absolute path";
  for (const fs::path& part : fs::path(name)) {
    if (part == "..") return "a '..' component that leaves the checkpoint directory";
  }
  if (name.find('\\') != std::string::npos) return "a backslash (a Windows path)";
  return "";
}

IndexRead read_index(const fs::path& root) {
  LocalStore store(root);
  return read_index(store);
}

IndexRead read_index(FileStore& store) {
  IndexRead out;
  if (!store.exists(kIndexFileName)) return out;
  JsonFileError error;
  std::optional<ParsedJson> parsed;
  if (std::optional<std::string> text = store.read_text(kIndexFileName, kMaxIndexBytes, error.error)) {
    parsed = parse_json_object(std::move(*text), error, {"weight_map"});
  }
  if (!parsed) {
    add_problem(out.problems, LoadProblemCode::index_not_json, kIndexFileName, "",
                {{"offset", std::to_string(error.offset)}, {"error", error.error}});
    return out;
  }
  // One problem per entry or file name at most: a few of each kept, the rest counted.
  CappedProblems problems(out.problems);
  auto malformed = [&](const std::string& problem) {
    problems.add(LoadProblemCode::index_malformed, kIndexFileName, "", {{"problem", problem}});
  };
  JValue* weight_map = nullptr;
  for (auto& [k, v] : parsed->members) {
    if (k == "weight_map") {
      if (weight_map != nullptr) malformed("'weight_map' appears twice");
      else weight_map = &v;
    }
  }
  if (weight_map == nullptr || weight_map->kind != JValue::Kind::object) {
    malformed(weight_map == nullptr ? "no 'weight_map'" : fmt::format("'weight_map' is a {}, not an object", weight_map->type_name()));
    out.index = JsonFile{kIndexFileName, std::move(parsed->dom), std::move(parsed->text)};
    return out;
  }
  std::vector<JMember>& members = weight_map->members;
  std::unordered_map<std::string_view, std::size_t> counts;  // tensors per file
  NameIndex first_entry(members.size());  // tensor -> its first entry with a file name
  auto tensor_at = [&](std::size_t i) -> std::string_view { return members[i].first; };
  std::vector<bool> kept(members.size(), false);  // the first entry of each tensor, with a file name
  for (std::size_t i = 0; i < members.size(); ++i) {
    const auto& [tensor, file] = members[i];
    if (file.kind != JValue::Kind::string) {
      malformed(fmt::format("weight_map entry '{}' is a {}, not a file name", tensor, file.type_name()));
      continue;
    }
    if (std::size_t first = first_entry.insert(tensor, i, tensor_at); first != NameIndex::npos) {
      malformed(fmt::format("weight_map lists '{}' twice ('{}' and '{}')", tensor, members[first].second.text, file.text));
      continue;
    }
    kept[i] = true;
    ++counts[file.text];
  }
  // By file name, as problems are reported; copied out before the strings move below.
  std::vector<std::pair<std::string, std::size_t>> tensors_per_file(counts.begin(), counts.end());
  std::sort(tensors_per_file.begin(), tensors_per_file.end());
  counts.clear();
  // The views above are gone: the parsed strings can move into the weight map.
  out.weight_map.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (kept[i]) out.weight_map.emplace_back(std::move(members[i].first), std::move(members[i].second.text));
  }
  for (const auto& [file, count] : tensors_per_file) {
    if (std::string reason = unsafe_path_reason(file); !reason.empty()) {
      problems.add(LoadProblemCode::index_unsafe_path, kIndexFileName, "",
                   {{"shard", file}, {"reason", reason}, {"tensors", std::to_string(count)}});
      continue;
    }
    if (!store.exists(file)) {
      problems.add(LoadProblemCode::index_shard_missing, kIndexFileName, "",
                   {{"shard", file}, {"tensors", std::to_string(count)}});
      continue;
    }
    out.shards.insert(file);
  }
  out.index = JsonFile{kIndexFileName, std::move(parsed->dom), std::move(parsed->text)};
  return out;
}

}  // namespace ckptlint
