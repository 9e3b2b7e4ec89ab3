// SPDX-License-Identifier: Apache-2.0
// Side files the base model has and this checkpoint lost, or changed: in `ckptlint diff`
// (the base is the diff's) and `ckptlint check FUSED --base BASE`. A merge script that
// rebuilds the directory from the weights drops generation_config.json, the template or the
// processor files; one that re-saves the tokenizer rewrites its special tokens.
//
//   check: lost | changed
//   files: {name: note}   the files, each with what a runtime does without it (or with it changed)
//   keys: [...]           changed: only these top-level keys of a JSON file count (default: all)
//   ignore: [...]         changed: top-level keys that never count (transformers_version, ...)
#include <fmt/format.h>

#include <algorithm>

#include "analysis/analysis.h"
#include "primitives/primitive.h"

namespace ckptlint {
namespace {

using json = nlohmann::json;

// A value for a message: short, on one line.
std::string brief(const json& v) {
  if (v.is_null()) return "absent";
  std::string s = v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump();
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

bool has(const Checkpoint& ck, const std::string& file) { return std::binary_search(ck.files.begin(), ck.files.end(), file); }

// config.json (where eos_token_id also is) or a JSON side file.
const JsonFile* json_of(const Checkpoint& ck, const std::string& file) {
  if (ck.config && ck.config->file == file) return &*ck.config;
  return ck.side.json(file);
}

class SideFileDrift final : public Primitive {
 public:
  SideFileDrift(bool lost, std::vector<std::pair<std::string, std::string>> files, std::vector<std::string> keys,
                std::vector<std::string> ignore)
      : lost_(lost), files_(std::move(files)), keys_(std::move(keys)), ignore_(std::move(ignore)) {}

  std::vector<std::string> fact_names() const override { return {"file", "note", "change"}; }

  void run(const RunContext& context, MatchSink& out) const override {
    const Checkpoint* base = context.analysis.side_base();
    if (base == nullptr) return;
    const Checkpoint& ck = context.checkpoint;
    for (const auto& [file, note] : files_) {
      if (!has(*base, file)) continue;
      std::string change, key;
      if (lost_) {
        if (has(ck, file)) continue;
        change = "lost";
      } else {
        if (!has(ck, file)) continue;
        change = changed(*base, ck, file, key);
        if (change.empty()) continue;
      }
      Match m;
      m.location.file = file;
      if (!key.empty()) m.location.json_pointer = "/" + key;
      m.facts = {{"file", file}, {"note", note}, {"change", change}};
      out.push_back(std::move(m));
    }
  }

 private:
  bool counts(const std::string& key) const {
    if (std::find(ignore_.begin(), ignore_.end(), key) != ignore_.end()) return false;
    return keys_.empty() || std::find(keys_.begin(), keys_.end(), key) != keys_.end();
  }

  // What differs between the two files, for a person ("" when nothing that counts does);
  // `first_key`: the first top-level key of a JSON file that differs.
  std::string changed(const Checkpoint& base, const Checkpoint& ck, const std::string& file, std::string& first_key) const {
    if (const JsonFile* b = json_of(base, file)) {
      const JsonFile* f = json_of(ck, file);
      if (f == nullptr || !b->value.is_object() || !f->value.is_object()) return "";
      std::vector<std::string> diffs;
      std::vector<std::string> keys;
      for (const auto& [k, v] : b->value.items()) keys.push_back(k);
      for (const auto& [k, v] : f->value.items()) {
        if (!b->value.contains(k)) keys.push_back(k);
      }
      for (const std::string& k : keys) {
        if (!counts(k)) continue;
        json was = b->value.value(k, json()), now = f->value.value(k, json());
        if (was == now) continue;
        if (diffs.empty()) first_key = k;
        diffs.push_back(fmt::format("{}: {} -> {}", k, brief(was), brief(now)));
      }
      if (diffs.empty()) return "";
      std::string text = diffs.front();
      for (std::size_t i = 1; i < std::min<std::size_t>(diffs.size(), 3); ++i) text += "; " + diffs[i];
      if (diffs.size() > 3) text += fmt::format("; {} more", diffs.size() - 3);
      return text;
    }
    if (file == "chat_template.jinja" && base.side.chat_template_jinja && ck.side.chat_template_jinja) {
      const std::string &was = *base.side.chat_template_jinja, &now = *ck.side.chat_template_jinja;
      if (was == now) return "";
      std::size_t at = 0;
      while (at < was.size() && at < now.size() && was[at] == now[at]) ++at;
      return fmt::format("the template text differs from byte {} on ({} bytes in the base, {} now)", at, was.size(), now.size());
    }
    if (file == "tokenizer.json" && base.side.tokenizer && ck.side.tokenizer) {
      const TokenizerSummary &was = *base.side.tokenizer, &now = *ck.side.tokenizer;
      if (was.vocab_entries != now.vocab_entries && was.vocab_entries && now.vocab_entries) {
        return fmt::format("model.vocab: {} -> {} entries", *was.vocab_entries, *now.vocab_entries);
      }
      std::vector<std::string> added;
      for (const AddedToken& t : now.added) {
        bool same = std::any_of(was.added.begin(), was.added.end(), [&](const AddedToken& w) { return w.id == t.id && w.content == t.content; });
        if (!same) added.push_back(fmt::format("'{}' ({})", t.content, t.id));
      }
      if (!added.empty()) return fmt::format("{} added token(s) not in the base: {}{}", added.size(), added.front(), added.size() > 1 ? ", ..." : "");
    }
    return "";
  }

  bool lost_;
  std::vector<std::pair<std::string, std::string>> files_;
  std::vector<std::string> keys_, ignore_;
};

}  // namespace

std::unique_ptr<Primitive> make_side_file_drift(PrimitiveArgs& with) {
  with.allow_only({"check", "files", "keys", "ignore"});
  std::string check = with.string("check", true);
  if (!check.empty() && check != "lost" && check != "changed") with.error(with.node()["check"], "'check' must be lost or changed");
  std::vector<std::pair<std::string, std::string>> files;
  const DocNode& node = with.node()["files"];
  if (!node.is_map()) {
    with.error(node, "'files' must map file names to what a runtime does without them");
  } else {
    for (const auto& m : node.members()) {
      if (!m.second.is_scalar()) with.error(m.second, "a file's note must be a string");
      else files.emplace_back(m.first.scalar(), m.second.scalar());
    }
  }
  std::vector<std::string> keys = with.strings("keys", false), ignore = with.strings("ignore", false);
  if (check.empty() || files.empty()) return nullptr;
  return std::make_unique<SideFileDrift>(check == "lost", std::move(files), std::move(keys), std::move(ignore));
}

}  // namespace ckptlint
