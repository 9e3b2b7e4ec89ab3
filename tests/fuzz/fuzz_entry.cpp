// SPDX-License-Identifier: Apache-2.0
#include "fuzz_entry.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <string_view>

#include "checkpoint/byte_source.h"
#include "checkpoint/index_file.h"
#include "checkpoint/json_file.h"
#include "checkpoint/safetensors_header.h"
#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "layout/expected_tensors.h"
#include "lang/expr.h"
#include "remote/hub_listing.h"
#include "rules/rule_documents.h"
#include "rules/rule_packs.h"

namespace ckptlint::fuzz {
namespace {

std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

const RuleSet& rules() {
  static const RuleSet r = [] {
    std::vector<RuleError> errors;
    return load_rules({CKPTLINT_SOURCE_TREE_RULES}, errors);  // the source tree's, never an install's
  }();
  return r;
}

const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("ckptlint-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// A valid adapter weights file with pairs of every naming (MLX, legacy, PEFT), written by
// hand so the fuzz library needs no fixture generator.
std::string adapter_weights() {
  std::string header = "{";
  std::uint64_t offset = 0;
  auto add = [&](const std::string& name, int rows, int cols) {
    std::uint64_t bytes = static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols) * 2;
    header += (header.size() > 1 ? "," : "") + ("\"" + name + "\":{\"dtype\":\"BF16\",\"shape\":[") + std::to_string(rows) + "," +
              std::to_string(cols) + "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
  };
  add("language_model.model.layers.0.self_attn.q_proj.lora_a", 8, 2);
  add("language_model.model.layers.0.self_attn.q_proj.lora_b", 2, 8);
  add("language_model.model.layers.1.mlp.up_proj.A", 8, 2);
  add("language_model.model.layers.1.mlp.up_proj.B", 2, 16);
  add("base_model.model.model.language_model.layers.2.self_attn.v_proj.lora_A.weight", 2, 8);
  add("base_model.model.model.language_model.layers.2.self_attn.v_proj.lora_B.weight", 4, 2);
  add("vision_tower.encoder.layers.0.mlp.fc1.weight", 4, 4);
  header += "}";
  while (header.size() % 8 != 0) header += ' ';
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) file[static_cast<std::size_t>(i)] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  file += header;
  for (std::uint64_t i = 0; i < offset; ++i) file += static_cast<char>(i % 7 == 0 ? 0x3c : 0);
  return file;
}

}  // namespace

void adapter_config(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path dir = [] {
    auto d = scratch() / "adapter";
    std::filesystem::create_directories(d);
    std::string weights = adapter_weights();
    for (const char* name : {"adapters.safetensors", "adapter_model.safetensors"}) {
      std::ofstream(d / name, std::ios::binary).write(weights.data(), static_cast<std::streamsize>(weights.size()));
    }
    return d;
  }();
  std::ofstream(dir / "adapter_config.json", std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  Checkpoint ck;
  std::string error;
  if (!load_checkpoint(dir.string(), ck, error)) return;
  RunOptions options;
  options.jobs = 1;
  options.select = {"adapter-*", "adapter-scale", "adapter-mismatch", "non-finite"};
  Report report = run_rules(ck, rules(), options);
  (void)report;
}

void safetensors_header(const std::uint8_t* data, std::size_t size) {
  MemorySource source(text(data, size));
  std::vector<LoadProblem> problems;
  Shard shard = read_safetensors_header("fuzz.safetensors", source, problems);
  (void)shard;
}

void index_file(const std::uint8_t* data, std::size_t size) {
  std::ofstream(scratch() / kIndexFileName, std::ios::binary).write(reinterpret_cast<const char*>(data),
                                                                     static_cast<std::streamsize>(size));
  IndexRead index = read_index(scratch());
  (void)index;
}

void config_file(const std::uint8_t* data, std::size_t size) {
  JsonFileError error;
  auto parsed = parse_json_object(std::string(text(data, size)), error);
  if (!parsed) return;
  const LayoutModel* model = layout_for(rules().packs().layouts, {"gemma4"});
  for (const char* variant : {"mlx", "hf"}) {
    Layout layout = expand_layout(*model, parsed->dom, variant);
    std::vector<ExpectedTensor> tensors = expected_tensors(*model, layout, parsed->dom, "mlx-vlm", error.error, rules().packs().layouts.schemes);
    (void)tensors;
  }
}

void rule_file(const std::uint8_t* data, std::size_t size) {
  std::vector<RuleDocument> docs;
  try {
    docs.push_back({"fuzz-rule.yaml", to_doc(YAML::Load(std::string(text(data, size))))});
  } catch (const YAML::Exception&) {
    return;  // a syntax error is reported by read_rule_documents; nothing to compile
  }
  std::vector<RuleError> errors;
  RuleSet set = load_rule_documents(docs, errors);
  docs[0].file = "fuzz.layout.yaml";
  RuleSet layouts = load_rule_documents(docs, errors);
  (void)set;
  (void)layouts;
}

void expression(const std::uint8_t* data, std::size_t size) {
  std::string_view all = text(data, size);
  std::size_t newline = all.find('\n');
  std::string expr(all.substr(0, newline));
  std::string error;
  int column = 0;
  auto e = Expr::parse(expr, error, column);
  if (!e) return;
  nlohmann::json config = nlohmann::json::object();
  if (newline != std::string_view::npos) {
    JsonFileError json_error;
    if (auto parsed = parse_json_object(std::string(all.substr(newline + 1)), json_error)) config = parsed->dom;
  }
  Scope scope;
  scope.config = &config;
  (void)e->eval(scope);
}

void hub_listing(const std::uint8_t* data, std::size_t size) {
  std::string error;
  std::size_t names = 0;
  (void)parse_hub_listing(text(data, size), [&](std::string&&) { ++names; }, error);
}

const std::vector<Target>& targets() {
  static const std::vector<Target> t = {
      {"adapter", adapter_config}, {"config", config_file}, {"expr", expression},
      {"header", safetensors_header}, {"index", index_file},   {"listing", hub_listing},
      {"rules", rule_file},
  };
  return t;
}

}  // namespace ckptlint::fuzz
