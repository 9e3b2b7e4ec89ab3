// SPDX-License-Identifier: Apache-2.0
// An absent config field is never a violation: every config-assert rule stays below warning
// on every clean Gemma 4 config (each preset, float and quantized) with any one field
// removed, at the top level or inside text_config, vision_config or audio_config. A rule
// whose very point is a missing field (config-model-type-missing) is the one exception.
#include <gtest/gtest.h>

#include <set>

#include "ckptlint/lint.h"
#include "ckptlint/load.h"
#include "gemma4_config.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

const std::set<std::string> kAbsenceIsTheFinding = {"config-model-type-missing"};

// Every field path of a config that can be removed, one level into the model's sub-configs.
// (A field missing from one of the two quantization sections is not absent: the sections
// then differ, which quantization-config-differs reports.)
std::vector<std::vector<std::string>> field_paths(const nlohmann::json& config) {
  std::vector<std::vector<std::string>> out;
  for (const auto& [key, value] : config.items()) {
    out.push_back({key});
    if (value.is_object() && key.ends_with("_config") && key != "quantization_config") {
      for (const auto& [inner, ignored] : value.items()) out.push_back({key, inner});
    }
  }
  return out;
}

class AbsentFields : public ::testing::TestWithParam<std::string> {};

TEST_P(AbsentFields, config_assert_rules_stay_silent_on_a_removed_field) {
  const RuleSet& rules = testing::source_rules();
  RunOptions options;
  for (const Rule* r : rules.rules()) {
    if (r->primitive == "config-assert" && !kAbsenceIsTheFinding.count(r->id)) options.select.push_back(r->id);
  }
  ASSERT_GE(options.select.size(), 4u);
  for (bool quantized : {false, true}) {
    nlohmann::json clean = *fixtures::gemma4_config(GetParam());
    if (quantized) {
      clean["quantization"] = {{"group_size", 64}, {"bits", 4}, {"mode", "affine"}};
      clean["quantization_config"] = clean["quantization"];
    }
    std::vector<std::vector<std::string>> paths = field_paths(clean);
    ASSERT_GT(paths.size(), 40u);
    for (const auto& path : paths) {
      nlohmann::json config = clean;
      if (path.size() == 1) config.erase(path[0]);
      else config[path[0]].erase(path[1]);
      Checkpoint ck;
      ck.config = JsonFile{"config.json", config, config.dump()};
      ck.family = config.value("model_type", "");
      Report report = run_rules(ck, rules, options);
      for (const Finding& f : report.findings) {
        EXPECT_LT(f.severity, Severity::warning)
            << (quantized ? "quantized, " : "") << "without " << path.back() << ": " << f.rule_id << ": " << f.message;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Gemma4, AbsentFields,
                         ::testing::Values("e2b", "e4b", "26b-a4b", "31b", "tiny-e2b", "tiny-e4b", "tiny-26b-a4b", "tiny-31b"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

}  // namespace
}  // namespace ckptlint
