// SPDX-License-Identifier: Apache-2.0
// The ckptlint binary as users and pipelines run it: exit codes 0/1/2, formats, selection.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "recipe.h"
#include "support/cli_run.h"

namespace ckptlint {
namespace {

using testing::ScratchDir;

using testing::CliRun;
using testing::ckptlint;
using testing::ckptlint_in;
using testing::make;

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

TEST(Cli, a_usage_error_is_one_line_with_the_nearest_spelling) {
  CliRun r = ckptlint("chek .");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "ckptlint: unknown command 'chek' (did you mean 'check'?); see ckptlint --help\n");
  r = ckptlint("check . --no-value");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "ckptlint: unknown option '--no-value' (did you mean '--no-values'?); see ckptlint --help\n");
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

// The pipeline gate: SARIF results point at the line of the key in config.json, rules that
// fired are described, fingerprints are stable across runs.
TEST(Cli, sarif_points_at_the_config_line_and_describes_the_rules) {
  ScratchDir dir("cli-sarif");
  std::string ck = make(dir, "layer-types-length/trigger.yaml");
  CliRun r = ckptlint("check " + ck + " --format sarif --select layer-types-length");
  EXPECT_EQ(r.code, 1) << r.out;
  nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["version"], "2.1.0");
  const nlohmann::json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["id"], "layer-types-length");
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["properties"]["tags"][0], "stale-config");
  const nlohmann::json& result = run["results"][0];
  EXPECT_EQ(result["level"], "error");
  const nlohmann::json& loc = result["locations"][0]["physicalLocation"];
  std::string uri = loc["artifactLocation"]["uri"];
  EXPECT_EQ(uri.substr(uri.size() - 11), "config.json");
  // The line of "layer_types" in the generated config.json.
  std::ifstream in(ck + "/config.json");
  std::string line;
  int n = 0, expected = 0;
  while (std::getline(in, line) && expected == 0) {
    ++n;
    if (line.find("\"layer_types\"") != std::string::npos) expected = n;
  }
  ASSERT_GT(expected, 0);
  EXPECT_EQ(loc["region"]["startLine"], expected);
  CliRun again = ckptlint("check " + ck + " --format sarif --select layer-types-length");
  EXPECT_EQ(nlohmann::json::parse(again.out)["runs"][0]["results"][0]["partialFingerprints"], result["partialFingerprints"]);
}

TEST(Cli, index_findings_point_at_the_weight_map_entry) {
  ScratchDir dir("cli-index-line");
  std::string ck = make(dir, "index-entry-missing-from-shard/trigger.yaml");
  CliRun r = ckptlint("check " + ck + " --format json --select index-entry-missing-from-shard");
  nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_FALSE(doc["findings"].empty()) << r.out;
  // The fixture's index is one line: the column is where "mtp.fc.weight" starts in it.
  std::ifstream in(ck + "/model.safetensors.index.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(doc["findings"][0]["line"], 1) << doc["findings"][0].dump();
  EXPECT_EQ(doc["findings"][0]["column"], text.find("\"mtp.fc.weight\"") + 1) << text;
}

TEST(Cli, baseline_suppresses_counts_and_reports_stale_entries) {
  ScratchDir dir("cli-baseline");
  std::string ck = make(dir, "kv-shared-redundant/trigger.yaml");
  std::string baseline = dir.path() + "/../cli-baseline.json";
  CliRun written = ckptlint("check " + ck + " --select kv-shared-redundant --write-baseline " + baseline);
  CliRun first = ckptlint("check " + ck + " --select kv-shared-redundant --format json");
  std::size_t total = nlohmann::json::parse(first.out)["findings"].size();
  ASSERT_GT(total, 0u);
  CliRun r = ckptlint("check " + ck + " --select kv-shared-redundant --format json --baseline " + baseline);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc["findings"].empty());
  EXPECT_EQ(doc["summary"]["suppressed"], total);
  // An entry that matches nothing any more is reported.
  std::ofstream(baseline) << R"({"schema": "ckptlint-baseline/1", "accepted": [{"rule": "kv-shared-redundant", "file": "*", "tensor": "gone.*", "reason": "x"}]})";
  CliRun stale = ckptlint("check " + ck + " --select kv-shared-redundant --baseline " + baseline);
  EXPECT_NE(stale.out.find("baseline entry no longer matches anything (remove it): kv-shared-redundant | * | gone.*"), std::string::npos)
      << stale.out;
  std::ofstream(baseline) << "not json";
  EXPECT_EQ(ckptlint("check " + ck + " --baseline " + baseline).code, 2);
}

