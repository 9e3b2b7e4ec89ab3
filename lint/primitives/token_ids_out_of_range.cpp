// SPDX-License-Identifier: Apache-2.0
// Token ids at or past the embedding's rows: an id the model has no row for crashes the
// lookup (an index error on GPU, garbage on some runtimes) the first time it is used.
//
//   source: config      token ids in config.json (top level and text_config) and
//                       generation_config.json, under keys matching `keys` (globs); one match
//                       per key holding such an id
//   source: tokenizer   the ids the tokenizer defines (tokenizer.json's vocabulary and added
//                       tokens, tokenizer_config.json's added_tokens_decoder); one match per
//                       file, with how many and which
//   limit: expression   the number of rows (ids must be below it); no limit, no check
//   except: expression  token strings that may sit past it (defined, never embedded: Gemma 3's
//                       image soft token); their ids are left out
//   tensors: {name: glob}  variables for `limit` (tensor_vars.h)
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "analysis/analysis.h"
#include "primitives/primitive.h"
#include "primitives/tensor_vars.h"
#include "util/glob.h"

namespace ckptlint {
namespace {

using json = nlohmann::json;

class TokenIdsOutOfRange final : public Primitive {
 public:
  TokenIdsOutOfRange(bool tokenizer, std::vector<std::string> keys, Expr limit, Expr except, TensorGlobs tensors)
      : tokenizer_(tokenizer), keys_(std::move(keys)), limit_(std::move(limit)), except_(std::move(except)), tensors_(std::move(tensors)) {}

  std::vector<std::string> fact_names() const override { return {"file", "key", "id", "limit", "count", "first", "last", "tokens"}; }

  void run(const RunContext& context, MatchSink& out) const override {
    Scope scope;
    scope.parent = &context.scope;
    bind_tensors(context, tensors_, scope.vars);
    json limit = limit_.eval(scope);
    if (!limit.is_number_integer() || limit.get<std::int64_t>() <= 0) return;
    const auto rows = static_cast<std::uint64_t>(limit.get<std::int64_t>());
    std::set<std::string> excepted;
    if (json e = except_.empty() ? json() : except_.eval(scope); e.is_array()) {
      for (const json& v : e) {
        if (v.is_string()) excepted.insert(v.get<std::string>());
      }
    }
    if (tokenizer_) tokenizer_ids(context.checkpoint.side, rows, excepted, out);
    else config_ids(context.checkpoint, rows, out);
  }

 private:
  bool wanted(const std::string& key) const {
    return std::any_of(keys_.begin(), keys_.end(), [&](const std::string& g) { return glob_match(g, key); });
  }

  void config_ids(const Checkpoint& ck, std::uint64_t rows, MatchSink& out) const {
    auto scan = [&](const json& object, const std::string& file, const std::string& prefix) {
      if (!object.is_object()) return;
      for (const auto& [key, value] : object.items()) {
        if (!wanted(key)) continue;
        std::vector<std::uint64_t> ids;
        if (value.is_number_unsigned()) ids.push_back(value.get<std::uint64_t>());
        for (const json& v : value.is_array() ? value : json::array()) {
          if (v.is_number_unsigned()) ids.push_back(v.get<std::uint64_t>());
        }
        auto past = std::find_if(ids.begin(), ids.end(), [&](std::uint64_t id) { return id >= rows; });
        if (past == ids.end()) continue;
        Match m;
        m.location.file = file;
        m.location.json_pointer = "/" + (prefix.empty() ? "" : prefix + "/") + key;
        m.facts = {{"file", file}, {"key", prefix.empty() ? key : prefix + "." + key}, {"id", std::to_string(*past)}, {"limit", std::to_string(rows)},
                   {"count", "1"}, {"first", std::to_string(*past)}, {"last", std::to_string(*past)}, {"tokens", ""}};
        out.push_back(std::move(m));
      }
    };
    if (ck.config) {
      scan(ck.config->value, ck.config->file, "");
      if (ck.config->value.is_object() && ck.config->value.contains("text_config")) scan(ck.config->value["text_config"], ck.config->file, "text_config");
    }
    if (ck.side.generation_config) scan(ck.side.generation_config->value, "generation_config.json", "");
  }

  void tokenizer_ids(const SideFiles& side, std::uint64_t rows, const std::set<std::string>& excepted, MatchSink& out) const {
    struct Past {
      std::uint64_t count = 0, first = UINT64_MAX, last = 0;
      std::vector<std::string> names;
      void add(std::uint64_t id, const std::string& name) {
        ++count;
        first = std::min(first, id);
        last = std::max(last, id);
        if (names.size() < 3 && !name.empty()) names.push_back("'" + name + "'");
      }
    };
    auto report = [&](const std::string& file, const Past& p) {
      if (p.count == 0) return;
      Match m;
      m.location.file = file;
      m.facts = {{"file", file}, {"key", ""}, {"id", std::to_string(p.first)}, {"limit", std::to_string(rows)}, {"count", std::to_string(p.count)},
                 {"first", std::to_string(p.first)}, {"last", std::to_string(p.last)},
                 {"tokens", p.names.empty() ? std::string("vocabulary pieces") : fmt::format("{}", fmt::join(p.names, ", "))}};
      out.push_back(std::move(m));
    };
    std::set<std::uint64_t> added_ids;
    if (side.tokenizer) {
      Past p;
      for (const AddedToken& a : side.tokenizer->added) {
        added_ids.insert(a.id);
        if (a.id >= rows && excepted.count(a.content) == 0) p.add(a.id, a.content);
      }
      // Vocabulary ids past the rows that no added token accounts for.
      if (side.tokenizer->vocab_max_id && *side.tokenizer->vocab_max_id >= rows) {
        const std::uint64_t top = *side.tokenizer->vocab_max_id;
        std::uint64_t covered = 0, first = rows;
        for (std::uint64_t id : added_ids) covered += id >= rows && id <= top ? 1 : 0;
        while (added_ids.count(first) != 0) ++first;
        if (top - rows + 1 > covered) {
          p.count += top - rows + 1 - covered;
          p.first = std::min(p.first, first);
          p.last = std::max(p.last, top);
        }
      }
      report("tokenizer.json", p);
    }
    Past p;
    for (const AddedToken& a : side.config_added) {
      if (a.id >= rows && excepted.count(a.content) == 0 && added_ids.count(a.id) == 0) p.add(a.id, a.content);
    }
    report("tokenizer_config.json", p);
  }

  bool tokenizer_;
  std::vector<std::string> keys_;
  Expr limit_, except_;
  TensorGlobs tensors_;
};

}  // namespace

std::unique_ptr<Primitive> make_token_ids_out_of_range(PrimitiveArgs& with) {
  with.allow_only({"source", "keys", "limit", "except", "tensors"});
  std::string source = with.string("source", true);
  if (!source.empty() && source != "config" && source != "tokenizer") with.error(with.node()["source"], "'source' must be config or tokenizer");
  std::vector<std::string> keys = with.strings("keys", source == "config");
  Expr limit = with.expression("limit", true), except = with.expression("except", false);
  TensorGlobs tensors = tensor_globs(with);
  if (source.empty() || limit.empty()) return nullptr;
  return std::make_unique<TokenIdsOutOfRange>(source == "tokenizer", std::move(keys), std::move(limit), std::move(except), std::move(tensors));
}

}  // namespace ckptlint
