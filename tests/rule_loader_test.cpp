// SPDX-License-Identifier: Apache-2.0
// Every kind of rule-file error, each with its file:line:column, all reported in one pass.
#include <gtest/gtest.h>

#include <fstream>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

using testing::ScratchDir;

void write(const std::string& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir + "/" + name) << text;
}

const char* kGood = R"(id: good-rule
class: shard-index
severity: warning
summary: a valid rule
message: "'{file}' has {count} files"
help: nothing to do
primitive: shards-without-index
with: {glob: "model*.safetensors"}
)";

std::vector<RuleError> load_errors(const std::string& dir) {
  std::vector<RuleError> errors;
  load_rules({dir}, errors);
  return errors;
}

bool has_error(const std::vector<RuleError>& errors, int line, int column, const std::string& text) {
  for (const RuleError& e : errors) {
    if (e.line == line && e.column == column && e.message.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string dump(const std::vector<RuleError>& errors) {
  std::string out;
  for (const RuleError& e : errors) out += to_string(e) + "\n";
  return out;
}

TEST(RuleLoader, a_valid_rule_loads) {
  ScratchDir dir("rules-ok");
  write(dir.path(), "good-rule.yaml", kGood);
  std::vector<RuleError> errors;
  RuleSet rules = load_rules({dir.path()}, errors);
  EXPECT_TRUE(errors.empty()) << dump(errors);
  ASSERT_NE(rules.find("good-rule"), nullptr);
  EXPECT_EQ(rules.find("good-rule")->severity, Severity::warning);
}

TEST(RuleLoader, fix_edits_take_value_or_candidates_and_a_when) {
  ScratchDir dir("rules-fix");
  std::string rule = std::string(kGood) + R"(fix:
  safety: unsafe
  what: set it
  edits:
    - {op: set, file: config.json, path: [a], candidates: "[1, 2]", when: "files != null"}
    - {op: set, file: config.json, path: [b], value: "1", candidates: "[1]"}
    - {op: remove, file: config.json, path: [c], candidates: "[1]"}
    - {op: set, file: config.json, path: [d], when: "(("}
)";
  write(dir.path(), "good-rule.yaml", rule);
  std::vector<RuleError> errors = load_errors(dir.path());
  EXPECT_EQ(errors.size(), 4u) << dump(errors);
  std::string all = dump(errors);
  EXPECT_NE(all.find("takes 'value' or 'candidates', not both"), std::string::npos) << all;
  EXPECT_NE(all.find("'candidates' is for set edits"), std::string::npos) << all;
  EXPECT_NE(all.find("set needs 'value' (an expression) or 'candidates'"), std::string::npos) << all;
  EXPECT_NE(all.find("bad expression in fix when"), std::string::npos) << all;
}

TEST(RuleLoader, unknown_key_with_position) {
  ScratchDir dir("rules-key");
  write(dir.path(), "good-rule.yaml", std::string(kGood) + "colour: blue\n");
  auto errors = load_errors(dir.path());
  EXPECT_TRUE(has_error(errors, 9, 1, "unknown key 'colour'")) << dump(errors);
}

// A scheme tensor's marker is true, false or by-dtype, and by-dtype needs a constant dtype.
TEST(RuleLoader, scheme_marker_values) {
  ScratchDir dir("rules-scheme-marker");
  write(dir.path(), "toy.scheme.yaml", R"(scheme: toy
summary: a toy scheme
declared: "quantization_config.quant_method == 'toy'"
tensors:
  - {suffix: weight, dtype: "'U8'", marker: by-dtype}
  - {suffix: scale, dtype: float, marker: by-dtype}
  - {suffix: zero, dtype: "'F32'", marker: maybe}
  - {suffix: extra, dtype: "'F32'", marker: true}
)");
  auto errors = load_errors(dir.path());
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_error(errors, 6, 43, "'marker: by-dtype' needs a constant 'dtype'")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 7, 44, "'marker' must be true, false or by-dtype")) << dump(errors);
}

TEST(RuleLoader, unknown_primitive_class_and_severity_all_reported) {
  ScratchDir dir("rules-enum");
  write(dir.path(), "bad-rule.yaml", R"(id: bad-rule
class: garbage-output
severity: fatal
summary: s
message: m
help: h
primitive: no-such-thing
)");
  auto errors = load_errors(dir.path());
  EXPECT_TRUE(has_error(errors, 2, 8, "unknown class 'garbage-output'")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 3, 11, "unknown severity 'fatal'")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 7, 12, "unknown primitive 'no-such-thing'")) << dump(errors);
}

TEST(RuleLoader, placeholder_not_among_the_primitive_facts) {
  ScratchDir dir("rules-placeholder");
  std::string text = kGood;
  text.replace(text.find("{count}"), 7, "{bogus}");
  write(dir.path(), "good-rule.yaml", text);
  auto errors = load_errors(dir.path());
  EXPECT_TRUE(has_error(errors, 5, 24, "placeholder '{bogus}'")) << dump(errors);
}

