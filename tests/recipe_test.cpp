// SPDX-License-Identifier: Apache-2.0
// The fixture recipe reader is strict: a misspelt key would silently drop an assertion or a
// mutation, so every structural key is checked and an unknown one names its place.
#include <gtest/gtest.h>

#include <fstream>

#include "recipe.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

std::string read_error(const std::string& text) {
  testing::ScratchDir dir("recipe");
  const std::string path = dir.path() + "/recipe.yaml";
  std::ofstream(path) << text;
  std::string error;
  EXPECT_FALSE(fixtures::read_recipe(path, error).has_value()) << text;
  return error;
}

TEST(Recipe, a_misspelt_expectation_key_is_refused_with_its_position) {
  std::string error = read_error("description: x\nexpect:\n  - {rule: a, message-contain: b}\n");
  EXPECT_NE(error.find("recipe.yaml:3:"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key 'message-contain' in an expected finding"), std::string::npos) << error;
}

TEST(Recipe, unknown_keys_anywhere_in_the_structure_are_refused) {
  EXPECT_NE(read_error("descripton: x\n").find("unknown key 'descripton' in the recipe"), std::string::npos);
  EXPECT_NE(read_error("gemma4: {preset: tiny-e4b, quantization: affine-4}\n").find("unknown key 'quantization' in 'gemma4'"),
            std::string::npos);
  EXPECT_NE(read_error("gemma4: {mutate: [{dequantise: x}]}\n").find("unknown key 'dequantise' in a 'gemma4' mutation"),
            std::string::npos);
  EXPECT_NE(read_error("adapter: {dialect: peft, mutate: [{zeros: x}]}\n").find("unknown key 'zeros' in an 'adapter' mutation"),
            std::string::npos);
  EXPECT_NE(read_error("fuse: {base: {preset: tiny-e4b}, scael: 2}\n").find("unknown key 'scael' in 'fuse'"), std::string::npos);
}

TEST(Recipe, file_specs_stay_free_form) {
  testing::ScratchDir dir("recipe-files");
  const std::string path = dir.path() + "/recipe.yaml";
  std::ofstream(path) << "files:\n  config.json: {any_key: 1, nested: {whatever: true}}\n";
  std::string error;
  EXPECT_TRUE(fixtures::read_recipe(path, error).has_value()) << error;
}

}  // namespace
}  // namespace ckptlint
