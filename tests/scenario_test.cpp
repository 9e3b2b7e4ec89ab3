// SPDX-License-Identifier: Apache-2.0
// Whole scenarios through every default rule, as a user meets them.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "recipe.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

Report lint_recipe(const std::string& text, const std::string& tag) {
  const RuleSet& rules = testing::source_rules();
  testing::ScratchDir dir(tag);
  testing::LoadedRecipe loaded;
  testing::load_recipe(testing::recipe_from_text(text, dir.path()), dir.path() + "/ckpt", loaded);
  return loaded.run(rules, {});
}

// The findings of a report besides the adapter summary (always there, info).
std::vector<const Finding*> problems(const Report& r) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings) {
    if (f.rule_id != "adapter-summary") out.push_back(&f);
  }
  return out;
}

const Finding* find(const Report& r, const std::string& rule) {
  for (const Finding& f : r.findings) {
    if (f.rule_id == rule) return &f;
  }
  return nullptr;
}

// PRODUCT.md §1.1: an E4B 8-bit base, LoRA targets (q_proj, v_proj of layers 0-28)
// dequantized to BF16 with .scales/.biases deleted, every other layer still quantized,
// config.json still 8-bit, one model.safetensors and the index deleted.
const char* kHandFused = R"(
gemma4:
  preset: e4b
  quant: affine-8
  recipe: ple-safe
  single-file: true
  index: false
  mutate:
    - {dequantize: "language_model.model.layers.*.self_attn.q_proj", layers: [0, 28]}
    - {dequantize: "language_model.model.layers.*.self_attn.v_proj", layers: [0, 28]}
)";

TEST(Scenario, hand_fused_e4b_names_the_mixed_quantization_and_the_stale_config) {
  Report r = lint_recipe(kHandFused, "hand-fused");
  const Finding* mixed = find(r, "mixed-quantization");
  ASSERT_NE(mixed, nullptr);
  EXPECT_EQ(mixed->severity, Severity::error);
  EXPECT_EQ(mixed->failure_class, FailureClass::mixed_quantization);
  // How many are float vs still quantized, and which, grouped by layer and kind.
  EXPECT_NE(mixed->message.find("58 modules are float"), std::string::npos) << mixed->message;
  EXPECT_NE(mixed->message.find("self_attn.q_proj in layers 0-28"), std::string::npos) << mixed->message;
  EXPECT_NE(mixed->message.find("self_attn.q_proj in layers 29-41"), std::string::npos) << mixed->message;
  EXPECT_NE(mixed->message.find("affine-8"), std::string::npos) << mixed->message;
  EXPECT_EQ(r.target.quantization, "mixed");
  // ...and which config fields went stale.
  const Finding* stale = find(r, "quantization-config-stale");
  ASSERT_NE(stale, nullptr);
  EXPECT_EQ(stale->failure_class, FailureClass::stale_config);
  EXPECT_NE(stale->message.find("quantization and quantization_config still declare affine-8"), std::string::npos) << stale->message;
  // The index was deleted and everything lives in one file: valid, at most info.
  for (const Finding& f : r.findings) {
    if (f.failure_class == FailureClass::shard_index) EXPECT_EQ(f.severity, Severity::info) << f.message;
  }
}

TEST(Scenario, hand_fused_with_dequantized_config_left_behind_is_stale_config) {
  // Everything dequantized, config.json still says 8-bit.
  Report r = lint_recipe(R"(
gemma4: {preset: tiny-e4b, quant: none, mutate: [{config-set: {quantization: {group_size: 64, bits: 8, mode: affine}}}]}
)", "stale");
  const Finding* stale = find(r, "quant-config-without-tensors");
  ASSERT_NE(stale, nullptr);
  EXPECT_EQ(stale->failure_class, FailureClass::stale_config);
  EXPECT_NE(stale->message.find("affine-8"), std::string::npos) << stale->message;
}

TEST(Scenario, valid_single_file_relayout_without_index_is_at_most_info) {
  Report r = lint_recipe("gemma4: {preset: e4b, quant: affine-8, recipe: ple-safe, single-file: true, index: false}\n",
                         "single");
  for (const Finding& f : r.findings) EXPECT_EQ(f.severity, Severity::info) << f.rule_id << ": " << f.message;
}

// One shard of a sharded Gemma 4 that is not there to read (deleted, a broken cache link, a
// Git LFS pointer): that shard is the one finding at warning or above. The layers, tensors and
// quantized triples the index maps to it are declared, not absent: no layer-count-mismatch,
// no missing tensor, no half triple, no gap in the numbering.
struct UnreadShard {
  const char* tag;
  const char* recipe;  // the shard replaced, under `files:`
  const char* rule;
  const char* says;
};

class OneUnreadShard : public ::testing::TestWithParam<UnreadShard> {};

