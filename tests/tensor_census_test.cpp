// SPDX-License-Identifier: Apache-2.0
// tensor-census looks only at the names whose dot-separated segments hold a glob's literal
// run, and shares one walk between rules of the same parameters: its counts must be those of
// a plain glob walk over every stored and declared name, for globs of every shape, and two
// rules of different parameters must never share a walk.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"
#include "util/glob.h"

namespace ckptlint {
namespace {

using testing::ScratchDir;

// Read from shard 1; shard 2 is declared in the index but not there (a partial download).
const std::vector<std::string> kStored = {
    "lm_head.weight", "model.embed_tokens.weight", "model.layers.0.mlp.experts.1.weight",
    "model.layers.1.self_attn.q_proj.weight", "model.layers.10.self_attn.q_proj.weight",
    "model.layers.12.mlp.experts.0.weight", "model..empty.weight", ".leading", "trailing.",
    "x1.y22.z333", "a.b", "ab", "a.a.a"};
const std::vector<std::string> kDeclared = {"model.layers.2.mlp.experts.7.weight", "vision_tower.blocks.3.attn.qkv.weight",
                                            "model.layers.11.self_attn.q_proj.weight"};

// Globs with '?', digits, dots, no literal at all, a literal only across a dot, empty segments.
const std::vector<std::string> kGlobs = {"*", "?", "*.?.*", "model.layers.?.*", "*layers.1?.*", "*..*", ".*", "*.",
                                         "*_head.*", "x?.y2?.*", "*experts.*", "a.b", "a?b", "*mpty*", "??.*",
                                         "*.weight", "*s.1*", "model.*.*.q_proj*", "*a.a*", "vision*", "*3*", "**", "*?*", "*.*"};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else if (c == '"' || c == '\\') out += std::string("\\") + c;
    else out += c;
  }
  return out + "\"";
}

// A rule that always reports what it counted over `globs`.
void write_census_rule(const std::string& dir, const std::string& id, const std::vector<std::string>& globs) {
  std::string list;
  for (const std::string& g : globs) list += (list.empty() ? "" : ", ") + quoted(g);
  std::ofstream(dir + "/" + id + ".yaml") << "id: " << id << R"(
class: shard-index
severity: info
summary: counts tensors
message: "{count}|{distinct}|{first}"
help: none
primitive: tensor-census
applies-to: {kind: [checkpoint]}
with:
  tensors: [)" << list << R"(]
  number-after: "layers."
  assert: "count < 0"
)";
}

// What a plain walk over every name gives: "count|distinct|first".
std::string plain_walk(const std::vector<std::string>& globs) {
  std::size_t count = 0;
  std::set<std::string> numbers;
  std::string first;
  for (const auto* list : {&kStored, &kDeclared}) {
    for (const std::string& name : *list) {
      bool matched = false;
      for (const std::string& g : globs) matched = matched || glob_match(g, name);
      if (!matched) continue;
      if (count++ == 0 || name < first) first = name;
      if (std::size_t at = name.find("layers."); at != std::string::npos) {
        std::size_t end = name.find_first_not_of("0123456789", at + 7);
        if (end != at + 7) numbers.insert(name.substr(at + 7, end - at - 7));
      }
    }
  }
  return fmt::format("{}|{}|{}", count, numbers.size(), first);
}

// The findings of the rules in `rules_dir` over the checkpoint above, by rule id.
std::map<std::string, std::string> census_of(const ScratchDir& work, const std::string& rules_dir) {
  std::string tensors, weight_map;
  for (const std::string& name : kStored) {
    tensors += fmt::format("      - {{name: {}, dtype: BF16, shape: [2]}}\n", quoted(name));
    weight_map += fmt::format("{}: model-00001-of-00002.safetensors, ", quoted(name));
  }
  for (const std::string& name : kDeclared) weight_map += fmt::format("{}: model-00002-of-00002.safetensors, ", quoted(name));
  std::string recipe = "description: names for tensor-census\nfiles:\n  config.json: {model_type: toy_text}\n"
                       "  model.safetensors.index.json: {metadata: {total_size: 1}, weight_map: {" + weight_map + "}}\n"
                       "  model-00001-of-00002.safetensors:\n    tensors:\n" + tensors;
  std::vector<RuleError> errors;
  RuleSet rules = load_rules({rules_dir}, errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : to_string(errors[0]));
  testing::LoadedRecipe loaded;
  testing::load_recipe(testing::recipe_from_text(recipe, work.path()), work.path() + "/ck", loaded);
  std::map<std::string, std::string> out;
  for (const Finding& f : loaded.run(rules, RunOptions{}).findings) out[f.rule_id] = f.message;
  return out;
}

TEST(TensorCensus, counts_what_a_plain_glob_walk_counts) {
  ScratchDir work("census-walk"), rules("census-walk-rules");
  for (std::size_t i = 0; i < kGlobs.size(); ++i) write_census_rule(rules.path(), fmt::format("census-{}", i), {kGlobs[i]});
  write_census_rule(rules.path(), "census-pair", {"*experts.0*", "*q_proj*"});
  std::map<std::string, std::string> found = census_of(work, rules.path());
  for (std::size_t i = 0; i < kGlobs.size(); ++i) {
    EXPECT_EQ(found[fmt::format("census-{}", i)], plain_walk({kGlobs[i]})) << kGlobs[i];
  }
  EXPECT_EQ(found["census-pair"], plain_walk({"*experts.0*", "*q_proj*"}));
}

// Rules of the same parameters share one walk; of different parameters, never, whatever
// bytes their globs hold (a --rules pack may write any).
TEST(TensorCensus, rules_share_a_walk_only_with_the_same_parameters) {
  ScratchDir work("census-keys"), rules("census-keys-rules");
  write_census_rule(rules.path(), "census-two-globs", {"*", "*"});
  write_census_rule(rules.path(), "census-one-glob", {"*\x1f*"});
  write_census_rule(rules.path(), "census-same", {"*", "*"});
  std::map<std::string, std::string> found = census_of(work, rules.path());
  EXPECT_EQ(found["census-two-globs"], plain_walk({"*"}));
  EXPECT_EQ(found["census-same"], plain_walk({"*"}));
  EXPECT_EQ(found["census-one-glob"], "0|0|");
}

}  // namespace
}  // namespace ckptlint