TEST(Cli, exit_zero_and_project_config_severity_and_fail_on) {
  ScratchDir dir("cli-project");
  std::string ck = make(dir, "layer-types-length/trigger.yaml");
  EXPECT_EQ(ckptlint("check " + ck + " --select layer-types-length").code, 1);
  EXPECT_EQ(ckptlint("check " + ck + " --select layer-types-length --exit-zero").code, 0);
  // .ckptlint.yaml in the working directory: the rule demoted to info, so the run passes...
  ScratchDir project("cli-project-dir");
  std::ofstream(project.path() + "/.ckptlint.yaml") << "select: [layer-types-length]\nseverity:\n  layer-types-length: info\n";
  CliRun r = ckptlint_in(project.path(), "check " + ck);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("info[layer-types-length]"), std::string::npos) << r.out;
  // ...unless it fails on info; --no-config ignores the file; a bad file is exit 2.
  std::ofstream(project.path() + "/.ckptlint.yaml") << "select: [layer-types-length]\nseverity: {layer-types-length: info}\nfail-on: info\n";
  EXPECT_EQ(ckptlint_in(project.path(), "check " + ck).code, 1);
  EXPECT_EQ(ckptlint_in(project.path(), "check " + ck + " --no-config --select layer-types-length").code, 1);
  std::ofstream(project.path() + "/.ckptlint.yaml") << "selekt: [x]\n";
  CliRun bad = ckptlint_in(project.path(), "check " + ck);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find(".ckptlint.yaml:1:1: unknown key 'selekt'"), std::string::npos) << bad.out;
}

// A checkpoint is untrusted: a .ckptlint.yaml inside it never configures its own gate,
// whether the run starts beside it, inside it or above it.
TEST(Cli, a_config_inside_the_checked_directory_changes_nothing) {
  ScratchDir dir("cli-planted");
  std::string ck = make(dir, "layer-types-length/trigger.yaml");
  CliRun honest = ckptlint("check " + ck + " --format json");
  EXPECT_EQ(honest.code, 1);
  std::ofstream(ck + "/.ckptlint.yaml") << "ignore: ['*']\nseverity: {layer-types-length: info}\nbaseline: /dev/zero\nrules: [/]\n";
  for (const std::string& cwd : {ck, dir.path(), std::string("/")}) {
    CliRun planted = ckptlint_in(cwd, "check " + ck + " --format json");
    EXPECT_EQ(planted.code, 1) << cwd;
    // The same findings, and one more that says the file was there and not read.
    nlohmann::json findings = nlohmann::json::parse(planted.out)["findings"];
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings[0]["rule"], "project-config-in-checkpoint") << cwd;
    findings.erase(findings.begin());
    EXPECT_TRUE(findings == nlohmann::json::parse(honest.out)["findings"]) << cwd;
  }
}

TEST(Cli, adapter_against_base_both_ways) {
  ScratchDir dir("cli-adapter");
  std::string root = make(dir, "adapter-target-missing-in-base/trigger.yaml");
  CliRun a = ckptlint("check " + root + "/adapter --base " + root + "/base --select adapter-target-missing-in-base");
  CliRun b = ckptlint("check " + root + "/base --adapter " + root + "/adapter --select adapter-target-missing-in-base");
  EXPECT_EQ(a.code, 1) << a.out;
  EXPECT_EQ(b.code, 1) << b.out;
  EXPECT_NE(a.out.find("error[adapter-target-missing-in-base]"), std::string::npos) << a.out;
}

