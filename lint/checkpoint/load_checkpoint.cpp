// SPDX-License-Identifier: Apache-2.0
// Assembles a Checkpoint from the files of a store: directory listing, adapter detection,
// config, index and shard headers.
#include "checkpoint/load_from_store.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "checkpoint/index_file.h"
#include "checkpoint/json_file.h"
#include "checkpoint/problem_builder.h"
#include "checkpoint/side_files.h"
#include "util/parallel.h"
#include "util/tensor_names.h"

namespace ckptlint {
namespace {

constexpr std::uint64_t kMaxConfigBytes = 16ull << 20;

// config.json, or for an adapter adapter_config.json: the JSON its rules query.
void read_config(Checkpoint& ck, FileStore& store) {
  const bool adapter = ck.kind == "adapter";
  const char* name = adapter ? "adapter_config.json" : "config.json";
  if (!store.exists(name)) return;
  JsonFileError error;
  std::optional<ParsedJson> parsed;
  if (std::optional<std::string> text = store.read_text(name, kMaxConfigBytes, error.error)) {
    parsed = parse_json_object(std::move(*text), error);
  }
  if (parsed) {
    ck.config = JsonFile{name, std::move(parsed->dom), std::move(parsed->text)};
  } else {
    add_problem(ck.problems, adapter ? LoadProblemCode::adapter_config_not_json : LoadProblemCode::config_not_json, name, "",
                {{"offset", std::to_string(error.offset)}, {"error", error.error}});
  }
}

bool has_file(const Checkpoint& ck, const char* name) {
  return std::find(ck.files.begin(), ck.files.end(), name) != ck.files.end();
}

// An adapter directory: adapter_config.json, or the weights file of an adapter dialect
// without a model config beside it.
void detect_adapter(Checkpoint& ck) {
  bool config = has_file(ck, "adapter_config.json");
  const char* weights = has_file(ck, "adapters.safetensors") ? "adapters.safetensors"
                        : has_file(ck, "adapter_model.safetensors") ? "adapter_model.safetensors" : nullptr;
  if (!config && (weights == nullptr || has_file(ck, "config.json"))) return;
  ck.kind = "adapter";
  if (!config) add_problem(ck.problems, LoadProblemCode::adapter_config_missing, weights, "", {});
  // Training checkpoints beside the config are not the adapter's weights.
  bool any_weights = false;
  for (const std::string& f : ck.files) any_weights = any_weights || (f.ends_with(".safetensors") && !is_training_checkpoint(f));
  if (config && !any_weights) {
    std::string listing;
    for (const std::string& f : ck.files) listing += (listing.empty() ? "" : ", ") + f;
    add_problem(ck.problems, LoadProblemCode::adapter_weights_missing, "adapter_config.json", "", {{"files", listing}});
  }
}

}  // namespace

// The top-level model_type names the architecture; text_config's counts only when the top
// level has none. A drafter (gemma4_assistant) nests a gemma4_text config for its few
// layers and must not be taken for the model it drafts for.
std::vector<std::string> config_model_types(const nlohmann::json& config) {
  for (const nlohmann::json* c : {&config, config.is_object() && config.contains("text_config") ? &config["text_config"] : nullptr}) {
    if (c == nullptr || !c->is_object()) continue;
    auto mt = c->find("model_type");
    if (mt != c->end() && mt->is_string()) return {mt->get<std::string>()};
  }
  return {};
}

const TensorInfo* Checkpoint::find(std::string_view name) const {
  const TensorRef* ref = by_name.find(name);
  return ref == nullptr ? nullptr : &tensor(*ref);
}

void TensorIndex::build(const std::vector<Shard>& shards) {
  std::size_t total = 0;
  for (const Shard& shard : shards) total += shard.tensors.size();
  entries_.clear();
  entries_.reserve(total);
  index_ = NameIndex(total);  // sized once: no rehash per doubling
  auto name_at = [&](std::size_t i) { return entries_[i].first; };
  for (std::size_t s = 0; s < shards.size(); ++s) {
    const std::vector<TensorInfo>& tensors = shards[s].tensors;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      if (index_.insert(tensors[i].name, entries_.size(), name_at) == NameIndex::npos) {
        entries_.emplace_back(tensors[i].name, TensorRef{s, i});
      }
    }
  }
}

