// SPDX-License-Identifier: Apache-2.0
// Defects planted in the rest of the Gemma 4 family (26B-A4B with its experts, 31B with
// attention_k_eq_v and a standardized vision tower), in the other layout models (Qwen3,
// Gemma 3, Gemma 3n, Qwen3.5/3.6, LFM2, Molmo, Laguna) and in every non-MLX quantization scheme
// are found, with the right class, and nothing else at warning or above. The clean variants are in
// fixtures/baseline (Gemma 4), the rules' pass fixtures and FamilyClean (the others).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "recipe.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

struct Planted {
  const char* name;
  const char* recipe;
  const char* rule;
  FailureClass failure_class;
  const char* message;            // a piece of the first finding's message
  std::set<std::string> implied;  // other rules the same defect necessarily brings
};

class FamilyDefects : public ::testing::TestWithParam<Planted> {};

TEST_P(FamilyDefects, found_with_its_class_and_nothing_else) {
  const Planted& p = GetParam();
  const RuleSet& rules = testing::source_rules();
  testing::ScratchDir dir(std::string("family-") + p.name);
  testing::LoadedRecipe loaded;
  testing::load_recipe(testing::recipe_from_text(p.recipe, dir.path()), dir.path() + "/ckpt", loaded);
  ASSERT_FALSE(::testing::Test::HasFailure());
  RunOptions options;
  options.scan_values = true;  // as `ckptlint check` does without --no-values
  Report r = loaded.run(rules, options);
  auto it = std::find_if(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.rule_id == p.rule; });
  ASSERT_NE(it, r.findings.end()) << p.rule << " did not fire";
  EXPECT_EQ(it->failure_class, p.failure_class);
  EXPECT_GE(it->severity, Severity::warning);
  EXPECT_NE(it->message.find(p.message), std::string::npos) << it->message;
  if (p.failure_class == FailureClass::mixed_quantization) EXPECT_EQ(r.target.quantization, "mixed");
  for (const Finding& f : r.findings) {
    if (f.rule_id != p.rule && !p.implied.count(f.rule_id)) {
      EXPECT_LT(f.severity, Severity::warning) << f.rule_id << ": " << f.message;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Gemma4, FamilyDefects,
    ::testing::Values(
        // A hand-written fuse over a 4-bit 26B-A4B: the experts of layers 0-2 dequantized.
        // (Scaled down: values are scanned here, and layout_test covers the full-size shapes.)
        Planted{"moe_hand_fused",
                "gemma4: {preset: tiny-26b-a4b, quant: affine-4, recipe: ple-safe, mutate: "
                "[{dequantize: 'language_model.model.layers.*.experts.switch_glu.*', layers: [0, 2]}]}\n",
                "mixed-quantization", FailureClass::mixed_quantization, "9 modules are float",
                {"quantization-config-stale"}},
        // k_eq_v: a full-attention layer (2 of 0-5, every 3rd) carries a v_proj it never uses.
        Planted{"k_eq_v_full_layer_with_v_proj",
                "gemma4: {preset: tiny-31b, mutate: [{add: {name: "
                "'language_model.model.layers.2.self_attn.v_proj.weight', dtype: BF16, shape: [64, 64]}}]}\n",
                "tensor-unexpected", FailureClass::key_naming, "language_model.model.layers.2.self_attn.v_proj.weight", {}},
        Planted{"k_eq_v_full_layer_without_keys",
                "gemma4: {preset: tiny-31b, mutate: [{drop: 'language_model.model.layers.5.self_attn.k_proj.weight'}]}\n",
                "kv-owner-missing", FailureClass::kv_sharing, "layer 5 owns its keys and values", {}},
        // REAP expert pruning that forgot the config: 4 experts stored, 8 declared.
        Planted{"pruned_experts_stale_config",
                "gemma4: {preset: tiny-26b-a4b, mutate: [{config-set: {text_config.num_experts: 8}}]}\n",
                // the stale count is named once; the stacked shapes it contradicts fold into it
                "experts-count-mismatch", FailureClass::stale_config, "declares 8 experts", {}},
        // The router's quantization triple lost its scales.
        Planted{"router_scales_lost",
                "gemma4: {preset: tiny-26b-a4b, quant: affine-4, recipe: ple-safe, mutate: "
                "[{drop: 'language_model.model.layers.1.router.proj.scales'}]}\n",
                "quant-scales-missing", FailureClass::quant_metadata, "router.proj",
                // without .scales loaders take the module for float: the same defect, told as such
                {"quant-orphan-scales", "mixed-quantization", "quantization-config-stale", "tensor-shape-mismatch"}},
        // Mixed precision keyed in the Hugging Face layout over MLX weights (mlx-vlm 1079).
        Planted{"mixed_entries_keyed_hf",
                "gemma4: {preset: tiny-26b-a4b, quant: affine-4, recipe: ple-safe, module-bits: {'*.layers.0.mlp.up_proj': 8}, mutate: "
                "[{config-remove: '/quantization/language_model.model.layers.0.mlp.up_proj'},"
                " {config-remove: '/quantization_config/language_model.model.layers.0.mlp.up_proj'},"
                " {config-set: {'/quantization/model.language_model.layers.0.mlp.up_proj': {group_size: 64, bits: 8},"
                " '/quantization_config/model.language_model.layers.0.mlp.up_proj': {group_size: 64, bits: 8}}}]}\n",
                "quant-config-entry-unmatched", FailureClass::stale_config,
                "meant for 'language_model.model.layers.0.mlp.up_proj'", {"quant-bits-mismatch"}},
        // The standardized vision tower lost a tensor.
        Planted{"vision_std_scale_missing",
                "gemma4: {preset: tiny-31b, mutate: [{drop: 'vision_tower.std_scale'}]}\n",
                "tensor-missing", FailureClass::key_naming, "vision_tower.std_scale", {}},
        // A NaN in an expert of a bf16 26B-A4B.
        Planted{"nan_in_an_expert",
                "gemma4: {preset: tiny-26b-a4b, mutate: "
                "[{plant: 'language_model.model.layers.3.experts.switch_glu.down_proj.weight', index: 7, hex: 'c07f'}]}\n",
                "tensor-non-finite", FailureClass::non_finite, "1 NaN", {}}),
    [](const ::testing::TestParamInfo<Planted>& info) { return std::string(info.param.name); });

// Small configs of the other families (every linear's input a multiple of 64: quantizable).
#define QWEN3 "{model_type: qwen3, architectures: [Qwen3ForCausalLM], hidden_size: 64, num_hidden_layers: 2, " \
  "num_attention_heads: 4, num_key_value_heads: 2, head_dim: 16, intermediate_size: 128, vocab_size: 256, " \
  "tie_word_embeddings: false, torch_dtype: bfloat16}"
#define GEMMA3_TEXT "text_config: {model_type: gemma3_text, hidden_size: 64, num_hidden_layers: 2, " \
  "num_attention_heads: 4, num_key_value_heads: 2, head_dim: 16, intermediate_size: 128, vocab_size: 256}"
#define GEMMA3 "{model_type: gemma3, architectures: [Gemma3ForConditionalGeneration], " GEMMA3_TEXT ", " \
  "vision_config: {model_type: siglip_vision_model, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 1, " \
  "num_attention_heads: 4, patch_size: 14, image_size: 56}}"
#define QWEN3_5_TEXT "model_type: qwen3_5_text, hidden_size: 64, num_hidden_layers: 4, num_attention_heads: 4, " \
  "num_key_value_heads: 2, head_dim: 16, vocab_size: 256, full_attention_interval: 4, " \
  "linear_num_key_heads: 2, linear_key_head_dim: 16, linear_num_value_heads: 4, linear_value_head_dim: 16, " \
  "linear_conv_kernel_dim: 4"
#define QWEN3_6 "{model_type: qwen3_5, architectures: [Qwen3_5ForConditionalGeneration], text_config: {" QWEN3_5_TEXT \
  ", intermediate_size: 128}, vision_config: {hidden_size: 64, intermediate_size: 128, depth: 1, num_heads: 4, " \
  "out_hidden_size: 64, num_position_embeddings: 16}}"
#define QWEN3_5_MOE "{model_type: qwen3_5_moe, architectures: [Qwen3_5MoeForConditionalGeneration], text_config: {" \
  QWEN3_5_TEXT ", num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 64, " \
  "shared_expert_intermediate_size: 64}}"

// Gemma 3n with PLE, KV sharing (layers 2-3 read 0-1's cache), AltUp, LAuReL and an audio
// tower. Without the vision tower: MobileNetV5's widths are fixed (300M parameters) and values
// are scanned here.
#define GEMMA3N_PART "{model_type: gemma3n, architectures: [Gemma3nForConditionalGeneration], text_config: {" \
  "model_type: gemma3n_text, hidden_size: 64, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, " \
  "head_dim: 16, intermediate_size: [128, 128, 128, 128], vocab_size: 256, vocab_size_per_layer_input: 256, " \
  "hidden_size_per_layer_input: 64, num_kv_shared_layers: 2, altup_num_inputs: 4, laurel_rank: 64, " \
  "layer_types: [sliding_attention, full_attention, sliding_attention, full_attention]}, " \
  "audio_config: {model_type: gemma3n_audio, hidden_size: 64, conf_num_hidden_layers: 1, conf_num_attention_heads: 4, " \
  "sscp_conv_channel_size: [8, 4], input_feat_size: 128, vocab_size: 8}"
#define GEMMA3N GEMMA3N_PART "}"
#define GEMMA3N_VISION GEMMA3N_PART ", vision_config: {model_type: gemma3n_vision, architecture: mobilenetv5_300m_enc, " \
  "hidden_size: 64, vocab_size: 8}}"

// LFM2: short-convolution and attention layers by layer_types, the feed-forward width derived
// (2/3 of 192, rounded up to 64: 128); LFM2-MoE: one dense layer, then four experts with
// expert_bias. Tied heads (tie_embedding, as LFM2's configs spell it).
#define LFM2 "{model_type: lfm2, architectures: [Lfm2ForCausalLM], hidden_size: 64, num_hidden_layers: 4, " \
  "num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 256, conv_L_cache: 3, conv_bias: false, " \
  "block_ff_dim: 192, intermediate_size: 192, block_multiple_of: 64, block_ffn_dim_multiplier: 1.0, " \
  "block_auto_adjust_ff_dim: true, layer_types: [conv, conv, full_attention, conv], tie_embedding: true, " \
  "dtype: bfloat16}"
#define LFM2_MOE "{model_type: lfm2_moe, architectures: [Lfm2MoeForCausalLM], hidden_size: 64, num_hidden_layers: 4, " \
  "num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 256, conv_L_cache: 3, conv_bias: false, " \
  "intermediate_size: 128, moe_intermediate_size: 64, num_experts: 4, num_experts_per_tok: 2, num_dense_layers: 1, " \
  "use_expert_bias: true, layer_types: [conv, full_attention, conv, conv], tie_word_embeddings: true, dtype: bfloat16}"
// Molmo (custom code) with its vision backbone scaled down through the backbone's own
// config names, and the bitsandbytes NF4 section of the published 7B-D (the skip list keeps
// the backbone, the output head and the final norm float).
#define MOLMO_FIELDS "model_type: molmo, architectures: [MolmoForCausalLM], auto_map: {AutoConfig: config_molmo.MolmoConfig, " \
  "AutoModelForCausalLM: modeling_molmo.MolmoForCausalLM}, hidden_size: 64, num_hidden_layers: 2, " \
  "num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 256, embedding_size: 256, vocab_size: 256, " \
  "additional_vocab_size: 8, qkv_bias: true, weight_tying: false, torch_dtype: float16, image_emb_dim: 64, " \
  "image_mlp_dim: 128, image_num_layers: 1, image_num_heads: 4, image_head_dim: 16, image_patch_size: 2, image_num_pos: 5"
#define MOLMO "{" MOLMO_FIELDS "}"
#define MOLMO_NF4 "{" MOLMO_FIELDS ", quantization_config: {quant_method: bitsandbytes, load_in_4bit: true, " \
  "_load_in_4bit: true, load_in_8bit: false, bnb_4bit_quant_type: nf4, bnb_4bit_use_double_quant: false, " \
  "bnb_4bit_compute_dtype: float16, bnb_4bit_quant_storage: uint8, " \
  "llm_int8_skip_modules: [model.vision_backbone, model.transformer.ff_out, model.transformer.ln_f]}}"
// Laguna: heads per layer from a list, per-head gates, a dense layer 0 and routed experts.
#define LAGUNA "{model_type: laguna, architectures: [LagunaForCausalLM], hidden_size: 64, num_hidden_layers: 3, " \
  "num_attention_heads: 4, num_attention_heads_per_layer: [4, 8, 8], gating_types: [per_head, per_head, per_head], " \
  "mlp_layer_types: [dense, sparse, sparse], layer_types: [full_attention, sliding_attention, sliding_attention], " \
  "num_key_value_heads: 2, head_dim: 16, intermediate_size: 128, vocab_size: 256, num_experts: 4, " \
  "num_experts_per_tok: 2, moe_intermediate_size: 64, shared_expert_intermediate_size: 64, " \
  "tie_word_embeddings: false, torch_dtype: bfloat16}"

INSTANTIATE_TEST_SUITE_P(
    OtherFamilies, FamilyDefects,
    ::testing::Values(
        // Hand fuses: one module dequantized beside quantized ones, the config unchanged.
        Planted{"qwen3_hand_fused",
                "model: {layout: qwen, config: " QWEN3 ", quant: affine-4, mutate: "
                "[{dequantize: 'model.layers.*.self_attn.q_proj', layers: [0, 0]}]}\n",
                "mixed-quantization", FailureClass::mixed_quantization, "float", {"quantization-config-stale"}},
        Planted{"gemma3_hand_fused",
                "model: {layout: gemma3, config: " GEMMA3 ", quant: affine-4, mutate: "
                "[{dequantize: 'language_model.model.layers.*.mlp.down_proj', layers: [1, 1]}]}\n",
                "mixed-quantization", FailureClass::mixed_quantization, "float", {"quantization-config-stale"}},
        Planted{"lfm2_hand_fused",
                "model: {layout: lfm2, config: " LFM2 ", quant: affine-4, mutate: "
                "[{dequantize: 'model.layers.*.conv.in_proj', layers: [1, 1]}]}\n",
                "mixed-quantization", FailureClass::mixed_quantization, "float", {"quantization-config-stale"}},
        Planted{"gemma3n_hand_fused",
                "model: {layout: gemma3n, config: " GEMMA3N ", quant: affine-4, mutate: "
                "[{dequantize: 'model.language_model.layers.*.self_attn.o_proj', layers: [2, 2]}]}\n",
                "mixed-quantization", FailureClass::mixed_quantization, "float", {"quantization-config-stale"}},
        // Dropped towers: a text conversion that kept vision_config (mlx-swift-examples PR #343).
        Planted{"gemma3_vision_tower_dropped",
                "model: {layout: gemma3, config: " GEMMA3 ", quant: affine-4, mutate: [{drop: 'vision_tower.*'}]}\n",
                // the family rule names the conversion and folds the generic finding
                "gemma3-vision-tower-stripped", FailureClass::stale_config, "no vision_tower tensor", {}},
        Planted{"qwen3_6_visual_dropped",
                "model: {layout: qwen3_5, config: " QWEN3_6 ", mutate: [{drop: 'model.visual.*'}]}\n",
                "vision-config-without-tower", FailureClass::stale_config, "vision_config", {}},
        // The config names the real vision tower (MobileNetV5-300M); only its embedder is kept.
        Planted{"gemma3n_vision_tower_dropped",
                "model: {layout: gemma3n, config: " GEMMA3N_VISION ", mutate: [{drop: 'model.vision_tower.*'}]}\n",
                "vision-config-without-tower", FailureClass::stale_config, "vision_config", {}},
        // REAP pruning to 4 experts that forgot the config.
        Planted{"lfm2_moe_pruned_stale_config",
                "model: {layout: lfm2, config: " LFM2_MOE ", mutate: [{config-set: {num_experts: 8}}]}\n",
                "experts-count-mismatch", FailureClass::stale_config, "declares 8 experts", {}},
        Planted{"lfm2_moe_mlx_pruned_stale_config",
                "model: {layout: lfm2, config: " LFM2_MOE ", quant: affine-4, mutate: [{config-set: {num_experts: 8}}]}\n",
                "experts-count-mismatch", FailureClass::stale_config, "declares 8 experts", {}},
        // A fine-tune saved with its tied head written out: mlx-lm's LFM2 has no lm_head.
        Planted{"lfm2_moe_tied_head_stored",
                "model: {layout: lfm2, config: " LFM2_MOE ", mutate: [{add: {name: 'lm_head.weight', dtype: BF16, shape: [256, 64]}}]}\n",
                "lfm2-lm-head-stored", FailureClass::loader_compat, "Received 1 parameters not in model", {}},
        Planted{"qwen3_5_moe_pruned_stale_config",
                "model: {layout: qwen3_5, config: " QWEN3_5_MOE ", mutate: [{config-set: {text_config.num_experts: 8}}]}\n",
                "experts-count-mismatch", FailureClass::stale_config, "declares 8 experts", {}},
        // Molmo in bitsandbytes NF4: one decoder module kept only its packed weight.
        Planted{"molmo_nf4_partly_quantized",
                "model: {layout: molmo, config: " MOLMO_NF4 ", mutate: [{drop: 'model.transformer.blocks.1.ff_proj.weight.*'}]}\n",
                "quant-scheme-incomplete", FailureClass::quant_metadata, "weight.absmax", {}},
        // A text-only save of Molmo: the backbone dropped, though the model always builds it.
        Planted{"molmo_vision_backbone_dropped",
                "model: {layout: molmo, config: " MOLMO_NF4 ", mutate: [{drop: 'model.vision_backbone.*'}]}\n",
                "molmo-vision-backbone-missing", FailureClass::stale_config, "no vision backbone tensor", {}},
        // Laguna NVFP4 as poolside publishes it, pruned to 4 experts with a config that says 8.
        Planted{"laguna_pruned_stale_config",
                "model: {layout: laguna, config: " LAGUNA ", quant: nvfp4, mutate: [{config-set: {num_experts: 8}}]}\n",
                "experts-count-mismatch", FailureClass::stale_config, "declares 8 experts", {}},
        // A hand fuse over Laguna NVFP4: layer 2's experts dequantized beside layer 1's.
        Planted{"laguna_hand_fused",
                "model: {layout: laguna, config: " LAGUNA ", quant: nvfp4, mutate: "
                "[{dequantize: 'model.layers.*.mlp.switch_mlp.*', layers: [2, 2]}]}\n",
                "mixed-quantization", FailureClass::mixed_quantization, "float", {"quantization-config-stale"}}),
    [](const ::testing::TestParamInfo<Planted>& info) { return std::string(info.param.name); });

// A clean checkpoint's recipe and the key layout its family's model reads it in.
struct Clean {
  const char* recipe;
  const char* layout;
};

// A checkpoint of `recipe`, values scanned as `ckptlint check` does, is read in key layout
// `layout` (its family's model applied) with nothing at warning or above.
void expect_clean(const char* recipe, const char* layout) {
  SCOPED_TRACE(recipe);
  testing::ScratchDir dir("family-clean");
  testing::LoadedRecipe loaded;
  testing::load_recipe(testing::recipe_from_text(recipe, dir.path()), dir.path() + "/ckpt", loaded);
  ASSERT_FALSE(::testing::Test::HasFailure());
  RunOptions options;
  options.scan_values = true;
  Report r = loaded.run(testing::source_rules(), options);
  EXPECT_EQ(r.target.layout, layout);
  for (const Finding& f : r.findings) EXPECT_LT(f.severity, Severity::warning) << f.rule_id << ": " << f.message;
}

// Clean Molmo and Laguna checkpoints pass: Molmo float, in bitsandbytes NF4 with the published
// skip list and 4-bit under mlx-vlm's keys; Laguna float, NVFP4 as poolside publishes it
// (experts only) and 4-bit as mlx-lm converts it (every Linear and the embedding).
TEST(FamilyClean, molmo_and_laguna_checkpoints_pass) {
  for (const Clean& c : {Clean{"model: {layout: molmo, config: " MOLMO "}\n", "hf"},
                        Clean{"model: {layout: molmo, config: " MOLMO_NF4 "}\n", "hf"},
                        Clean{"model: {layout: molmo, config: " MOLMO ", quant: affine-4}\n", "mlx"},
                        Clean{"model: {layout: laguna, config: " LAGUNA "}\n", "mlx"},
                        Clean{"model: {layout: laguna, config: " LAGUNA ", quant: nvfp4}\n", "mlx"},
                        Clean{"model: {layout: laguna, config: " LAGUNA ", quant: affine-4, recipe: mlx-lm}\n", "mlx"}}) {
    expect_clean(c.recipe, c.layout);
  }
}

// Clean Gemma 3n checkpoints pass: float and 4-bit (mlx-lm keeps the Hugging Face keys), and
// a text conversion without the dead K/V copies of the KV-shared layers.
TEST(FamilyClean, gemma3n_checkpoints_pass) {
  for (const char* recipe :
       {"model: {layout: gemma3n, config: " GEMMA3N "}\n",
        "model: {layout: gemma3n, config: " GEMMA3N ", quant: affine-4}\n",
        "model: {layout: gemma3n, config: " GEMMA3N ", mutate: [{drop: 'model.language_model.layers.3.self_attn.k_*'},"
        " {drop: 'model.language_model.layers.3.self_attn.v_proj.*'}]}\n"}) {
    expect_clean(recipe, "hf");  // the gemma3n layout model's key layout: it applied
  }
}

// Clean LFM2 and LFM2-MoE checkpoints pass, float and 4-bit, in the key layout they were
// written in: mlx-lm's keeps the Hugging Face keys, so the conv weight's axis order (and the
// MoE's stacked experts) decide it, also for a float MLX checkpoint (a de-quantized fuse),
// whose config does not say.
TEST(FamilyClean, lfm2_checkpoints_pass) {
  for (const Clean& c : {Clean{"model: {layout: lfm2, config: " LFM2 "}\n", "hf"},
                        Clean{"model: {layout: lfm2, config: " LFM2 ", quant: affine-4}\n", "mlx"},
                        Clean{"model: {layout: lfm2, config: " LFM2 ", variant: mlx}\n", "mlx"},
                        Clean{"model: {layout: lfm2, config: " LFM2_MOE "}\n", "hf"},
                        Clean{"model: {layout: lfm2, config: " LFM2_MOE ", quant: affine-4}\n", "mlx"},
                        Clean{"model: {layout: lfm2, config: " LFM2_MOE ", variant: mlx}\n", "mlx"}}) {
    expect_clean(c.recipe, c.layout);
  }
}

// A module of each non-MLX scheme that kept only part of its tensors (a partial copy, a hand
// edit): quant-scheme-incomplete names what it lacks. Where only the weight is left its dtype
// is the one trace of the scheme (marker: by-dtype in the scheme file).
#define SCHEME_CASE(scheme, drop, missing) \
  Planted{#scheme "_partly_quantized", \
          "model: {layout: qwen, config: " QWEN3 ", quant: " #scheme ", mutate: [{drop: '" drop "'}]}\n", \
          "quant-scheme-incomplete", FailureClass::quant_metadata, missing, {}}

INSTANTIATE_TEST_SUITE_P(
    Schemes, FamilyDefects,
    ::testing::Values(
        SCHEME_CASE(bitsandbytes-4bit, "model.layers.0.mlp.up_proj.weight.*", "weight.absmax"),
        SCHEME_CASE(bitsandbytes-int8, "model.layers.0.mlp.up_proj.SCB", "SCB"),
        SCHEME_CASE(fp8-block, "model.layers.0.mlp.up_proj.weight_scale_inv", "weight_scale_inv"),
        SCHEME_CASE(gptq, "model.layers.0.mlp.up_proj.scales", "scales"),
        SCHEME_CASE(awq, "model.layers.0.mlp.up_proj.scales", "scales"),
        SCHEME_CASE(compressed-tensors, "model.layers.0.mlp.up_proj.weight_scale", "weight_scale"),
        SCHEME_CASE(modelopt-nvfp4, "model.layers.0.mlp.up_proj.weight_scale*", "weight_scale"),
        SCHEME_CASE(nvfp4-vendor, "model.layers.0.mlp.up_proj.weight_*", "weight_sf")),
    [](const ::testing::TestParamInfo<Planted>& info) {
      std::string name = info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

}  // namespace
}  // namespace ckptlint
