// SPDX-License-Identifier: Apache-2.0
// The phases of a header-only check on a full-size, sparse Gemma 4 E4B 4-bit checkpoint:
// reading the headers, loading the rule packs from YAML, analysing the layout, running rules.
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "rules/rule_packs.h"
#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "analysis/analysis.h"
#include "gemma4_writer.h"

namespace {

using namespace ckptlint;

const std::string& checkpoint_dir() {
  static const std::string dir = [] {
    std::string d = (std::filesystem::temp_directory_path() / "ckptlint-bench-e4b-4bit").string();
    std::filesystem::remove_all(d);
    std::string error;
    YAML::Node spec = YAML::Load("{preset: e4b, quant: affine-4, recipe: ple-safe}");
    if (!fixtures::write_gemma4(spec, d, fixtures::builtin_rules(), error)) throw std::runtime_error(error);
    return d;
  }();
  return dir;
}

void BM_LoadCheckpoint(benchmark::State& state) {
  for (auto _ : state) {
    Checkpoint ck;
    std::string error;
    load_checkpoint(checkpoint_dir(), ck, error);
    benchmark::DoNotOptimize(ck.shards.size());
  }
}
BENCHMARK(BM_LoadCheckpoint)->Unit(benchmark::kMillisecond);

void BM_LoadRulesFromYaml(benchmark::State& state) {
  for (auto _ : state) {
    std::vector<RuleError> errors;
    RuleSet rules = load_rules({CKPTLINT_SOURCE_TREE_RULES}, errors);
    benchmark::DoNotOptimize(rules.size());
  }
}
BENCHMARK(BM_LoadRulesFromYaml)->Unit(benchmark::kMillisecond);

void BM_Analyze(benchmark::State& state) {
  Checkpoint ck;
  std::string error;
  load_checkpoint(checkpoint_dir(), ck, error);
  for (auto _ : state) {
    Analysis a = analyze(ck, fixtures::builtin_rules().packs().layouts);
    benchmark::DoNotOptimize(a.layout->entries.size());
  }
}
BENCHMARK(BM_Analyze)->Unit(benchmark::kMillisecond);

void BM_RunRules(benchmark::State& state) {
  Checkpoint ck;
  std::string error;
  load_checkpoint(checkpoint_dir(), ck, error);
  for (auto _ : state) {
    Report r = run_rules(ck, fixtures::builtin_rules(), {});
    benchmark::DoNotOptimize(r.findings.size());
  }
}
BENCHMARK(BM_RunRules)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
