// SPDX-License-Identifier: Apache-2.0
// A verdict a CI gate can rely on: never "pass" on nothing, mistyped selectors refused,
// outputs that cannot be written are tool errors with a message, and one run gives every
// report a pipeline needs. (The checkpoint-side attacks are in hostile_input_test.cpp.)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "support/cli_run.h"

namespace ckptlint {
namespace {
namespace fs = std::filesystem;

using testing::CliRun;
using testing::ckptlint;
using testing::ckptlint_in;
using testing::make;
using testing::ScratchDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void expect_refused(const CliRun& r, const std::string& says) {
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(says), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(": pass\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("internal error"), std::string::npos) << r.out;
}

TEST(Gate, nothing_to_check_is_exit_2_with_what_was_found_instead) {
  ScratchDir dir("gate-nothing");
  const std::string d = dir.path();
  ::mkdir((d + "/empty").c_str(), 0755);
  expect_refused(ckptlint("check " + d + "/empty"), "is empty: a wrong path, or the model is not downloaded yet");
  ::mkdir((d + "/config-only").c_str(), 0755);
  std::ofstream(d + "/config-only/config.json") << R"({"model_type": "gemma4"})";
  expect_refused(ckptlint("check " + d + "/config-only"), "has config.json but no .safetensors file: the weights are missing");
  ::mkdir((d + "/torch").c_str(), 0755);
  std::ofstream(d + "/torch/pytorch_model.bin") << "PK";
  std::ofstream(d + "/torch/config.json") << "{}";
  expect_refused(ckptlint("check " + d + "/torch"), "holds pytorch_model.bin but no .safetensors file; ckptlint reads safetensors");
  // An index naming shards that are not there: metadata downloaded, weights not.
  ::mkdir((d + "/undownloaded").c_str(), 0755);
  std::ofstream(d + "/undownloaded/config.json") << R"({"model_type": "llama"})";
  std::ofstream(d + "/undownloaded/model.safetensors.index.json")
      << R"({"metadata": {"total_size": 8}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}})";
  expect_refused(ckptlint("check " + d + "/undownloaded"), "naming 2 shard file(s), none of them present: the weights are not downloaded");
  // A parent of model folders.
  ::mkdir((d + "/parent").c_str(), 0755);
  ::mkdir((d + "/parent/model-a").c_str(), 0755);
  expect_refused(ckptlint("check " + d + "/parent"), "holds no file, only the directories model-a/: pass one of them");
  // A file where a directory is expected is read as what it is.
  expect_refused(ckptlint("check " + d + "/config-only/config.json"), "is a JSON file, not a checkpoint: pass the directory that holds it");
  expect_refused(ckptlint("check " + d + "/torch/pytorch_model.bin"), "is a PyTorch pickle: ckptlint reads safetensors");
  // The same for every side of a run, and JSON never gets a passing report.
  std::string ok = make(dir, "shards-without-index/pass.yaml");
  expect_refused(ckptlint("diff " + d + "/empty " + ok), "nothing to check");
  CliRun json = ckptlint("check " + d + "/empty --format json");
  EXPECT_EQ(json.code, 2);
  EXPECT_EQ(json.out.find("\"verdict\""), std::string::npos) << json.out;
}

TEST(Gate, the_json_summary_counts_what_was_checked) {
  ScratchDir dir("gate-counts");
  CliRun r = ckptlint("check " + make(dir, "shards-without-index/pass.yaml") + " --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  nlohmann::json summary = nlohmann::json::parse(r.out)["summary"];
  EXPECT_GE(summary["files"].get<int>(), 1);
  EXPECT_GT(summary["tensors"].get<int>(), 0);
  EXPECT_GT(summary["rules_run"].get<int>(), 20);
}

TEST(Gate, mistyped_selectors_are_usage_errors_with_the_nearest_rule) {
  ScratchDir dir("gate-selectors");
  std::string ck = make(dir, "layer-types-length/trigger.yaml");
  expect_refused(ckptlint("check " + ck + " --select nope-rule"), "--select: no rule or class 'nope-rule'");
  expect_refused(ckptlint("check " + ck + " --select layer-types-lenght"), "(did you mean 'layer-types-length'?)");
  expect_refused(ckptlint("check " + ck + " --ignore stale-confg"), "--ignore: no rule or class 'stale-confg' (did you mean 'stale-config'?)");
  expect_refused(ckptlint("check " + ck + " --ignore 'idx-*'"), "the glob 'idx-*' matches no rule");
  expect_refused(ckptlint("rules mixed-quant"), "no rule 'mixed-quant' (did you mean 'mixed-quantization'?)");
  // The same in the project config (with its line) and in a baseline.
  ScratchDir project("gate-selectors-project");
  std::ofstream(project.path() + "/.ckptlint.yaml") << "fail-on: warning\nignore: [kv-shared-redundnat]\n";
  expect_refused(ckptlint_in(project.path(), "check " + ck), ".ckptlint.yaml:2: ignore: no rule or class 'kv-shared-redundnat' (did you mean 'kv-shared-redundant'?)");
  std::ofstream(project.path() + "/.ckptlint.yaml") << "select: [layer-types-length]\nseverity: {layer-type-length: info}\n";
  expect_refused(ckptlint_in(project.path(), "check " + ck), "severity: no rule or class 'layer-type-length' (did you mean 'layer-types-length'?)");
  std::ofstream(project.path() + "/baseline.json") << R"({"schema": "ckptlint-baseline/1", "accepted": [{"rule": "layer-types-lenth"}]})";
  expect_refused(ckptlint("check " + ck + " --baseline " + project.path() + "/baseline.json"), "no rule 'layer-types-lenth'");
  // Known ids, globs and classes still work.
  EXPECT_EQ(ckptlint("check " + ck + " --select 'layer-types-*' --ignore key-naming --no-config").code, 1);
}

TEST(Gate, options_take_equals_and_check_takes_several_paths) {
  ScratchDir a("gate-paths-a"), b("gate-paths-b");
  std::string good = make(a, "shards-without-index/pass.yaml");
  std::string bad = make(b, "offsets-gap/trigger.yaml");
  CliRun both = ckptlint("check " + good + " " + bad + " --format=json --fail-on=error");
  EXPECT_EQ(both.code, 1) << both.out;
  nlohmann::json doc = nlohmann::json::parse(both.out);
  EXPECT_EQ(doc["schema"], "ckptlint-reports/1");
  ASSERT_EQ(doc["reports"].size(), 2u);
  EXPECT_EQ(doc["reports"][0]["summary"]["verdict"], "pass");
  EXPECT_EQ(doc["reports"][1]["summary"]["verdict"], "fail");
  EXPECT_EQ(doc["summary"]["verdict"], "fail");
  CliRun text = ckptlint("check " + good + " " + bad);
  EXPECT_NE(text.out.find("2 paths checked: 1 failed, 1 passed"), std::string::npos) << text.out;
  CliRun sarif = ckptlint("check " + good + " " + bad + " --format sarif");
  EXPECT_EQ(nlohmann::json::parse(sarif.out)["runs"].size(), 2u);
  // A path that cannot be checked makes the run a tool error, after the others are reported.
  CliRun missing = ckptlint("check " + good + " /nonexistent/model");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.out.find(": pass\n"), std::string::npos) << missing.out;
  EXPECT_NE(missing.out.find("1 not checked: error"), std::string::npos) << missing.out;
  // Every document says which path it left out; none reads as a pass.
  CliRun json = ckptlint("check " + good + " /nonexistent/model --format json 2>/dev/null");
  EXPECT_EQ(json.code, 2);
  nlohmann::json unchecked = nlohmann::json::parse(json.out);
  EXPECT_EQ(unchecked["summary"]["verdict"], "error");
  ASSERT_EQ(unchecked["not_checked"].size(), 1u);
  EXPECT_EQ(unchecked["not_checked"][0]["path"], "/nonexistent/model");
  nlohmann::json sarif_doc = nlohmann::json::parse(ckptlint("check " + good + " /nonexistent/model --format sarif 2>/dev/null").out);
  ASSERT_EQ(sarif_doc["runs"].size(), 2u);
  EXPECT_EQ(sarif_doc["runs"][1]["invocations"][0]["executionSuccessful"], false);
  EXPECT_NE(ckptlint("check " + good + " /nonexistent/model --format github").out.find("::error title=ckptlint::/nonexistent/model was not checked"),
            std::string::npos);
}

TEST(Gate, outputs_that_cannot_be_written_are_exit_2_with_a_message) {
  ScratchDir dir("gate-outputs");
  std::string ck = make(dir, "offsets-gap/trigger.yaml");
  expect_refused(ckptlint("check " + ck + " --output /dev/full"), "cannot write '/dev/full'");
  expect_refused(ckptlint("check " + ck + " --format json > /dev/full"), "cannot write to standard output");
  expect_refused(ckptlint("check " + ck + " --write-baseline /dev/full"), "cannot write baseline '/dev/full'");
  expect_refused(ckptlint("check " + ck + " --sarif-output " + dir.path()), "cannot write '" + dir.path() + "'");
  // Never over a file of the checked checkpoint; a new file beside it is fine.
  std::string shard = ck + "/model.safetensors";
  std::string before = slurp(shard);
  expect_refused(ckptlint("check " + ck + " --format json --output " + shard), "refusing to write the report");
  expect_refused(ckptlint("check " + shard + " --output " + shard), "refusing to write the report");
  EXPECT_EQ(slurp(shard), before);
  EXPECT_EQ(ckptlint("check " + ck + " --format json --output " + ck + "/report.json").code, 1);
  // Two reports of one run into one file: the second would overwrite the first.
  expect_refused(ckptlint("check " + ck + " --output " + dir.path() + "/r --json-output " + dir.path() + "/../" +
                          fs::path(dir.path()).filename().string() + "/r"), "refusing to write two reports to");
  // The listings write where they are told, or say why they could not.
  expect_refused(ckptlint("rules > /dev/full"), "cannot write to standard output");
  expect_refused(ckptlint("--help > /dev/full"), "cannot write to standard output");
  EXPECT_EQ(ckptlint("rules --format markdown --output " + dir.path() + "/rules.md").code, 0);
  EXPECT_EQ(slurp(dir.path() + "/rules.md").rfind("# ckptlint rules", 0), 0u);
}

TEST(Gate, a_run_that_checks_nothing_never_passes) {
  ScratchDir dir("gate-checks-nothing");
  std::string ck = make(dir, "offsets-gap/trigger.yaml");
  expect_refused(ckptlint("check " + ck + " --ignore '*'"), "no rule ran on");
  // A pack directory with no rule in it (a mistyped path) is refused, not run without.
  ::mkdir((dir.path() + "/no-rules").c_str(), 0755);
  expect_refused(ckptlint("check " + ck + " --rules " + dir.path() + "/no-rules"), "no rule file (*.yaml) below this rules directory");
  // An adapter to verify the fuse against that is no adapter, or one without weights.
  ::mkdir((dir.path() + "/empty").c_str(), 0755);
  expect_refused(ckptlint("diff " + ck + " " + ck + " --adapter " + dir.path() + "/empty"), "is not an adapter");
  ::mkdir((dir.path() + "/config-only").c_str(), 0755);
  std::ofstream(dir.path() + "/config-only/adapter_config.json") << R"({"lora_parameters": {"rank": 8, "scale": 20.0}})";
  expect_refused(ckptlint("diff " + ck + " " + ck + " --adapter " + dir.path() + "/config-only"), "has no weights file");
  // Weights that are broken links (an interrupted download into the Hugging Face cache).
  ::mkdir((dir.path() + "/links").c_str(), 0755);
  std::ofstream(dir.path() + "/links/config.json") << R"({"model_type": "gemma4"})";
  ASSERT_EQ(::symlink("../blobs/0123abcd", (dir.path() + "/links/model.safetensors").c_str()), 0);
  expect_refused(ckptlint("check " + dir.path() + "/links"), "no readable file behind the name (a broken link or not a file)");
}

// A file given alone: its directory is the uploader's, so a .ckptlint.yaml planted beside it
// (found from the working directory) configures nothing.
TEST(Gate, a_config_beside_a_single_checked_file_is_not_obeyed) {
  ScratchDir dir("gate-single-file");
  std::string ck = make(dir, "offsets-gap/trigger.yaml");
  std::ofstream(ck + "/.ckptlint.yaml") << "ignore: [offsets-gap]\n";
  CliRun r = ckptlint_in(ck, "check model.safetensors");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("error[offsets-gap]"), std::string::npos) << r.out;
}

TEST(Gate, files_named_by_options_are_opened_like_shards) {
  ScratchDir dir("gate-option-files");
  std::string ck = make(dir, "offsets-gap/trigger.yaml");
  std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // A FIFO would block a plain open; /dev/zero would grow without end; a directory is no file.
  for (const std::string& option : {"--config", "--baseline"}) {
    expect_refused(ckptlint("check " + ck + " " + option + " " + fifo), "a FIFO");
    expect_refused(ckptlint("check " + ck + " " + option + " /dev/zero"), "a device");
    expect_refused(ckptlint("check " + ck + " " + option + " " + dir.path()), "a directory");
  }
  expect_refused(ckptlint("check " + ck + " --rules " + fifo), "rules directory not found");
  // A YAML alias bomb in a rule pack is refused, not expanded.
  ScratchDir pack("gate-alias-bomb");
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  std::ofstream(pack.path() + "/bomb.yaml") << bomb;
  expect_refused(ckptlint("check " + ck + " --rules " + pack.path()), "too many nodes");
}

TEST(Gate, a_layout_the_config_cannot_expand_is_no_answer) {
  ScratchDir dir("gate-layout");
  std::ofstream(dir.path() + "/config.json") << R"({"model_type": "gemma4", "text_config": {"num_hidden_layers": "many"}})";
  CliRun r = ckptlint("layout " + dir.path() + "/config.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("cannot be expanded"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" tensors, "), std::string::npos) << r.out;
}

// The header says what decided the quantized tensors: the MLX section with the recipe, a
// scheme the config declares, or nothing; and a config its model's applies-to.when excludes
// (a drafter sharing its target's model_type) gets no layout, with the reason.
TEST(Gate, layout_says_what_decided_the_quantization_and_what_it_does_not_model) {
  ScratchDir dir("gate-layout-header");
  const std::string qwen = R"("model_type": "qwen3", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 128, "vocab_size": 256, "tie_word_embeddings": false)";
  auto layout_of = [&](const std::string& name, const std::string& json) {
    std::ofstream(dir.path() + "/" + name) << json;
    return ckptlint("layout " + dir.path() + "/" + name);
  };
  CliRun plain = layout_of("float.json", "{" + qwen + "}");
  EXPECT_EQ(plain.code, 0) << plain.out;
  EXPECT_NE(plain.out.find("(hf keys, not quantized)"), std::string::npos) << plain.out;
  CliRun mlx = layout_of("mlx.json", "{" + qwen + R"(, "quantization": {"group_size": 64, "bits": 4}})");
  EXPECT_NE(mlx.out.find("recipe mlx-lm)"), std::string::npos) << mlx.out;
  CliRun gptq = layout_of("gptq.json", "{" + qwen + R"(, "quantization_config": {"quant_method": "gptq", "bits": 4, "group_size": 32}})");
  EXPECT_NE(gptq.out.find("gptq as the config declares)"), std::string::npos) << gptq.out;
  EXPECT_NE(gptq.out.find(".qweight"), std::string::npos) << gptq.out;
  CliRun drafter = layout_of("dflash.json", R"({"architectures": ["DFlashDraftModel"], "model_type": "laguna", "hidden_size": 64,
    "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "vocab_size": 256})");
  EXPECT_EQ(drafter.code, 2) << drafter.out;
  EXPECT_NE(drafter.out.find("the layout model 'laguna' does not describe this config"), std::string::npos) << drafter.out;
  EXPECT_EQ(drafter.out.find(" tensors, "), std::string::npos) << drafter.out;
}

TEST(Gate, one_run_writes_every_report_and_the_job_summary) {
  ScratchDir dir("gate-one-run");
  std::string ck = make(dir, "offsets-gap/trigger.yaml");
  std::string out = dir.path() + "/out";
  ::mkdir(out.c_str(), 0755);
  CliRun r = testing::shell("GITHUB_STEP_SUMMARY=" + out + "/summary.md " + testing::ckptlint_binary() + " check " + ck +
                            " --format github --sarif-output " + out + "/r.sarif --json-output=" + out + "/r.json --text-output " +
                            out + "/r.txt");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("::error file="), std::string::npos) << r.out;
  EXPECT_EQ(nlohmann::json::parse(slurp(out + "/r.sarif"))["version"], "2.1.0");
  EXPECT_EQ(nlohmann::json::parse(slurp(out + "/r.json"))["summary"]["verdict"], "fail");
  EXPECT_NE(slurp(out + "/r.txt").find("error[offsets-gap]"), std::string::npos);
  std::string summary = slurp(out + "/summary.md");
  EXPECT_NE(summary.find("## ckptlint: ❌ fail"), std::string::npos) << summary;
  EXPECT_NE(summary.find("| error | `offsets-gap` |"), std::string::npos) << summary;
}

}  // namespace
}  // namespace ckptlint