TEST(RuleLoader, bad_expression_points_into_the_string) {
  ScratchDir dir("rules-expr");
  write(dir.path(), "cfg-rule.yaml", R"(id: cfg-rule
class: stale-config
severity: error
summary: s
message: m
help: h
primitive: config-assert
with:
  assert: len(layer_types) ==
applies-to:
  when: bogus(1)
)");
  auto errors = load_errors(dir.path());
  EXPECT_TRUE(has_error(errors, 9, 30, "bad expression in 'assert'")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 11, 9, "unknown function 'bogus'")) << dump(errors);
}

TEST(RuleLoader, id_must_match_the_file_name_and_be_unique) {
  ScratchDir dir("rules-id");
  write(dir.path(), "other-name.yaml", kGood);
  ScratchDir dir2("rules-id2");
  write(dir2.path(), "good-rule.yaml", kGood);
  ScratchDir dir3("rules-id3");
  write(dir3.path(), "good-rule.yaml", kGood);
  EXPECT_TRUE(has_error(load_errors(dir.path()), 1, 5, "differs from the file name"));
  std::vector<RuleError> errors;
  load_rules({dir2.path(), dir3.path()}, errors);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_NE(errors[0].message.find("already defined"), std::string::npos);
}

TEST(RuleLoader, ids_are_kebab_case) {
  for (const std::string id : {"Bad-Id", "-lead", "trail-", "two--dashes", "under_score", "dot.ted"}) {
    ScratchDir dir("rules-kebab");
    std::string text = kGood;
    text.replace(text.find("good-rule"), 9, id);
    write(dir.path(), id + ".yaml", text);
    EXPECT_TRUE(has_error(load_errors(dir.path()), 1, 5, "is not kebab-case")) << id;
  }
  for (const std::string id : {"a", "a-1-b", "4bit-scales"}) {
    ScratchDir dir("rules-kebab-ok");
    std::string text = kGood;
    text.replace(text.find("good-rule"), 9, id);
    write(dir.path(), id + ".yaml", text);
    EXPECT_TRUE(load_errors(dir.path()).empty()) << id;
  }
}

TEST(RuleLoader, unknown_parameter_and_missing_required_parameter) {
  ScratchDir dir("rules-with");
  std::string text = kGood;
  text.replace(text.find("with: {glob"), 11, "with: {pattern");
  write(dir.path(), "good-rule.yaml", text);
  auto errors = load_errors(dir.path());
  EXPECT_TRUE(has_error(errors, 8, 8, "unknown parameter 'pattern'")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 8, 7, "missing parameter 'glob'")) << dump(errors);
}

TEST(RuleLoader, yaml_syntax_error_and_missing_fields) {
  ScratchDir dir("rules-syntax");
  write(dir.path(), "broken.yaml", "id: [unclosed\n");
  write(dir.path(), "empty-rule.yaml", "id: empty-rule\n");
  auto errors = load_errors(dir.path());
  bool syntax = false, missing = false;
  for (const RuleError& e : errors) {
    syntax = syntax || (e.file.find("broken.yaml") != std::string::npos && e.line >= 1);
    missing = missing || e.message.find("missing required key 'class'") != std::string::npos;
  }
  EXPECT_TRUE(syntax) << dump(errors);
  EXPECT_TRUE(missing) << dump(errors);
}

TEST(RuleLoader, applies_to_filters_by_model_type_and_when) {
  ScratchDir dir("rules-applies");
  write(dir.path(), "only-gemma.yaml", R"(id: only-gemma
class: stale-config
severity: warning
summary: s
message: "layers {n}"
help: h
primitive: config-assert
with:
  assert: "false"
  facts: {n: "text_config.num_hidden_layers"}
applies-to:
  model-type: [gemma4, gemma4_text]
  when: "text_config.num_hidden_layers > 30"
)");
  std::vector<RuleError> errors;
  RuleSet rules = load_rules({dir.path()}, errors);
  ASSERT_TRUE(errors.empty()) << dump(errors);
  auto run = [&](const std::string& config) {
    Checkpoint ck;
    ck.config = JsonFile{"config.json", nlohmann::json::parse(config), config};
    ck.family = ck.config->value.value("model_type", "");
    return run_rules(ck, rules, {}).findings.size();
  };
  EXPECT_EQ(run(R"({"model_type":"gemma4","text_config":{"num_hidden_layers":42}})"), 1u);
  EXPECT_EQ(run(R"({"model_type":"gemma4","text_config":{"num_hidden_layers":20}})"), 0u);
  EXPECT_EQ(run(R"({"model_type":"llama","text_config":{"num_hidden_layers":42}})"), 0u);
  // The top-level model_type names the architecture (a gemma4_assistant drafter nests a
  // gemma4_text config); text_config's counts only when the top level has none.
  EXPECT_EQ(run(R"({"model_type":"x","text_config":{"model_type":"gemma4_text","num_hidden_layers":42}})"), 0u);
  EXPECT_EQ(run(R"({"text_config":{"model_type":"gemma4_text","num_hidden_layers":42}})"), 1u);
}

}  // namespace
}  // namespace ckptlint