// check FUSED --base BASE on a checkpoint: its side files against the base's.
TEST(Cli, checkpoint_against_its_base_says_what_side_files_it_lost) {
  ScratchDir dir("cli-checkpoint-base");
  std::string root = make(dir, "stop-tokens-generation-config-lost/trigger-base.yaml");
  // The recipe writes the fused checkpoint where an adapter would go.
  CliRun lost = ckptlint("check " + root + "/adapter --base " + root + "/base --no-values");
  EXPECT_EQ(lost.code, 0) << lost.out;  // a warning: below the default --fail-on
  EXPECT_NE(lost.out.find("warning[stop-tokens-generation-config-lost]"), std::string::npos) << lost.out;
  CliRun same = ckptlint("check " + root + "/base --base " + root + "/base --no-values");
  EXPECT_EQ(same.code, 0) << same.out;
  EXPECT_EQ(same.out.find("-lost]"), std::string::npos) << same.out;
}

// docs/rules.md is generated from the YAML rules; regenerate with UPDATE_GOLDEN=1.
TEST(Cli, docs_rules_md_is_generated_from_the_rules) {
  CliRun r = ckptlint("rules --format markdown");
  ASSERT_EQ(r.code, 0);
  std::string path = testing::fixtures_dir() + "/../docs/rules.md";
  if (std::getenv("UPDATE_GOLDEN") != nullptr) std::ofstream(path) << r.out;
  std::ifstream in(path);
  std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(committed, r.out) << "docs/rules.md is stale: run UPDATE_GOLDEN=1 build/cli_test";
}

TEST(Cli, diff_base_fused_and_adapter) {
  ScratchDir dir("cli-diff");
  std::string root = make(dir, "fuse-scale-mismatch/trigger.yaml");
  std::string args = root + "/base " + root + "/fused";
  CliRun same = ckptlint("diff " + root + "/base " + root + "/base");
  EXPECT_EQ(same.code, 0) << same.out;
  EXPECT_NE(same.out.find("changed values: 0 of"), std::string::npos) << same.out;
  CliRun fused = ckptlint("diff " + args + " --adapter " + root + "/adapter");
  EXPECT_EQ(fused.code, 1) << fused.out;
  EXPECT_NE(fused.out.find("error[fuse-scale-mismatch]"), std::string::npos) << fused.out;
  CliRun json = ckptlint("diff " + args + " --adapter " + root + "/adapter --format json --full");
  EXPECT_EQ(nlohmann::json::parse(json.out)["target"]["kind"], "diff");
  CliRun headers = ckptlint("diff " + args + " --no-values");
  EXPECT_NE(headers.out.find("not compared (headers only: --no-values"), std::string::npos) << headers.out;
  EXPECT_EQ(ckptlint("diff " + root + "/base").code, 2);
  EXPECT_EQ(ckptlint("diff " + args + " --base " + root + "/base").code, 2);
  // The HTML page of the diff: the map of the fused side and the measured scale of the target.
  CliRun page = ckptlint("diff " + args + " --adapter " + root + "/adapter --format html --output " + dir.path() + "/diff.html");
  EXPECT_EQ(page.code, 1) << page.out;
  std::ifstream in(dir.path() + "/diff.html");
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg class=\"layer-map\""), std::string::npos);
  EXPECT_NE(html.find("<section id=\"fuse\">"), std::string::npos);
  EXPECT_NE(html.find("data-unit=\"language_model.model.layers.1.self_attn.q_proj\" data-storage=\"affine-8\" data-severity=\"error\""),
            std::string::npos);
}

}  // namespace
}  // namespace ckptlint
