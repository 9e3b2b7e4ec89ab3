// SPDX-License-Identifier: Apache-2.0
// The ckptlint binary as users and pipelines run it: exit codes 0/1/2, formats, selection.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "recipe.h"
#include "support/test_paths.h"

namespace ckptlint {
namespace {

using testing::ScratchDir;

struct CliRun {
  int code = -1;
  std::string out;
};

CliRun ckptlint(const std::string& args) {
  CliRun r;
  std::string command = testing::ckptlint_binary() + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string make(const ScratchDir& dir, const std::string& recipe_name) {
  std::string error;
  auto recipe = fixtures::read_recipe(testing::fixtures_dir() + "/" + recipe_name, error);
  EXPECT_TRUE(recipe) << error;
  EXPECT_TRUE(fixtures::materialize(*recipe, dir.path(), error)) << error;
  return dir.path();
}

TEST(Cli, clean_checkpoint_exits_0) {
  ScratchDir dir("cli-clean");
  CliRun r = ckptlint("check " + make(dir, "shards-without-index/pass.yaml"));
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("pass"), std::string::npos);
}

TEST(Cli, findings_exit_1_and_malformed_input_is_not_a_usage_error) {
  ScratchDir dir("cli-bad");
  CliRun r = ckptlint("check " + make(dir, "header-too-large/trigger-max-u64.yaml"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("error[header-too-large] corrupt-file"), std::string::npos) << r.out;
}

TEST(Cli, usage_errors_and_missing_paths_exit_2) {
  EXPECT_EQ(ckptlint("").code, 2);
  EXPECT_EQ(ckptlint("frobnicate x").code, 2);
  EXPECT_EQ(ckptlint("check").code, 2);
  EXPECT_EQ(ckptlint("check /nonexistent/path").code, 2);
  EXPECT_EQ(ckptlint("check . --format xml").code, 2);
  EXPECT_EQ(ckptlint("check . --fail-on fatal").code, 2);
  EXPECT_EQ(ckptlint("check . --bogus").code, 2);
  EXPECT_EQ(ckptlint("rules no-such-rule").code, 2);
}

TEST(Cli, bad_rule_pack_exits_2_with_file_line_column) {
  ScratchDir rules("cli-rules");
  std::ofstream(rules.path() + "/x.yaml") << "id: x\nclass: nope\n";
  CliRun r = ckptlint("rules --rules " + rules.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("x.yaml:2:8: unknown class 'nope'"), std::string::npos) << r.out;
}

TEST(Cli, json_report_follows_the_contract) {
  ScratchDir dir("cli-json");
  CliRun r = ckptlint("check " + make(dir, "stray-shard-file/trigger.yaml") + " --format json");
  EXPECT_EQ(r.code, 1);
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema"], "ckptlint-report/1");
  EXPECT_EQ(doc["tool"]["name"], "ckptlint");
  EXPECT_EQ(doc["summary"]["verdict"], "fail");
  ASSERT_FALSE(doc["findings"].empty());
  const auto& f = doc["findings"][0];
  for (const char* field : {"rule", "class", "severity", "message", "file", "tensor", "help", "facts"}) {
    EXPECT_TRUE(f.contains(field)) << field;
  }
}

TEST(Cli, select_ignore_and_fail_on) {
  ScratchDir dir("cli-select");
  std::string path = make(dir, "index-total-size-mismatch/trigger.yaml");  // a warning
  EXPECT_EQ(ckptlint("check " + path).code, 0);
  EXPECT_EQ(ckptlint("check " + path + " --fail-on warning").code, 1);
  EXPECT_EQ(ckptlint("check " + path + " --fail-on warning --ignore 'index-*'").code, 0);
  EXPECT_EQ(ckptlint("check " + path + " --fail-on warning --ignore shard-index").code, 0);
  EXPECT_EQ(ckptlint("check " + path + " --fail-on warning --select corrupt-file").code, 0);
  CliRun quiet = ckptlint("check " + path + " --quiet");
  EXPECT_EQ(quiet.out.find("help:"), std::string::npos);
}

TEST(Cli, output_file_and_version_and_rules) {
  ScratchDir dir("cli-out");
  std::string path = make(dir, "offsets-gap/trigger.yaml");
  CliRun r = ckptlint("check " + path + " --format json --output " + dir.path() + "/report.json");
  EXPECT_EQ(r.code, 1);
  std::ifstream report(dir.path() + "/report.json");
  EXPECT_EQ(nlohmann::json::parse(report)["findings"][0]["rule"], "offsets-gap");
  EXPECT_EQ(ckptlint("--version").out, "ckptlint 0.1.0\n");
  CliRun rules = ckptlint("rules");
  EXPECT_EQ(rules.code, 0);
  EXPECT_NE(rules.out.find("header-too-large"), std::string::npos);
  CliRun one = ckptlint("rules offsets-gap");
  EXPECT_NE(one.out.find("primitive: load-problem"), std::string::npos) << one.out;
}

}  // namespace
}  // namespace ckptlint
