// SPDX-License-Identifier: Apache-2.0
#include "support/cli_run.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "recipe.h"

namespace ckptlint::testing {

CliRun shell(const std::string& line) {
  CliRun r;
  std::string command = "{ " + line + "; } 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

CliRun ckptlint(const std::string& args) { return shell(ckptlint_binary() + " " + args); }

CliRun ckptlint_in(const std::string& cwd, const std::string& args) {
  return shell("cd '" + cwd + "' && " + ckptlint_binary() + " " + args);
}

std::string make(const ScratchDir& dir, const std::string& recipe_name) {
  std::string error;
  auto recipe = fixtures::read_recipe(fixtures_dir() + "/" + recipe_name, error);
  EXPECT_TRUE(recipe) << error;
  EXPECT_TRUE(fixtures::materialize(*recipe, dir.path(), error)) << error;
  return dir.path();
}

}  // namespace ckptlint::testing