TEST_P(OneUnreadShard, is_one_finding_naming_the_shard) {
  const UnreadShard& c = GetParam();
  Report r = lint_recipe(c.recipe, c.tag);
  std::vector<const Finding*> serious;
  for (const Finding& f : r.findings) {
    if (f.severity != Severity::info) serious.push_back(&f);
  }
  ASSERT_EQ(serious.size(), 1u) << serious.size() << " findings, the second: " << (serious.size() > 1 ? serious[1]->rule_id + ": " + serious[1]->message : "");
  EXPECT_EQ(serious[0]->rule_id, c.rule);
  EXPECT_NE(serious[0]->message.find(c.says), std::string::npos) << serious[0]->message;
}

INSTANTIATE_TEST_SUITE_P(
    Scenario, OneUnreadShard,
    ::testing::Values(
        UnreadShard{"deleted", "gemma4: {preset: tiny-e4b, shard-bytes: 700000}\nfiles:\n  model-00002-of-00003.safetensors: {remove: true}\n",
                    "index-shard-missing", "model-00002-of-00003.safetensors"},
        UnreadShard{"broken_link",
                    "gemma4: {preset: tiny-e4b, shard-bytes: 700000}\nfiles:\n  model-00002-of-00003.safetensors: {symlink: ../../blobs/abc}\n",
                    "file-unreadable", "a broken symbolic link (not downloaded?)"},
        UnreadShard{"lfs_pointer",
                    "gemma4: {preset: tiny-e4b, shard-bytes: 700000}\nfiles:\n  model-00002-of-00003.safetensors: {raw: \"version "
                    "https://git-lfs.github.com/spec/v1\\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\\nsize 4980250784\\n\"}\n",
                    "file-is-lfs-pointer", "Git-LFS pointer"},
        // Quantized modules split across shards: the .weight in one, .scales/.biases in the next.
        UnreadShard{"quantized_split_3", "gemma4: {preset: tiny-e4b, quant: affine-4, shard-bytes: 300000}\nfiles:\n  model-00003-of-00005.safetensors: {remove: true}\n",
                    "index-shard-missing", "model-00003-of-00005.safetensors"},
        UnreadShard{"quantized_split_4", "gemma4: {preset: tiny-e4b, quant: affine-4, shard-bytes: 300000}\nfiles:\n  model-00004-of-00005.safetensors: {remove: true}\n",
                    "index-shard-missing", "model-00004-of-00005.safetensors"}),
    [](const ::testing::TestParamInfo<UnreadShard>& info) { return std::string(info.param.tag); });

TEST(Scenario, ple_quantized_at_4_bits_by_a_default_mlx_vlm_conversion) {
  Report r = lint_recipe("gemma4: {preset: tiny-e2b, quant: affine-4, recipe: mlx-vlm}\n", "ple");
  std::set<std::string> modules;
  for (const Finding& f : r.findings) {
    if (f.rule_id == "ple-quantized-low-bit") modules.insert(f.location.tensor);
  }
  EXPECT_TRUE(modules.count("language_model.model.embed_tokens_per_layer.weight"));
  EXPECT_TRUE(modules.count("language_model.model.per_layer_model_projection.weight"));
  EXPECT_EQ(modules.size(), 2u + 2u * 8u);  // two model-level PLE modules and two per layer
}

// The adapter bar of the adapter issue: each of four broken adapters yields exactly one
// problem, of the expected class, whose message names the numbers.
struct AdapterCase {
  const char* name;
  const char* recipe;
  const char* rule;
  FailureClass failure_class;
  std::vector<const char*> numbers;
};

class AdapterScenario : public ::testing::TestWithParam<AdapterCase> {};

TEST_P(AdapterScenario, one_problem_of_the_expected_class_naming_the_numbers) {
  const AdapterCase& c = GetParam();
  Report r = lint_recipe(c.recipe, c.name);
  std::vector<const Finding*> found = problems(r);
  ASSERT_EQ(found.size(), 1u) << (found.empty() ? "nothing" : found[0]->message);
  EXPECT_EQ(found[0]->rule_id, c.rule);
  EXPECT_EQ(found[0]->failure_class, c.failure_class);
  for (const char* n : c.numbers) EXPECT_NE(found[0]->message.find(n), std::string::npos) << n << " in: " << found[0]->message;
}

INSTANTIATE_TEST_SUITE_P(
    Bar, AdapterScenario,
    ::testing::Values(
        AdapterCase{"legacy", "adapter: {dialect: mlx-vlm-legacy, rank: 8, alpha: 16}\n", "adapter-scale-ambiguous",
                    FailureClass::adapter_scale, {"rank: 8", "alpha: 16.0", "scale 16.0 (alpha)", "2.0 (alpha / rank)", "8× apart"}},
        AdapterCase{"mlx_vlm_scale_16",
                    "adapter: {dialect: mlx-vlm, rank: 8, scale: 16.0, mutate: [{config-set: {lora_parameters.alpha: 16}}]}\n",
                    "adapter-scale-not-alpha-over-rank", FailureClass::adapter_scale,
                    {"16.0 where 2.0 was expected: 8× too strong", "alpha 16 / rank 8"}},
        AdapterCase{"peft_rslora", "adapter: {dialect: peft, rank: 16, alpha: 32, rslora: true}\n", "adapter-rslora-scale",
                    FailureClass::adapter_scale, {"√r = 8.000", "alpha 32.0, r 16", "apply 2.000", "4.00× too weak"}},
        AdapterCase{"nan_in_lora_b",
                    "adapter: {dialect: mlx-lm, mutate: [{plant: \"*layers.4.mlp.down_proj.lora_b\", index: 77, hex: \"c07f\"}]}\n",
                    "tensor-non-finite", FailureClass::non_finite,
                    {"language_model.model.layers.4.mlp.down_proj.lora_b", "1 NaN", "flat index 77"}}),
    [](const ::testing::TestParamInfo<AdapterCase>& info) { return std::string(info.param.name); });

