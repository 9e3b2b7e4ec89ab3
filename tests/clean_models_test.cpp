// SPDX-License-Identifier: Apache-2.0
// Every layout model passes clean in every quantization scheme: for each rules/*/X.layout.yaml
// the small configs of fixtures/models/X.yaml are generated in float, in each MLX mode and in
// every other *.scheme.yaml, and nothing is found at warning or above. Both lists are read from
// the rules directory, so a new family's layout model or a new scheme is covered without
// editing this test (a layout model without its fixtures/models file fails here).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "ckptlint/lint.h"
#include "layout/layout_model.h"
#include "rules/rule_packs.h"
#include "support/recipe_run.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLayoutSuffix = ".layout.yaml";

// The layout models' names, from their file names (rules/<pack>/<name>.layout.yaml).
std::vector<std::string> layout_files() {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(testing::rules_dir())) {
    const std::string file = e.path().filename().string();
    if (e.is_regular_file() && file.ends_with(kLayoutSuffix)) names.push_back(file.substr(0, file.size() - kLayoutSuffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// `quant:` values of the fixture generator, one per scheme: the MLX scheme in each mode
// mlx-lm writes (affine at two widths, the three microscaled formats), the others by name.
std::vector<std::string> quant_values(const RuleSet& rules) {
  std::vector<std::string> out = {"none"};
  for (const auto& scheme : rules.packs().layouts.schemes) {
    if (scheme->mlx) {
      out.insert(out.end(), {"affine-4", "affine-8", "mxfp4", "nvfp4", "mxfp8"});
    } else {
      out.push_back(scheme->name);
    }
  }
  return out;
}

const LayoutModel* layout_model(const RuleSet& rules, const std::string& name) {
  for (const auto& m : rules.packs().layouts) {
    if (m->name == name) return m.get();
  }
  return nullptr;
}

class CleanModels : public ::testing::TestWithParam<std::string> {};

TEST_P(CleanModels, pass_in_float_and_every_scheme) {
  const std::string layout = GetParam();
  const RuleSet& rules = testing::source_rules();
  const LayoutModel* model = layout_model(rules, layout);
  ASSERT_NE(model, nullptr) << "rules/*/" << layout << ".layout.yaml loads no layout model named '" << layout << "'";
  const fs::path models_file = fs::path(testing::fixtures_dir()) / "models" / (layout + ".yaml");
  ASSERT_TRUE(fs::exists(models_file)) << "layout model '" << layout << "' has no clean configs: add " << models_file.string()
                                       << " (fixtures/models/README.md)";
  YAML::Node models = YAML::LoadFile(models_file.string())["models"];
  ASSERT_TRUE(models && models.IsSequence() && models.size() > 0) << models_file.string() << " lists no models";
  for (const YAML::Node& entry : models) {
    for (const std::string& quant : quant_values(rules)) {
      YAML::Node spec = YAML::Clone(entry);
      spec["layout"] = layout;
      if (quant != "none") spec["quant"] = quant;
      YAML::Node recipe;
      recipe["model"] = spec;
      YAML::Emitter text;
      text << YAML::Flow << recipe;
      const std::string recipe_text = std::string(text.c_str()) + "\n";
      SCOPED_TRACE(recipe_text);
      testing::ScratchDir dir("clean-" + layout);
      testing::LoadedRecipe loaded;
      testing::load_recipe(testing::recipe_from_text(recipe_text, dir.path()), dir.path() + "/ckpt", loaded);
      ASSERT_FALSE(::testing::Test::HasFatalFailure());
      RunOptions options;
      options.scan_values = true;  // as `ckptlint check` does without --no-values
      Report r = loaded.run(rules, options);
      // The layout model applied: the key layout is one of its own.
      EXPECT_TRUE(model->prefixes.count(r.target.layout) != 0) << "key layout '" << r.target.layout << "'";
      for (const Finding& f : r.findings) {
        EXPECT_LT(f.severity, Severity::warning) << f.rule_id << ": " << f.message;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, CleanModels, ::testing::ValuesIn(layout_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// Each file of fixtures/models belongs to a layout model (a renamed family leaves none behind).
TEST(CleanModelFiles, each_names_a_layout_model) {
  const std::vector<std::string> layouts = layout_files();
  for (const auto& e : fs::directory_iterator(fs::path(testing::fixtures_dir()) / "models")) {
    if (e.path().extension() != ".yaml") continue;
    const std::string name = e.path().stem().string();
    EXPECT_TRUE(std::find(layouts.begin(), layouts.end(), name) != layouts.end())
        << "fixtures/models/" << name << ".yaml names no rules/*/" << name << ".layout.yaml";
  }
}

}  // namespace
}  // namespace ckptlint
