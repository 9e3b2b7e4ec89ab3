// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/side_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "checkpoint/json_file.h"
#include "checkpoint/problem_builder.h"
#include "checkpoint/tokenizer_json.h"
#include "util/parallel.h"

namespace ckptlint {
namespace {

// Gemma 3n's tokenizer_config.json is 1.2 MB (its added_tokens_decoder); a template is tens of KB.
constexpr std::uint64_t kMaxSideJsonBytes = 16ull << 20;
constexpr std::uint64_t kMaxTemplateBytes = 4ull << 20;
constexpr std::string_view kLfsPointer = "version https://git-lfs.github.com/spec/";
// Over HTTP, tokenizer.json's first MiB: its added tokens (where a Gemma's special tokens
// are) come first; its vocabulary, tens of MB later, is said not to have been read.
constexpr std::uint64_t kTokenizerRemotePrefix = 1u << 20;
constexpr const char* kLfsReason = "it is a Git LFS pointer, not the file (clone with git-lfs, or run git lfs pull)";

struct JsonSide {
  const char* name;
  std::optional<JsonFile> SideFiles::*slot;
};
constexpr JsonSide kJsonSides[] = {
    {"tokenizer_config.json", &SideFiles::tokenizer_config},   {"generation_config.json", &SideFiles::generation_config},
    {"special_tokens_map.json", &SideFiles::special_tokens_map}, {"chat_template.json", &SideFiles::chat_template_json},
    {"processor_config.json", &SideFiles::processor_config},   {"preprocessor_config.json", &SideFiles::preprocessor_config},
};

void unreadable(std::vector<LoadProblem>& problems, const std::string& file, const std::string& error) {
  add_problem(problems, LoadProblemCode::side_file_unreadable, file, "", {{"error", error}});
}

// tokenizer_config.json keeps its thousands of added_tokens_decoder entries out of the DOM:
// they become a list of (id, content).
void read_added_tokens(const ParsedJson& parsed, SideFiles& out, std::vector<LoadProblem>& problems) {
  for (const auto& [key, value] : parsed.members) {
    if (key != "added_tokens_decoder") continue;
    if (value.kind != JValue::Kind::object) {
      unreadable(problems, "tokenizer_config.json", fmt::format("added_tokens_decoder is {}, not an object of tokens by id", value.type_name()));
      return;
    }
    bool said = false;  // the first bad entry stands for all of them
    for (const auto& m : value.members) {
      AddedToken t;
      if (added_token_from(m.first, m.second, t)) {
        out.config_added.push_back(std::move(t));
      } else if (!said) {
        said = true;
        unreadable(problems, "tokenizer_config.json",
                   fmt::format("added_tokens_decoder entry '{}' is not an id with a string 'content'", m.first.substr(0, 40)));
      }
    }
    std::stable_sort(out.config_added.begin(), out.config_added.end(), [](const AddedToken& a, const AddedToken& b) { return a.id < b.id; });
    return;  // a repeated key: the first one, as the DOM keeps it
  }
}

void read_json_side(FileStore& store, const JsonSide& side, SideFiles& out, std::vector<LoadProblem>& problems) {
  JsonFileError error;
  std::optional<std::string> text = store.read_text(side.name, kMaxSideJsonBytes, error.error);
  const bool tokenizer_config = std::string_view(side.name) == "tokenizer_config.json";
  std::optional<ParsedJson> parsed;
  if (text) parsed = parse_json_object(std::move(*text), error, tokenizer_config ? std::vector<std::string>{"added_tokens_decoder"} : std::vector<std::string>{});
  if (!parsed) {
    unreadable(problems, side.name, text && error.offset > 0 ? fmt::format("not a JSON object (byte {}): {}", error.offset, error.error) : error.error);
    return;
  }
  if (tokenizer_config) read_added_tokens(*parsed, out, problems);
  out.*side.slot = JsonFile{side.name, std::move(parsed->dom), std::move(parsed->text)};
}

void read_template(FileStore& store, SideFiles& out, std::vector<LoadProblem>& problems) {
  std::string reason;
  std::optional<std::string> text = store.read_text("chat_template.jinja", kMaxTemplateBytes, reason);
  if (!text) {
    unreadable(problems, "chat_template.jinja", reason);
  } else if (text->starts_with(kLfsPointer)) {
    unreadable(problems, "chat_template.jinja", kLfsReason);
  } else {
    out.chat_template_jinja = std::move(*text);
  }
}

}  // namespace

void read_tokenizer_json(FileStore& store, SideFiles& out, std::vector<LoadProblem>& problems) {
  std::string reason;
  std::unique_ptr<SequentialFile> file = store.open_sequential("tokenizer.json", kTokenizerRemotePrefix, reason);
  if (!file) {
    unreadable(problems, "tokenizer.json", reason);
    return;
  }
  out.tokenizer = scan_tokenizer_json(*file, "tokenizer.json", problems);
}

namespace {

// tokenizer.model is a SentencePiece protobuf: only its presence matters to the rules, and its
// size and first bytes (empty, or a Git LFS pointer, it loads nowhere).
void read_tokenizer_model(FileStore& store, SideFiles& out, std::vector<LoadProblem>& problems) {
  out.tokenizer_model = true;
  std::string reason;
  std::unique_ptr<SequentialFile> file = store.open_sequential("tokenizer.model", kLfsPointer.size(), reason);
  if (!file) {
    unreadable(problems, "tokenizer.model", reason);
    return;
  }
  out.tokenizer_model_bytes = file->size();
  std::string head(static_cast<std::size_t>(std::min<std::uint64_t>(file->size(), kLfsPointer.size())), '\0');
  head.resize(file->read(head.data(), head.size()));
  if (file->size() == 0) unreadable(problems, "tokenizer.model", "the file is empty");
  else if (head.starts_with(kLfsPointer)) unreadable(problems, "tokenizer.model", kLfsReason);
}

}  // namespace

bool side_file_there(FileStore& store, const std::vector<std::string>& files, const std::string& name) {
  if (std::find(files.begin(), files.end(), name) != files.end()) return true;
  // The listing leaves directories out; one under a side file's name is that file, unreadable.
  return !store.local_root().empty() && store.exists(name);
}

void read_side_files(FileStore& store, const std::vector<std::string>& files, SideFiles& out, std::vector<LoadProblem>& problems) {
  auto has = [&](const char* name) { return side_file_there(store, files, name); };
  // Each read is its own task with its own problem list, merged in task order: over HTTP each
  // is a round trip, so they run concurrently; on disk they are a few small reads in a row.
  std::vector<std::function<void(SideFiles&, std::vector<LoadProblem>&)>> tasks;
  for (const JsonSide& side : kJsonSides) {
    if (has(side.name)) tasks.emplace_back([&store, &side](SideFiles& o, std::vector<LoadProblem>& p) { read_json_side(store, side, o, p); });
  }
  if (has("chat_template.jinja")) tasks.emplace_back([&store](SideFiles& o, std::vector<LoadProblem>& p) { read_template(store, o, p); });
  if (has("tokenizer.model")) tasks.emplace_back([&store](SideFiles& o, std::vector<LoadProblem>& p) { read_tokenizer_model(store, o, p); });
  std::vector<std::vector<LoadProblem>> found(tasks.size());
  std::vector<std::string> failed(tasks.size());
  const bool remote = store.local_root().empty();
  // Tasks write different members of `out`: no two touch the same one. A store that cannot
  // go on (StoreError) stops the run once every task has returned.
  parallel_for(tasks.size(), remote ? 8 : 1, [&](std::size_t i) {
    try {
      tasks[i](out, found[i]);
    } catch (const StoreError& e) {
      failed[i] = e.what();
    }
  });
  for (const std::string& e : failed) {
    if (!e.empty()) throw StoreError(e);
  }
  for (auto& f : found) {
    for (LoadProblem& p : f) problems.push_back(std::move(p));
  }
}

const JsonFile* SideFiles::json(const std::string& file) const {
  for (const JsonSide& side : kJsonSides) {
    if (file == side.name) return (this->*side.slot) ? &*(this->*side.slot) : nullptr;
  }
  return nullptr;
}

}  // namespace ckptlint
