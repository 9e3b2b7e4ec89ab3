// SPDX-License-Identifier: Apache-2.0
// The Gemma 4 layout model against the published MLX conversions (gemma4-layout.md §8, §11):
// tensor counts and metadata.total_size, byte-exact, for E2B, E4B, 26B-A4B and 31B at bf16, 8
// and 4 bits
// ("PLE-safe" recipe: attention and MLP linears quantized, group size 64). The configs are
// the project's own (fixtures/gen/gemma4_config.cpp), built from the published values.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "rules/rule_packs.h"
#include "gemma4_config.h"
#include "gemma4_writer.h"
#include "layout/expected_tensors.h"
#include "rules/rule_documents.h"

namespace ckptlint {
namespace {

struct Published {
  const char* preset;
  int bits;  // 0 = bf16
  std::size_t tensors;
  std::uint64_t total_size;
};

class PublishedFigures : public ::testing::TestWithParam<Published> {};

TEST_P(PublishedFigures, count_and_total_size_are_byte_exact) {
  const Published& p = GetParam();
  nlohmann::json config = *fixtures::gemma4_config(p.preset);
  if (p.bits != 0) config["quantization"] = {{"group_size", 64}, {"bits", p.bits}, {"mode", "affine"}};
  const LayoutModel* model = layout_for(fixtures::builtin_rules().packs().layouts, {"gemma4"});
  ASSERT_NE(model, nullptr);
  Layout layout = expand_layout(*model, config, "mlx");
  ASSERT_TRUE(layout.problems.empty()) << layout.problems.front();
  std::string error;
  std::vector<ExpectedTensor> tensors = expected_tensors(*model, layout, config, "ple-safe", error, fixtures::builtin_rules().packs().layouts.schemes);
  ASSERT_TRUE(error.empty()) << error;
  std::uint64_t total = 0;
  for (const ExpectedTensor& t : tensors) total += t.nbytes();
  EXPECT_EQ(tensors.size(), p.tensors);
  EXPECT_EQ(total, p.total_size);
}

INSTANTIATE_TEST_SUITE_P(Gemma4, PublishedFigures,
                         ::testing::Values(Published{"e2b", 0, 2011, 10'246'357'958},
                                           Published{"e2b", 8, 2501, 8'507'851'718},
                                           Published{"e2b", 4, 2501, 7'580'648'390},
                                           Published{"e4b", 0, 2130, 15'992'314'836},
                                           Published{"e4b", 8, 2718, 12'293'626'836},
                                           Published{"e4b", 4, 2718, 10'320'993'236},
                                           // gemma4-layout.md §11: the published 31B and 26B-A4B.
                                           Published{"31b", 0, 1188, 62'546'177'752},
                                           Published{"31b", 8, 2008, 35'089'870'552},
                                           Published{"31b", 4, 2008, 20'446'506'712},
                                           Published{"26b-a4b", 0, 1043, 51'611'872'412},
                                           Published{"26b-a4b", 8, 1693, 28'648'518'812},
                                           Published{"26b-a4b", 4, 1693, 16'401'396'892}));

TEST(Layout, k_eq_v_layers_moe_and_standardized_vision_follow_the_config) {
  const LayoutModel* model = layout_for(fixtures::builtin_rules().packs().layouts, {"gemma4"});
  Layout dense = expand_layout(*model, *fixtures::gemma4_config("31b"), "mlx");
  ASSERT_TRUE(dense.problems.empty()) << dense.problems.front();
  // Layer 5 is full attention: keys serve as values (no v_proj), 4 global KV heads of 512.
  EXPECT_EQ(dense.find("language_model.model.layers.5.self_attn.v_proj.weight"), nullptr);
  EXPECT_EQ(dense.find("language_model.model.layers.5.self_attn.k_proj.weight")->shape,
            (std::vector<std::uint64_t>{2048, 5376}));
  EXPECT_EQ(dense.find("language_model.model.layers.4.self_attn.v_proj.weight")->shape,
            (std::vector<std::uint64_t>{4096, 5376}));
  // No per-layer embeddings, no audio, no clip scalars; a standardized vision tower.
  EXPECT_EQ(dense.find("language_model.model.embed_tokens_per_layer.weight"), nullptr);
  EXPECT_EQ(dense.find("language_model.model.layers.0.post_per_layer_input_norm.weight"), nullptr);
  EXPECT_EQ(dense.find("vision_tower.encoder.layers.0.self_attn.q_proj.input_min"), nullptr);
  EXPECT_EQ(dense.find("vision_tower.std_scale")->shape, (std::vector<std::uint64_t>{1152}));
  EXPECT_EQ(dense.find("audio_tower.output_proj.weight"), nullptr);
  Layout moe = expand_layout(*model, *fixtures::gemma4_config("26b-a4b"), "mlx");
  ASSERT_TRUE(moe.problems.empty()) << moe.problems.front();
  EXPECT_EQ(moe.find("language_model.model.layers.0.experts.switch_glu.gate_proj.weight")->shape,
            (std::vector<std::uint64_t>{128, 704, 2816}));
  EXPECT_EQ(moe.find("language_model.model.layers.0.experts.switch_glu.down_proj.weight")->shape,
            (std::vector<std::uint64_t>{128, 2816, 704}));
  EXPECT_EQ(moe.find("language_model.model.layers.29.router.proj.weight")->shape, (std::vector<std::uint64_t>{128, 2816}));
  EXPECT_NE(moe.find("language_model.model.layers.29.pre_feedforward_layernorm_2.weight"), nullptr);
  // The dense MLP beside the experts keeps intermediate_size.
  EXPECT_EQ(moe.find("language_model.model.layers.0.mlp.up_proj.weight")->shape, (std::vector<std::uint64_t>{2112, 2816}));
}

TEST(Layout, quantized_experts_pack_their_last_axis) {
  nlohmann::json config = *fixtures::gemma4_config("26b-a4b");
  config["quantization"] = {{"group_size", 64}, {"bits", 4}, {"mode", "affine"}};
  const LayoutModel* model = layout_for(fixtures::builtin_rules().packs().layouts, {"gemma4"});
  Layout layout = expand_layout(*model, config, "mlx");
  std::string error;
  std::vector<ExpectedTensor> tensors = expected_tensors(*model, layout, config, "ple-safe", error, fixtures::builtin_rules().packs().layouts.schemes);
  auto find = [&](const std::string& name) {
    auto it = std::find_if(tensors.begin(), tensors.end(), [&](const ExpectedTensor& t) { return t.name == name; });
    return it == tensors.end() ? std::vector<std::uint64_t>{} : it->shape;
  };
  EXPECT_EQ(find("language_model.model.layers.0.experts.switch_glu.down_proj.weight"), (std::vector<std::uint64_t>{128, 2816, 88}));
  EXPECT_EQ(find("language_model.model.layers.0.experts.switch_glu.down_proj.scales"), (std::vector<std::uint64_t>{128, 2816, 11}));
}

TEST(Layout, kv_shared_layers_and_double_wide_mlp_follow_the_config) {
  nlohmann::json config = *fixtures::gemma4_config("e2b");
  Layout layout = expand_layout(*layout_for(fixtures::builtin_rules().packs().layouts, {"gemma4"}), config, "mlx");
  // E2B: layers 15-34 share KV (k/v optional there) and use a 2x-wide MLP.
  const LayoutEntry* k14 = layout.find("language_model.model.layers.14.self_attn.k_proj.weight");
  const LayoutEntry* k15 = layout.find("language_model.model.layers.15.self_attn.k_proj.weight");
  ASSERT_TRUE(k14 && k15);
  EXPECT_FALSE(k14->optional);
  EXPECT_TRUE(k15->optional);
  EXPECT_EQ(layout.find("language_model.model.layers.14.mlp.up_proj.weight")->shape,
            (std::vector<std::uint64_t>{6144, 1536}));
  EXPECT_EQ(layout.find("language_model.model.layers.15.mlp.up_proj.weight")->shape,
            (std::vector<std::uint64_t>{12288, 1536}));
  // Full-attention layers use global_head_dim: layer 4 is full.
  EXPECT_EQ(layout.find("language_model.model.layers.4.self_attn.q_proj.weight")->shape,
            (std::vector<std::uint64_t>{4096, 1536}));
  // The vision tower has its own layers 0-15 that are never KV-shared.
  EXPECT_FALSE(layout.find("vision_tower.encoder.layers.15.self_attn.k_proj.linear.weight")->optional);
}

TEST(Layout, hf_layout_uses_pytorch_conv_order_and_no_prefix_clash) {
  nlohmann::json config = *fixtures::gemma4_config("e4b");
  Layout layout = expand_layout(*layout_for(fixtures::builtin_rules().packs().layouts, {"gemma4"}), config, "hf");
  const LayoutEntry* conv = layout.find("model.audio_tower.subsample_conv_projection.layer0.conv.weight");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->shape, (std::vector<std::uint64_t>{128, 1, 3, 3}));
  EXPECT_NE(layout.find("model.language_model.layers.0.self_attn.q_proj.weight"), nullptr);
}

// The merged Gemma 3n E2B published as lucas-remigio/gemma-3n-finetuning (float16, transformers
// 4.56.2): its index holds 1,556 tensors and total_size 10,878,876,544: text, MobileNetV5
// vision and Conformer audio. Below, the published config's values that shape tensors.
TEST(Layout, gemma3n_e2b_reproduces_the_published_merge) {
  nlohmann::json config = nlohmann::json::parse(R"({
    "model_type": "gemma3n", "dtype": "float16",
    "text_config": {"model_type": "gemma3n_text", "dtype": "float16", "hidden_size": 2048, "num_hidden_layers": 30,
      "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 256, "intermediate_size": [
        8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192,
        8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192],
      "vocab_size": 262400, "vocab_size_per_layer_input": 262144, "hidden_size_per_layer_input": 256,
      "num_kv_shared_layers": 10, "altup_num_inputs": 4, "laurel_rank": 64},
    "audio_config": {"model_type": "gemma3n_audio", "hidden_size": 1536, "conf_num_hidden_layers": 12,
      "conf_num_attention_heads": 8, "conf_conv_kernel_size": 5, "input_feat_size": 128,
      "sscp_conv_channel_size": [128, 32], "sscp_conv_kernel_size": [[3, 3], [3, 3]],
      "sscp_conv_stride_size": [[2, 2], [2, 2]], "vocab_size": 128},
    "vision_config": {"model_type": "gemma3n_vision", "architecture": "mobilenetv5_300m_enc", "hidden_size": 2048,
      "vocab_size": 128}})");
  const LayoutModel* model = layout_for(fixtures::builtin_rules().packs().layouts, {"gemma3n"});
  ASSERT_NE(model, nullptr);
  Layout layout = expand_layout(*model, config, "hf");
  ASSERT_TRUE(layout.problems.empty()) << layout.problems.front();
  std::string error;
  std::vector<ExpectedTensor> tensors = expected_tensors(*model, layout, config, "mlx-lm", error, fixtures::builtin_rules().packs().layouts.schemes);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_FALSE(tensors.empty());
  // The merge keeps the dead K/V copies of the KV-shared layers (optional) and leaves out the
  // tied lm_head (optional).
  std::size_t stored = 0, required = 0;
  std::uint64_t total = 0;
  for (const ExpectedTensor& t : tensors) {
    required += t.optional ? 0 : 1;
    if (t.name == "lm_head.weight") continue;
    ++stored;
    total += t.nbytes();
  }
  EXPECT_EQ(stored, 1556u);
  EXPECT_EQ(required, 1556u - 10 * 3);
  EXPECT_EQ(total, 10'878'876'544u);
  // KV sharing: layers 20-29 read layer 18's and 19's cache, so their K/V are optional.
  EXPECT_FALSE(layout.find("model.language_model.layers.19.self_attn.k_proj.weight")->optional);
  EXPECT_TRUE(layout.find("model.language_model.layers.20.self_attn.v_proj.weight")->optional);
  EXPECT_EQ(layout.find("model.vision_tower.timm_model.blocks.2.9.attn.key.down_conv.weight")->shape,
            (std::vector<std::uint64_t>{640, 1, 3, 3}));
}

// The embedded packs' layout models compile their tensor templates on first use; what they
// expand to is the same as a model compiled when loaded, also when several threads ask first.
TEST(Layout, models_compiled_on_first_use_expand_as_compiled_when_loaded) {
  std::vector<RuleError> errors;
  std::vector<RuleDocument> documents = read_rule_documents({CKPTLINT_SOURCE_TREE_RULES}, errors);
  ASSERT_TRUE(errors.empty()) << to_string(errors.front());
  RuleSet eager = load_rule_documents(documents, errors);
  const std::string packed = pack_documents(documents);  // outlives what is unpacked from it
  RuleSet deferred = load_rule_documents(unpack_documents(packed), errors);
  ASSERT_TRUE(errors.empty()) << to_string(errors.front());
  const LayoutModels& a = eager.packs().layouts;
  const LayoutModels& b = deferred.packs().layouts;
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  std::vector<std::thread> first_users;
  for (int t = 0; t < 4; ++t) {
    first_users.emplace_back([&b] {
      for (const auto& m : b) EXPECT_FALSE(m->body().tensors.empty());
    });
  }
  for (std::thread& t : first_users) t.join();
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(a.models[i]->name);
    EXPECT_EQ(a.models[i]->name, b.models[i]->name);
    EXPECT_EQ(a.models[i]->body().tensors.size(), b.models[i]->body().tensors.size());
    EXPECT_EQ(a.models[i]->body().constant_slots, b.models[i]->body().constant_slots);
  }
  nlohmann::json config = *fixtures::gemma4_config("e4b");
  Layout from_eager = expand_layout(*layout_for(a, {"gemma4"}), config, "mlx");
  Layout from_deferred = expand_layout(*layout_for(b, {"gemma4"}), config, "mlx");
  ASSERT_EQ(from_eager.entries.size(), from_deferred.entries.size());
  ASSERT_GT(from_eager.entries.size(), 2000u);
  for (std::size_t i = 0; i < from_eager.entries.size(); ++i) {
    EXPECT_EQ(from_eager.entries[i].name, from_deferred.entries[i].name);
    EXPECT_EQ(from_eager.entries[i].shape, from_deferred.entries[i].shape);
    EXPECT_EQ(from_eager.entries[i].dtype, from_deferred.entries[i].dtype);
  }
}

// Layout figures of one config: the tensors `ckptlint layout` lists under the model's default
// recipe, their number and their bytes.
struct Reproduced {
  Layout layout;
  std::size_t count = 0;
  std::uint64_t total = 0;
};

Reproduced reproduce(const char* family, const nlohmann::json& config, const char* variant) {
  Reproduced r;
  const LayoutModel* model = layout_for(fixtures::builtin_rules().packs().layouts, {family});
  if (model == nullptr) {
    ADD_FAILURE() << "no layout model " << family;
    return r;
  }
  r.layout = expand_layout(*model, config, variant);
  EXPECT_TRUE(r.layout.problems.empty()) << r.layout.problems.front();
  std::string error;
  std::vector<ExpectedTensor> tensors =
      expected_tensors(*model, r.layout, config, model->body().default_recipe, error, fixtures::builtin_rules().packs().layouts.schemes);
  EXPECT_TRUE(error.empty()) << error;
  r.count = tensors.size();
  for (const ExpectedTensor& t : tensors) r.total += t.nbytes();
  return r;
}

// Molmo-7B-D in bitsandbytes NF4 as published by reubzdubz/Molmo7B_D_NF4Quant (custom code,
// float16): 921 tensors, total_size 6,661,964,712. The skip list keeps the vision backbone,
// the output head (model.transformer.ff_out; the blocks' ff_out are quantized: the list
// matches a module's name from its start) and the final norm float. The config's values that
// shape tensors, as published.
TEST(Layout, molmo_7b_d_nf4_reproduces_the_published_index) {
  nlohmann::json config = nlohmann::json::parse(R"({
    "model_type": "molmo", "architectures": ["MolmoForCausalLM"], "torch_dtype": "float16",
    "hidden_size": 3584, "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4,
    "intermediate_size": 37888, "embedding_size": 152064, "vocab_size": 152064, "qkv_bias": true,
    "weight_tying": false, "tie_word_embeddings": false,
    "quantization_config": {"quant_method": "bitsandbytes", "_load_in_4bit": true, "load_in_4bit": true,
      "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": false, "bnb_4bit_quant_storage": "uint8",
      "llm_int8_skip_modules": ["model.vision_backbone", "model.transformer.ff_out", "model.transformer.ln_f"]}})");
  Reproduced r = reproduce("molmo", config, "hf");
  EXPECT_EQ(r.count, 921u);
  EXPECT_EQ(r.total, 6'661'964'712u);
  // Fused q/k/v: 28 query heads and 2 × 4 key/value heads of 128.
  EXPECT_EQ(r.layout.find("model.transformer.blocks.0.att_proj.weight")->shape, (std::vector<std::uint64_t>{4608, 3584}));
  // The attention pooling reads two ViT layers' features side by side.
  EXPECT_EQ(r.layout.find("model.vision_backbone.image_pooling_2d.wq.weight")->shape, (std::vector<std::uint64_t>{1024, 2048}));
}

// poolside/Laguna-XS-2.1-NVFP4-mlx (the derived inventory at revision 841778bd): 912 tensors,
// total_size 21,561,408,512. Heads per layer from a config list (48 in the full-attention
// layers, 64 in the sliding ones), per-head gates, a dense layer 0, 256 stacked experts; only
// the experts and the shared expert are NVFP4 (U32 weight, U8 scales, no biases).
TEST(Layout, laguna_xs_2_1_nvfp4_reproduces_the_published_inventory) {
  nlohmann::json heads = nlohmann::json::array(), gating = nlohmann::json::array(), mlp = nlohmann::json::array(),
                 types = nlohmann::json::array();
  for (int layer = 0; layer < 40; ++layer) {
    bool full = layer % 4 == 0;
    heads.push_back(full ? 48 : 64);
    types.push_back(full ? "full_attention" : "sliding_attention");
    gating.push_back("per_head");
    mlp.push_back(layer == 0 ? "dense" : "sparse");
  }
  nlohmann::json config = nlohmann::json::parse(R"({
    "model_type": "laguna", "architectures": ["LagunaForCausalLM"], "torch_dtype": "bfloat16",
    "hidden_size": 2048, "num_hidden_layers": 40, "num_attention_heads": 48, "num_key_value_heads": 8,
    "head_dim": 128, "intermediate_size": 8192, "vocab_size": 100352, "attention_bias": false,
    "gating": "per-head", "num_experts": 256, "num_experts_per_tok": 8, "moe_intermediate_size": 512,
    "shared_expert_intermediate_size": 512, "tie_word_embeddings": false,
    "quantization": {"bits": 4, "group_size": 16, "mode": "nvfp4"},
    "quantization_config": {"bits": 4, "group_size": 16, "mode": "nvfp4"}})");
  config["num_attention_heads_per_layer"] = heads;
  config["gating_types"] = gating;
  config["mlp_layer_types"] = mlp;
  config["layer_types"] = types;
  Reproduced r = reproduce("laguna", config, "mlx");
  EXPECT_EQ(r.count, 912u);
  EXPECT_EQ(r.total, 21'561'408'512u);
  EXPECT_EQ(r.layout.find("model.layers.0.self_attn.q_proj.weight")->shape, (std::vector<std::uint64_t>{6144, 2048}));
  EXPECT_EQ(r.layout.find("model.layers.1.self_attn.g_proj.weight")->shape, (std::vector<std::uint64_t>{64, 2048}));
  EXPECT_EQ(r.layout.find("model.layers.0.mlp.switch_mlp.up_proj.weight"), nullptr);
  EXPECT_EQ(r.layout.find("model.layers.1.mlp.shared_expert_gate.weight"), nullptr);
}

TEST(Layout, hostile_config_values_are_bounded) {
  nlohmann::json config = *fixtures::gemma4_config("tiny-e4b");
  config["text_config"]["num_hidden_layers"] = 1000000000000LL;
  Layout layout = expand_layout(*layout_for(fixtures::builtin_rules().packs().layouts, {"gemma4"}), config, "mlx");
  EXPECT_FALSE(layout.problems.empty());
  EXPECT_LT(layout.entries.size(), 10000u);
  config["text_config"]["hidden_size"] = "wide";
  layout = expand_layout(*layout_for(fixtures::builtin_rules().packs().layouts, {"gemma4"}), config, "mlx");
  EXPECT_FALSE(layout.problems.empty());
}

// A config inside every loop bound can still imply more tensors than the expander keeps
// (4,096 layers of 4,096 per-expert MoE weights), or a tensor whose size wraps 64 bits: both
// are problems, never a silently cut list or a plausible wrapped total.
TEST(Layout, expansion_past_its_bounds_is_a_problem) {
  const LayoutModel* qwen = layout_for(fixtures::builtin_rules().packs().layouts, {"qwen3_moe"});
  ASSERT_NE(qwen, nullptr);
  nlohmann::json config = {{"model_type", "qwen3_moe"}, {"hidden_size", 64}, {"num_hidden_layers", 4096},
                           {"num_attention_heads", 4}, {"num_key_value_heads", 2}, {"head_dim", 16},
                           {"intermediate_size", 128}, {"moe_intermediate_size", 64}, {"num_experts", 4096},
                           {"vocab_size", 256}, {"tie_word_embeddings", false}};
  Layout many = expand_layout(*qwen, config, "hf");
  ASSERT_EQ(many.problems.size(), 1u);
  EXPECT_NE(many.problems.front().find("more than 200000 tensors"), std::string::npos) << many.problems.front();
  config["num_hidden_layers"] = 2;
  config["num_experts"] = 4;
  config["moe_intermediate_size"] = 1LL << 62;
  Layout huge = expand_layout(*qwen, config, "hf");
  ASSERT_FALSE(huge.problems.empty());
  EXPECT_NE(huge.problems.front().find("2^48 elements or more"), std::string::npos) << huge.problems.front();
  config["moe_intermediate_size"] = "64";
  Layout text = expand_layout(*qwen, config, "hf");
  ASSERT_FALSE(text.problems.empty());
  EXPECT_NE(text.problems.front().find("is '64', not a size"), std::string::npos) << text.problems.front();
}

// The loader marks the expressions that read no loop variable or group let, and the expander
// evaluates those once per config. A group let that shadows a model let must make everything
// under it per-iteration again; loop values, dtype defaults and interned kinds stay right.
TEST(Layout, expressions_follow_the_loop_variables_and_lets_that_bind_them) {
  const char* yaml = R"(
layout: toy
applies-to: {model-type: [toy]}
let:
  H: "hidden ?? 4"
  names: "['x', 'y']"
prefixes:
  mlx: {text: "m."}
tensors:
  - {name: "a.weight", part: text, shape: [H]}
  - for: {i: 2}
    let:
      H: "i + 10"
    tensors:
      - {name: "b.{i}.weight", part: text, shape: [H, "H * 2"], when: "H > 10"}
  - for: {j: 2}
    tensors:
      - {name: "c.{j}.weight", part: text, shape: [H, j]}
      - for: {k: names}
        tensors:
          - {name: "d.{j}.{k}", part: text, shape: ["j + H"], dtype: "k == 'x' ? 'F32' : 'F16'"}
)";
  std::vector<RuleError> errors;
  auto model = load_layout_model("toy.layout.yaml", to_doc(YAML::Load(yaml)), errors);
  ASSERT_TRUE(model != nullptr) << (errors.empty() ? "" : to_string(errors.front()));
  for (int run = 0; run < 2; ++run) {  // a second expansion starts from fresh constants
    const nlohmann::json config = {{"model_type", "toy"}, {"hidden", 6 + run}};
    const std::uint64_t h = 6 + static_cast<std::uint64_t>(run);
    Layout layout = expand_layout(*model, config, "mlx");
    ASSERT_TRUE(layout.problems.empty()) << layout.problems.front();
    std::vector<std::pair<std::string, std::vector<std::uint64_t>>> got;
    for (const LayoutEntry& e : layout.entries) got.emplace_back(e.name, e.shape);
    const std::vector<std::pair<std::string, std::vector<std::uint64_t>>> expected = {
        {"m.a.weight", {h}},         {"m.b.1.weight", {11, 22}}, {"m.c.0.weight", {h, 0}}, {"m.d.0.x", {h}},
        {"m.d.0.y", {h}},            {"m.c.1.weight", {h, 1}},   {"m.d.1.x", {h + 1}},     {"m.d.1.y", {h + 1}}};
    EXPECT_EQ(got, expected);
    const LayoutEntry* x0 = layout.find("m.d.0.x");
    const LayoutEntry* x1 = layout.find("m.d.1.x");
    const LayoutEntry* y1 = layout.find("m.d.1.y");
    ASSERT_TRUE(x0 && x1 && y1);
    EXPECT_EQ(x0->dtype, "F32");
    EXPECT_EQ(y1->dtype, "F16");
    EXPECT_EQ(layout.find("m.a.weight")->dtype, "BF16");  // no `float` let: the default
    EXPECT_EQ(x1->kind, "x");
    EXPECT_EQ(x0->kind.data(), x1->kind.data());  // one interned copy per kind
    // Integer placeholders drop out of a kind with the segment before them.
    EXPECT_EQ(std::vector<std::string>(layout.kinds.begin(), layout.kinds.end()),
              (std::vector<std::string>{"a", "weight", "x", "y"}));
    EXPECT_EQ(x1->layer, std::nullopt);           // no `layer` variable
  }
}

}  // namespace
}  // namespace ckptlint
