// SPDX-License-Identifier: Apache-2.0
#include "support/recipe_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ckptlint/load.h"
#include "support/hub_server.h"
#include "support/test_paths.h"

namespace ckptlint::testing {

const RuleSet& source_rules() {
  static const RuleSet rules = [] {
    std::vector<RuleError> errors;
    RuleSet loaded = load_rules({rules_dir()}, errors);
    for (const RuleError& e : errors) ADD_FAILURE() << to_string(e);
    return loaded;
  }();
  return rules;
}

void load_recipe(const fixtures::Recipe& recipe, const std::string& dir, LoadedRecipe& out) {
  std::string error;
  EXPECT_TRUE(fixtures::materialize(recipe, dir, error)) << error;
  std::string target = fixtures::target_path(recipe, dir);
  if (recipe.serve == "hub") target = HubServer::get().publish(target, "fixtures", std::filesystem::path(dir).filename().string());
  EXPECT_TRUE(load_checkpoint(target, out.target, error)) << error;
  out.is_diff = recipe.is_diff();
  out.has_base = recipe.base || out.is_diff;
  if (out.has_base) EXPECT_TRUE(load_checkpoint(fixtures::base_dir(dir), out.base, error)) << error;
  out.has_adapter = out.is_diff && std::filesystem::exists(fixtures::adapter_dir(dir));
  if (out.has_adapter) EXPECT_TRUE(load_checkpoint(fixtures::adapter_dir(dir), out.adapter, error)) << error;
}

fixtures::Recipe recipe_from_text(const std::string& text, const std::string& dir) {
  std::string path = dir + "/recipe.yaml", error;
  std::ofstream(path) << text;
  auto recipe = fixtures::read_recipe(path, error);
  EXPECT_TRUE(recipe) << error;
  return recipe.value_or(fixtures::Recipe{});
}

Report LoadedRecipe::run(const RuleSet& rules, const RunOptions& options) const {
  if (is_diff) return run_diff(target, rules, options, DiffRequest{&base, has_adapter ? &adapter : nullptr, false});
  return run_rules(target, rules, options, has_base ? &base : nullptr);
}

}  // namespace ckptlint::testing