// Clean adapters of the four dialects, against a matching base: no problem at all.
TEST(Scenario, clean_adapters_against_their_base_have_no_problem) {
  for (const char* recipe : {"adapter: {dialect: mlx-lm}\nbase: {preset: tiny-e4b, quant: affine-8}\n",
                             "adapter: {dialect: mlx-vlm}\nbase: {preset: tiny-e4b, quant: affine-4}\n",
                             "adapter: {dialect: mlx-vlm-legacy, rank: 1, alpha: 1}\nbase: {preset: tiny-e4b}\n",
                             "adapter: {dialect: peft}\nbase: {preset: tiny-e4b, variant: hf}\n"}) {
    SCOPED_TRACE(recipe);
    Report r = lint_recipe(recipe, "clean-adapter");
    for (const Finding* f : problems(r)) ADD_FAILURE() << f->rule_id << ": " << f->message;
    EXPECT_EQ(r.findings.size(), 1u) << "the summary";
  }
}

// Every defect in every dialect: the same mutation, spelled in each dialect's tensor names
// and orientation, yields the same rule.
struct Dialect {
  const char* name;
  const char* a;         // A's suffix
  const char* b;         // B's suffix
  const char* b_rank6;   // B of down_proj (out 64) with an inner dimension of 6, in this orientation
  const char* scale_key; // the config field the scale comes from
};

class AdapterDefects : public ::testing::TestWithParam<Dialect> {};

TEST_P(AdapterDefects, each_defect_yields_its_rule) {
  const Dialect& d = GetParam();
  const std::string t = "*layers.1.mlp.down_proj";
  const std::vector<std::pair<std::string, std::string>> defects = {
      {"{drop: \"" + t + d.b + "\"}", "adapter-pair-incomplete"},
      {"{zero: \"" + t + d.b + "\"}", "adapter-lora-b-zero"},
      {"{plant: \"" + t + d.b + "\", index: 9, hex: \"807f\"}", "tensor-non-finite"},
      {"{transpose: \"" + t + ".*\"}", "adapter-layout-transposed"},
      {"{set-shape: \"" + t + d.b + "\", shape: " + d.b_rank6 + "}", "adapter-inner-dims-mismatch"},
      {"{add: {name: \"vision_tower.encoder.layers.0.mlp.fc1.weight\", shape: [8, 8]}}", "adapter-non-lora-tensors"},
      {"{config-remove: \"" + std::string(d.scale_key) + "\"}", "adapter-scale-missing"},
      {"{no-config: true}", "adapter-config-missing"},
  };
  for (const auto& [mutation, rule] : defects) {
    SCOPED_TRACE(mutation);
    std::string recipe = std::string("adapter: {dialect: ") + d.name + ", mutate: [" + mutation + "]}\n";
    Report r = lint_recipe(recipe, std::string("defect-") + d.name);
    bool found = false;
    for (const Finding& f : r.findings) found = found || f.rule_id == rule;
    EXPECT_TRUE(found) << rule << " did not fire";
    for (const Finding& f : r.findings) {
      // Nothing else at warning or above, except what the same defect necessarily implies and
      // the scale ambiguity every legacy mlx-vlm file carries.
      bool implied = (rule == "adapter-config-missing" && f.failure_class == FailureClass::adapter_scale) ||
                     (rule == "adapter-layout-transposed" && f.rule_id == "adapter-rank-mismatch") ||
                     f.rule_id == "adapter-scale-ambiguous";
      if (f.rule_id != rule && !implied) EXPECT_LT(f.severity, Severity::warning) << f.rule_id << ": " << f.message;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Dialects, AdapterDefects,
    ::testing::Values(Dialect{"mlx-lm", ".lora_a", ".lora_b", "[6, 64]", "lora_parameters.scale"},
                      Dialect{"mlx-vlm", ".lora_a", ".lora_b", "[6, 64]", "lora_parameters.scale"},
                      Dialect{"mlx-vlm-legacy", ".A", ".B", "[6, 64]", "alpha"},
                      Dialect{"peft", ".lora_A.weight", ".lora_B.weight", "[64, 6]", "lora_alpha"}),
    [](const ::testing::TestParamInfo<Dialect>& info) {
      std::string n = info.param.name;
      for (char& c : n) c = c == '-' ? '_' : c;
      return n;
    });

}  // namespace
}  // namespace ckptlint