const TensorRef* TensorIndex::find(std::string_view name) const {
  std::size_t at = index_.find(name, [&](std::size_t i) { return entries_[i].first; });
  return at == NameIndex::npos ? nullptr : &entries_[at].second;
}

const TensorRef& TensorIndex::at(std::string_view name) const {
  const TensorRef* ref = find(name);
  if (ref == nullptr) throw std::out_of_range("no tensor named " + std::string(name));
  return *ref;
}

const Shard* Checkpoint::shard_of(const TensorInfo& t) const {
  for (const Shard& s : shards) {
    if (!s.tensors.empty() && &t >= s.tensors.data() && &t < s.tensors.data() + s.tensors.size()) return &s;
  }
  return nullptr;
}

namespace {

// Config, index, shards and the small side files of a listed store (or one single file).
void read_files(FileStore& store, const StoreTarget& target, Checkpoint& ck, const std::set<std::string>& to_read) {
  if (target.single_file.empty()) {
    detect_adapter(ck);
    read_config(ck, store);
  }
  // Shards are the *.safetensors files listed in the directory plus those the index names
  // (which may sit in subdirectories). The index is parsed while the listed shards are read
  // (the two are most of a header check, and for a remote target each is a round trip);
  // shards only the index names are read after it.
  // The small side files (tokenizer config, generation config, template, processor) are
  // read beside the shards too, after the index.
  IndexRead index;
  std::vector<LoadProblem> shard_problems, side_problems;
  std::vector<Shard> shards;
  auto read_listed = [&] {
    shards = store.read_shards(std::vector<std::string>(to_read.begin(), to_read.end()), shard_problems);
  };
  auto read_sides = [&] { read_side_files(store, ck.files, ck.side, side_problems); };
  if (!target.single_file.empty()) {
    read_listed();
  } else if (ck.kind != "adapter") {
    run_beside(
        [&] {
          index = read_index(store);
          read_sides();
        },
        read_listed);
  } else {
    run_beside(read_sides, read_listed);
  }
  std::vector<std::string> index_only;
  for (const std::string& name : index.shards) {
    if (to_read.count(name) == 0) index_only.push_back(name);
  }
  if (!index_only.empty()) {
    std::vector<Shard> more = store.read_shards(index_only, shard_problems);
    for (Shard& shard : more) shards.push_back(std::move(shard));
    std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) { return a.file < b.file; });
  }
  ck.shards = std::move(shards);
  for (LoadProblem& p : shard_problems) ck.problems.push_back(std::move(p));
  ck.index = std::move(index.index);
  ck.weight_map = std::move(index.weight_map);
  for (LoadProblem& p : index.problems) ck.problems.push_back(std::move(p));
  for (LoadProblem& p : side_problems) ck.problems.push_back(std::move(p));
  ck.by_name.build(ck.shards);
  if (ck.config && ck.config->value.is_object()) {
    const nlohmann::json& mt = ck.config->value["model_type"];
    if (mt.is_string()) ck.family = mt.get<std::string>();
  }
}

}  // namespace

void load_from_store(FileStore& store, const StoreTarget& target, Checkpoint& ck) {
  ck.display_path = target.display;
  ck.root = store.local_root();
  std::set<std::string> to_read;
  if (!target.single_file.empty()) {
    // A single file: only its own container checks apply.
    to_read.insert(target.single_file);
    ck.files.push_back(target.single_file);
    ck.single_file = true;
    read_files(store, target, ck, to_read);
    return;
  }
  store.list(ck.files, to_read);
  std::sort(ck.files.begin(), ck.files.end());
  // tokenizer.json (tens of MB for a Gemma) is scanned on its own thread from here on,
  // beside everything else the loader reads; the other side files are small.
  std::vector<LoadProblem> tokenizer_problems;
  if (side_file_there(store, ck.files, "tokenizer.json")) {
    run_beside([&] { read_tokenizer_json(store, ck.side, tokenizer_problems); }, [&] { read_files(store, target, ck, to_read); });
  } else {
    read_files(store, target, ck, to_read);
  }
  for (LoadProblem& p : tokenizer_problems) ck.problems.push_back(std::move(p));
}

}  // namespace ckptlint
