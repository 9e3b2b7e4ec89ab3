// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/json_file.h"

#include <fmt/format.h>

#include <algorithm>

#include "checkpoint/file_store.h"

namespace ckptlint {
namespace fs = std::filesystem;

nlohmann::json to_json(const JValue& value) {
  switch (value.kind) {
    case JValue::Kind::null: return nullptr;
    case JValue::Kind::boolean: return value.boolean;
    case JValue::Kind::negative: return value.negative_value;
    case JValue::Kind::unsigned_int: return value.unsigned_value;
    // Python's json (transformers, mlx-lm) reads -0 as the integer 0: so do config rules.
    case JValue::Kind::fractional: return value.text == "-0" ? nlohmann::json(std::uint64_t{0}) : nlohmann::json(std::strtod(value.text.c_str(), nullptr));
    case JValue::Kind::string: return value.text;
    case JValue::Kind::array: {
      nlohmann::json out = nlohmann::json::array();
      for (const JValue& item : value.items) out.push_back(to_json(item));
      return out;
    }
    case JValue::Kind::object: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [k, v] : value.members) {
        if (!out.contains(k)) out[k] = to_json(v);
      }
      return out;
    }
  }
  return nullptr;
}

std::optional<ParsedJson> parse_json_object(std::string text, JsonFileError& error,
                                            const std::vector<std::string>& no_dom) {
  ParsedJson parsed;
  parsed.text = std::move(text);
  JsonStreamResult r = stream_object_members(parsed.text, [&](std::string&& key, JValue&& value) {
    parsed.members.emplace_back(std::move(key), std::move(value));
  });
  // A repository cloned without git-lfs holds pointer texts instead of its JSON files too.
  if (parsed.text.starts_with("version https://git-lfs.github.com/spec/")) {
    error.error = "it is a Git LFS pointer, not the file (clone with git-lfs, or run git lfs pull)";
    return std::nullopt;
  }
  if (r.status == JsonStreamResult::Status::root_not_object) {
    const std::string& type = r.root_type;
    bool vowel = !type.empty() && std::string_view("aeiou").find(type[0]) != std::string_view::npos;
    error.error = fmt::format("the document is {} {}, not an object", vowel ? "an" : "a", type);
    return std::nullopt;
  }
  if (r.status != JsonStreamResult::Status::ok) {
    error.offset = r.error_offset;
    error.error = r.status == JsonStreamResult::Status::trailing_bytes ? "content after the closing brace" : r.error;
    return std::nullopt;
  }
  parsed.dom = nlohmann::json::object();
  for (const auto& [k, v] : parsed.members) {
    if (std::find(no_dom.begin(), no_dom.end(), k) != no_dom.end()) continue;
    if (!parsed.dom.contains(k)) parsed.dom[k] = to_json(v);
  }
  return parsed;
}

std::optional<ParsedJson> read_json_object(const std::string& path, std::uint64_t max_bytes, JsonFileError& error,
                                           const std::vector<std::string>& no_dom) {
  fs::path p(path);
  LocalStore store(p.parent_path().empty() ? fs::path(".") : p.parent_path());
  std::optional<std::string> text = store.read_text(p.filename().string(), max_bytes, error.error);
  if (!text) return std::nullopt;
  return parse_json_object(std::move(*text), error, no_dom);
}

}  // namespace ckptlint
