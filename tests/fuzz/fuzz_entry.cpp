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
#include "rules/expr.h"
#include "rules/rule_documents.h"

namespace ckptlint::fuzz {
namespace {

std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

const RuleSet& rules() {
  static const RuleSet r = [] {
    std::vector<RuleError> errors;
    return load_rules({default_rules_dir(nullptr)}, errors);
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

}  // namespace

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
  const LayoutModel* model = rules().layout_for({"gemma4"});
  for (const char* variant : {"mlx", "hf"}) {
    Layout layout = expand_layout(*model, parsed->dom, variant);
    std::vector<ExpectedTensor> tensors = expected_tensors(*model, layout, parsed->dom, "mlx-vlm", error.error);
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

const std::vector<Target>& targets() {
  static const std::vector<Target> t = {
      {"config", config_file}, {"expr", expression}, {"header", safetensors_header},
      {"index", index_file},   {"rules", rule_file},
  };
  return t;
}

}  // namespace ckptlint::fuzz
